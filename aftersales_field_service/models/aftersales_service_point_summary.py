from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from ..selections import DONE_DISPATCH_STATES, SUMMARY_STATES
from .aftersales_service_point import commit_batch


class AftersalesServicePointSummary(models.Model):
    """A point's quarterly summary: the services done, its receivables, the problems met and its suggestions; due some
    days after the quarter, a missing one is a to-do for the point's responsible (docs/service-network.md §3)."""

    _name = "aftersales.service.point.summary"
    _description = "Service Point Quarterly Summary"
    _inherit = ["aftersales.protected.fields.mixin", "mail.thread"]
    _order = "date_from desc, point_id"
    _workflow_fields = ("state", "submitted_on")
    _frozen_fields = ("point_id", "date_from", "date_to", "due_date")
    _locked_fields = {"can_submit": ("receivables", "problems", "suggestions")}

    # Fields -----------------------------------------------------------------------------------

    point_id = fields.Many2one("aftersales.service.point", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="point_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="Quarter From", required=True)
    date_to = fields.Date(string="Quarter To", required=True)
    due_date = fields.Date(required=True, index=True)
    services_done = fields.Integer(
        compute="_compute_services_done", help="The point's visits done in the quarter, as our records count them."
    )
    receivables = fields.Monetary(help="What the point's customers owe it at the quarter's end.")
    problems = fields.Text()
    suggestions = fields.Text()
    state = fields.Selection(SUMMARY_STATES, default="draft", required=True, readonly=True, tracking=True)
    submitted_on = fields.Date(readonly=True)
    can_submit = fields.Boolean(compute="_compute_can_submit")

    _point_quarter_uniq = models.Constraint("unique(point_id, date_from)", "A point writes one summary per quarter.")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("point_id", "date_from", "date_to")
    def _compute_services_done(self):
        visits = self.env["aftersales.dispatch.order"]
        for summary in self:
            summary.services_done = visits.search_count(summary._visit_domain())

    @api.depends("state")
    def _compute_can_submit(self):
        for summary in self:
            summary.can_submit = summary.state == "draft"

    # Actions ----------------------------------------------------------------------------------

    def action_submit(self):
        """The summary is written: problems and suggestions given (docs/service-network.md §3)."""
        self._check_can("can_submit")
        if any(not (summary.problems or summary.suggestions or "").strip() for summary in self):
            raise UserError(self.env._("Write the problems met or the suggestions before submitting the summary."))
        self._workflow().write({"state": "submitted", "submitted_on": fields.Date.context_today(self)})
        todo = self.env.ref("mail.mail_activity_data_todo")
        titles = {summary._todo_title() for summary in self}
        self.point_id.activity_ids.filtered(
            lambda activity: activity.activity_type_id == todo and activity.summary in titles
        ).action_feedback()

    # Business rules ---------------------------------------------------------------------------

    def _visit_domain(self):
        self.ensure_one()
        start, end = self.point_id.company_id._aftersales_utc_days(self.date_from, self.date_to)
        return [
            ("service_point_id", "=", self.point_id.id), ("state", "in", DONE_DISPATCH_STATES),
            ("checkout_date", ">=", start), ("checkout_date", "<", end),
        ]

    def _todo_title(self):
        self.ensure_one()
        return self.env._("Quarterly summary %(quarter)s", quarter=self.date_from.strftime("%Y-%m"))

    @api.model
    def _open_quarter_and_remind(self):
        """Daily: the approved points get the summary of the quarter just ended; each summary past its due date and
        not submitted gives the responsible one to-do (docs/service-network.md §3)."""
        today = fields.Date.context_today(self)
        quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1) - relativedelta(months=3)
        quarter_end = quarter_start + relativedelta(months=3, days=-1)
        points = self.env["aftersales.service.point"].search([
            ("state", "=", "approved"), ("summary_ids", "not any", [("date_from", "=", quarter_start)]),
            ("approved_on", "<=", quarter_end),
        ])
        for batch in split_every(200, points.ids, lambda ids: points.browse(list(ids))):
            self.create([{
                "point_id": point.id, "date_from": quarter_start, "date_to": quarter_end,
                "due_date": quarter_end + timedelta(days=point.company_id.aftersales_summary_due_days),
            } for point in batch])
            commit_batch(self.env, len(batch))
        for summary in self.search([("state", "=", "draft"), ("due_date", "<", today)]):
            summary.point_id._remind(summary._todo_title(), summary.point_id.user_id, deadline=summary.due_date)
