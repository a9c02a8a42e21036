from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..selections import ACTION_TYPES, EFFECTIVENESS


class AftersalesCorrectiveAction(models.Model):
    """A corrective or preventive action answering a complaint, verified by someone other than its owner
    (docs/complaints.md §3)."""

    _name = "aftersales.corrective.action"
    _description = "Corrective or Preventive Action"
    _inherit = ["mail.thread", "mail.activity.mixin", "aftersales.protected.fields.mixin"]
    _order = "date_deadline, id"
    _check_company_auto = True
    _workflow_fields = ("date_done", "effectiveness", "verified_by_id", "verification_date")
    _frozen_fields = ("complaint_id",)
    _locked_fields = {
        "can_mark_done": ("name", "action_type", "department_id", "user_id", "date_deadline"),
        "can_verify": ("verification_note",),
    }

    # Fields -----------------------------------------------------------------------------------

    complaint_id = fields.Many2one(
        "aftersales.complaint", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="complaint_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="complaint_id.partner_id", store=True, string="Customer")
    name = fields.Char(string="Action", required=True, tracking=True)
    action_type = fields.Selection(ACTION_TYPES, string="Type", default="corrective", required=True, tracking=True)
    department_id = fields.Many2one("aftersales.department")
    user_id = fields.Many2one(
        "res.users", string="Owner", required=True, default=lambda self: self.env.user, tracking=True, check_company=True,
    )
    date_deadline = fields.Date(string="Due Date", required=True, tracking=True)
    date_done = fields.Date(string="Done On", readonly=True, copy=False, tracking=True)
    effectiveness = fields.Selection(EFFECTIVENESS, default="pending", required=True, readonly=True, tracking=True)
    verification_note = fields.Text(help="How the effectiveness was checked.")
    verified_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    verification_date = fields.Date(readonly=True, copy=False)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue")
    can_mark_done = fields.Boolean(compute="_compute_can")
    can_verify = fields.Boolean(compute="_compute_can")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("date_deadline", "date_done")
    def _compute_is_overdue(self):
        for action in self:
            action.is_overdue = bool(
                not action.date_done and action.date_deadline
                and action.date_deadline < action.company_id._aftersales_today()
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = [("date_done", "=", False), ("date_deadline", "<", self.env.company._aftersales_today())]
        return domain if (operator == "in") == (True in value) else ["!", *domain]

    @api.depends("date_done", "effectiveness")
    def _compute_can(self):
        """What can be done with the action now: the buttons shown and the actions' own guards
        (docs/complaints.md §3)."""
        for action in self:
            action.can_mark_done = not action.date_done
            action.can_verify = bool(action.date_done) and action.effectiveness == "pending"

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("date_deadline", "complaint_id")
    def _check_deadline(self):
        """An action cannot be due before the day the complaint it answers was received (docs/complaints.md §3)."""
        for action in self:
            received = action.company_id._aftersales_date(action.complaint_id.date_received)
            if action.date_deadline and action.date_deadline < received:
                raise ValidationError(self.env._("The due date of %(action)s is before the complaint was received.",
                                                 action=action.name))

    @api.constrains("action_type")
    def _check_complaint_keeps_corrective(self):
        """A resolved complaint caused by us keeps a corrective action (docs/complaints.md §3)."""
        self.complaint_id._check_resolved_corrective()

    # CRUD -------------------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_last_corrective(self):
        """The last corrective action of a resolved complaint caused by us stays (docs/complaints.md §3)."""
        for complaint, actions in self.grouped("complaint_id").items():
            if complaint._needs_corrective_action() and not (
                complaint.action_ids - actions
            ).filtered(lambda action: action.action_type == "corrective"):
                raise UserError(self.env._(
                    "%(complaint)s is resolved and caused by us: its last corrective action cannot be deleted.",
                    complaint=complaint.name,
                ))

    # Actions ----------------------------------------------------------------------------------

    def action_done(self):
        """The owner carried the action out (docs/complaints.md §3)."""
        self._start_transition("can_mark_done", self.env._("This action is already done."))
        for company, actions in self.grouped("company_id").items():
            actions._workflow().write({"date_done": company._aftersales_today()})

    def action_verify_effective(self):
        self._verify("effective")

    def action_verify_not_effective(self):
        """Not effective: the action is verified as such and the complaint's responsible gets a to-do to plan a
        follow-up action (docs/complaints.md §3)."""
        self._verify("not_effective")
        for action in self:
            complaint = action.complaint_id
            complaint.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=(complaint.user_id or action.user_id).id,
                summary=self.env._("Plan a follow-up: %(action)s was not effective", action=action.name),
            )

    # Business rules ---------------------------------------------------------------------------

    def _verify(self, effectiveness):
        """Verification of effectiveness, after the action is done, by someone other than its owner
        (docs/complaints.md §3)."""
        if self.filtered(lambda action: not action.date_done):
            raise UserError(self.env._("Only an action that is done can be verified."))
        self._start_transition("can_verify", self.env._("This action is already verified."))
        if self.filtered(lambda action: not action.verification_note):
            raise UserError(self.env._("Say how the effectiveness was checked first."))
        if self.filtered(lambda action: action.user_id == self.env.user):
            raise UserError(self.env._("The owner of an action cannot verify its effectiveness."))
        for company, actions in self.grouped("company_id").items():
            actions._workflow().write({
                "effectiveness": effectiveness,
                "verified_by_id": self.env.uid,
                "verification_date": company._aftersales_today(),
            })
