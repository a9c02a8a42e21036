from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_datetime

from ..selections import SLA_EVENTS, SLA_STATES

# Fields whose change moves the service-level state; the escalation job moves it with time.
SLA_INPUTS = {
    "state", "response_deadline", "resolution_deadline", "onsite_deadline", "onsite_required",
    "first_response_date", "onsite_date", "resolved_date", "sla_paused", "resolution_start",
}


class AftersalesSlaMixin(models.AbstractModel):
    """The service-level clock of a document: deadlines planned from a policy, paused while waiting for the
    customer, re-planned when what chose them changes, watched and escalated by a scheduled job
    (docs/sla.md).

    The inheriting model gives ``_sla_open_states``, ``_sla_start_field`` (when the clock starts),
    :meth:`_sla_values` (what picks the policy) and :meth:`_compute_onsite_required`, and timestamps
    ``first_response_date``, ``onsite_date`` and ``resolved_date`` in its actions.
    """

    _name = "aftersales.sla.mixin"
    _description = "Service-Level Clock"
    _inherit = ["aftersales.protected.fields.mixin"]
    _workflow_fields = (
        "sla_policy_id", "response_deadline", "resolution_deadline", "resolution_start", "onsite_deadline",
        "first_response_date", "onsite_date", "resolved_date", "waiting_customer", "sla_paused", "paused_since",
        "paused_clock_hours", "paused_working_hours", "restart_paused_clock_hours", "restart_paused_working_hours",
        "sla_state", "sla_notified", "sla_next_deadline",
        "sla_risk_date", "escalation_deadline", "escalated_date",
    )
    # States in which the deadlines run, and the field holding when the clock started.
    _sla_open_states = ()
    _sla_start_field = None

    # Fields -----------------------------------------------------------------------------------

    sla_policy_id = fields.Many2one("aftersales.sla.policy", string="SLA Policy", readonly=True, copy=False)
    response_deadline = fields.Datetime(readonly=True, copy=False, tracking=True)
    resolution_deadline = fields.Datetime(readonly=True, copy=False, tracking=True)
    resolution_start = fields.Datetime(
        readonly=True, copy=False, help="When the resolution clock restarted at the last reopening; empty, it runs "
        "from intake.",
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
    paused_clock_hours = fields.Float(
        readonly=True, copy=False, help="Clock hours the clock stood still, given back to the open deadlines."
    )
    paused_working_hours = fields.Float(
        readonly=True, copy=False, help="Working hours the clock stood still, given back to the open deadlines."
    )
    restart_paused_clock_hours = fields.Float(
        readonly=True, copy=False, help="Clock hours paused before the last reopening: not given to the new resolution target."
    )
    restart_paused_working_hours = fields.Float(
        readonly=True, copy=False, help="Working hours paused before the last reopening: not given to the new resolution target."
    )
    sla_state = fields.Selection(SLA_STATES, string="SLA", default="on_track", readonly=True, copy=False, index=True)
    sla_notified = fields.Selection(
        SLA_EVENTS, string="Escalated Event", default="none", required=True, readonly=True, copy=False,
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
        help="100 when every deadline was met, 0 when one was breached; reports average it over the documents "
             "judged so far.",
    )
    can_wait_customer = fields.Boolean(compute="_compute_can_pause")
    can_resume = fields.Boolean(compute="_compute_can_pause")

    # Computes ---------------------------------------------------------------------------------

    def _compute_onsite_required(self):
        """Whether the document has an on-site target; the inheriting model says when (docs/sla.md §2)."""
        self.onsite_required = False

    @api.depends(lambda self: (self._sla_start_field, "first_response_date", "resolved_date"))
    def _compute_durations(self):
        for document in self:
            start = document[self._sla_start_field]
            document.response_hours = document.first_response_date and (
                document.first_response_date - start).total_seconds() / 3600
            document.resolution_hours = document.resolved_date and (
                document.resolved_date - start).total_seconds() / 3600

    @api.depends("sla_state")
    def _compute_sla_met_percent(self):
        for document in self:
            document.sla_met_percent = {"met": 100.0, "breached": 0.0}.get(document.sla_state, False)

    @api.depends("state", "waiting_customer")
    def _compute_can_pause(self):
        for document in self:
            document.can_wait_customer = document.state in self._sla_open_states and not document.waiting_customer
            document.can_resume = document.waiting_customer

    # CRUD -------------------------------------------------------------------------------------

    def write(self, vals):
        result = super().write(vals)
        if SLA_INPUTS.intersection(vals):
            self._update_sla_state()
        return result

    # Actions ----------------------------------------------------------------------------------

    def action_wait_customer(self):
        """Waiting for the customer's answer; the clock stops when the policy says so (docs/sla.md §3)."""
        self._start_transition("can_wait_customer")
        now = fields.Datetime.now()
        for document in self:
            paused = document.sla_policy_id.pause_when_waiting
            document._workflow().write({"waiting_customer": True, "sla_paused": paused, "paused_since": paused and now})

    def action_resume(self):
        """The customer answered: the open deadlines get back the time the clock stood still (docs/sla.md §3)."""
        self._start_transition("can_resume")
        now = fields.Datetime.now()
        policies = self.env["aftersales.sla.policy"]
        for document in self:
            values = {"waiting_customer": False, "sla_paused": False, "paused_since": False}
            if document.sla_paused and document.paused_since:
                company = document.company_id
                values["paused_clock_hours"] = document.paused_clock_hours + policies._hours_between(
                    company, document.paused_since, now, "clock"
                )
                values["paused_working_hours"] = document.paused_working_hours + policies._hours_between(
                    company, document.paused_since, now, "working"
                )
            document._workflow().write(values)
        self._plan_sla()

    # Reporting --------------------------------------------------------------------------------

    def _read_group_select(self, aggregate_spec, query):
        """Averages of the service-level figures leave out what is not known yet and cancelled documents: the
        response time of documents answered, the resolution time of documents resolved, the compliance of
        documents whose targets are met or breached (docs/sla.md §5)."""
        field_name, __, function = aggregate_spec.partition(":")
        known_when = {
            "response_hours": ("first_response_date", "IS NOT NULL"),
            "resolution_hours": ("resolved_date", "IS NOT NULL"),
            "sla_met_percent": ("sla_state", "IN ('met', 'breached')"),
        }
        if function != "avg" or field_name not in known_when:
            return super()._read_group_select(aggregate_spec, query)
        stamp, condition = known_when[field_name]
        return SQL(
            "AVG(CASE WHEN %(stamp)s %(condition)s AND %(state)s != 'cancel' THEN %(value)s END)",
            stamp=self._field_to_sql(self._table, stamp, query),
            condition=SQL(condition),
            state=self._field_to_sql(self._table, "state", query),
            value=self._field_to_sql(self._table, field_name, query),
        )

    # Business rules: planning -----------------------------------------------------------------

    def _sla_values(self):
        """What picks the policy of the document: criterion → value, plus ``region`` (docs/sla.md §1)."""
        raise NotImplementedError

    def _sla_responsible(self):
        """Who acts when a deadline is at risk."""
        return self.user_id

    def _sla_targets(self, policy=None):
        """(deadline, timestamp, time mode, start) of each target the document has (docs/sla.md §2)."""
        policy = policy or self.sla_policy_id
        start = self[self._sla_start_field]
        targets = [
            ("response_deadline", "first_response_date", policy.response_time or "clock", start),
            ("resolution_deadline", "resolved_date", policy.resolution_time or "clock", self.resolution_start or start),
        ]
        if self.onsite_required:
            targets.append(("onsite_deadline", "onsite_date", "working", start))
        return targets

    def _plan_sla(self):
        """Deadlines of the targets not met yet, from the matching policy: the target's hours counted from its
        start, plus the time the clock stood still (docs/sla.md §2-§4)."""
        policy_model = self.env["aftersales.sla.policy"]
        candidates = policy_model.search([("company_id", "in", [False, *self.company_id.ids])])
        for document in self:
            company = document.company_id
            policy = candidates._policy_for(company, document._sla_values())
            start = document[self._sla_start_field]
            values = {"sla_policy_id": policy.id}
            hours = {
                "response_deadline": policy.response_hours,
                "resolution_deadline": policy.resolution_hours,
                "onsite_deadline": policy and policy._onsite_hours(company, document.partner_id),
            }
            paused = {"clock": document.paused_clock_hours, "working": document.paused_working_hours}
            before_restart = {
                "clock": document.restart_paused_clock_hours, "working": document.restart_paused_working_hours,
            }
            for deadline, done, mode, target_start in document._sla_targets(policy):
                if not document[done]:
                    credit = paused[mode] - (before_restart[mode] if deadline == "resolution_deadline" else 0.0)
                    values[deadline] = policy and policy_model._add_time(
                        company, target_start, hours[deadline] + credit, mode
                    )
            if not document.escalated_date:
                values["escalation_deadline"] = policy.escalation_hours and policy_model._add_time(
                    company, start, policy.escalation_hours, "clock"
                )
            document._workflow().write(values)

    def _restart_resolution_clock(self):
        """Reopening restarts the resolution target from now, with events of its own; pauses before the
        reopening no longer count for it, they still do for the other open targets (docs/sla.md §4)."""
        for document in self:
            document._workflow().write({
                "sla_notified": "none",
                "resolution_start": fields.Datetime.now(),
                "resolved_date": False,
                "restart_paused_clock_hours": document.paused_clock_hours,
                "restart_paused_working_hours": document.paused_working_hours,
            })
        self._plan_sla()

    def _write_with_response(self, values):
        """Write ``values`` of an action towards the customer: the first one is the response, stamped in the same
        write (docs/sla.md §2)."""
        unanswered = self.filtered(lambda document: not document.first_response_date)
        (self - unanswered)._workflow().write(values)
        unanswered._workflow().write({**values, "first_response_date": fields.Datetime.now()})

    # Business rules: state --------------------------------------------------------------------

    def _sla_snapshot(self, now):
        """State, next deadline and at-risk date of the service level at ``now`` (docs/sla.md §5)."""
        self.ensure_one()
        if self.sla_paused and self.paused_since:
            now = self.paused_since
        policy_model = self.env["aftersales.sla.policy"]
        risk_share = self.sla_policy_id.at_risk_percent / 100
        breached, pending_deadlines, risk_dates = False, [], []
        for deadline_field, done_field, mode, start in self._sla_targets():
            deadline, done = self[deadline_field], self[done_field]
            if not deadline:
                continue
            if done:
                breached = breached or done > deadline
                continue
            if self.state not in self._sla_open_states:
                continue
            breached = breached or now > deadline
            pending_deadlines.append(deadline)
            allowed = policy_model._hours_between(self.company_id, start, deadline, mode)
            risk_dates.append(policy_model._add_time(self.company_id, start, allowed * risk_share, mode))
        if breached:
            state = "breached"
        elif not pending_deadlines:
            state = "met" if self.state not in (*self._sla_open_states, "cancel") else "on_track"
        else:
            state = "at_risk" if now >= min(risk_dates) else "on_track"
        return state, min(pending_deadlines, default=False), min(risk_dates, default=False)

    def _update_sla_state(self):
        """Store the service level the deadlines and timestamps give now (docs/sla.md §5)."""
        now = fields.Datetime.now()
        for document in self:
            if document.state == "cancel":
                continue
            state, next_deadline, risk_date = document._sla_snapshot(now)
            values = {"sla_state": state, "sla_next_deadline": next_deadline, "sla_risk_date": risk_date}
            if any(document[name] != value for name, value in values.items()):
                document._workflow().write(values)

    # Business rules: escalation ---------------------------------------------------------------

    @api.model
    def _cron_escalate(self, limit=1000):
        """Scheduled job: flag deadlines at risk and breached and escalate, once per event, at most ``limit``
        per run (docs/sla.md §6). Returns how many escalations are left for the next run."""
        done, left = self._escalate_due(fields.Datetime.now(), limit)
        if self.env.context.get("cron_id"):
            self.env["ir.cron"]._commit_progress(done, remaining=left)
        return left

    @api.model
    def _escalation_events(self, now):
        """The events due at ``now``, breaches first so that a document past its deadline is not also 'at risk'."""
        open_documents = Domain("state", "in", self._sla_open_states)
        running = open_documents & Domain("sla_paused", "=", False)
        return [
            ("breached", running & Domain("sla_notified", "in", ("none", "at_risk"))
             & Domain("sla_next_deadline", "<=", now)),
            ("at_risk", running & Domain("sla_notified", "=", "none") & Domain("sla_risk_date", "<=", now)),
            ("escalated", open_documents & Domain("escalated_date", "=", False)
             & Domain("escalation_deadline", "<=", now)),
        ]

    @api.model
    def _escalate_due(self, now, limit):
        """Escalate up to ``limit`` due events; return (escalated, still due)."""
        done = 0
        events = self._escalation_events(now)
        for event, domain in events:
            # Only the documents no other worker is escalating at the same time.
            batch = self.search(domain, order="id", limit=limit - done).try_lock_for_update(allow_referencing=True)
            batch._escalate(event, now)
            done += len(batch)
            if done >= limit:
                break
        self.env.flush_all()
        left = self.search_count(Domain.OR(domain for _event, domain in events)) if done >= limit else 0
        return done, left

    def _escalate(self, event, now):
        """One event for these documents: state, a chatter note each, an activity for whom must act
        (docs/sla.md §6)."""
        if not self:
            return
        if event == "escalated":
            self._workflow().write({"escalated_date": now})
        else:
            self.filtered(lambda document: document.sla_state in ("on_track", "at_risk"))._workflow().write(
                {"sla_state": event}
            )
            self._workflow().write({"sla_notified": event})
        self._message_log_batch(bodies={document.id: document._escalation_note(event) for document in self})
        summary = self._escalation_summary(event)
        for user, documents in self.grouped(lambda document: document._escalation_user(event)).items():
            documents.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=documents.company_id[:1]._aftersales_today(),
                summary=summary, user_id=user.id,
            )

    def _escalation_summary(self, event):
        """The summary of the activity an escalation event schedules."""
        return {
            "at_risk": self.env._("Deadline at risk"),
            "breached": self.env._("Deadline breached"),
            "escalated": self.env._("Escalated to the manager"),
        }[event]

    def _escalation_note(self, event):
        """The chatter note of an escalation event, with the deadline in the company's time zone, in the language's
        format without seconds (docs/security.md §6)."""
        deadline = format_datetime(
            self.env, self.sla_next_deadline or self.escalation_deadline, tz=self.company_id._aftersales_tz().zone,
            dt_format="short",
        )
        if event == "at_risk":
            return self.env._("Service level at risk: the deadline of %(deadline)s is near.", deadline=deadline)
        if event == "breached":
            return self.env._(
                "Service level breached: the deadline of %(deadline)s has passed. Escalated to the manager.",
                deadline=deadline,
            )
        return self.env._("Escalated to the manager: feedback from a return visit is handled within hours.")

    def _escalation_user(self, event):
        """The responsible acts when a deadline is at risk, the manager on a breach or an escalation
        (docs/sla.md §6)."""
        manager = self.company_id.aftersales_complaint_manager_id
        if event == "at_risk":
            return self._sla_responsible() or manager
        return manager or self._sla_responsible()
