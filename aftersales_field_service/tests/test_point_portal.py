"""The portal of the service network: an outsourced point's technicians make their visits and read their point's
settlements on it, customers find the points covering their region (docs/service-network.md §5)."""
import base64
import json
from datetime import timedelta

from odoo import http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.tests.common import PNG, SVG, PortalCase

from .common import NetworkCase

SETTLEMENT_REPORT = "aftersales_field_service.action_report_service_settlement"
REPORT = {
    "fault_found": "Bearing worn", "work_done": "Bearing replaced", "outcome": "fixed", "labour_hours": "1.5",
    "travel_distance": "42",
}


class PointPortalCase(NetworkCase, PortalCase):
    """Visits of the point's portal technician, and visits of everybody else the technician must not reach."""

    def _point_plan(self, serials, technician=None, partner=None):
        """A visit to new units of ``partner`` (the customer) planned and dispatched to ``technician`` (the point's
        portal technician)."""
        return self._plan(self._units(serials, partner=partner), technician=technician or self.point_technician)

    def _as_point(self, order, user=None):
        """The visit as the point's portal technician's steps get it: their user, rights lifted for the write."""
        return order.with_user(user or self.point_user).sudo()

    def _portal_visit(self, order, user=None):
        """The point's portal technician makes the visit through the portal's steps: check in, report, the customer's
        signature, check out."""
        order = self._as_point(order, user)
        order.action_check_in()
        order._point_portal_report(REPORT)
        order._point_portal_sign("Li Wei", base64.b64encode(PNG))
        order.action_check_out()
        return order.with_env(self.env)

    def _foreign_visits(self):
        """Visits the point's portal technician is not on: another point's, ours, one where the point's company is
        the customer, and a draft of their own."""
        theirs = self._point_plan(["PP-OTHER"], technician=self.other_point_technician)
        ours = self._point_plan(["PP-OURS"], technician=self.other_technician)
        as_customer = self._point_plan(["PP-CUST"], technician=self.other_technician, partner=self.point_partner)
        draft = self.env["aftersales.dispatch.order"].with_user(self.dispatcher).create({
            "partner_id": self.customer.id, "technician_id": self.point_technician.id,
        }).with_env(self.env)
        return {"another point's": theirs, "ours": ours, "the point as customer": as_customer, "draft": draft}


