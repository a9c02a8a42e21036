from odoo import fields, models, tools
from odoo.tools import SQL


class AftersalesReturnRateReport(models.Model):
    """Units received back per hundred delivered, per product and month (docs/rma.md §12)."""

    _name = "aftersales.return.rate.report"
    _description = "Return Rate"
    _auto = False
    _order = "month desc, product_id"

    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    month = fields.Date(readonly=True)
    delivered_qty = fields.Float(string="Delivered", readonly=True)
    returned_qty = fields.Float(string="Returned", readonly=True)
    return_rate = fields.Float(
        string="Return Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Units received back per hundred delivered, over the rows shown or grouped.",
    )

    def _read_group_select(self, aggregate_spec, query):
        """A grouped return rate is total returned / total delivered, not the mean of the rows' rates (docs/rma.md §12)."""
        if aggregate_spec != "return_rate:avg":
            return super()._read_group_select(aggregate_spec, query)
        return SQL(
            "100.0 * SUM(%(returned)s) / NULLIF(SUM(%(delivered)s), 0)",
            returned=self._field_to_sql(self._table, "returned_qty", query),
            delivered=self._field_to_sql(self._table, "delivered_qty", query),
        )

    def init(self):
        """Monthly return rate per product: RMA units received / units delivered (docs/rma.md §12).

        Both days are read in the company's time zone: the delivery date and the receipt date.
        """
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL(
            """
            CREATE VIEW %(table)s AS (
                SELECT row_number() OVER (ORDER BY month, product_id, company_id) AS id,
                       company_id, product_id, product_categ_id, month,
                       SUM(delivered) AS delivered_qty,
                       SUM(returned) AS returned_qty,
                       CASE WHEN SUM(delivered) > 0 THEN 100.0 * SUM(returned) / SUM(delivered) END AS return_rate
                  FROM (
                        SELECT record.company_id, record.product_id, record.product_categ_id,
                               date_trunc('month', record.delivery_date)::date AS month,
                               record.quantity AS delivered, 0 AS returned
                          FROM aftersales_delivery_record record
                     UNION ALL
                        SELECT line.company_id, line.product_id, template.categ_id,
                               date_trunc('month', line.receipt_date)::date, 0, line.qty_received
                          FROM aftersales_rma_line line
                          JOIN product_product product ON product.id = line.product_id
                          JOIN product_template template ON template.id = product.product_tmpl_id
                         WHERE line.receipt_date IS NOT NULL
                       ) movements
              GROUP BY company_id, product_id, product_categ_id, month
            )
            """,
            table=SQL.identifier(self._table),
        ))
