from odoo import api, fields, models, tools
from odoo.tools import SQL

# The figures each change of a delivery record or an RMA line adds to its month, signed:
# (company, product, category, month) → units, quantity delivered, quantity returned by stock returns,
# quantity received back on RMAs.
DELTA_COLUMNS = SQL(
    "company_id, product_id, product_categ_id, month, record_count, delivered_qty, qty_returned, rma_returned_qty"
)
# The statement triggers that append them: (table, event, function, transition tables). A trigger with transition
# tables has one event: one trigger per event, each reading the tables it has.
TRIGGERS = (
    ("aftersales_delivery_record", "INSERT", "records_changed", "NEW TABLE AS new_rows"),
    ("aftersales_delivery_record", "UPDATE", "records_changed", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("aftersales_delivery_record", "DELETE", "records_changed", "OLD TABLE AS old_rows"),
    ("aftersales_rma_line", "INSERT", "lines_insert", "NEW TABLE AS new_rows"),
    ("aftersales_rma_line", "UPDATE", "lines_changed", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("aftersales_rma_line", "DELETE", "lines_delete", "OLD TABLE AS old_rows"),
)


class AftersalesDeliveryMonth(models.Model):
    """The *Delivered Units* report: units delivered and returned per company, product, category and month of
    delivery, a report of its own (After-Sales ▸ Reporting) as Odoo's sales analysis is, and the months the return
    rate reads (docs/delivery-records.md §5).

    The database keeps the figures itself at every change of the delivery records and RMA lines, so that the
    monthly figures of half a million units read in milliseconds. Each statement that inserts, changes or deletes
    delivery records or RMA lines appends the signed differences it makes to ``aftersales_delivery_month_delta``
    (statement triggers: no row is updated in place, so concurrent deliveries never wait for each other); this
    model is the view summing them. A daily job folds the differences into one row per month
    (:meth:`_cron_compact`). Installation and every update rebuild the differences from the records; uninstalling
    drops them (:meth:`_drop_delta`).
    """

    _name = "aftersales.delivery.month"
    _description = "Delivered Units per Month"
    _auto = False
    _order = "month desc, product_id"

    # Fields -----------------------------------------------------------------------------------

    company_id = fields.Many2one("res.company", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_categ_id = fields.Many2one("product.category", string="Product Category", readonly=True)
    month = fields.Date(string="Delivery Month", readonly=True)
    record_count = fields.Integer(
        string="Units", readonly=True, help="Delivery records: one per serial number, lot line or untracked quantity."
    )
    delivered_qty = fields.Float(string="Delivered", readonly=True, help="Quantity delivered, in the product's unit.")
    qty_returned = fields.Float(
        string="Returned by Stock Returns", readonly=True,
        help="Quantity of these deliveries the customers sent back by a return of the delivery.",
    )
    rma_returned_qty = fields.Float(
        string="Received on RMAs", readonly=True,
        help="Quantity of these deliveries received back on RMAs, whenever it came back.",
    )

    # Business rules: the figures the database keeps -------------------------------------------

    def init(self):
        cr = self.env.cr
        cr.execute(SQL("""
            CREATE TABLE IF NOT EXISTS aftersales_delivery_month_delta (
                id bigserial PRIMARY KEY,
                company_id integer NOT NULL,
                product_id integer NOT NULL,
                product_categ_id integer,
                month date NOT NULL,
                record_count integer NOT NULL,
                delivered_qty numeric NOT NULL,
                qty_returned numeric NOT NULL,
                rma_returned_qty numeric NOT NULL
            );
            CREATE INDEX IF NOT EXISTS aftersales_delivery_month_delta_key_idx
                ON aftersales_delivery_month_delta (company_id, product_id, month);

            CREATE OR REPLACE FUNCTION aftersales_delivery_month_records_changed() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    INSERT INTO aftersales_delivery_month_delta (%(columns)s)
                    SELECT company_id, product_id, product_categ_id, date_trunc('month', delivery_date)::date,
                           count(*), sum(quantity), sum(coalesce(qty_returned, 0)), 0
                      FROM new_rows GROUP BY 1, 2, 3, 4;
                ELSIF TG_OP = 'DELETE' THEN
                    INSERT INTO aftersales_delivery_month_delta (%(columns)s)
                    SELECT company_id, product_id, product_categ_id, date_trunc('month', delivery_date)::date,
                           -count(*), -sum(quantity), -sum(coalesce(qty_returned, 0)), 0
                      FROM old_rows GROUP BY 1, 2, 3, 4;
                ELSE
                    -- Only the rows whose month, product or quantities changed move, with what their RMA lines
                    -- received: the others add nothing and read no line.
                    WITH changed AS (
                        SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
                         WHERE (o.company_id, o.product_id, o.product_categ_id, o.delivery_date, o.quantity,
                                coalesce(o.qty_returned, 0))
                               IS DISTINCT FROM (n.company_id, n.product_id, n.product_categ_id, n.delivery_date,
                                                 n.quantity, coalesce(n.qty_returned, 0))
                    ), received AS (
                        SELECT delivery_record_id AS id, sum(qty_received) AS qty FROM aftersales_rma_line
                         WHERE delivery_record_id IN (SELECT id FROM changed) AND recall_id IS NULL
                      GROUP BY delivery_record_id
                    ), moved AS (
                        SELECT o.*, -1 AS sign FROM old_rows o JOIN changed ON changed.id = o.id
                     UNION ALL
                        SELECT n.*, 1 FROM new_rows n JOIN changed ON changed.id = n.id
                    )
                    INSERT INTO aftersales_delivery_month_delta (%(columns)s)
                    SELECT moved.company_id, moved.product_id, moved.product_categ_id,
                           date_trunc('month', moved.delivery_date)::date, sum(sign), sum(sign * moved.quantity),
                           sum(sign * coalesce(moved.qty_returned, 0)), sum(sign * coalesce(received.qty, 0))
                      FROM moved LEFT JOIN received ON received.id = moved.id
                  GROUP BY 1, 2, 3, 4;
                END IF;
                RETURN NULL;
            END $$;

            -- What RMA lines received, counted in the month of their unit's delivery; recall work is not a return.
            CREATE OR REPLACE FUNCTION aftersales_delivery_month_lines_changed() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO aftersales_delivery_month_delta (%(columns)s)
                SELECT record.company_id, record.product_id, record.product_categ_id,
                       date_trunc('month', record.delivery_date)::date, 0, 0, 0, sum(line.qty)
                  FROM (
                        SELECT delivery_record_id, -coalesce(qty_received, 0) AS qty FROM old_rows
                         WHERE recall_id IS NULL
                     UNION ALL
                        SELECT delivery_record_id, coalesce(qty_received, 0) FROM new_rows WHERE recall_id IS NULL
                       ) line
                  JOIN aftersales_delivery_record record ON record.id = line.delivery_record_id
              GROUP BY 1, 2, 3, 4
                HAVING sum(line.qty) <> 0;
                RETURN NULL;
            END $$;
        """, columns=DELTA_COLUMNS))
        for event, sign, rows in (("insert", SQL(""), SQL("new_rows")), ("delete", SQL("-"), SQL("old_rows"))):
            cr.execute(SQL("""
                CREATE OR REPLACE FUNCTION %(function)s() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO aftersales_delivery_month_delta (%(columns)s)
                    SELECT record.company_id, record.product_id, record.product_categ_id,
                           date_trunc('month', record.delivery_date)::date, 0, 0, 0,
                           %(sign)ssum(coalesce(line.qty_received, 0))
                      FROM %(rows)s line
                      JOIN aftersales_delivery_record record ON record.id = line.delivery_record_id
                     WHERE line.recall_id IS NULL
                  GROUP BY 1, 2, 3, 4
                    HAVING sum(coalesce(line.qty_received, 0)) <> 0;
                    RETURN NULL;
                END $$;
            """, function=self._delta_function(f"lines_{event}"), columns=DELTA_COLUMNS,
                sign=sign, rows=rows))
        for table, event, function, tables in TRIGGERS:
            trigger = SQL.identifier(f"{table}_month_{event.lower()}")
            cr.execute(SQL("DROP TRIGGER IF EXISTS %s ON %s", trigger, SQL.identifier(table)))
            cr.execute(SQL(
                "CREATE TRIGGER %s AFTER %s ON %s REFERENCING %s FOR EACH STATEMENT EXECUTE FUNCTION %s()",
                trigger, SQL(event), SQL.identifier(table), SQL(tables), self._delta_function(function),
            ))
        # Rebuilt from the records at installation and every update: the differences always add up.
        cr.execute(SQL("""
            TRUNCATE aftersales_delivery_month_delta;
            INSERT INTO aftersales_delivery_month_delta (%(columns)s)
            SELECT record.company_id, record.product_id, record.product_categ_id,
                   date_trunc('month', record.delivery_date)::date, count(*), sum(record.quantity),
                   sum(coalesce(record.qty_returned, 0)), coalesce(sum(received.qty), 0)
              FROM aftersales_delivery_record record
         LEFT JOIN (SELECT delivery_record_id, sum(qty_received) AS qty FROM aftersales_rma_line
                     WHERE delivery_record_id IS NOT NULL AND recall_id IS NULL GROUP BY delivery_record_id) received
                    ON received.delivery_record_id = record.id
          GROUP BY 1, 2, 3, 4
        """, columns=DELTA_COLUMNS))
        tools.drop_view_if_exists(cr, self._table)
        cr.execute(SQL("""
            CREATE VIEW %(table)s AS (
                SELECT min(id) AS id, company_id, product_id, product_categ_id, month,
                       sum(record_count)::integer AS record_count, sum(delivered_qty) AS delivered_qty,
                       sum(qty_returned) AS qty_returned, sum(rma_returned_qty) AS rma_returned_qty
                  FROM aftersales_delivery_month_delta
              GROUP BY company_id, product_id, product_categ_id, month
                HAVING sum(record_count) <> 0 OR sum(rma_returned_qty) <> 0
            )
        """, table=SQL.identifier(self._table)))

    @api.model
    def _delta_function(self, function):
        """The database function a trigger of ``TRIGGERS`` runs."""
        return SQL.identifier(f"aftersales_delivery_month_{function}")

    @api.model
    def _drop_delta(self):
        """Uninstalling drops what :meth:`init` made beside the ORM: the triggers with their functions, the table of
        differences and the views that read it (docs/delivery-records.md §5)."""
        functions = sorted({function for _table, _event, function, _tables in TRIGGERS})
        self.env.cr.execute(SQL(
            "DROP FUNCTION IF EXISTS %s CASCADE; DROP TABLE IF EXISTS aftersales_delivery_month_delta CASCADE",
            SQL(", ").join(SQL("%s()", self._delta_function(function)) for function in functions),
        ))

    @api.model
    def _cron_compact(self):
        """Fold the differences into one row per month: the view then sums a few rows per product
        (docs/delivery-records.md §5)."""
        self.env.cr.execute(SQL("""
            WITH folded AS (DELETE FROM aftersales_delivery_month_delta RETURNING %(columns)s)
            INSERT INTO aftersales_delivery_month_delta (%(columns)s)
            SELECT company_id, product_id, product_categ_id, month, sum(record_count), sum(delivered_qty),
                   sum(qty_returned), sum(rma_returned_qty)
              FROM folded
          GROUP BY company_id, product_id, product_categ_id, month
            HAVING sum(record_count) <> 0 OR sum(delivered_qty) <> 0 OR sum(qty_returned) <> 0
                OR sum(rma_returned_qty) <> 0
        """, columns=DELTA_COLUMNS))
