from odoo import fields, models


class AftersalesDispatchReschedule(models.Model):
    """A change of a visit's appointment and its reason, kept with the order (docs/field-service.md §3)."""

    _name = "aftersales.dispatch.reschedule"
    _description = "Dispatch Order Reschedule"
    _order = "create_date desc, id desc"

    order_id = fields.Many2one("aftersales.dispatch.order", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    previous_start = fields.Datetime(readonly=True)
    previous_end = fields.Datetime(readonly=True)
    new_start = fields.Datetime(readonly=True)
    new_end = fields.Datetime(readonly=True)
    reason = fields.Text(required=True, readonly=True)
    requested_by_customer = fields.Boolean(readonly=True, help="The customer asked for another time on the portal.")
