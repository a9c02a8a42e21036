from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from .aftersales_complaint import OPEN_STATES

SLA_STATES = [("on_track", "On Track"), ("at_risk", "At Risk"), ("breached", "Breached"), ("met", "Met")]

# Fields whose change moves the service-level state; the escalation job moves it with time.
SLA_INPUTS = {
    "state", "response_deadline", "resolution_deadline", "onsite_deadline", "onsite_required",
    "first_response_date", "onsite_date", "resolved_date", "sla_paused", "resolution_start",
}


class AftersalesComplaint(models.Model):
    # A concept of its own, split off to keep the model's files small.
    _inherit = "aftersales.complaint"  # pylint: disable=consider-merging-classes-inherited

    sla_policy_id = fields.Many2one("aftersales.sla.policy", string="SLA Policy", readonly=True, copy=False)
    response_deadline = fields.Datetime(readonly=True, copy=False, tracking=True)
    resolution_deadline = fields.Datetime(readonly=True, copy=False, tracking=True)
    resolution_start = fields.Datetime(
        readonly=True, copy=False, help="When the resolution clock started: intake, or the last reopening."
    )
    onsite_required = fields.Boolean(
        string="On-Site Visit Needed",
        compute="_compute_onsite_required",
        store=True,
        readonly=False,
        help="Someone of ours must go to the customer's site.",
    )
    onsite_deadline = fields.Datetime(string="On Site By", readonly=True, copy=False, tracking=True)
    first_response_date = fields.Datetime(string="Responded On", readonly=True, copy=False)
    onsite_date = fields.Datetime(string="On Site On", readonly=True, copy=False)
    resolved_date = fields.Datetime(string="Resolved On", readonly=True, copy=False)
    waiting_customer = fields.Boolean(string="Waiting for Customer", readonly=True, copy=False, tracking=True)
    sla_paused = fields.Boolean(
        string="Clock Paused", readonly=True, copy=False, index=True,
        help="Waiting for the customer, under a policy that stops the clock meanwhile.",
    )
    paused_since = fields.Datetime(readonly=True, copy=False)
    sla_state = fields.Selection(SLA_STATES, string="SLA", default="on_track", readonly=True, copy=False, index=True)
    sla_notified = fields.Selection(
        [("none", "Nothing"), ("at_risk", "At Risk"), ("breached", "Breached")],
        string="Escalated Event", default="none", required=True, readonly=True, copy=False,
        help="The last service-level event the escalation job announced for the current deadlines.",
    )
    sla_next_deadline = fields.Datetime(
        string="Next Deadline", readonly=True, copy=False, help="The earliest deadline not met yet."
    )
    sla_risk_date = fields.Datetime(
        string="At Risk From", readonly=True, copy=False, help="When the earliest open deadline becomes at risk."
    )
    escalation_deadline = fields.Datetime(
        string="Escalate By", readonly=True, copy=False,
        help="The manager is told by then, whatever the state of the deadlines.",
    )
    escalated_date = fields.Datetime(string="Escalated On", readonly=True, copy=False)
    response_hours = fields.Float(
        string="Response Time (Hours)", compute="_compute_durations", store=True, aggregator="avg"
    )
    resolution_hours = fields.Float(
        string="Resolution Time (Hours)", compute="_compute_durations", store=True, aggregator="avg"
    )
    sla_met_percent = fields.Float(
        string="SLA Compliance (%)", compute="_compute_sla_met_percent", store=True, aggregator="avg",
        help="100 when every deadline was met, 0 when one was breached; averaged over complaints in reports.",
    )

    _open_sla_idx = models.Index("(sla_next_deadline, sla_risk_date) WHERE state IN ('new', 'acknowledged', 'investigating')")

    @api.depends("kind")
    def _compute_onsite_required(self):
        for complaint in self:
            complaint.onsite_required = complaint.kind in ("complaint", "service_request")

    @api.depends("date_received", "first_response_date", "resolved_date")
    def _compute_durations(self):
        for complaint in self:
            start = complaint.date_received
            complaint.response_hours = complaint.first_response_date and (
                complaint.first_response_date - start).total_seconds() / 3600
            complaint.resolution_hours = complaint.resolved_date and (
                complaint.resolved_date - start).total_seconds() / 3600

    @api.depends("sla_state")
    def _compute_sla_met_percent(self):
        for complaint in self:
            complaint.sla_met_percent = {"met": 100.0, "breached": 0.0}.get(complaint.sla_state, False)

    def _sla_values(self):
        """What decides the SLA policy of a complaint (SPEC 4)."""
        return {
            "kind": self.kind,
            "priority": self.priority,
            "customer_channel": self.partner_id.commercial_partner_id.aftersales_channel,
            "complaint_channel": self.channel,
            "region": self.partner_id.state_id,
        }

    def _apply_sla_policy(self):
        """Deadlines from the matching policy, counted from intake (SPEC 4, [002] 3.1)."""
        policies = self.env["aftersales.sla.policy"]
        candidates = policies.search([("company_id", "in", [False, *self.company_id.ids])])
        for complaint in self:
            policy = candidates._policy_for(complaint.company_id, complaint._sla_values())
            start = complaint.date_received
            company = complaint.company_id
            values = {"sla_policy_id": policy.id, "resolution_start": start}
            if policy:
                values.update(
                    response_deadline=policies._add_time(company, start, policy.response_hours, policy.response_time),
                    resolution_deadline=policies._add_time(
                        company, start, policy.resolution_hours, policy.resolution_time
                    ),
                    onsite_deadline=policies._add_time(
                        company, start, policy._onsite_hours(company, complaint.partner_id), "working"
                    ),
                    escalation_deadline=policy.escalation_hours and start + timedelta(hours=policy.escalation_hours),
                )
            complaint.write(values)

    def _restart_resolution_clock(self):
        """Reopening restarts the resolution target from now, with events of its own (SPEC 4)."""
        now = fields.Datetime.now()
        for complaint in self.filtered("sla_policy_id"):
            policy = complaint.sla_policy_id
            complaint.write({
                "sla_notified": "none",
                "resolution_start": now,
                "resolution_deadline": policy._add_time(
                    complaint.company_id, now, policy.resolution_hours, policy.resolution_time
                ),
            })

    def action_wait_customer(self):
        """Waiting for the customer's answer; the clock stops when the policy says so (SPEC 4)."""
        self._check_state(*OPEN_STATES)
        if self.filtered("waiting_customer"):
            raise UserError(self.env._("The complaint is already waiting for the customer."))
        now = fields.Datetime.now()
        for complaint in self:
            paused = complaint.sla_policy_id.pause_when_waiting
            complaint.write({"waiting_customer": True, "sla_paused": paused, "paused_since": paused and now})

    def action_resume(self):
        """The customer answered: open deadlines move by the time the clock stood still (SPEC 4)."""
        if self.filtered(lambda complaint: not complaint.waiting_customer):
            raise UserError(self.env._("The complaint is not waiting for the customer."))
        now = fields.Datetime.now()
        for complaint in self:
            values = {"waiting_customer": False, "sla_paused": False, "paused_since": False}
            if complaint.sla_paused:
                policy = complaint.sla_policy_id
                for deadline, done, mode in complaint._sla_targets(policy):
                    if not complaint[done] and complaint[deadline]:
                        values[deadline] = complaint._shifted(complaint[deadline], now, mode)
            complaint.write(values)

    def _shifted(self, deadline, resume, mode):
        """The deadline after a pause: the time that was left when the clock stopped, from ``resume``."""
        policies = self.env["aftersales.sla.policy"]
        left = policies._working_hours_between(self.company_id, self.paused_since, deadline, mode)
        return policies._add_time(self.company_id, resume, left, mode)

    def _sla_targets(self, policy=None):
        """(deadline field, timestamp field, time mode) of each target the complaint has (SPEC 4)."""
        policy = policy or self.sla_policy_id
        targets = [
            ("response_deadline", "first_response_date", policy.response_time or "clock"),
            ("resolution_deadline", "resolved_date", policy.resolution_time or "clock"),
        ]
        if self.onsite_required:
            targets.append(("onsite_deadline", "onsite_date", "working"))
        return targets

    def _sla_snapshot(self, now):
        """State, next deadline and at-risk date of the service level at ``now`` (SPEC 4)."""
        self.ensure_one()
        if self.sla_paused and self.paused_since:
            now = self.paused_since
        risk_share = (self.sla_policy_id.at_risk_percent or 75) / 100
        starts = {"resolution_deadline": self.resolution_start or self.date_received}
        breached, pending_deadlines, risk_dates = False, [], []
        for deadline_field, done_field, _mode in self._sla_targets():
            deadline, done = self[deadline_field], self[done_field]
            if not deadline:
                continue
            if done:
                breached = breached or done > deadline
                continue
            if self.state not in OPEN_STATES:
                continue
            breached = breached or now > deadline
            start = starts.get(deadline_field, self.date_received)
            pending_deadlines.append(deadline)
            risk_dates.append(start + (deadline - start) * risk_share)
        if breached:
            state = "breached"
        elif not pending_deadlines:
            state = "met" if self.state in ("resolved", "closed") else "on_track"
        else:
            state = "at_risk" if now >= min(risk_dates) else "on_track"
        return state, min(pending_deadlines, default=False), min(risk_dates, default=False)

    def _update_sla_state(self):
        """Store the service level the deadlines and timestamps give now (SPEC 4)."""
        now = fields.Datetime.now()
        for complaint in self:
            if complaint.state == "cancel":
                continue
            state, next_deadline, risk_date = complaint._sla_snapshot(now)
            values = {"sla_state": state, "sla_next_deadline": next_deadline, "sla_risk_date": risk_date}
            if any(complaint[name] != value for name, value in values.items()):
                complaint.write(values)

    def write(self, vals):
        result = super().write(vals)
        if SLA_INPUTS.intersection(vals):
            self._update_sla_state()
        return result
