from odoo import api, fields, models


class AftersalesDispatchRescheduleWizard(models.TransientModel):
    _name = "aftersales.dispatch.reschedule.wizard"
    _description = "Reschedule a Visit"

    order_id = fields.Many2one("aftersales.dispatch.order", required=True, ondelete="cascade")
    appointment_start = fields.Datetime(string="New Appointment", required=True)
    appointment_end = fields.Datetime(string="Until", required=True)
    reason = fields.Text(required=True, help="Why the visit moves: kept with the order.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        order = self.env["aftersales.dispatch.order"].browse(values.get("order_id"))
        if order:
            values.setdefault("appointment_start", order.appointment_start)
            values.setdefault("appointment_end", order.appointment_end)
        return values

    def action_reschedule(self):
        """The order's own rule moves the visit and keeps the reason (docs/field-service.md §3)."""
        self.ensure_one()
        self.order_id._check_can("can_reschedule")
        self.order_id._reschedule(self.appointment_start, self.appointment_end, self.reason)
        return {"type": "ir.actions.act_window_close"}
