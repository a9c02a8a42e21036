from datetime import date, datetime, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestReturnVisit(RmaCase):
    """SPEC 5: return visits scheduled after RMAs, repairs and complaints close, recorded, escalated."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.aftersales_complaint_manager_id = cls.manager
        cls.satisfied = cls.env.ref("aftersales_service.satisfaction_level_satisfied")
        cls.dissatisfied = cls.env.ref("aftersales_service.satisfaction_level_dissatisfied")

    def _closed_complaint(self, **values):
        """A complaint typed in by the coordinator, resolved and closed with the customer's confirmation."""
        with Form(self.env["aftersales.complaint"].with_user(self.coordinator)) as form:
            form.partner_id = self.customer_contact
            for name, value in values.items():
                setattr(form, name, value)
        complaint = form.record.with_env(self.env)
        complaint.with_user(self.coordinator).action_investigate()
        self._resolve_and_close(complaint)
        return complaint

    def _resolve_and_close(self, complaint):
        complaint = complaint.with_user(self.coordinator)
        complaint.resolution = "<p>Exchanged the faulty bearing.</p>"
        complaint.action_resolve()
        action = complaint.action_close()
        wizard_model = self.env[action["res_model"]].with_user(self.coordinator).with_context(**action["context"])
        with Form(wizard_model) as wizard:
            wizard.confirmed_by = "Mr. Li, workshop head"
        wizard.record.action_close()
        self.assertEqual(complaint.state, "closed")

    def _visits(self, **domain):
        """The visits planned once the closings so far are committed (the scheduler's follow-ups run)."""
        self._run_follow_ups()
        return self.env["aftersales.return.visit"].search([(key, "=", value) for key, value in domain.items()])

    def _set_delay(self, days):
        with Form(self.env["res.config.settings"]) as settings:
            settings.aftersales_return_visit_days = days
        settings.record.execute()

    def test_closed_complaint_plans_one_visit_after_the_delay_for_its_responsible(self):
        self._set_delay(5)
        with freeze_time("2026-03-10 09:00:00"):
            complaint = self._closed_complaint()
        visit = self._visits(complaint_id=complaint.id)
        self.assertEqual(len(visit), 1)
        self.assertRegex(visit.name, r"^RV/2026/\d{5}$")
        self.assertEqual((visit.state, visit.date_planned), ("planned", date(2026, 3, 15)))
        self.assertEqual(visit.partner_id, self.customer, "the commercial customer, not the contact")
        self.assertEqual(visit.user_id, self.coordinator, "the complaint's responsible")
        self.assertEqual(
            [(a.user_id, a.date_deadline) for a in visit.activity_ids], [(self.coordinator, date(2026, 3, 15))]
        )
        self.assertEqual(complaint.return_visit_count, 1)
        self.assertEqual(complaint.action_view_return_visits()["res_id"], visit.id)

    def test_complaint_without_responsible_goes_to_the_after_sales_responsible(self):
        self.company.aftersales_responsible_id = self.manager
        complaint = self._closed_complaint(user_id=self.env["res.users"])
        self.assertFalse(complaint.user_id, "the coordinator left it to nobody")
        visit = self._visits(complaint_id=complaint.id)
        self.assertEqual(visit.user_id, self.manager)
        self.assertEqual(visit.activity_ids.user_id, self.manager)

    def test_reopened_and_closed_again_keeps_a_single_planned_visit(self):
        complaint = self._closed_complaint()
        complaint.with_user(self.coordinator).action_reopen()
        self._resolve_and_close(complaint)
        visit = self._visits(complaint_id=complaint.id)
        self.assertEqual(len(visit), 1, "the first visit is still planned")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["aftersales.return.visit"].create({"complaint_id": complaint.id, "partner_id": self.customer.id})

    def test_rma_repair_gets_no_visit_and_the_rma_one_when_done(self):
        order, lots = self._sell_and_deliver(["RV-R1"])
        self._stock_quantity(self.spare_part, 5.0)
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "manufacturing",
                             "department_id": self.env.ref("aftersales_service.department_production")}])
        self._decide_and_process(rma)
        repair = self._finish_repair(rma.line_ids, [(self.spare_part, 1)])
        self.assertEqual(repair.state, "done")
        self.assertFalse(self._visits(repair_id=repair.id), "the RMA's repair is followed by the RMA's visit")
        self.assertFalse(self._visits(rma_id=rma.id), "not done until the unit is back with the customer")

        self._ship(rma, "return")  # by a warehouse user without after-sales rights
        self.assertEqual(rma.state, "done")
        visit = self._visits(rma_id=rma.id)
        self.assertEqual(len(visit), 1)
        self.assertEqual((visit.product_id, visit.lot_id, visit.user_id), (self.motor, lots, self.coordinator))
        self.assertEqual(visit.date_planned, fields.Date.today() + timedelta(days=7), "the default delay")
        rma._complete_settled()
        self.assertEqual(len(self._visits(rma_id=rma.id)), 1, "only the step to done schedules")
        self.assertEqual(rma.return_visit_count, 1)

    def test_standalone_repair_plans_a_visit_when_it_ends(self):
        self._stock_quantity(self.cable, 1.0)
        technician = new_test_user(self.env, "rv_technician", groups="stock.group_stock_user")
        with Form(self.env["repair.order"]) as repair_form:
            repair_form.partner_id = self.customer
            repair_form.product_id = self.cable
            repair_form.user_id = technician
        repair = repair_form.record.with_user(technician)  # a repair user without after-sales rights
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        visit = self._visits(repair_id=repair.id)
        self.assertEqual(len(visit), 1)
        self.assertEqual((visit.product_id, visit.user_id), (self.cable, technician))

    def test_internal_repair_without_customer_plans_no_visit(self):
        self._stock_quantity(self.cable, 1.0)
        with Form(self.env["repair.order"]) as repair_form:
            repair_form.product_id = self.cable
        repair = repair_form.record
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(repair.state, "done")
        self.assertFalse(self._visits(repair_id=repair.id), "nobody to visit")

    def test_delay_setting_is_used_and_never_negative(self):
        self._set_delay(0)
        with freeze_time("2026-05-04 09:00:00"):
            complaint = self._closed_complaint()
        self.assertEqual(self._visits(complaint_id=complaint.id).date_planned, date(2026, 5, 4))
        with self.assertRaises(ValidationError):
            self._set_delay(-1)
        self.assertEqual(self.company.aftersales_return_visit_days, 0)

    def test_recording_needs_the_customers_words_and_level_and_happens_once(self):
        visit = self._visits(complaint_id=self._closed_complaint().id).with_user(self.coordinator)
        with self.assertRaisesRegex(UserError, "satisfaction level"):
            visit.action_done()
        visit.outcome = "Works fine now."
        with self.assertRaisesRegex(UserError, "satisfaction level"):
            visit.action_done()
        self.assertEqual((visit.state, visit.date_done), ("planned", False))
        with Form(visit) as visit_form:
            visit_form.satisfaction_level_id = self.satisfied
        visit.action_done()
        self.assertEqual((visit.state, visit.date_done), ("done", fields.Date.today()))
        self.assertAlmostEqual(visit.satisfaction_score, 90.0)
        self.satisfied.with_user(self.manager).coefficient = 0.95
        self.assertAlmostEqual(visit.satisfaction_score, 90.0, msg="a recorded visit keeps its score")
        self.assertFalse(visit.activity_ids, "the to-do is marked done")
        with self.assertRaisesRegex(UserError, "not possible while Done"):
            visit.action_done()

    def test_overdue_visits_are_found_by_search(self):
        with freeze_time("2026-01-05 09:00:00"):
            visit = self._visits(complaint_id=self._closed_complaint().id)
        overdue = self.env["aftersales.return.visit"].search([("is_overdue", "=", True)])
        self.assertIn(visit, overdue)
        self.assertTrue(visit.is_overdue)
        visit.action_cancel()
        self.assertNotIn(visit, self.env["aftersales.return.visit"].search([("is_overdue", "=", True)]))
        visit.action_reset()
        self.assertEqual((visit.state, len(visit.activity_ids)), ("planned", 1))

    def test_complaint_raised_from_a_visit_is_escalated_within_four_hours(self):
        visit = self._visits(complaint_id=self._closed_complaint().id)
        visit.write({"outcome": "The motor overheats again.", "satisfaction_level_id": self.dissatisfied.id})
        visit.with_user(self.coordinator).action_done()
        action = visit.with_user(self.coordinator).action_create_complaint()
        with freeze_time("2026-06-01 10:00:00"):
            complaint = Form.from_action(self.env(user=self.coordinator.id), action).save()
        self.assertEqual((complaint.channel, complaint.return_visit_id), ("return_visit", visit))
        self.assertEqual(complaint.partner_id, self.customer)
        self.assertIn("overheats again", complaint.description)
        self.assertEqual(complaint.sla_policy_id, self.env.ref("aftersales_service.sla_policy_return_visit"))
        self.assertEqual(complaint.escalation_deadline, datetime(2026, 6, 1, 14, 0))
        self.assertEqual((visit.complaint_ids, visit.complaint_count), (complaint, 1))

    def test_a_visit_follows_exactly_one_document(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env["aftersales.return.visit"].create({"partner_id": self.customer.id})

    def test_access_is_limited_to_after_sales_users_of_the_company_and_done_visits_are_kept(self):
        visit = self._visits(complaint_id=self._closed_complaint().id)
        other_company = self.env["res.company"].create({"name": "Second Plant Co"})
        other_manager = new_test_user(
            self.env, "rv_other_manager", groups="aftersales_service.group_aftersales_manager",
            company_id=other_company.id, company_ids=[(6, 0, other_company.ids)],
        )
        internal = new_test_user(self.env, "rv_internal", groups="base.group_user")
        for user in (other_manager, internal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                visit.with_user(user).read(["partner_id"])
        with self.assertRaises(AccessError):
            visit.with_user(self.coordinator).unlink()
        visit.write({"outcome": "All good.", "satisfaction_level_id": self.satisfied.id})
        visit.with_user(self.coordinator).action_done()
        with self.assertRaisesRegex(UserError, "Only planned or cancelled"):
            visit.with_user(self.manager).unlink()
        self.assertTrue(visit.exists())
