from odoo import api, fields, models
from odoo.exceptions import UserError

from ..selections import CONFIRMATION_WAYS


class AftersalesComplaintClose(models.TransientModel):
    _name = "aftersales.complaint.close"
    _description = "Close a Complaint with the Customer's Confirmation"

    complaint_ids = fields.Many2many("aftersales.complaint", string="Complaints", required=True)
    confirmed_by = fields.Char(required=True, help="Who, at the customer, confirmed.")
    way = fields.Selection(CONFIRMATION_WAYS, string="How", required=True, default="phone")
    note = fields.Text(help="What the customer said.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "aftersales.complaint" and "complaint_ids" in fields_list:
            values["complaint_ids"] = [fields.Command.set(self.env.context.get("active_ids", []))]
        return values

    def action_close(self):
        """Record the confirmation on each complaint and close it (docs/complaints.md §2)."""
        self.ensure_one()
        if not (self.confirmed_by or "").strip():
            raise UserError(self.env._("Say who, at the customer, confirmed the resolution."))
        complaints = self.complaint_ids
        complaints._close_confirmed(complaints._confirmation_text(self.way, self.confirmed_by, self.note))
        return {"type": "ir.actions.act_window_close"}
