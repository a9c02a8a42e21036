import base64
from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
from odoo.addons.aftersales_service.tests.common import PNG  # pylint: disable=import-error,no-name-in-module

from .common import NetworkCase


@tagged("post_install", "-at_install")
class TestServicePoints(NetworkCase):
    """Points, their coverage, review, approval and standing (docs/service-network.md §1, §2)."""

    def test_the_point_covering_the_site_is_suggested(self):
        units = self._units(["NET-SUG-1"])
        with Form(self.env["aftersales.dispatch.order"].with_user(self.dispatcher)) as order_form:
            order_form.partner_id = units.partner_id
            self.assertEqual(order_form.suggested_point_id, self.point)
            order_form.service_type = "inspection"
            # A point offers the services of its rate card only.
            self.assertFalse(order_form.suggested_point_id)
        self.customer.state_id = self.hunan
        order = order_form.record
        order.service_type = "repair"
        self.assertEqual(order.suggested_point_id, self.other_point)
        self.other_point.with_user(self.manager).action_suspend()
        order.invalidate_recordset(["suggested_point_id"])
        self.assertFalse(order.suggested_point_id, "Only an approved point is suggested.")

    def test_a_covered_customer_is_in_our_own_region_for_the_on_site_target(self):
        policy = self.env.ref("aftersales_service.sla_policy_default")
        policy.write({"onsite_days_home": 1.0, "onsite_days_away": 3.0})
        self.company.state_id = self.env.ref("base.state_cn_GD")
        hours = self.company.resource_calendar_id.hours_per_day or 8.0
        self.assertEqual(policy._onsite_hours(self.company, self.customer), 1.0 * hours)
        self.point.with_user(self.manager).action_suspend()
        self.assertEqual(policy._onsite_hours(self.company, self.customer), 3.0 * hours)

    def test_a_point_is_approved_once_reviewed_documented_priced_and_trained(self):
        partner = self.env["res.partner"].create({"name": "New Point Co.", "is_company": True})
        point = self._new_point("New Point", partner).with_user(self.manager)
        point.action_start_review()
        self.assertTrue(point.check_ids, "The review starts from the company's checklist.")
        self.assertEqual(point.check_ids.mapped("name"), self.env["aftersales.check.template"]._for_point_review(
            self.company).mapped("name"))
        user = new_test_user(self.env, "as_new_point_tech", groups="aftersales_field_service.group_aftersales_technician")
        technician = self.env["aftersales.technician"].create({
            "user_id": user.id, "service_point_id": point.id, **self._qualification(),
        })
        self.assertTrue(technician.outsourced)
        self.assertEqual(technician.vendor_id, partner)
        with self.assertRaisesRegex(UserError, "the on-site review passed on every check.*who reviewed it.*initial "
                                               "training of as_new_point_tech"):
            point.action_approve()
        point.check_ids.result = "pass"
        point.write({"reviewed_by_id": self.manager.id, "reviewed_on": self.company._aftersales_today()})
        self._train(technician, kind="annual")
        with self.assertRaisesRegex(UserError, "initial training"):
            point.action_approve()
        self._train(technician)
        point.action_approve()
        self.assertEqual(point.state, "approved")
        self.assertEqual(point.approved_by_id, self.manager)
        with self.assertRaisesRegex(UserError, "not possible"):
            point.action_approve()

    def test_only_managers_approve_and_nobody_writes_the_state(self):
        partner = self.env["res.partner"].create({"name": "Other Co.", "is_company": True})
        point = self._new_point("Other", partner)
        with self.assertRaises(AccessError):
            point.with_user(self.dispatcher).write({"name": "Renamed"})
        with self.assertRaises(UserError):
            point.with_user(self.manager).write({"state": "approved"})
        with self.assertRaises(UserError):
            point.with_user(self.manager).action_approve()
        self.assertEqual(point.state, "candidate")
        point.with_user(self.manager).action_start_review()
        point.check_ids.result = "pass"
        point.with_user(self.manager).action_close()
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            point.check_ids.with_user(self.manager).write({"result": "fail"})
        with self.assertRaisesRegex(UserError, "kept as they were recorded"):
            point.check_ids.with_user(self.manager).unlink()
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            self.point.with_user(self.manager).write({"partner_id": self.other_partner.id})

    def test_an_outsourced_point_is_a_company_and_its_portal_staff_its_contacts(self):
        with self.assertRaisesRegex(ValidationError, "choose the company"):
            self._new_point("Person", self.customer_contact)
        stranger = new_test_user(self.env, "as_portal_stranger", groups="base.group_portal")
        with self.assertRaisesRegex(ValidationError, "portal user"):
            self.env["aftersales.technician"].create({"user_id": stranger.id, "service_point_id": self.point.id})
        loner = new_test_user(self.env, "as_portal_loner", groups="base.group_portal")
        with self.assertRaisesRegex(ValidationError, "portal user"):
            self.env["aftersales.technician"].create({"user_id": loner.id})

    def test_visits_go_to_approved_points_with_valid_documents_only(self):
        units = self._units(["NET-DSP-1"])
        self.point.with_user(self.manager).action_suspend()
        with self.assertRaisesRegex(UserError, "Swift Wuhan is suspended, not approved"):
            self._plan(units)
        self.point.with_user(self.manager).action_reinstate()
        order = self._plan(units)
        self.assertEqual(order.service_point_id, self.point)
        order.with_user(self.dispatcher).action_reset()
        self.point.document_ids.expiry_date = self.company._aftersales_today() - timedelta(days=1)
        self.assertIn("Business Licence", self.point.document_issue)
        # No manager's override sends a technician of a point whose licence has run out.
        order.with_user(self.manager).override_reason = "Urgent"
        with self.assertRaisesRegex(UserError, "expired: Business Licence"):
            order.with_user(self.dispatcher).action_schedule()
        self.point.with_user(self.manager).action_suspend()
        with self.assertRaisesRegex(UserError, "renew Business Licence"):
            self.point.with_user(self.manager).action_reinstate()
        self.point.document_ids.expiry_date = self.company._aftersales_today() + timedelta(days=200)
        self.point.with_user(self.manager).action_reinstate()
        order.with_user(self.dispatcher).action_schedule()
        self.assertEqual(order.state, "scheduled")

    def test_dispatching_checks_the_point_again(self):
        order = self._plan(self._units(["NET-DSP-2"]))
        order.with_user(self.dispatcher).action_reset()
        order.with_user(self.dispatcher).action_schedule()
        self.point.with_user(self.manager).action_suspend()
        with self.assertRaisesRegex(UserError, "suspended"):
            order.with_user(self.dispatcher).action_dispatch()
        self.assertEqual(order.state, "scheduled")


