from odoo import api, fields, models


class AftersalesServiceSettlementLine(models.Model):
    """A visit on a point's settlement with what it earns the point: the database holds each visit in one standing
    settlement at most (docs/service-network.md §5)."""

    _name = "aftersales.service.settlement.line"
    _description = "Service Point Settlement Line"
    _order = "settlement_id, id"

    # Fields -----------------------------------------------------------------------------------

    settlement_id = fields.Many2one("aftersales.service.settlement", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="settlement_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    state = fields.Selection(related="settlement_id.state", store=True)
    order_id = fields.Many2one("aftersales.dispatch.order", string="Visit", required=True, ondelete="restrict")
    partner_id = fields.Many2one(related="order_id.partner_id", string="Customer")
    checkout_date = fields.Datetime(related="order_id.checkout_date", string="Done On")
    service_type = fields.Selection(related="order_id.service_type")
    technician_id = fields.Many2one(related="order_id.technician_id")
    signed_by = fields.Char(related="order_id.signed_by")
    visit_fee = fields.Monetary()
    labour_hours = fields.Float()
    labour_amount = fields.Monetary(string="Labour")
    travel_amount = fields.Monetary(string="Travel")
    parts_amount = fields.Monetary(string="Parts")
    collected = fields.Monetary(string="Collected on Site")
    amount = fields.Monetary(compute="_compute_amount", store=True, string="To Pay")

    _settled_once = models.UniqueIndex(
        # A line is written before its state follows from the settlement's: it counts until it is cancelled.
        "(order_id) WHERE state IS DISTINCT FROM 'cancel'", "This visit is already on another settlement of the point."
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("visit_fee", "labour_amount", "travel_amount", "parts_amount", "collected")
    def _compute_amount(self):
        for line in self:
            line.amount = line.visit_fee + line.labour_amount + line.travel_amount + line.parts_amount - line.collected