@tagged("post_install", "-at_install")
class TestPointPortal(PointPortalCase):
    """The model's rules of the point's portal, as the portal technician the routes act for."""

    def test_a_point_technician_finds_the_visit_on_the_portal_not_as_a_back_office_todo(self):
        portal_visit = self._point_plan(["PP-TODO-1"])
        self.assertEqual(portal_visit.state, "dispatched")
        self.assertFalse(portal_visit.activity_ids.filtered(lambda activity: activity.user_id == self.point_user))
        internal_visit = self._point_plan(["PP-TODO-2"], technician=self.technician)
        self.assertEqual(internal_visit.activity_ids.user_id, self.tech_user)

    def test_the_point_technician_confirms_the_appointment_of_their_visit_once(self):
        order = self._point_plan(["PP-1"])
        self.assertFalse(self._as_point(order).can_confirm_appointment, "the back office's button stays the dispatcher's")
        self.assertTrue(self._as_point(order)._point_portal_can_confirm())
        for user in (self.other_point_user, self.portal_user):
            with self.subTest(user=user.login), self.assertRaisesRegex(UserError, "not yours"):
                self._as_point(order, user)._point_portal_confirm()
        self.assertFalse(order.appointment_confirmed)
        self._as_point(order)._point_portal_confirm()
        self.assertTrue(order.appointment_confirmed)
        self.assertIn("Appointment confirmed with the customer by Wu Gang", order.message_ids[0].body)
        self.assertTrue(order.message_ids[0].subtype_id.internal, "a note for our people, not the customer")
        with self.assertRaisesRegex(UserError, "can no longer be confirmed"):
            self._as_point(order)._point_portal_confirm()

    def test_a_helper_of_the_point_makes_the_visit_a_stranger_does_not(self):
        order = self._point_plan(["PP-HELP"], technician=self.other_technician)
        with self.assertRaisesRegex(UserError, "not yours"):
            self._as_point(order)._point_portal_confirm()
        order._workflow().write({"helper_ids": [(4, self.point_technician.id)]})
        self._as_point(order)._point_portal_confirm()
        self.assertTrue(order.appointment_confirmed)

    def test_the_report_sets_its_own_fields_only_while_on_site(self):
        order = self._point_plan(["PP-2"])
        with self.assertRaisesRegex(UserError, "on site"):
            self._as_point(order)._point_portal_report({"fault_found": "Too early"})
        self.assertFalse(order.fault_found)
        self._as_point(order).action_check_in()
        refused = {
            "another field": {**REPORT, "travel_fee": "0"},
            "a workflow field": {"state": "done"},
            "a negative number": {**REPORT, "labour_hours": "-1"},
            "not a number": {**REPORT, "travel_distance": "nan"},
            "text for a number": {**REPORT, "labour_hours": "two"},
            "an outcome not in the list": {**REPORT, "outcome": "vanished"},
        }
        for case, values in refused.items():
            with self.subTest(case=case), self.assertRaises(UserError):
                self._as_point(order)._point_portal_report(values)
        order.invalidate_recordset()
        self.assertEqual((order.fault_found, order.labour_hours, order.travel_fee, order.state),
                         (False, 0.0, 80.0, "on_site"), "a refused report writes nothing, not even its good fields")
        with self.assertRaisesRegex(UserError, "installation"), self.env.cr.savepoint():
            self._as_point(order)._point_portal_report({**REPORT, "outcome": "installed"})
        self._as_point(order)._point_portal_report({**REPORT, "labour_hours": "1,5", "signature_refusal": "  "})
        self.assertEqual(
            (order.fault_found, order.work_done, order.outcome, order.labour_hours, order.travel_distance,
             order.signature_refusal), ("Bearing worn", "Bearing replaced", "fixed", 1.5, 42.0, False),
        )
        with self.assertRaisesRegex(UserError, "not yours"):
            self._as_point(order, self.other_point_user)._point_portal_report({"fault_found": "Forged"})
        self.assertEqual(order.fault_found, "Bearing worn")

    def test_the_fees_follow_their_own_lock(self):
        order = self._point_plan(["PP-LOCK"])
        self._as_point(order).action_check_in()
        self._as_point(order)._point_portal_report(REPORT)
        order._workflow().write({"sale_order_id": self.env["sale.order"].create({"partner_id": self.customer.id}).id})
        self.assertFalse(self._as_point(order).can_edit_fees, "the quotation fixes the fee")
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            self._as_point(order)._point_portal_report({"labour_hours": "3"})
        self._as_point(order)._point_portal_report({"work_done": "Bearing and seal replaced"})
        self.assertEqual((order.labour_hours, order.work_done), (1.5, "Bearing and seal replaced"))

    def test_the_customer_signs_the_written_report_on_the_tablet_once(self):
        order = self._point_plan(["PP-3"])
        signature = base64.b64encode(PNG)
        with self.assertRaisesRegex(UserError, "not waiting for the customer's signature"):
            self._as_point(order)._point_portal_sign("Li Wei", signature)
        self._as_point(order).action_check_in()
        with self.assertRaisesRegex(UserError, "not waiting for the customer's signature"):
            self._as_point(order)._point_portal_sign("Li Wei", signature)
        self._as_point(order)._point_portal_report(REPORT)
        with self.assertRaisesRegex(UserError, "name"):
            self._as_point(order)._point_portal_sign(" ", signature)
        with self.assertRaisesRegex(UserError, "picture"), self.env.cr.savepoint():
            self._as_point(order)._point_portal_sign("Li Wei", base64.b64encode(SVG))
        with self.assertRaisesRegex(UserError, "not yours"):
            self._as_point(order, self.other_point_user)._point_portal_sign("Li Wei", signature)
        order.invalidate_recordset()
        self.assertFalse(order.signature)
        self._as_point(order)._point_portal_sign("Li Wei", signature)
        self.assertEqual(order.signed_by, "Li Wei")
        self.assertTrue(order.signature and order.signed_on)
        with self.assertRaisesRegex(UserError, "not waiting for the customer's signature"):
            self._as_point(order)._point_portal_sign("Somebody Else", signature)
        self.assertEqual(order.signed_by, "Li Wei")

    def test_a_visit_made_on_the_portal_is_settled_with_the_point(self):
        order = self._portal_visit(self._point_plan(["PP-4"]))
        self.assertEqual((order.state, order.service_point_id, order.signed_by), ("done", self.point, "Li Wei"))
        settlement = self._settle()
        self.assertEqual(settlement.line_ids.order_id, order)
        self.assertEqual(settlement.line_ids.labour_hours, 1.5)


