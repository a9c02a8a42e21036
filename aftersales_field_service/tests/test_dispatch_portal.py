"""Service visits on the customer portal: appointments confirmed or moved, orders signed, opinions given, by the
visit's own customer only (docs/portal.md §9)."""
import base64
import json

from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.tests.common import PNG, SVG, PortalCase

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestDispatchPortal(DispatchCase, PortalCase):
    """The model's portal rules, as the portal user the routes act for."""

    def test_the_customer_sees_their_planned_visits_only(self):
        unit = self._units(["VP-1"])
        planned = self._plan(unit)
        draft = self.env["aftersales.dispatch.order"].create({"partner_id": self.customer.id})
        rival = self._plan(self._units(["VP-2"], partner=self.distributor))
        Orders = self.env["aftersales.dispatch.order"].with_user(self.portal_user)
        self.assertEqual(Orders.search([]), planned, "drafts and other customers' visits are not shown")
        with self.assertRaises(AccessError):
            draft.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            rival.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            planned.with_user(self.portal_user).write({"appointment_start": planned.appointment_end})
        with self.assertRaises(AccessError, msg="internal fields are the after-sales team's"):
            planned.with_user(self.portal_user).read(["internal_note"])
        self.assertEqual(planned.with_user(self.portal_user).line_ids.warranty_state, "in_warranty")

    def test_the_customer_confirms_the_appointment_once(self):
        order = self._plan(self._units(["VP-3"]))
        order.with_user(self.portal_user).sudo()._portal_confirm_appointment()
        self.assertTrue(order.appointment_confirmed)
        self.assertIn("Appointment confirmed by Wang Fang", order.message_ids[0].body)
        with self.assertRaises(UserError):
            order.with_user(self.portal_user).sudo()._portal_confirm_appointment()

    def test_asking_for_another_time_changes_nothing_but_tells_the_dispatcher(self):
        order = self._plan(self._units(["VP-4"]))
        start = order.appointment_start
        with self.assertRaisesRegex(UserError, "why the time does not suit you"):
            order.with_user(self.portal_user).sudo()._portal_ask_reschedule("  ")
        with self.assertRaisesRegex(UserError, "ends after it starts"):
            order.with_user(self.portal_user).sudo()._portal_ask_reschedule("Holiday", "2027-01-05T10:00", "2027-01-05T09:00")
        order.with_user(self.portal_user).sudo()._portal_ask_reschedule("Plant closed for the holiday", "2027-01-05T09:00")
        self.assertEqual(order.appointment_start, start, "the dispatcher decides")
        request = order.reschedule_ids
        self.assertTrue(request.requested_by_customer)
        self.assertEqual(request.reason, "Plant closed for the holiday")
        self.assertEqual(str(request.new_start), "2027-01-05 09:00:00")
        self.assertIn(self.dispatcher, order.activity_ids.user_id)

    def test_the_customer_signs_the_written_report_while_the_technician_is_there_and_once(self):
        order = self._plan(self._units(["VP-5"]))
        signature = base64.b64encode(PNG)
        with self.assertRaisesRegex(UserError, "not waiting for your signature"):
            order.with_user(self.portal_user).sudo()._portal_sign("Wang Fang", signature)
        order.with_user(self.tech_user).action_check_in()
        with self.assertRaisesRegex(UserError, "not waiting for your signature"):
            order.with_user(self.portal_user).sudo()._portal_sign("Wang Fang", signature)
        self.assertFalse(order.with_user(self.portal_user).sudo().can_customer_sign, "nothing is reported yet")
        self._report(order, fault_found=" ")
        self.assertFalse(order.with_user(self.portal_user).sudo().can_customer_sign, "the fault found is still missing")
        self._report(order)
        self.assertTrue(order.with_user(self.portal_user).sudo().can_customer_sign, "the customer signs what was reported")
        with self.assertRaisesRegex(UserError, "Give your name and sign"):
            order.with_user(self.portal_user).sudo()._portal_sign(" ", signature)
        order.with_user(self.portal_user).sudo()._portal_sign("Wang Fang", signature)
        self.assertEqual(order.signed_by, "Wang Fang")
        self.assertTrue(order.signed_on)
        with self.assertRaisesRegex(UserError, "not waiting for your signature"):
            order.with_user(self.portal_user).sudo()._portal_sign("Somebody Else", signature)
        self.assertEqual(order.signed_by, "Wang Fang")

    def test_the_opinion_is_given_once_with_a_level_of_the_list(self):
        order = self._plan(self._units(["VP-6"]))
        order.with_user(self.tech_user).action_check_in()
        portal_order = order.with_user(self.portal_user).sudo()
        with self.assertRaisesRegex(UserError, "Choose how satisfied"):
            portal_order._portal_opinion(None)
        with self.assertRaises(AccessError):
            portal_order._portal_opinion(999999)
        level = self.env.ref("aftersales_service.satisfaction_level_satisfied")
        portal_order._portal_opinion(level.id, "Quick and clean")
        self.assertEqual((order.satisfaction_level_id, order.customer_comment), (level, "Quick and clean"))
        with self.assertRaisesRegex(UserError, "already recorded"):
            portal_order._portal_opinion(level.id)

    def test_a_visit_lines_remark_and_cause_are_hidden_from_the_customer(self):
        order = self._on_site(self._units(["OS-012"]))
        order.line_ids.write({"note": "Customer runs it overloaded", "cause": "misuse"})
        line = order.line_ids.with_user(self.portal_user)
        self.assertEqual(line.read(["warranty_state"])[0]["warranty_state"], "void")
        for fname in ("note", "cause"):
            with self.assertRaises(AccessError, msg=fname):
                line.read([fname])

    def test_what_field_service_adds_to_a_complaint_is_hidden_from_its_customer(self):
        unit = self._units(["OS-HIDDEN"])
        complaint = self.env["aftersales.complaint"].create({
            "partner_id": self.customer.id, "onsite_required": True, "delivery_record_id": unit.id,
            "product_id": unit.product_id.id, "lot_id": unit.lot_id.id,
        })
        self._plan_from(complaint)
        added = {name for name, field in complaint._fields.items() if "aftersales_field_service" in field._modules}
        self.assertEqual(added, {"dispatch_order_ids", "dispatch_count", "can_create_dispatch", "suggested_point_id"})
        for fname in sorted(added):
            with self.subTest(field=fname), self.assertRaises(AccessError):
                complaint.with_user(self.portal_user).read([fname])
        self.assertEqual(complaint.with_user(self.portal_user).read(["subject"])[0]["id"], complaint.id)

    def test_a_signature_is_a_picture_not_a_drawing_file(self):
        order = self._report(self._on_site(self._units(["OS-013"])))
        with self.assertRaisesRegex(UserError, "picture"), self.env.cr.savepoint():
            order.with_user(self.portal_user).sudo()._portal_sign("Wang Fang", base64.b64encode(SVG))
        with self.assertRaisesRegex(ValidationError, "picture"), self.env.cr.savepoint():
            order.signature = base64.b64encode(SVG)
        order.invalidate_recordset()
        self.assertFalse(order.signature)
        order.with_user(self.portal_user).sudo()._portal_sign("Wang Fang", base64.b64encode(PNG))
        self.assertTrue(order.signature)


