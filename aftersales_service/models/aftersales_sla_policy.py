from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..selections import COMPLAINT_CHANNELS, COMPLAINT_KINDS, COMPLAINT_PRIORITIES, CUSTOMER_CHANNELS, TIME_MODES

# The criteria a policy may be restricted to, from the complaint's point of view.
MATCH_CRITERIA = ("kind", "priority", "customer_channel", "complaint_channel")


class AftersalesSlaPolicy(models.Model):
    """Service-level targets of complaints, by kind, priority, customer group, intake channel and region
    (docs/sla.md §1). A policy without company applies in every company and is changed only by a user of every
    company (docs/security.md §3)."""

    _name = "aftersales.sla.policy"
    _description = "Complaint Service-Level Policy"
    _inherit = ["aftersales.shared.record.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Among equally specific policies, the first one applies.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Leave empty to apply in every company.")
    kind = fields.Selection(COMPLAINT_KINDS, help="Only for feedback of this kind; empty for every kind.")
    priority = fields.Selection(COMPLAINT_PRIORITIES, help="Only for this priority; empty for every priority.")
    customer_channel = fields.Selection(
        CUSTOMER_CHANNELS,
        string="Customer Group",
        help="Only for customers of this sales channel; empty for every customer.",
    )
    complaint_channel = fields.Selection(
        COMPLAINT_CHANNELS, string="Intake Channel", help="Only for feedback received this way; empty for every way."
    )
    state_ids = fields.Many2many(
        "res.country.state",
        string="Regions",
        help="Only for customers in these states / provinces; empty for every region.",
    )
    response_hours = fields.Float(string="Respond Within (Hours)", default=24.0, required=True)
    response_time = fields.Selection(TIME_MODES, string="Response Counts", default="clock", required=True)
    resolution_hours = fields.Float(string="Resolve Within (Hours)", default=48.0, required=True)
    resolution_time = fields.Selection(TIME_MODES, string="Resolution Counts", default="clock", required=True)
    onsite_days_home = fields.Float(
        string="On Site Within, Own Region (Working Days)",
        default=1.0,
        required=True,
        help="When the customer is in the company's own state / province.",
    )
    onsite_days_away = fields.Float(
        string="On Site Within, Elsewhere (Working Days)", default=3.0, required=True
    )
    at_risk_percent = fields.Integer(
        string="At Risk After (%)",
        default=75,
        required=True,
        help="A deadline is at risk once this share of the time allowed for it has gone.",
    )
    escalation_hours = fields.Float(
        string="Escalate to Manager After (Hours)",
        help="Escalate to the After-Sales manager this many clock hours after intake, whatever the deadlines; "
        "0 escalates on breach only.",
    )
    pause_when_waiting = fields.Boolean(
        string="Pause While Waiting for the Customer",
        default=True,
        help="The clock stops while the complaint waits for the customer's answer.",
    )

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("response_hours", "resolution_hours", "onsite_days_home", "onsite_days_away",
                    "at_risk_percent", "escalation_hours")
    def _check_targets(self):
        """Targets are positive durations; at-risk is a share of them (docs/sla.md §1)."""
        for policy in self:
            if min(policy.response_hours, policy.resolution_hours, policy.onsite_days_home,
                   policy.onsite_days_away) <= 0 or policy.escalation_hours < 0:
                raise ValidationError(self.env._("Service-level targets must be positive durations."))
            if not 0 < policy.at_risk_percent < 100:
                raise ValidationError(self.env._("The at-risk share must lie between 1 and 99 %."))
            if policy.response_hours > policy.resolution_hours:
                raise ValidationError(self.env._("A complaint cannot be resolved before it is answered: "
                                                 "the response target must not exceed the resolution target."))

    # Business rules ---------------------------------------------------------------------------

    def _specificity(self):
        """How many criteria restrict this policy: the most specific matching policy applies (docs/sla.md §1)."""
        return sum(bool(self[criterion]) for criterion in MATCH_CRITERIA) + bool(self.state_ids)

    def _matches(self, values):
        """Whether the complaint described by ``values`` (criterion → value, plus ``region``) is covered."""
        return all(not self[criterion] or self[criterion] == values[criterion] for criterion in MATCH_CRITERIA) and (
            not self.state_ids or values["region"] in self.state_ids
        )

    def _policy_for(self, company, values):
        """Among these policies, the one of a complaint: the most specific active match of its company
        (docs/sla.md §1)."""
        policies = self.filtered(lambda p: p.company_id in (company, p.company_id.browse()) and p._matches(values))
        return policies.sorted(lambda p: (-p._specificity(), p.sequence, p.id))[:1]

    @api.model
    def _add_time(self, company, start, hours, mode):
        """``start`` plus ``hours`` of clock time, or of the company's working time and holidays (docs/sla.md §2)."""
        calendar = company.resource_calendar_id
        if mode == "clock" or not calendar:
            return start + timedelta(hours=hours)
        return calendar.plan_hours(hours, start, compute_leaves=True)

    @api.model
    def _hours_between(self, company, start, end, mode):
        """The time that counts between ``start`` and ``end``, in hours, as ``_add_time`` counts it."""
        calendar = company.resource_calendar_id
        if mode == "clock" or not calendar:
            return max((end - start).total_seconds() / 3600, 0.0)
        if end <= start:
            return 0.0
        return calendar.get_work_hours_count(start, end, compute_leaves=True)

    def _onsite_hours(self, company, partner):
        """On-site target in working hours: own region or elsewhere (docs/sla.md §2)."""
        self.ensure_one()
        home = company._aftersales_home_region(partner)
        days = self.onsite_days_home if home else self.onsite_days_away
        return days * (company.resource_calendar_id.hours_per_day or 8.0)