@tagged("post_install", "-at_install")
class TestServicePointReminders(NetworkCase):
    """Expiring documents, certificates, summaries and evaluations give to-dos, once (docs/service-network.md §2, §3,
    §6)."""

    def _todos(self, record):
        return record.activity_ids.filtered(lambda activity: activity.activity_type_id == self.env.ref(
            "mail.mail_activity_data_todo"))

    def test_a_document_expiring_soon_gives_one_todo(self):
        document = self.point.document_ids
        document.expiry_date = self.company._aftersales_today() + timedelta(days=20)
        self.point.user_id = self.manager
        self.env["aftersales.service.point"]._cron_remind()
        self.env["aftersales.service.point"]._cron_remind()
        todos = self._todos(self.point)
        self.assertEqual(len(todos), 1)
        self.assertEqual(todos.user_id, self.manager)
        self.assertIn("Business Licence", todos.summary)
        # Renewed, then expiring again: asked again.
        todos.action_feedback()
        document.expiry_date = self.company._aftersales_today() + timedelta(days=25)
        self.env["aftersales.service.point"]._cron_remind()
        self.assertEqual(len(self._todos(self.point)), 1)
        document.expiry_date = self.company._aftersales_today() + timedelta(days=300)
        self._todos(self.point).action_feedback()
        self.env["aftersales.service.point"]._cron_remind()
        self.assertFalse(self._todos(self.point))

    def test_a_certificate_expiring_soon_gives_one_todo(self):
        self.point_technician.certificate_expiry = self.company._aftersales_today() + timedelta(days=10)
        self.env["aftersales.service.point"]._cron_remind()
        self.env["aftersales.service.point"]._cron_remind()
        self.assertEqual(len(self._todos(self.point_technician)), 1)
        self.assertFalse(self._todos(self.other_point_technician))

    def test_the_quarter_summary_is_opened_and_chased(self):
        self.point._workflow().approved_on = self.company._aftersales_today() - timedelta(days=400)
        self.env["aftersales.service.point"]._cron_remind()
        self.env["aftersales.service.point"]._cron_remind()
        summary = self.point.summary_ids
        self.assertEqual(len(summary), 1, "One summary per quarter, whatever the runs.")
        self.assertEqual(summary.due_date, summary.date_to + timedelta(days=15))
        self.assertIn("Yearly evaluation", " ".join(self._todos(self.point).mapped("summary")))
        summary._workflow().due_date = self.company._aftersales_today() - timedelta(days=1)
        self.env["aftersales.service.point"]._cron_remind()
        chased = self._todos(self.point).filtered(lambda activity: "Quarterly summary" in activity.summary)
        self.assertEqual(len(chased), 1)
        with self.assertRaisesRegex(UserError, "problems met or the suggestions"):
            summary.with_user(self.manager).action_submit()
        summary.with_user(self.manager).write({"problems": "Parts late twice", "receivables": 1200.0})
        summary.with_user(self.manager).action_submit()
        self.assertEqual(summary.state, "submitted")
        self.assertFalse(self._todos(self.point).filtered(lambda activity: "Quarterly summary" in activity.summary))
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            summary.with_user(self.manager).write({"problems": "Rewritten"})
        with self.assertRaises(UserError):
            summary.with_user(self.manager).write({"due_date": self.company._aftersales_today()})


