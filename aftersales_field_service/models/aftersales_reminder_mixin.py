from odoo import models


class AftersalesReminderMixin(models.AbstractModel):
    """A scheduled job's reminder on a record: a to-do for the responsible, given once while it stays open
    (docs/service-network.md §7)."""

    _name = "aftersales.reminder.mixin"
    _description = "After-Sales Reminder"
    _inherit = ["mail.activity.mixin"]

    def _remind(self, summary, user, deadline=None, note=None):
        """A to-do of ``summary`` for ``user`` (else the company's after-sales responsible), unless one of the same
        summary is still open on the record."""
        self.ensure_one()
        todo = self.env.ref("mail.mail_activity_data_todo")
        if self.activity_ids.filtered(lambda activity: activity.activity_type_id == todo and activity.summary == summary):
            return
        self.activity_schedule(
            "mail.mail_activity_data_todo", date_deadline=deadline, summary=summary, note=note,
            user_id=self.company_id._aftersales_assignee(user).id,
        )
