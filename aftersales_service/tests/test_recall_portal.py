"""A recall on the customer portal: the notice read and acknowledged by its customer only, by POST, and the end
customers a distributor reports for their own units only (docs/recalls.md §5)."""
from odoo import http
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .common import PortalCase


@tagged("post_install", "-at_install")
class TestRecallPortal(PortalCase, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unit, cls.other_unit = cls._deliver_units(["RP-1", "RP-2"], cls.customer)
        cls.rival_unit = cls._deliver_units(["RP-3"], cls.distributor)
        cls.recall = cls.env["aftersales.recall"].with_user(cls.manager).create({
            "title": "Fan guard may come loose", "product_ids": [Command.set(cls.motor.ids)],
            "serial_ranges": "RP-1-RP-3", "customer_instructions": "<p>Keep hands away from the fan.</p>",
        })
        cls.recall.action_find_units()
        cls.recall.action_approve()
        cls.recall.with_user(cls.coordinator).action_notify()
        notices = cls.recall.notice_ids
        cls.notice = notices.filtered(lambda notice: notice.partner_id == cls.customer)
        cls.rival_notice = notices - cls.notice

    def _as(self, user):
        self.authenticate(user.login if user else None, user.login if user else None)

    def _post(self, url, data=None):
        return self.url_open(url, data={"csrf_token": http.Request.csrf_token(self), **(data or {})})

    def test_the_notice_shows_on_my_units_and_opens_for_its_customer_only(self):
        self._as(self.portal_user)
        units = self.url_open("/my/units").text
        self.assertIn("Fan guard may come loose", units)
        self.assertIn(self.notice.access_url, units)
        self.assertNotIn(self.rival_notice.access_url, units)
        page = self.url_open(self.notice.access_url).text
        self.assertIn("Keep hands away from the fan.", page)
        self.assertIn("RP-1", page)
        self.assertNotIn("RP-3", page)
        self.assertIn(self.notice.access_url, self.url_open(f"/my/units/{self.unit.id}").text, "the unit's page says so")
        self.assertNotIn("Fan guard", self.url_open(self.rival_notice.access_url).text, "another customer's notice")
        self._as(None)
        self.assertNotIn("Fan guard", self.url_open(self.notice.access_url).text)
        token = self.notice._portal_ensure_token()
        self.assertIn("Fan guard", self.url_open(f"{self.notice.access_url}?access_token={token}").text,
                      "the e-mail's link opens it without an account")

    def test_the_customer_acknowledges_by_post_once(self):
        url = f"{self.notice.access_url}/acknowledge"
        self._as(self.portal_user)
        self.assertEqual(self.url_open(url).status_code, 405, "a GET changes nothing")
        self._as(self.rival_user)
        self._post(url)
        self.assertEqual(self.notice.state, "sent", "another customer cannot acknowledge it")
        self._as(self.portal_user)
        self._post(url)
        self.assertEqual(self.notice.state, "acknowledged")
        self.assertEqual(self.notice.acknowledged_by_id, self.buyer)
        self.assertEqual(set(self.notice.unit_ids.mapped("state")), {"acknowledged"})
        self.assertEqual(self.rival_notice.unit_ids.state, "notified")
        response = self._post(url)
        self.assertIn("needs no acknowledgement any more", response.text)

    def test_a_distributor_reports_the_end_customers_of_its_own_units_only(self):
        unit = self.notice.unit_ids.filtered(lambda recall_unit: recall_unit.delivery_record_id == self.unit)
        rival = self.rival_notice.unit_ids
        self._as(self.portal_user)
        response = self._post(f"{self.notice.access_url}/sites", {
            f"user_{unit.id}": "Qingdao Fans Ltd", f"address_{unit.id}": "12 Harbour Road",
            f"user_{rival.id}": "Forged", f"address_{rival.id}": "Nowhere",
        })
        self.assertIn("not in this notice", response.text)
        response = self._post(f"{self.notice.access_url}/sites", {f"user_{unit.id}": "  "})
        self.assertIn("Write who uses at least one of the units", response.text)
        self.assertFalse((unit | rival).end_partner_id, "a forged id writes nothing")
        self._post(f"{self.notice.access_url}/sites", {
            f"user_{unit.id}": " Qingdao Fans Ltd ", f"address_{unit.id}": "12 Harbour Road",
        })
        self.assertEqual((unit.end_partner_id.name, unit.end_partner_id.street), ("Qingdao Fans Ltd", "12 Harbour Road"))
        self.assertEqual(unit.end_partner_id.parent_id, self.customer, "a contact of the distributor")
        self.assertEqual(unit.site_partner_id, unit.end_partner_id)
        self._post(f"{self.notice.access_url}/sites", {f"user_{unit.id}": "Qingdao Fans", f"address_{unit.id}": "14"})
        self.assertEqual(unit.end_partner_id.name, "Qingdao Fans", "corrected, not added again")
        self.assertEqual(self.env["res.partner"].search_count([("name", "like", "Qingdao Fans")]), 1)


@tagged("post_install", "-at_install")
class TestRecallTours(PortalCase, HttpCase):
    """A recall driven in Chromium (static/tests/tours/aftersales_recall_tour.js): the manager's campaign, then the
    customer's acknowledgement on the portal."""

    def test_a_manager_runs_a_recall_and_the_customer_acknowledges_it(self):
        self._deliver_units(["RT-1", "RT-2"], self.customer)
        self._deliver_units(["RT-3"], self.distributor)
        self.manager.group_ids += self.env.ref("stock.group_production_lot")
        self.start_tour("/odoo/action-aftersales_service.action_aftersales_recall/new", "aftersales_recall_campaign",
                        login=self.manager.login)
        recall = self.env["aftersales.recall"].search([("title", "=", "Fan guard may come loose")])
        self.assertEqual((recall.state, recall.approved_by_id, recall.remedy), ("in_progress", self.manager,
                                                                                  "return_repair"))
        self.assertEqual(recall.notice_ids.partner_id, self.customer | self.distributor, "one notice per customer")
        rmas = recall.unit_ids.rma_id
        self.assertEqual(len(rmas), 2, "one return per customer")
        self.assertEqual(set(rmas.mapped("state")), {"confirmed"})
        self.assertEqual(set(rmas.line_ids.lot_id.mapped("name")), {"RT-1", "RT-2", "RT-3"})
        self.start_tour("/my/units", "aftersales_recall_acknowledge", login=self.portal_user.login)
        notice = recall.notice_ids.filtered(lambda notice: notice.partner_id == self.customer)
        self.assertEqual((notice.state, notice.acknowledged_by_id), ("acknowledged", self.buyer))
