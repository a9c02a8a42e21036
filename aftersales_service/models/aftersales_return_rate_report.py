from odoo import fields, models, tools
from odoo.tools import SQL


class AftersalesReturnRateReport(models.Model):
    """Units received back per hundred delivered, per product and month of delivery, and over the twelve months
    up to it (docs/rma.md §12)."""

    _name = "aftersales.return.rate.report"
    _description = "Return Rate"
    _auto = False
    _order = "month desc, product_id"
    # Grouped rates are total returned / total delivered of the group: rate → (returned, delivered).
    _rate_parts = {
        "return_rate": ("returned_qty", "delivered_qty"),
        "rolling_return_rate": ("rolling_returned_qty", "rolling_delivered_qty"),
    }

    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    month = fields.Date(string="Delivery Month", readonly=True)
    delivered_qty = fields.Float(string="Delivered", readonly=True)
    returned_qty = fields.Float(string="Returned", readonly=True, help="Units of these deliveries received back.")
    return_rate = fields.Float(
        string="Return Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Units received back per hundred delivered, over the rows shown or grouped.",
    )
    rolling_delivered_qty = fields.Float(
        string="Delivered (12 Months)", readonly=True, help="Units of the product delivered in the twelve months "
        "up to this one."
    )
    rolling_returned_qty = fields.Float(
        string="Returned (12 Months)", readonly=True, help="Units of those deliveries received back."
    )
    rolling_return_rate = fields.Float(
        string="Return Rate, 12 Months (%)",
        readonly=True,
        aggregator="avg",
        help="Units received back per hundred delivered over the twelve months up to this one, per product.",
    )

    def _read_group_select(self, aggregate_spec, query):
        """A grouped return rate is total returned / total delivered, not the mean of the rows' rates (docs/rma.md §12)."""
        field_name, __, function = aggregate_spec.partition(":")
        if function != "avg" or field_name not in self._rate_parts:
            return super()._read_group_select(aggregate_spec, query)
        returned, delivered = self._rate_parts[field_name]
        return SQL(
            "100.0 * SUM(%(returned)s) / NULLIF(SUM(%(delivered)s), 0)",
            returned=self._field_to_sql(self._table, returned, query),
            delivered=self._field_to_sql(self._table, delivered, query),
        )

    def init(self):
        """The return rate of each month's deliveries per product: units of them received on RMAs / units
        delivered, and the same over the twelve months up to it (docs/rma.md §12).

        The months come from the monthly figures the database keeps (``aftersales.delivery.month``): the report
        reads a few rows per product and month, not the delivery records. A product has a row in each month of
        the twelve-month windows its deliveries fall in, delivered or not that month, up to the company's last
        month of deliveries: every month's twelve-month figures then count every product delivered in those
        twelve months.
        """
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE VIEW %(table)s AS (
                WITH cohorts AS (
                    SELECT company_id, product_id, product_categ_id, month, delivered_qty,
                           rma_returned_qty AS returned_qty, max(month) OVER (PARTITION BY company_id) AS last_month
                      FROM aftersales_delivery_month
                ), windows AS (
                    -- A delivery month and the eleven after it, up to the company's last month of deliveries.
                    SELECT DISTINCT company_id, product_id, product_categ_id, window_month::date AS month
                      FROM cohorts,
                           generate_series(
                               month, LEAST(month + INTERVAL '11 months', last_month), INTERVAL '1 month'
                           ) window_month
                ), months AS (
                    SELECT windows.company_id, windows.product_id, windows.product_categ_id, windows.month,
                           coalesce(cohorts.delivered_qty, 0) AS delivered_qty,
                           coalesce(cohorts.returned_qty, 0) AS returned_qty
                      FROM windows
                 LEFT JOIN cohorts
                        ON cohorts.company_id = windows.company_id AND cohorts.product_id = windows.product_id
                       AND cohorts.product_categ_id IS NOT DISTINCT FROM windows.product_categ_id
                       AND cohorts.month = windows.month
                )
                SELECT row_number() OVER (ORDER BY company_id, product_id, product_categ_id, month) AS id,
                       company_id, product_id, product_categ_id, month, delivered_qty, returned_qty,
                       100.0 * returned_qty / NULLIF(delivered_qty, 0) AS return_rate,
                       SUM(delivered_qty) OVER rolling AS rolling_delivered_qty,
                       SUM(returned_qty) OVER rolling AS rolling_returned_qty,
                       100.0 * SUM(returned_qty) OVER rolling / NULLIF(SUM(delivered_qty) OVER rolling, 0)
                           AS rolling_return_rate
                  FROM months
                WINDOW rolling AS (
                    PARTITION BY company_id, product_id, product_categ_id
                    ORDER BY month RANGE BETWEEN INTERVAL '11 months' PRECEDING AND CURRENT ROW
                )
            )
            """,
            table=SQL.identifier(self._table),
        ))
