from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

ACTION_TYPES = [("corrective", "Corrective"), ("preventive", "Preventive")]
EFFECTIVENESS = [("pending", "To Verify"), ("effective", "Effective"), ("not_effective", "Not Effective")]


class AftersalesCorrectiveAction(models.Model):
    _name = "aftersales.corrective.action"
    _description = "Corrective or Preventive Action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_deadline, id"
    _check_company_auto = True

    complaint_id = fields.Many2one(
        "aftersales.complaint", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="complaint_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="complaint_id.partner_id", store=True, string="Customer")
    name = fields.Char(string="Action", required=True, tracking=True)
    action_type = fields.Selection(ACTION_TYPES, string="Type", default="corrective", required=True, tracking=True)
    department_id = fields.Many2one("aftersales.department")
    user_id = fields.Many2one(
        "res.users", string="Owner", required=True, default=lambda self: self.env.user, tracking=True,
        check_company=True,
    )
    date_deadline = fields.Date(string="Due Date", required=True, tracking=True)
    date_done = fields.Date(string="Done On", readonly=True, copy=False, tracking=True)
    effectiveness = fields.Selection(EFFECTIVENESS, default="pending", required=True, readonly=True, tracking=True)
    verification_note = fields.Text(help="How the effectiveness was checked.")
    verified_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    verification_date = fields.Date(readonly=True, copy=False)
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue")

    @api.depends("date_deadline", "date_done")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.is_overdue = bool(not action.date_done and action.date_deadline and action.date_deadline < today)

    def _search_is_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = [("date_done", "=", False), ("date_deadline", "<", fields.Date.context_today(self))]
        return domain if (operator == "in") == (True in value) else ["!", *domain]

    @api.constrains("date_deadline", "complaint_id")
    def _check_deadline(self):
        """An action cannot be due before the complaint it answers was received (SPEC 4)."""
        for action in self:
            if action.date_deadline and action.date_deadline < action.complaint_id.date_received.date():
                raise ValidationError(self.env._("The due date of %(action)s is before the complaint was received.",
                                                 action=action.name))

    def action_done(self):
        """The owner carried the action out (SPEC 4, [001] 5.5.1)."""
        if self.filtered("date_done"):
            raise UserError(self.env._("This action is already done."))
        self.write({"date_done": fields.Date.context_today(self)})

    def _verify(self, effectiveness):
        """Verification of effectiveness, after the action is done, by someone other than its owner ([002] C)."""
        if self.filtered(lambda action: not action.date_done):
            raise UserError(self.env._("Only an action that is done can be verified."))
        if self.filtered(lambda action: action.effectiveness != "pending"):
            raise UserError(self.env._("This action is already verified."))
        if self.filtered(lambda action: not action.verification_note):
            raise UserError(self.env._("Say how the effectiveness was checked first."))
        if self.filtered(lambda action: action.user_id == self.env.user):
            raise UserError(self.env._("The owner of an action cannot verify its effectiveness."))
        self.write({
            "effectiveness": effectiveness,
            "verified_by_id": self.env.uid,
            "verification_date": fields.Date.context_today(self),
        })

    def action_verify_effective(self):
        self._verify("effective")

    def action_verify_not_effective(self):
        """Not effective: the action is verified as such and a follow-up action is due."""
        self._verify("not_effective")
