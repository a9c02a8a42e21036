from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged


def local(*args):
    """A wall-clock time in Shanxi (UTC+8) as the naive UTC datetime the ORM stores."""
    return datetime(*args) - timedelta(hours=8)


class ComplaintCase(TransactionCase):
    """A company in Shanxi working 8-12 and 13-17 Monday to Friday, a coordinator, a manager, customers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.shanxi = cls.env.ref("base.state_cn_SX")
        cls.hebei = cls.env.ref("base.state_cn_HE")
        cls.calendar = cls.env["resource.calendar"].create({
            "name": "Taiyuan works",
            "tz": "Asia/Shanghai",
            "hours_per_day": 8.0,
            "attendance_ids": [
                (0, 0, {"name": f"{day} {start}", "dayofweek": str(day), "hour_from": start, "hour_to": end})
                for day in range(5) for start, end in ((8, 12), (13, 17))
            ],
        })
        cls.company.write({
            "resource_calendar_id": cls.calendar.id,
            "country_id": cls.env.ref("base.cn").id,
            "state_id": cls.shanxi.id,
        })
        cls.manager = new_test_user(cls.env, "as_cpl_manager", groups="aftersales_service.group_aftersales_manager")
        cls.coordinator = new_test_user(cls.env, "as_cpl_user", groups="aftersales_service.group_aftersales_user")
        cls.company.aftersales_complaint_manager_id = cls.manager
        cls.local_customer = cls.env["res.partner"].create(
            {"name": "Taiyuan Coal Mine", "is_company": True, "state_id": cls.shanxi.id}
        )
        cls.far_customer = cls.env["res.partner"].create(
            {"name": "Tangshan Mining", "is_company": True, "state_id": cls.hebei.id}
        )

    def _complaint(self, received, partner=None, user=None, **values):
        """A complaint typed in by the coordinator through the form."""
        with Form(self.env["aftersales.complaint"].with_user(user or self.coordinator)) as form:
            form.partner_id = partner or self.local_customer
            form.date_received = received
            for name, value in values.items():
                setattr(form, name, value)
        return form.record.with_env(self.env)

    def _escalate(self, when):
        with freeze_time(when):
            self.env["aftersales.complaint"]._cron_escalate()

    def _activities(self, complaint):
        return complaint.activity_ids.sorted("id")


@tagged("post_install", "-at_install")
class TestComplaintDeadlines(ComplaintCase):

    def test_default_targets_respond_in_24_and_resolve_in_48_clock_hours(self):
        complaint = self._complaint(local(2026, 11, 20, 10))
        self.assertEqual(complaint.sla_policy_id, self.env.ref("aftersales_service.sla_policy_default"))
        self.assertEqual(complaint.response_deadline, local(2026, 11, 21, 10))
        self.assertEqual(complaint.resolution_deadline, local(2026, 11, 22, 10))

    def test_on_site_within_one_working_day_in_own_province_across_the_weekend(self):
        # Friday 10:00: 6 working hours left on Friday, 2 on Monday morning.
        complaint = self._complaint(local(2026, 11, 20, 10))
        self.assertTrue(complaint.onsite_required)
        self.assertEqual(complaint.onsite_deadline, local(2026, 11, 23, 10))

    def test_on_site_within_three_working_days_outside_the_province(self):
        complaint = self._complaint(local(2026, 11, 20, 10), partner=self.far_customer)
        self.assertEqual(complaint.onsite_deadline, local(2026, 11, 25, 10))

    def test_public_holidays_do_not_count(self):
        self.env["resource.calendar.leaves"].create({
            "name": "Public holiday",
            "calendar_id": self.calendar.id,
            "date_from": local(2026, 11, 23, 0),
            "date_to": local(2026, 11, 23, 23, 59),
        })
        complaint = self._complaint(local(2026, 11, 20, 10))
        self.assertEqual(complaint.onsite_deadline, local(2026, 11, 24, 10))

    def test_feedback_received_out_of_hours_counts_from_the_next_working_morning(self):
        complaint = self._complaint(local(2026, 11, 21, 15))  # Saturday afternoon
        self.assertEqual(complaint.onsite_deadline, local(2026, 11, 23, 17))
        self.assertEqual(complaint.response_deadline, local(2026, 11, 22, 15), "response counts clock time")

    def test_working_time_policy_counts_only_working_hours(self):
        self.env["aftersales.sla.policy"].create({
            "name": "Suggestions in working time",
            "kind": "suggestion",
            "response_hours": 8.0,
            "response_time": "working",
            "resolution_hours": 16.0,
            "resolution_time": "working",
        })
        complaint = self._complaint(local(2026, 11, 20, 16), kind="suggestion")
        # Friday 16-17 (1 h), Monday 8-12 (4 h), 13-16 (3 h).
        self.assertEqual(complaint.response_deadline, local(2026, 11, 23, 16))
        self.assertEqual(complaint.resolution_deadline, local(2026, 11, 24, 16))
        self.assertFalse(complaint.onsite_required, "a suggestion needs nobody on site")

    def test_most_specific_policy_applies(self):
        policies = self.env["aftersales.sla.policy"]
        urgent = self.env.ref("aftersales_service.sla_policy_urgent")
        urgent_distributors = policies.create({
            "name": "Urgent, distributors, Hebei", "priority": "2", "customer_channel": "distributor",
            "state_ids": [(6, 0, self.hebei.ids)], "response_hours": 2.0, "resolution_hours": 12.0,
        })
        self.far_customer.aftersales_channel = "distributor"
        self.assertEqual(self._complaint(local(2026, 11, 20, 10), priority="2").sla_policy_id, urgent)
        complaint = self._complaint(local(2026, 11, 20, 10), partner=self.far_customer, priority="2")
        self.assertEqual(complaint.sla_policy_id, urgent_distributors)
        self.assertEqual(complaint.response_deadline, local(2026, 11, 20, 12))

    def test_policy_targets_are_validated(self):
        policies = self.env["aftersales.sla.policy"]
        for values in ({"response_hours": 0}, {"resolution_hours": -1}, {"response_hours": 50, "resolution_hours": 48},
                       {"at_risk_percent": 100}, {"onsite_days_home": 0}):
            with self.subTest(values=values), self.assertRaises(ValidationError), self.env.cr.savepoint():
                policies.create(dict({"name": "Bad"}, **values))
        self.assertFalse(policies.search([("name", "=", "Bad")]))

    def test_users_read_policies_and_managers_edit_them(self):
        policy = self.env.ref("aftersales_service.sla_policy_default")
        self.assertEqual(policy.with_user(self.coordinator).response_hours, 24.0)
        self.assertFalse(policy.with_user(self.coordinator).has_access("write"))
        # Shared by every company: changed by a manager of them all (docs/security.md §3).
        self.manager.company_ids = self.env["res.company"].search([])
        policy.with_user(self.manager).response_hours = 12.0
        self.assertEqual(policy.response_hours, 12.0)


@tagged("post_install", "-at_install")
class TestComplaintServiceLevel(ComplaintCase):

    def test_responding_and_resolving_in_time_meets_the_service_level(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), onsite_required=False)
        with freeze_time(local(2026, 11, 20, 11)):
            complaint.with_user(self.coordinator).action_acknowledge()
        self.assertEqual(complaint.first_response_date, local(2026, 11, 20, 11))
        self.assertEqual(complaint.sla_state, "on_track")
        with freeze_time(local(2026, 11, 21, 9)):
            complaint.resolution = "<p>Replaced the bearing on site.</p>"
            complaint.with_user(self.coordinator).action_resolve()
        self.assertEqual(complaint.sla_state, "met")
        self.assertEqual(complaint.sla_met_percent, 100.0)
        self.assertAlmostEqual(complaint.response_hours, 1.0)
        self.assertAlmostEqual(complaint.resolution_hours, 23.0)

    def test_kpi_averages_leave_out_what_is_not_known_yet_and_cancelled_complaints(self):
        with freeze_time(local(2026, 11, 20, 10)):
            met, still_open, cancelled = (
                self._complaint(local(2026, 11, 20, 10), onsite_required=False) for _i in range(3)
            )
        with freeze_time(local(2026, 11, 20, 12)):
            (met | cancelled).with_user(self.coordinator).action_acknowledge()
        with freeze_time(local(2026, 11, 21, 9)):
            met.resolution = "<p>Replaced the bearing on site.</p>"
            met.with_user(self.coordinator).action_resolve()
            cancelled.with_user(self.coordinator).action_cancel()
        measures = ["response_hours:avg", "resolution_hours:avg", "sla_met_percent:avg"]
        complaints = self.env["aftersales.complaint"].with_user(self.coordinator)
        [kpis] = complaints.formatted_read_group([("id", "in", (met | still_open | cancelled).ids)], [], measures)
        self.assertAlmostEqual(kpis["response_hours:avg"], 2.0)
        self.assertAlmostEqual(kpis["resolution_hours:avg"], 23.0)
        self.assertEqual(kpis["sla_met_percent:avg"], 100.0)
        [unknown] = complaints.formatted_read_group([("id", "=", still_open.id)], [], measures)
        self.assertEqual([unknown[measure] for measure in measures], [False, False, False], "empty, not 0")

    def test_late_response_breaches_even_when_resolved_in_time(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), onsite_required=False)
        with freeze_time(local(2026, 11, 21, 11)):
            complaint.action_acknowledge()
        self.assertEqual(complaint.sla_state, "breached")
        self.assertEqual(complaint.sla_met_percent, 0.0)

    def test_waiting_for_the_customer_pauses_the_clock(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), onsite_required=False)
        with freeze_time(local(2026, 11, 20, 12)):
            complaint.action_wait_customer()
        self.assertTrue(complaint.sla_paused)
        self._escalate(local(2026, 11, 21, 12))
        self.assertEqual(complaint.sla_state, "on_track", "a paused complaint is not escalated")
        self.assertFalse(complaint.activity_ids)
        with freeze_time(local(2026, 11, 20, 17)):
            complaint.action_resume()
        # 22 h of the response target and 46 h of the resolution target were left at 12:00.
        self.assertEqual(complaint.response_deadline, local(2026, 11, 21, 15))
        self.assertEqual(complaint.resolution_deadline, local(2026, 11, 22, 15))
        self.assertFalse(complaint.sla_paused)

    def test_working_time_pause_keeps_the_working_hours_left(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10))
        self.assertEqual(complaint.onsite_deadline, local(2026, 11, 23, 10))
        with freeze_time(local(2026, 11, 20, 15)):
            complaint.action_wait_customer()
        with freeze_time(local(2026, 11, 23, 9)):
            complaint.action_resume()
        # 4 working hours were left on Friday at 15:00 (Friday 15-17, Monday 8-10);
        # from Monday 9:00 they run 9-12 and 13-14.
        self.assertEqual(complaint.onsite_deadline, local(2026, 11, 23, 14))

    def test_policy_without_pause_keeps_the_clock_running(self):
        self.env.ref("aftersales_service.sla_policy_default").pause_when_waiting = False
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10))
            complaint.action_wait_customer()
        self.assertTrue(complaint.waiting_customer)
        self.assertFalse(complaint.sla_paused)
        with freeze_time(local(2026, 11, 20, 17)):
            complaint.action_resume()
        self.assertEqual(complaint.response_deadline, local(2026, 11, 21, 10))

    def test_at_risk_then_breach_escalate_once_each(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), onsite_required=False)
        self._escalate(local(2026, 11, 21, 3))  # 17 h of 24: on track
        self.assertEqual(complaint.sla_state, "on_track")
        self.assertFalse(complaint.activity_ids)
        self._escalate(local(2026, 11, 21, 5))  # 19 h of 24: past 75 %
        self.assertEqual(complaint.sla_state, "at_risk")
        self.assertEqual(self._activities(complaint).user_id, self.coordinator)
        notes = complaint.message_ids.filtered(lambda m: "at risk" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self._escalate(local(2026, 11, 21, 6))
        self.assertEqual(len(complaint.activity_ids), 1, "the same event is not escalated twice")
        self._escalate(local(2026, 11, 21, 11))
        self.assertEqual(complaint.sla_state, "breached")
        self.assertEqual(self._activities(complaint).user_id, self.coordinator | self.manager)
        self.assertEqual(self._activities(complaint)[-1].user_id, self.manager)
        self._escalate(local(2026, 11, 22, 11))
        self.assertEqual(len(complaint.activity_ids), 2)
        breach_notes = complaint.message_ids.filtered(lambda m: "breached" in (m.body or ""))
        self.assertEqual(len(breach_notes), 1)

    def test_deadline_already_passed_escalates_as_breach_only(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), onsite_required=False)
        self._escalate(local(2026, 11, 23, 10))
        self.assertEqual(complaint.sla_state, "breached")
        self.assertEqual(self._activities(complaint).user_id, self.manager)
        self.assertFalse(complaint.message_ids.filtered(lambda m: "at risk" in (m.body or "")))

    def test_complaint_raised_during_a_return_visit_reaches_the_manager_within_four_hours(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), channel="return_visit", onsite_required=False)
        self.assertEqual(complaint.sla_policy_id, self.env.ref("aftersales_service.sla_policy_return_visit"))
        self.assertEqual(complaint.escalation_deadline, local(2026, 11, 20, 14))
        self._escalate(local(2026, 11, 20, 13, 59))
        self.assertFalse(complaint.activity_ids)
        self._escalate(local(2026, 11, 20, 14, 1))
        self.assertEqual(complaint.escalated_date, local(2026, 11, 20, 14, 1))
        self.assertEqual(self._activities(complaint).user_id, self.manager)
        self._escalate(local(2026, 11, 20, 15))
        self.assertEqual(len(complaint.activity_ids), 1)

    def test_urgent_feedback_from_a_return_visit_is_escalated_within_four_hours_too(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), channel="return_visit", priority="2",
                                        onsite_required=False)
        self.assertEqual(complaint.sla_policy_id, self.env.ref("aftersales_service.sla_policy_urgent_return_visit"))
        self.assertEqual(complaint.response_deadline, local(2026, 11, 20, 14), "urgent: answered within 4 hours")
        self.assertEqual(complaint.escalation_deadline, local(2026, 11, 20, 14), "and the manager told within 4")

    def test_resolved_complaints_are_not_escalated(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), onsite_required=False, channel="return_visit")
            complaint.action_acknowledge()
            complaint.resolution = "<p>Explained the lubrication interval.</p>"
            complaint.action_resolve()
        self._escalate(local(2026, 11, 25, 10))
        self.assertFalse(complaint.activity_ids)
        self.assertEqual(complaint.sla_state, "met")

    def test_reopening_restarts_the_resolution_clock_and_its_events(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), onsite_required=False)
            complaint.action_acknowledge()
        self._escalate(local(2026, 11, 22, 1))  # 39 h of 48 for the resolution
        self.assertEqual(complaint.sla_notified, "at_risk")
        with freeze_time(local(2026, 11, 22, 2)):
            complaint.resolution = "<p>Adjusted the clearance.</p>"
            complaint.action_resolve()
        with freeze_time(local(2026, 11, 23, 9)):
            complaint.action_reopen()
        self.assertEqual(complaint.state, "investigating")
        self.assertFalse(complaint.resolved_date)
        self.assertEqual(complaint.resolution_deadline, local(2026, 11, 25, 9))
        self.assertEqual(complaint.sla_state, "on_track")
        self._escalate(local(2026, 11, 25, 0))
        self.assertEqual(complaint.sla_state, "at_risk")
        self.assertEqual(len(complaint.activity_ids), 2, "the restarted deadline has its own at-risk event")

    def test_job_works_in_batches_and_reports_what_is_left(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaints = self.env["aftersales.complaint"].browse([
                self._complaint(local(2026, 11, 20, 10), onsite_required=False).id for _index in range(3)
            ])
        with freeze_time(local(2026, 11, 22, 11)):
            self.assertEqual(complaints._cron_escalate(limit=2), 1)
            self.assertEqual(len(complaints.activity_ids), 2)
            self.assertEqual(complaints._cron_escalate(limit=2), 0)
            self.assertEqual(complaints.mapped("sla_notified"), ["breached"] * 3)
            self.assertEqual(complaints._cron_escalate(limit=2), 0)
        self.assertEqual(len(complaints.activity_ids), 3)

    def test_cancelling_a_waiting_complaint_restarts_its_clock_when_reset(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), onsite_required=False)
            complaint.action_wait_customer()
            complaint.action_cancel()
        self.assertFalse(complaint.waiting_customer)
        self.assertFalse(complaint.sla_paused)
        complaint.action_reset()
        self._escalate(local(2026, 11, 23, 10))
        self.assertEqual(complaint.sla_state, "breached", "a reset complaint is watched again")


@tagged("post_install", "-at_install")
class TestComplaintReplanning(ComplaintCase):
    """docs/sla.md §4, §5: what chose the deadlines changes, the targets not met yet follow; at-risk shares
    count in the target's own time."""

    def test_priority_change_replans_the_targets_not_met_yet(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), onsite_required=False)
        self.assertEqual(complaint.resolution_deadline, local(2026, 11, 22, 10))
        with freeze_time(local(2026, 11, 20, 11)):
            complaint.with_user(self.coordinator).priority = "2"
        self.assertEqual(complaint.sla_policy_id, self.env.ref("aftersales_service.sla_policy_urgent"))
        self.assertEqual(complaint.response_deadline, local(2026, 11, 20, 14), "urgent: answer within 4 hours")
        self.assertEqual(complaint.resolution_deadline, local(2026, 11, 21, 10), "urgent: resolve within 24 hours")
        with freeze_time(local(2026, 11, 20, 12)):
            complaint.with_user(self.coordinator).action_acknowledge()
            complaint.with_user(self.coordinator).priority = "0"
        self.assertEqual(complaint.response_deadline, local(2026, 11, 20, 14), "a met target keeps its deadline")
        self.assertEqual(complaint.resolution_deadline, local(2026, 11, 22, 10))
        self.assertEqual(complaint.sla_state, "on_track")

    def test_intake_changes_replan_and_keep_the_paused_time(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), onsite_required=False)
        with freeze_time(local(2026, 11, 20, 12)):
            complaint.with_user(self.coordinator).action_wait_customer()
        with freeze_time(local(2026, 11, 20, 15)):
            complaint.with_user(self.coordinator).action_resume()
        self.assertEqual(complaint.resolution_deadline, local(2026, 11, 22, 13))
        with freeze_time(local(2026, 11, 20, 16)):
            complaint.with_user(self.coordinator).date_received = local(2026, 11, 20, 9)
        self.assertEqual(complaint.response_deadline, local(2026, 11, 21, 12), "24 h from 9:00, plus 3 h paused")
        self.assertEqual(complaint.resolution_deadline, local(2026, 11, 22, 12))

    def test_customer_and_region_changes_replan_the_onsite_target(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), partner=self.far_customer)
        self.assertEqual(complaint.onsite_deadline, local(2026, 11, 25, 10), "three working days elsewhere")
        self.far_customer.state_id = self.shanxi
        self.assertEqual(complaint.onsite_deadline, local(2026, 11, 23, 10), "one working day in our province")
        with freeze_time(local(2026, 11, 20, 11)):
            complaint.with_user(self.coordinator).action_register_onsite()
        self.far_customer.state_id = self.hebei
        self.assertEqual(complaint.onsite_deadline, local(2026, 11, 23, 10), "a met target keeps its deadline")

    def test_at_risk_share_of_a_working_time_target_counts_working_hours(self):
        self.env["aftersales.sla.policy"].create({
            "name": "Inquiries in working time", "kind": "inquiry",
            "response_hours": 16.0, "response_time": "working",
            "resolution_hours": 16.0, "resolution_time": "working",
        })
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), kind="inquiry")
        # 16 working hours: Friday 10-12 and 13-17 (6 h), Monday 8-12 and 13-17 (8 h), Tuesday 8-10.
        self.assertEqual(complaint.resolution_deadline, local(2026, 11, 24, 10))
        # 75 % is 12 working hours: Monday 15:00, not 75 % of the 96 clock hours (Monday 10:00).
        self.assertEqual(complaint.sla_risk_date, local(2026, 11, 23, 15))
        self._escalate(local(2026, 11, 23, 12))
        self.assertEqual(complaint.sla_state, "on_track")
        self._escalate(local(2026, 11, 23, 15, 30))
        self.assertEqual(complaint.sla_state, "at_risk")

    def test_ticking_on_site_needed_plans_the_on_site_target(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), kind="inquiry")
        self.assertFalse(complaint.onsite_required)
        complaint.with_user(self.coordinator).onsite_required = True
        self.assertEqual(complaint.onsite_deadline, local(2026, 11, 23, 10))

    def test_reopening_keeps_the_paused_time_of_the_other_open_targets(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10))
            complaint.with_user(self.coordinator).action_acknowledge()
        with freeze_time(local(2026, 11, 20, 11)):
            complaint.with_user(self.coordinator).action_wait_customer()
        with freeze_time(local(2026, 11, 20, 13)):
            complaint.with_user(self.coordinator).action_resume()
        # Friday 11-12 paused: one working hour given back to the on-site target.
        self.assertEqual(complaint.onsite_deadline, local(2026, 11, 23, 11))
        with freeze_time(local(2026, 11, 20, 15)):
            complaint.resolution = "<p>Adjusted by phone.</p>"
            complaint.with_user(self.coordinator).action_resolve()
        with freeze_time(local(2026, 11, 20, 16)):
            complaint.with_user(self.coordinator).action_reopen()
        self.assertEqual(complaint.resolution_deadline, local(2026, 11, 22, 16), "48 h from the reopening, no credit")
        self.assertEqual(complaint.onsite_deadline, local(2026, 11, 23, 11), "the on-site target keeps its hour")

    def test_reset_to_new_forgets_the_resolution(self):
        with freeze_time(local(2026, 11, 20, 10)):
            complaint = self._complaint(local(2026, 11, 20, 10), onsite_required=False)
            complaint.with_user(self.coordinator).action_acknowledge()
            complaint.resolution = "<p>Sent the manual.</p>"
            complaint.with_user(self.coordinator).action_resolve()
            complaint.with_user(self.coordinator).action_cancel()
            complaint.with_user(self.coordinator).action_reset()
        self.assertEqual(complaint.state, "new")
        self.assertFalse(complaint.resolved_date)
        self.assertEqual(complaint.sla_state, "on_track", "not met: it is to be resolved again")
