import re
from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestComplaintFlow(RmaCase):
    """Intake, investigation, corrective actions, closing with the customer, RMA and repair from a complaint."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quality = cls.env.ref("aftersales_service.department_quality")

    def _complaint(self, user=None, **values):
        with Form(self.env["aftersales.complaint"].with_user(user or self.coordinator)) as form:
            form.partner_id = values.pop("partner", self.customer)
            for name, value in values.items():
                setattr(form, name, value)
        return form.record.with_env(self.env)

    def _close(self, complaint, confirmed_by="Mr. Li, workshop head", user=None):
        action = complaint.with_user(user or self.coordinator).action_close()
        self.assertEqual(action["res_model"], "aftersales.complaint.close")
        wizard_model = self.env[action["res_model"]].with_user(user or self.coordinator).with_context(**action["context"])
        with Form(wizard_model) as wizard:
            wizard.confirmed_by = confirmed_by
            wizard.way = "phone"
            wizard.note = "Satisfied with the repair."
        return wizard.record.action_close()

    def _resolve(self, complaint, text="<p>Exchanged the faulty bearing.</p>"):
        complaint.resolution = text
        complaint.with_user(self.coordinator).action_resolve()

    def test_every_intake_gets_its_own_number(self):
        first = self._complaint(channel="letter", kind="inquiry")
        second = self._complaint(channel="email", kind="praise")
        year = fields.Date.today().year
        self.assertRegex(first.name, rf"^CPL/{year}/\d{{5}}$")
        self.assertNotEqual(first.name, second.name)
        self.assertEqual(first.state, "new")

    def test_the_list_opens_on_the_open_complaints_and_those_awaiting_the_customers_confirmation(self):
        new, resolved, closed = self._complaint(), self._complaint(), self._complaint()
        for complaint in resolved | closed:
            complaint.with_user(self.coordinator).action_acknowledge()
            self._resolve(complaint)
        self._close(closed)
        opened, facets = self._opened_list("aftersales_service.action_aftersales_complaint", self.coordinator)
        self.assertEqual(opened & (new | resolved | closed), new | resolved)
        self.assertEqual(facets, [["Open", "Awaiting Confirmation"]])

    def test_acknowledgement_tells_the_deadline_in_the_customers_time_zone_without_seconds(self):
        self.company.resource_calendar_id.tz = "Asia/Shanghai"
        self.coordinator.tz = "America/New_York"
        self.customer.tz = "Europe/Paris"
        complaint = self._complaint(date_received=fields.Datetime.to_datetime("2026-11-20 02:00:00"))
        complaint.with_user(self.coordinator).action_acknowledge()
        self._run_follow_ups()
        body = complaint.message_ids.filtered(lambda message: "We will come back" in (message.body or ""))[:1].body
        # 48 hours after 02:00 UTC is 22 November 02:00 UTC: 03:00 in Paris, not 21:00 in New York (the coordinator)
        # or 10:00 in Shanghai (the company), in the language's format without seconds.
        self.assertIn("11/22/2026 03:00", body)
        self.assertNotIn("03:00:00", body)
        self.assertIn("Europe/Paris", body)
        self.customer.tz = False
        self.assertEqual(complaint.customer_tz, "Asia/Shanghai", "a customer without a time zone reads the company's")
        contact = self.env["res.partner"].create({"name": "Li Wei", "parent_id": self.customer.id, "tz": "Asia/Tokyo"})
        portal_user = self.env["res.users"].create({
            "name": "Li Wei", "login": "as_cpl_tz_portal", "partner_id": contact.id,
            "group_ids": [(6, 0, self.env.ref("base.group_portal").ids)],
        })
        self.assertEqual(complaint.customer_tz, "Asia/Shanghai", "the customer's own time zone is not the contact's")
        self.assertEqual(complaint.with_user(portal_user).customer_tz, "Asia/Tokyo", "on the portal, the reader's")

    def test_complaint_form_pdf_prints_kind_and_dimension_times_without_seconds_and_no_empty_responsibility(self):
        complaint = self._complaint(
            date_received=fields.Datetime.to_datetime("2026-11-20 02:00:00"), kind="complaint", dimension="quality"
        )

        def printed():
            html = self.env["ir.actions.report"]._render_qweb_html(
                "aftersales_service.action_report_complaint_form", complaint.ids
            )[0].decode()
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))

        text = printed()
        self.assertIn("Kind: Complaint, Product Quality", text)
        self.assertRegex(text, r"Received: 11/20/2026 \d\d:00")
        self.assertNotRegex(text, r"\d\d:\d\d:\d\d", "no seconds")
        self.assertNotIn("Responsibility:", text, "nothing to say yet")
        complaint.action_investigate()
        complaint.responsibility = "carrier"
        self.assertIn("Responsibility: Carrier", printed())

    def test_serial_picks_the_customers_delivery_record(self):
        order, lots = self._sell_and_deliver(["CPL-SN-01"])
        complaint = self._complaint(lot_id=lots)
        record = self._records(lot_id=lots.id)
        self.assertEqual(complaint.delivery_record_id, record)
        self.assertEqual(complaint.product_id, self.motor)
        self.assertEqual(complaint.sale_order_id, order)

    def test_a_serial_typed_in_the_rma_and_complaint_forms_is_found_in_any_case(self):
        _order, lots = self._sell_and_deliver(["CPL-SN-Case"])
        for typed in ("cpl-sn-case", "  CPL-SN-CASE  "):
            with self.subTest(typed=typed):
                self.assertEqual(self._picker(
                    "aftersales.complaint", "lot_id", typed, user=self.coordinator,
                    partner_id=self.customer.id, product_id=False,
                ), lots, typed)
                self.assertEqual(self._picker(
                    "aftersales.rma.line", "lot_id", typed, user=self.coordinator, product_id=self.motor.id,
                ), lots, typed)

    def test_delivery_record_of_another_customer_is_refused(self):
        _order, lots = self._sell_and_deliver(["CPL-SN-02"], partner=self.distributor)
        record = self._records(lot_id=lots.id)
        with self.assertRaises(UserError):
            self.env["aftersales.complaint"].create({"partner_id": self.customer.id, "delivery_record_id": record.id})
        self.assertFalse(self.env["aftersales.complaint"].search([("delivery_record_id", "=", record.id)]))

    def test_state_machine_refuses_double_clicks_and_skipped_steps(self):
        complaint = self._complaint()
        complaint.with_user(self.coordinator).action_acknowledge()
        self.assertEqual(complaint.state, "acknowledged")
        with self.assertRaises(UserError):
            complaint.with_user(self.coordinator).action_acknowledge()
        with self.assertRaises(UserError):
            complaint.with_user(self.coordinator).action_close()
        with self.assertRaises(UserError):
            complaint.with_user(self.coordinator).action_resolve()  # nothing written about the resolution
        self.assertEqual(complaint.state, "acknowledged")
        self.assertFalse(complaint.resolved_date)
        complaint.with_user(self.coordinator).action_investigate()
        self._resolve(complaint)
        self.assertEqual(complaint.state, "resolved")
        with self.assertRaises(UserError):
            complaint.with_user(self.coordinator).action_resolve()

    def test_acknowledgement_and_resolution_are_sent_to_the_customer(self):
        complaint = self._complaint()
        complaint.with_user(self.coordinator).action_acknowledge()
        self._resolve(complaint)
        self.assertFalse(complaint.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("mail.mt_comment")),
                         "queued: sent once the transitions are committed")
        self._run_follow_ups()
        sent = complaint.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("mail.mt_comment"))
        self.assertEqual(len(sent), 2)
        self.assertEqual(sent.partner_ids, self.customer)
        self.assertEqual(sent.author_id, self.coordinator.partner_id, "from whoever made the transition")
        self.assertFalse(self.env["aftersales.follow.up"].search([]), "nothing left to send")
        self.assertIn(complaint.name, sent.sorted("id")[0].subject)
        self.assertIn("Exchanged the faulty bearing", sent.sorted("id")[1].body)

    def test_verified_complaint_caused_by_us_needs_a_corrective_action(self):
        complaint = self._complaint(kind="complaint", dimension="quality")
        complaint.with_user(self.coordinator).action_investigate()
        with Form(complaint.with_user(self.coordinator)) as form:
            form.root_cause = "Bearing seat machined out of tolerance"
            form.responsibility = "department"
            form.department_id = self.quality
            form.verified = True
            with form.action_ids.new() as action:
                action.action_type = "preventive"
                action.name = "Add the seat to the incoming inspection plan"
                action.date_deadline = date.today() + timedelta(days=30)
        self.assertTrue(complaint.company_caused)
        complaint.resolution = "<p>Unit exchanged.</p>"
        with self.assertRaisesRegex(UserError, "corrective action"):
            complaint.with_user(self.coordinator).action_resolve()
        self.assertEqual(complaint.state, "investigating")
        with Form(complaint.with_user(self.coordinator)) as form:
            with form.action_ids.new() as action:
                action.action_type = "corrective"
                action.name = "Re-machine the batch of seats"
                action.user_id = self.manager
                action.date_deadline = date.today() + timedelta(days=7)
        complaint.with_user(self.coordinator).action_resolve()
        self.assertEqual(complaint.state, "resolved")

    def test_customer_caused_or_unverified_complaints_need_no_corrective_action(self):
        for values in ({"responsibility": "customer", "verified": True}, {"responsibility": "department"}):
            with self.subTest(values=values):
                complaint = self._complaint()
                complaint.write(dict(values, department_id=self.quality.id))
                complaint.action_investigate()
                self._resolve(complaint)
                self.assertEqual(complaint.state, "resolved")

    def test_corrective_action_is_done_then_verified_by_someone_else(self):
        complaint = self._complaint(date_received=fields.Datetime.now() - timedelta(days=10))
        action = self.env["aftersales.corrective.action"].create({
            "complaint_id": complaint.id, "name": "Retrain the packers", "user_id": self.coordinator.id,
            "date_deadline": date.today() - timedelta(days=1),
        })
        self.assertTrue(action.is_overdue)
        self.assertIn(action, action.search([("is_overdue", "=", True)]))
        with self.assertRaisesRegex(UserError, "done"):
            action.with_user(self.manager).action_verify_effective()
        action.with_user(self.coordinator).action_done()
        self.assertFalse(action.is_overdue)
        self.assertNotIn(action, action.search([("is_overdue", "=", True)]))
        with self.assertRaises(UserError):
            action.with_user(self.coordinator).action_done()
        action.verification_note = "No packaging damage in the next 20 deliveries"
        with self.assertRaisesRegex(UserError, "owner"):
            action.with_user(self.coordinator).action_verify_effective()
        action.with_user(self.manager).action_verify_effective()
        self.assertEqual(action.effectiveness, "effective")
        self.assertEqual(action.verified_by_id, self.manager)
        with self.assertRaises(UserError):
            action.with_user(self.manager).action_verify_not_effective()

    def test_an_action_not_effective_calls_for_a_follow_up(self):
        complaint = self._complaint(date_received=fields.Datetime.now() - timedelta(days=10))
        action = self.env["aftersales.corrective.action"].create({
            "complaint_id": complaint.id, "name": "Retrain the packers", "user_id": self.coordinator.id,
            "date_deadline": date.today(),
        })
        action.with_user(self.coordinator).action_done()
        action.verification_note = "Damage again on the next delivery"
        action.with_user(self.manager).action_verify_not_effective()
        self.assertEqual(action.effectiveness, "not_effective")
        follow_up = complaint.activity_ids.filtered(lambda activity: "follow-up" in activity.summary)
        self.assertEqual(follow_up.user_id, complaint.user_id)

    def test_corrective_action_cannot_be_due_before_the_complaint(self):
        complaint = self._complaint()
        with self.assertRaises(Exception), self.env.cr.savepoint():
            self.env["aftersales.corrective.action"].create({
                "complaint_id": complaint.id, "name": "Too early", "date_deadline": date.today() - timedelta(days=400),
            })
        self.assertFalse(complaint.action_ids)

    def test_closing_records_the_customers_confirmation_and_reopening_restarts(self):
        complaint = self._complaint()
        complaint.action_acknowledge()
        self._resolve(complaint)
        self._close(complaint)
        self.assertEqual(complaint.state, "closed")
        self.assertIn("Mr. Li, workshop head", complaint.customer_confirmation)
        self.assertTrue(complaint.closed_date)
        complaint.with_user(self.coordinator).action_reopen()
        self.assertEqual(complaint.state, "investigating")
        self.assertFalse(complaint.customer_confirmation)
        self.assertFalse(complaint.closed_date)

    def test_closing_without_a_confirmation_is_refused(self):
        complaint = self._complaint()
        complaint.action_acknowledge()
        self._resolve(complaint)
        wizard = self.env["aftersales.complaint.close"].create(
            {"complaint_ids": [(6, 0, complaint.ids)], "confirmed_by": "   ", "way": "phone"}
        )
        with self.assertRaises(UserError):
            wizard.action_close()
        self.assertEqual(complaint.state, "resolved")
        self.assertFalse(complaint.customer_confirmation)

    def test_rma_started_from_a_complaint_is_prefilled_and_followed(self):
        order, lots = self._sell_and_deliver(["CPL-SN-03"])
        complaint = self._complaint(lot_id=lots, dimension="quality")
        complaint.action_acknowledge()
        action = complaint.with_user(self.coordinator).action_create_rma()
        with Form(self.env["aftersales.rma"].with_user(self.coordinator).with_context(**action["context"])) as rma_form:
            rma_form.reason_id = self.env.ref("aftersales_service.rma_reason_defect")
        rma = rma_form.record
        self.assertEqual(rma.complaint_id, complaint)
        self.assertEqual(rma.partner_id, self.customer)
        self.assertEqual(rma.sale_order_id, order)
        self.assertEqual(rma.line_ids.lot_id, lots)
        self.assertEqual(complaint.rma_count, 1)
        self.assertEqual(complaint.follow_up_progress, "0 of 1 done")
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "manufacturing"}])
        self._decide_and_process(
            rma, [{"decision": "refund", "override_reason": "Goodwill after the complaint"}], user=self.manager
        )
        self.assertEqual(rma.state, "done")
        complaint.invalidate_recordset(["follow_up_progress"])
        self.assertEqual(complaint.follow_up_progress, "1 of 1 done")
        self.assertEqual(complaint.action_view_rmas()["res_id"], rma.id)

    def test_rma_from_a_complaint_refuses_a_unit_already_returned(self):
        _order, lots = self._sell_and_deliver(["CPL-SN-04"])
        rma = self._new_rma(self._records(lot_id=lots.id).sale_order_id, lots)
        complaint = self._complaint(lot_id=lots)
        self.assertTrue(rma.line_ids)
        with self.assertRaises(UserError):
            complaint.action_create_rma()

    def test_repair_started_from_a_complaint(self):
        _order, lots = self._sell_and_deliver(["CPL-SN-05"])
        complaint = self._complaint(lot_id=lots)
        action = complaint.action_create_repair()
        with Form(self.env["repair.order"].with_context(**action["context"])) as repair_form:
            self.assertEqual(repair_form.product_id, self.motor)
        repair = repair_form.record
        self.assertEqual(repair.aftersales_complaint_id, complaint)
        self.assertEqual(repair.lot_id, lots)
        self.assertEqual(complaint.repair_ids, repair)
        self.assertEqual(complaint.follow_up_progress, "0 of 1 done")

    def test_only_new_or_cancelled_complaints_can_be_deleted(self):
        complaint = self._complaint()
        self.assertTrue(complaint.can_delete, "Delete is offered")
        complaint.action_acknowledge()
        self.assertFalse(complaint.can_delete, "Delete is not offered where it is refused")
        with self.assertRaisesRegex(UserError, "Only new or cancelled complaints can be deleted"):
            complaint.unlink()
        complaint.action_cancel()
        self.assertTrue(complaint.can_delete)
        self.assertEqual(complaint.state, "cancel")
        complaint.action_reset()
        self.assertEqual(complaint.state, "new")
        complaint.action_cancel()
        complaint.unlink()
        self.assertFalse(complaint.exists())


@tagged("post_install", "-at_install")
class TestComplaintSecurity(RmaCase):

    def test_access_matrix(self):
        complaint = self.env["aftersales.complaint"].with_user(self.coordinator).create({"partner_id": self.customer.id})
        self.assertTrue(complaint.with_user(self.coordinator).has_access("write"))
        outsider = new_test_user(self.env, "as_cpl_outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            complaint.with_user(outsider).read(["name"])
        portal = new_test_user(self.env, "as_cpl_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            complaint.with_user(portal).read(["name"])
        other_company = self.env["res.company"].create({"name": "Other Works"})
        stranger = new_test_user(
            self.env, "as_cpl_other", groups="aftersales_service.group_aftersales_manager",
            company_id=other_company.id, company_ids=[(6, 0, other_company.ids)],
        )
        self.assertFalse(self.env["aftersales.complaint"].with_user(stranger).search([("id", "=", complaint.id)]))
        with self.assertRaises(AccessError):
            complaint.with_user(stranger).read(["name"])
        action = self.env["aftersales.corrective.action"].create({
            "complaint_id": complaint.id, "name": "Check", "date_deadline": date.today(),
        })
        with self.assertRaises(AccessError):
            action.with_user(stranger).read(["name"])
        with self.assertRaises(AccessError):
            action.with_user(self.coordinator).unlink()


@tagged("post_install", "-at_install")
class TestComplaintReports(RmaCase):

    def test_handling_form_and_contact_log_of_a_period(self):
        complaints = self.env["aftersales.complaint"]
        received = [fields.Datetime.now() - timedelta(days=40), fields.Datetime.now() - timedelta(days=2)]
        for when, channel in zip(received, ("letter", "visit")):
            complaints |= complaints.create({
                "partner_id": self.customer.id, "channel": channel, "date_received": when,
                "contact_name": f"Contact by {channel}", "root_cause": "Loose terminal",
            })
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales_service.action_report_complaint_form", complaints[:1].ids
        )
        self.assertIn(complaints[0].name, html.decode())
        self.assertIn("Loose terminal", html.decode())
        self.assertNotIn("2026-01-0", html.decode(), "an empty deadline or date prints nothing, not a sample")
        with Form(self.env["aftersales.contact.log"].with_user(self.coordinator)) as wizard:
            wizard.date_from = fields.Date.today() - timedelta(days=7)
            wizard.date_to = fields.Date.today()
        action = wizard.record.action_print()
        self.assertIn(complaints[1].id, action["context"]["active_ids"])
        self.assertNotIn(complaints[0].id, action["context"]["active_ids"])
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales_service.action_report_contact_log", action["context"]["active_ids"], data=action["data"]
        )
        self.assertIn("Contact by visit", html.decode())
        self.assertNotIn("Contact by letter", html.decode())
        wizard.record.date_from = fields.Date.today() + timedelta(days=1)
        with self.assertRaises(UserError):
            wizard.record.action_print()

    def test_customer_form_counts_and_opens_its_complaints(self):
        contact = self.customer_contact
        complaint = self.env["aftersales.complaint"].create({"partner_id": self.customer.id})
        self.assertEqual(contact.aftersales_complaint_count, 1)
        action = contact.action_view_aftersales_complaints()
        self.assertEqual(self.env["aftersales.complaint"].search(action["domain"]), complaint)
