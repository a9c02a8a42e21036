from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_datetime

from .aftersales_complaint import OPEN_STATES

# Escalations per run of the job: bounds its time and query count whatever the backlog; a
# larger backlog is drained by the next runs, which the scheduler starts at once (progress API).
ESCALATION_BATCH = 1000


class AftersalesComplaint(models.Model):
    # A concept of its own, split off to keep the model's files small.
    _inherit = "aftersales.complaint"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_escalate(self, limit=ESCALATION_BATCH):
        """Scheduled job: flag deadlines at risk and breached and escalate, once per event, in batches (SPEC 4).

        Returns how many escalations are left for the next run.
        """
        done, left = self._escalate_due(fields.Datetime.now(), limit)
        if self.env.context.get("cron_id"):
            self.env["ir.cron"]._commit_progress(done, remaining=left)
        return left

    @api.model
    def _escalation_events(self, now):
        """The events due at ``now``, breaches first so that a complaint past its deadline is not also 'at risk'."""
        open_running = Domain("state", "in", OPEN_STATES) & Domain("sla_paused", "=", False)
        return [
            ("breached", open_running & Domain("sla_notified", "in", ("none", "at_risk"))
             & Domain("sla_next_deadline", "<=", now)),
            ("at_risk", open_running & Domain("sla_notified", "=", "none") & Domain("sla_risk_date", "<=", now)),
            ("escalated", Domain("state", "in", OPEN_STATES) & Domain("escalated_date", "=", False)
             & Domain("escalation_deadline", "<=", now)),
        ]

    @api.model
    def _escalate_due(self, now, limit):
        """Escalate up to ``limit`` due events; return (escalated, still due)."""
        done = 0
        events = self._escalation_events(now)
        for event, domain in events:
            batch = self.search(domain, order="id", limit=limit - done)._lock_for_escalation()
            batch._escalate(event, now)
            done += len(batch)
            if done >= limit:
                break
        self.env.flush_all()
        left = self.search_count(Domain.OR(domain for _event, domain in events)) if done >= limit else 0
        return done, left

    def _lock_for_escalation(self):
        """Only the complaints no other worker is escalating at the same time (SPEC 4)."""
        if not self:
            return self
        self.env.cr.execute(SQL(
            "SELECT id FROM aftersales_complaint WHERE id = ANY(%s) FOR NO KEY UPDATE SKIP LOCKED", self.ids
        ))
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _escalate(self, event, now):
        """One event for these complaints: state, a chatter note each, an activity for whom must act (SPEC 4)."""
        if not self:
            return
        if event == "escalated":
            self.write({"escalated_date": now})
        else:
            self.filtered(lambda complaint: complaint.sla_state in ("on_track", "at_risk")).write({"sla_state": event})
            self.write({"sla_notified": event})
        self._message_log_batch(bodies={complaint.id: complaint._escalation_note(event) for complaint in self})
        summary = {
            "at_risk": self.env._("Complaint at risk of missing its deadline"),
            "breached": self.env._("Complaint deadline breached"),
            "escalated": self.env._("Complaint escalated from a return visit"),
        }[event]
        for user, complaints in self.grouped(lambda c: c._escalation_user(event)).items():
            complaints.with_context(mail_activity_quick_update=True).activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=fields.Date.context_today(self),
                summary=summary, user_id=user.id,
            )

    def _escalation_note(self, event):
        """The chatter note of an escalation event, with the deadline in the reader's time zone."""
        deadline = format_datetime(self.env, self.sla_next_deadline or self.escalation_deadline)
        if event == "at_risk":
            return self.env._("Service level at risk: the deadline of %(deadline)s is near.", deadline=deadline)
        if event == "breached":
            return self.env._(
                "Service level breached: the deadline of %(deadline)s has passed. Escalated to the manager.",
                deadline=deadline,
            )
        return self.env._("Escalated to the manager: feedback from a return visit is handled within hours.")

    def _escalation_user(self, event):
        """The responsible acts when a deadline is at risk, the manager on a breach or an escalation (SPEC 4)."""
        if event == "at_risk":
            return self.user_id or self.company_id.aftersales_complaint_manager_id
        return self.company_id.aftersales_complaint_manager_id or self.user_id
