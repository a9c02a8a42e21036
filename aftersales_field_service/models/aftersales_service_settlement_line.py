from odoo import api, fields, models
from odoo.tools import SQL

# What a line says, as the settlement collects it (docs/service-network.md §5).
LINE_AMOUNTS = ("visit_fee", "labour_amount", "travel_amount", "parts_amount", "collected")


class AftersalesServiceSettlementLine(models.Model):
    """A visit on a point's settlement with what it earns the point: the database holds each visit in one standing
    settlement at most (docs/service-network.md §5). The settlement writes its lines in one statement, whatever their
    number, and nobody else writes them (docs/service-network.md §7)."""

    _name = "aftersales.service.settlement.line"
    _description = "Service Point Settlement Line"
    _order = "settlement_id, id"

    # Fields -----------------------------------------------------------------------------------

    settlement_id = fields.Many2one(
        "aftersales.service.settlement", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(related="settlement_id.state")
    cancelled = fields.Boolean(
        default=False, readonly=True, help="The settlement was cancelled: the visit is free for another settlement."
    )
    order_id = fields.Many2one(
        "aftersales.dispatch.order", string="Visit", required=True, index=True, ondelete="restrict", readonly=True
    )
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    checkout_date = fields.Datetime(related="order_id.checkout_date", string="Done On")
    service_type = fields.Selection(related="order_id.service_type")
    technician_id = fields.Many2one(related="order_id.technician_id")
    signed_by = fields.Char(related="order_id.signed_by")
    visit_fee = fields.Monetary(readonly=True)
    labour_hours = fields.Float(readonly=True)
    labour_amount = fields.Monetary(string="Labour", readonly=True)
    travel_amount = fields.Monetary(string="Travel", readonly=True)
    parts_amount = fields.Monetary(string="Parts", readonly=True)
    collected = fields.Monetary(string="Collected on Site", readonly=True)
    amount = fields.Monetary(string="To Pay", readonly=True)

    _settled_once = models.UniqueIndex(
        "(order_id) WHERE cancelled IS NOT TRUE", "This visit is already on another settlement of the point."
    )

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _prepare_amount(self, values):
        """What a line pays: its amounts less what was collected on site (docs/service-network.md §5); pure."""
        return sum(values[name] for name in LINE_AMOUNTS if name != "collected") - values["collected"]

    @api.model
    def _insert(self, settlement, values_list):
        """The settlement's lines, inserted in one statement (docs/service-network.md §7): the unique index judges
        each visit as it is written."""
        if not values_list:
            return
        columns = ("order_id", *LINE_AMOUNTS, "labour_hours", "amount")
        arrays = [[values[name] for values in values_list] for name in columns]
        self.env.execute_query(SQL(
            """INSERT INTO aftersales_service_settlement_line
                   (settlement_id, company_id, cancelled, create_uid, create_date, write_uid, write_date,
                    order_id, visit_fee, labour_amount, travel_amount, parts_amount, collected, labour_hours, amount)
               SELECT %s, %s, FALSE, %s, now() AT TIME ZONE 'UTC', %s, now() AT TIME ZONE 'UTC', line.*
               FROM unnest(%s::int[], %s::numeric[], %s::numeric[], %s::numeric[], %s::numeric[], %s::numeric[],
                           %s::float8[], %s::numeric[]) AS line""",
            settlement.id, settlement.company_id.id, self.env.uid, self.env.uid, *arrays,
        ))
        self.invalidate_model()
        settlement.invalidate_recordset(["line_ids"])

    @api.model
    def _delete(self, settlement):
        """A draft's lines, gone before it is collected again."""
        self.env.execute_query(SQL(
            "DELETE FROM aftersales_service_settlement_line WHERE settlement_id = %s", settlement.id
        ))
        self.invalidate_model()
        settlement.invalidate_recordset(["line_ids"])

    @api.model
    def _read_lines(self, settlement):
        """What the settlement's lines say, in one query: [{order_id, amounts, labour_hours}]."""
        rows = self.env.execute_query_dict(SQL(
            """SELECT order_id, visit_fee, labour_amount, travel_amount, parts_amount, collected, labour_hours
               FROM aftersales_service_settlement_line WHERE settlement_id = %s""",
            settlement.id,
        ))
        return [{**row, **{name: float(row[name] or 0.0) for name in (*LINE_AMOUNTS, "labour_hours")}} for row in rows]