@tagged("post_install", "-at_install")
class TestTraining(NetworkCase):
    """Training sessions, results, certificates and the records kept (docs/service-network.md §6)."""

    def test_a_held_session_has_every_result_and_renews_passed_certificates(self):
        renewal = self.company._aftersales_today() + timedelta(days=800)
        session = self.env["aftersales.training.session"].with_user(self.manager).create({
            "name": "Yearly refresher", "kind": "annual", "trainer": "Chen Hua", "hours": 8,
            "date": self.company._aftersales_today(),
            "attendee_ids": [(0, 0, {"technician_id": self.technician.id}),
                             (0, 0, {"technician_id": self.point_technician.id})],
        })
        with self.assertRaisesRegex(UserError, "give the result"):
            session.action_done()
        before = self.point_technician.certificate_expiry
        session.attendee_ids.filtered(lambda a: a.technician_id == self.technician).write(
            {"result": "passed", "certificate_expiry": renewal})
        session.attendee_ids.filtered(lambda a: a.technician_id == self.point_technician).write(
            {"result": "failed", "certificate_expiry": renewal})
        session.action_done()
        self.assertEqual(self.technician.certificate_expiry, renewal)
        self.assertEqual(self.point_technician.certificate_expiry, before, "A failed attendee keeps the old date.")
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            session.attendee_ids.with_user(self.manager).write({"result": "passed"})
        with self.assertRaisesRegex(UserError, "kept five years"):
            session.with_user(self.manager).unlink()

    def test_a_session_to_come_is_not_held_and_only_managers_record(self):
        session = self.env["aftersales.training.session"].with_user(self.manager).create({
            "name": "Next year", "trainer": "Chen Hua", "date": self.company._aftersales_today() + timedelta(days=30),
            "attendee_ids": [(0, 0, {"technician_id": self.technician.id, "result": "passed"})],
        })
        with self.assertRaisesRegex(UserError, "still to come"):
            session.action_done()
        with self.assertRaises(AccessError):
            session.with_user(self.dispatcher).write({"name": "Mine"})
        with self.assertRaisesRegex(UserError, "workflow"):
            session.write({"state": "done"})


@tagged("post_install", "-at_install")
class TestSignedReport(NetworkCase):
    """The customer signs what is written (docs/field-service.md §6)."""

    def test_the_report_changed_after_signing_asks_for_the_signature_again(self):
        order = self._on_site(self._units(["NET-SIG-1"]))
        self._report(order)
        order.with_user(self.tech_user).write({"signed_by": "Li Wei", "signature": base64.b64encode(PNG)})
        self.assertTrue(order.signed_on)
        order.with_user(self.tech_user).write({"labour_hours": 8.0})
        self.assertFalse(order.signature)
        self.assertFalse(order.signed_on)
        with self.assertRaisesRegex(UserError, "signs the order"):
            order.with_user(self.tech_user).action_check_out()
        with self.assertRaisesRegex(ValidationError, "zero or more"):
            order.with_user(self.tech_user).write({"travel_distance": -5.0})