@tagged("post_install", "-at_install")
class TestDispatchPortalRoutes(DispatchCase, PortalCase, HttpCase):
    """The visit pages over HTTP and in Chromium (static/tests/tours/aftersales_dispatch_tour.js)."""

    def _as(self, user):
        self.authenticate(user.login if user else None, user.login if user else None)

    def _post(self, url, data=None):
        return self.url_open(url, data={"csrf_token": http.Request.csrf_token(self), **(data or {})})

    def _sign(self, order, token=None, picture=PNG):
        payload = {"jsonrpc": "2.0", "method": "call", "params": {
            "name": "Wang Fang", "signature": base64.b64encode(picture).decode(), "access_token": token,
        }}
        response = self.url_open(f"/my/visits/{order.id}/sign", data=json.dumps(payload),
                                 headers={"Content-Type": "application/json"})
        return response.json()["result"]

    def test_a_visit_opens_for_its_customer_or_its_token_only(self):
        order = self._plan(self._units(["VR-1"]))
        rival = self._plan(self._units(["VR-2"], partner=self.distributor))
        order.internal_note = "INTERNAL-NOTE-7Q"
        self._as(self.portal_user)
        page = self.url_open(order.access_url)
        self.assertIn(order.name, page.text)
        self.assertIn(self.technician.name, page.text)
        self.assertNotIn("INTERNAL-NOTE-7Q", page.text)
        self.assertNotIn(rival.name, self.url_open("/my/visits").text)
        self.assertNotIn(rival.name, self.url_open(rival.access_url).text, "another customer's visit")
        self._as(None)
        self.assertNotIn(order.name, self.url_open(order.access_url).text)
        token = order._portal_ensure_token()
        self.assertIn(order.name, self.url_open(f"{order.access_url}?access_token={token}").text)
        pdf = self.url_open(f"{order.access_url}?access_token={token}&report_type=pdf")
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        order.with_user(self.dispatcher).action_reset()
        self.assertNotIn(order.name, self.url_open(f"{order.access_url}?access_token={token}").text,
                         "a visit back in planning is not shown, not even from its link")

    def test_the_customers_copy_prints_in_the_language_of_its_reader(self):
        self._speak("zh_CN")
        order = self._plan(self._units(["VR-LANG"]))
        self.customer.lang = "en_US"
        self.portal_user.lang = "zh_CN"
        self._as(self.portal_user)
        page = self.url_open(f"{order.access_url}?report_type=html").content.decode()
        self.assertIn("维护派工单", page)
        self.assertNotIn("Fault found", page)
        self.portal_user.lang = "en_US"
        self._as(self.portal_user)
        self.assertIn("Fault found", self.url_open(f"{order.access_url}?report_type=html").content.decode())

    def test_state_changes_are_posted_by_the_visits_customer(self):
        order = self._plan(self._units(["VR-3"]))
        rival = self._plan(self._units(["VR-4"], partner=self.distributor))
        self._as(self.portal_user)
        self.assertEqual(self.url_open(f"/my/visits/{order.id}/confirm").status_code, 405, "never by GET")
        self._post(f"/my/visits/{rival.id}/confirm")
        self.assertFalse(rival.appointment_confirmed, "another customer's visit")
        self._post(f"/my/visits/{order.id}/confirm")
        self.assertTrue(order.appointment_confirmed)
        self._post(f"/my/visits/{order.id}/reschedule", {"reason": " "})
        self.assertFalse(order.reschedule_ids, "a refused request writes nothing")
        self.assertFalse(self._sign(order).get("force_refresh"), "not on site yet")
        order.with_user(self.tech_user).action_check_in()
        self.assertIn("error", self._sign(order), "the report is not written yet")
        self.assertIn("o_aftersales_visit_sign_later", self.url_open(order.access_url).text)
        self._report(order)
        page = self.url_open(order.access_url).text
        self.assertIn('o_aftersales_visit_sign"', page)
        self.assertNotIn("o_aftersales_visit_sign_later", page)
        self.assertIn("error", self._sign(rival))
        self.assertIn("picture", self._sign(order, picture=SVG)["error"], "a drawing file is no signature")
        self.assertFalse(order.signature)
        self.assertTrue(self._sign(order)["force_refresh"])
        self.assertEqual(order.signed_by, "Wang Fang")
        self.assertIn("error", self._sign(order), "signed once")

    def test_what_the_customer_does_on_the_portal_is_noted_in_the_language_they_read(self):
        self._speak("zh_CN")
        self.portal_user.lang = "zh_CN"
        order = self._plan(self._units(["VR-ZH"]))
        self._as(self.portal_user)
        self._post(f"/my/visits/{order.id}/confirm")
        self.assertIn("已确认预约", "".join(order.message_ids.mapped("body")))
        order.with_user(self.tech_user).action_check_in()
        self._report(order)
        self.assertTrue(self._sign(order)["force_refresh"])
        self.assertIn("已在门户签字", "".join(order.message_ids.mapped("body")))

    def test_a_visitor_with_the_link_signs_on_the_technicians_tablet(self):
        order = self._report(self._on_site(self._units(["VR-5"])))
        self._as(None)
        self.assertIn("error", self._sign(order, "not-the-token"))
        self.assertTrue(self._sign(order, order._portal_ensure_token())["force_refresh"])
        self.assertTrue(order.signature)

    def test_counters_count_the_visits(self):
        self._plan(self._units(["VR-6"]))
        self.env["aftersales.dispatch.order"].create({"partner_id": self.customer.id})
        self._as(self.portal_user)
        response = self.url_open("/my/counters", data=json.dumps({"params": {"counters": ["aftersales_visit_count"]}}),
                                 headers={"Content-Type": "application/json"})
        self.assertEqual(response.json()["result"]["aftersales_visit_count"], 1)

    def test_tour_a_customer_confirms_an_appointment_and_signs_the_order(self):
        order = self._plan(self._units(["VR-7"]))
        self.start_tour("/my/visits", "aftersales_portal_visit_confirm", login=self.portal_user.login)
        self.assertTrue(order.appointment_confirmed)
        order.with_user(self.tech_user).action_check_in()
        self._report(order)
        self.start_tour(order.access_url, "aftersales_portal_visit_sign", login=self.portal_user.login)
        self.assertEqual(order.signed_by, "Wang Fang")
        self.assertTrue(order.signature)
        self.assertEqual(order.satisfaction_level_id, self.env.ref("aftersales_service.satisfaction_level_very_satisfied"))