@tagged("post_install", "-at_install")
class TestPointPortalRoutes(PointPortalCase, HttpCase):
    """The point's pages over HTTP and in Chromium (static/tests/tours/aftersales_point_portal_tour.js)."""

    def _as(self, user):
        self.authenticate(user.login if user else None, user.login if user else None)

    def _post(self, url, data=None):
        return self.url_open(url, data={"csrf_token": http.Request.csrf_token(self), **(data or {})})

    def _sign(self, order, picture=PNG):
        payload = {"jsonrpc": "2.0", "method": "call", "params": {
            "name": "Li Wei", "signature": base64.b64encode(picture).decode(),
        }}
        response = self.url_open(f"/my/point/visits/{order.id}/sign", data=json.dumps(payload),
                                 headers={"Content-Type": "application/json"})
        return response.json()["result"]

    def _counters(self, *counters):
        response = self.url_open("/my/counters", data=json.dumps({"params": {"counters": list(counters)}}),
                                 headers={"Content-Type": "application/json"})
        return response.json()["result"]

    def _snapshot(self, order):
        order.invalidate_recordset()
        return order.read(["state", "appointment_confirmed", "fault_found", "labour_hours", "signed_by", "checkin_date"])

    def test_the_point_technician_sees_the_visits_they_make_only(self):
        mine = self._point_plan(["PR-1"])
        helped = self._point_plan(["PR-2"], technician=self.other_technician)
        helped._workflow().write({"helper_ids": [(4, self.point_technician.id)]})
        foreign = self._foreign_visits()
        mine.internal_note = "INTERNAL-NOTE-7Q"
        self._as(self.point_user)
        page = self.url_open("/my/point/visits").text
        self.assertIn(mine.name, page)
        self.assertIn(helped.name, page, "a helper makes the visit too")
        for case, order in foreign.items():
            with self.subTest(visit=case):
                self.assertNotIn(order.name, page)
                response = self.url_open(f"/my/point/visits/{order.id}")
                self.assertTrue(response.url.endswith("/my/point/visits"), "back to the technician's own visits")
                self.assertIn("This visit is not yours.", response.text)
                self.assertNotIn(order.name, response.text)
        self.assertIn(foreign["the point as customer"].name, self.url_open("/my/visits").text,
                      "as a customer, the point reads its own visits on the customer's pages")
        page = self.url_open(f"/my/point/visits/{mine.id}").text
        for shown in (mine.name, "Acme Motors Ltd", "PR-1"):
            self.assertIn(shown, page)
        self.assertNotIn("INTERNAL-NOTE-7Q", page)
        self.assertIn('href="/my/point/visits"', self.url_open("/my").text, "a tile on the home, shown by its count")
        self.assertEqual(self._counters("aftersales_point_visit_count")["aftersales_point_visit_count"], 2)
        self._as(self.portal_user)
        self.assertFalse(self.url_open(f"/my/point/visits/{mine.id}").url.endswith(f"/my/point/visits/{mine.id}"),
                         "a customer has no point's pages")
        self.assertNotIn(mine.name, self.url_open("/my/point/visits").text)
        self.assertEqual(self._counters("aftersales_point_visit_count")["aftersales_point_visit_count"], 0)

    def test_forged_posts_on_visits_that_are_not_theirs_write_nothing(self):
        foreign = self._foreign_visits()
        foreign["on site, another point's"] = self._point_plan(["PR-SITE"], technician=self.other_point_technician)
        self._as_point(foreign["on site, another point's"], self.other_point_user).action_check_in()
        before = {case: self._snapshot(order) for case, order in foreign.items()}
        self._as(self.point_user)
        for case, order in foreign.items():
            for step, data in (("confirm", None), ("check_in", None), ("report", REPORT), ("check_out", None)):
                with self.subTest(visit=case, step=step):
                    response = self._post(f"/my/point/visits/{order.id}/{step}", data)
                    self.assertIn("This visit is not yours.", response.text)
            with self.subTest(visit=case, step="sign"):
                self.assertIn("error", self._sign(order))
            self.assertEqual(self._snapshot(order), before[case], case)
        mine = self._point_plan(["PR-CUST"])
        self._as(self.portal_user)
        self._post(f"/my/point/visits/{mine.id}/confirm")
        self._post(f"/my/visits/{mine.id}/check_in")
        self.assertEqual((mine.appointment_confirmed, mine.state), (False, "dispatched"),
                         "the visit's customer makes none of the technician's steps")

    def test_each_step_in_its_state_and_never_by_get(self):
        order = self._point_plan(["PR-3"])
        url = f"/my/point/visits/{order.id}"
        self._as(self.point_user)
        for step in ("confirm", "check_in", "report", "check_out"):
            with self.subTest(step=step):
                self.assertEqual(self.url_open(f"{url}/{step}").status_code, 405, "never by GET")
        self.assertEqual(order.state, "dispatched")
        response = self._post(f"{url}/check_out")
        self.assertIn("not possible while Dispatched", response.text)
        self.assertTrue(response.url.endswith(url))
        self._post(f"{url}/report", REPORT)
        self.assertIn("error", self._sign(order))
        self.assertEqual((order.state, order.fault_found, order.signed_by), ("dispatched", False, False))
        self._post(f"{url}/confirm")
        self.assertTrue(order.appointment_confirmed)
        self.assertIn("can no longer be confirmed", self._post(f"{url}/confirm").text)
        self._post(f"{url}/check_in")
        self.assertEqual(order.state, "on_site")
        self.assertIn("not possible while On Site", self._post(f"{url}/check_in").text)
        self.assertIn("the fault found and the outcome", self._post(f"{url}/check_out").text)
        self.assertEqual(order.state, "on_site")
        self.assertIn("error", self._sign(order), "the report is not written yet")
        forged = {
            **REPORT, "state": "done", "travel_fee": "0", "fee_collected": "500", "fee_receipt_number": "F-1",
            "internal_note": "Forged", "appointment_confirmed": "", "signature": base64.b64encode(PNG).decode(),
        }
        self.assertIn("The work report is saved", self._post(f"{url}/report", forged).text)
        order.invalidate_recordset()
        self.assertEqual((order.fault_found, order.outcome, order.labour_hours, order.travel_distance),
                         ("Bearing worn", "fixed", 1.5, 42.0))
        self.assertEqual(
            (order.state, order.travel_fee, order.fee_collected, order.fee_receipt_number, order.internal_note,
             order.appointment_confirmed, order.signature), ("on_site", 80.0, 0.0, False, False, True, False),
            "only the report's fields are taken from the form",
        )
        self.assertIn("is a number", self._post(f"{url}/report", {**REPORT, "labour_hours": "-2"}).text)
        self.assertEqual(order.labour_hours, 1.5)
        self.assertIn("picture", self._sign(order, picture=SVG)["error"])
        self.assertTrue(self._sign(order)["force_refresh"])
        self.assertEqual(order.signed_by, "Li Wei")
        self.assertIn("error", self._sign(order), "signed once")
        self.assertIn("the visit is done", self._post(f"{url}/check_out").text)
        self.assertEqual(order.state, "done")
        self.assertIn("The work report is written on site", self._post(f"{url}/report", {"fault_found": "Late"}).text)
        self.assertEqual(order.fault_found, "Bearing worn")

    def test_the_point_reads_its_confirmed_settlements_only(self):
        self.company.aftersales_settlement_product_id = self.env.ref(
            "aftersales_field_service.product_service_point_settlement"
        )
        self._portal_visit(self._point_plan(["PR-S1"]))
        self._portal_visit(self._point_plan(["PR-S2"], technician=self.other_point_technician), self.other_point_user)
        mine = self._settle()
        mine.with_user(self.manager).action_confirm()
        theirs = self._settle(self.other_point)
        theirs.with_user(self.manager).action_confirm()
        # A second point of the same company: its settlements are not the technician's point's.
        sister = self._new_point("Swift Ningbo", self.point_partner)
        sister_user = new_test_user(
            self.env, "as_point_tech_3", groups="base.group_portal", name="Zhou Min", company_id=self.company.id,
        )
        sister_user.partner_id.parent_id = self.point_partner
        sister_technician = self.env["aftersales.technician"].create({
            "user_id": sister_user.id, "service_point_id": sister.id, **self._qualification(),
        })
        self._train(sister_technician)
        self._approve(sister)
        self._portal_visit(self._point_plan(["PR-S4"], technician=sister_technician), sister_user)
        sisters = self._settle(sister)
        sisters.with_user(self.manager).action_confirm()
        self._portal_visit(self._point_plan(["PR-S3"]))
        draft = self._settle()
        self.assertTrue(draft.line_ids and draft.state == "draft")
        self._as(self.point_user)
        page = self.url_open("/my/point/settlements").text
        self.assertIn(mine.name, page)
        self.assertNotIn(theirs.name, page, "another point's settlement")
        self.assertNotIn(sisters.name, page, "another point of the same company")
        self.assertNotIn(draft.name, page, "a draft is still being prepared")
        for other in (theirs, sisters, draft):
            response = self.url_open(f"/my/point/settlements/{other.id}")
            self.assertTrue(response.url.endswith("/my/point/settlements"))
            self.assertNotIn(other.name, response.text)
            self.assertFalse(self.url_open(f"/my/point/settlements/{other.id}/pdf").headers["Content-Type"]
                             .startswith("application/pdf"))
        page = self.url_open(f"/my/point/settlements/{mine.id}").text
        line = mine.line_ids
        for shown in (line.order_id.name, "Acme Motors Ltd"):
            self.assertIn(shown, page)
        self.assertNotIn("o_aftersales_point_bill", page, "a draft bill is not on the invoice portal")
        mine.bill_id.invoice_date = mine.date_to
        mine.bill_id.action_post()
        self.assertIn(f'href="/my/invoices/{mine.bill_id.id}', self.url_open(f"/my/point/settlements/{mine.id}").text)
        pdf = self.url_open(f"/my/point/settlements/{mine.id}/pdf")
        if self.env.ref(SETTLEMENT_REPORT, raise_if_not_found=False):
            self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        else:
            self.assertIn("cannot be printed yet", pdf.text)
        self.assertEqual(self._counters("aftersales_point_settlement_count")["aftersales_point_settlement_count"], 1)
        self._as(self.other_point_user)
        page = self.url_open("/my/point/settlements").text
        self.assertIn(theirs.name, page)
        self.assertNotIn(mine.name, page)

    def test_customers_find_the_approved_points_covering_their_region(self):
        self.point_partner.write({
            "street": "18 Wensan Road", "city": "Hangzhou", "phone": "+86 571 8888 0000", "email": "swift@example.com",
        })
        nationwide = self._new_point("Cathay Service", self.env["res.partner"].create({
            "name": "Cathay Service Ltd", "is_company": True, "country_id": self.china.id,
        }), states=self.env["res.country.state"])
        self._approve(nationwide)
        candidate = self._new_point("Zhejiang Candidate", self.env["res.partner"].create({
            "name": "Candidate Co", "is_company": True, "country_id": self.china.id,
        }))
        suspended = self._new_point("Ningbo Suspended", self.env["res.partner"].create({
            "name": "Ningbo Co", "is_company": True, "country_id": self.china.id,
        }))
        self._approve(suspended)
        suspended.with_user(self.manager).action_suspend()
        self._as(self.portal_user)
        page = self.url_open("/my/service-points").text
        self.assertIn("Repair", self.point.service_types)
        for shown in ("Swift Wuhan", "Cathay Service", "Outsourced", "18 Wensan Road", "+86 571 8888 0000",
                      "swift@example.com", self.point.service_types):
            self.assertIn(shown, page)
        for hidden in ("Delta Changsha", candidate.name, suspended.name):
            self.assertNotIn(hidden, page, "another region's, a candidate and a suspended point are not listed")
        for private in ("Swift Consignment", "Wu Gang", "BL-1", self.manager.name):
            self.assertNotIn(private, page, "the network's own records stay ours")
        self.assertIn('href="/my/service-points"', self.url_open("/my").text)
        self.assertEqual(self._counters("aftersales_service_point_count")["aftersales_service_point_count"], 2)
        self.customer.state_id = self.hunan
        page = self.url_open("/my/service-points").text
        self.assertIn("Delta Changsha", page)
        self.assertNotIn("Swift Wuhan", page)
        self._as(self.rival_user)
        self.assertNotIn("Cathay Service", self.url_open("/my/service-points").text,
                         "a customer of no known country is covered by no point")

    def test_tour_a_point_technician_does_a_visit_on_the_portal(self):
        order = self._point_plan(["PR-TOUR"])
        self.start_tour("/my/point/visits", "aftersales_point_portal_visit", login=self.point_user.login)
        self.assertEqual(
            (order.state, order.appointment_confirmed, order.fault_found, order.outcome, order.labour_hours,
             order.travel_distance, order.signed_by),
            ("done", True, "Bearing worn", "fixed", 1.5, 42.0, "Li Wei"),
        )
        self.assertTrue(order.signature and order.signed_on and order.checkout_date)


@tagged("post_install", "-at_install")
class TestSettlementTour(NetworkCase, HttpCase):
    """The manager settles the month the job prepared (static/tests/tours/aftersales_settlement_tour.js)."""

    def test_tour_the_manager_settles_the_month(self):
        order = self._point_visit(self._units(["PR-MONTH"]), parts=[(self.spare_part, 1)])
        last_month = self.company._aftersales_today().replace(day=1) - timedelta(days=2)
        order._workflow().write({"checkout_date": order.checkout_date.replace(
            year=last_month.year, month=last_month.month, day=last_month.day)})
        self.env["aftersales.service.settlement"]._cron_prepare_month()
        self.start_tour(
            "/odoo/action-aftersales_field_service.action_aftersales_service_settlement", "aftersales_settlement_month",
            login=self.manager.login,
        )
        settlement = self.env["aftersales.service.settlement"].search([("point_id", "=", self.point.id)])
        self.assertEqual(settlement.state, "confirmed")
        self.assertEqual(settlement.bill_id.amount_untaxed, 289.0)
        self.assertEqual(settlement.bill_id.partner_id, self.point_partner)
