from datetime import datetime, time, timedelta

from odoo import fields, models
from odoo.exceptions import UserError


class AftersalesContactLog(models.TransientModel):
    _name = "aftersales.contact.log"
    _description = "Print the Contact Log of a Period"

    date_from = fields.Date(required=True, default=lambda self: fields.Date.context_today(self).replace(day=1))
    date_to = fields.Date(required=True, default=fields.Date.context_today)

    def action_print(self):
        """The contact log: every piece of feedback received in the period, its days read in the company's time
        zone (docs/complaints.md §1)."""
        self.ensure_one()
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period ends before it starts."))
        company = self.env.company
        start = company._aftersales_utc(datetime.combine(self.date_from, time.min))
        end = company._aftersales_utc(datetime.combine(self.date_to + timedelta(days=1), time.min))
        complaints = self.env["aftersales.complaint"].search(
            [("date_received", ">=", start), ("date_received", "<", end)], order="date_received"
        )
        if not complaints:
            raise UserError(self.env._("Nothing was received in this period."))
        return self.env.ref("aftersales_service.action_report_contact_log").report_action(
            complaints, data={"date_from": str(self.date_from), "date_to": str(self.date_to)}
        )
