"""A visit driven in Chromium by its dispatcher and its technician (static/tests/tours/aftersales_dispatch_tour.js);
each test then checks what the tour made: stock of the van, the complaint's on-site date, the signature."""
from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestDispatchTours(DispatchCase, HttpCase):

    def test_the_dispatcher_plans_a_visit_from_a_complaint(self):
        self.other_technician.certificate_expiry = self.company._aftersales_today() - timedelta(days=1)
        self.customer.city = "Zibo"
        unit = self._units(["TOUR-FS-1"])
        complaint = self.env["aftersales.complaint"].create({
            "partner_id": self.customer.id, "kind": "service_request", "subject": "Motor stops",
            "delivery_record_id": unit.id, "product_id": unit.product_id.id, "lot_id": unit.lot_id.id,
            "preferred_onsite_start": self._tomorrow_at(9), "preferred_onsite_end": self._tomorrow_at(11),
        })
        self.start_tour(
            f"/odoo/action-aftersales_service.action_aftersales_complaint/{complaint.id}", "aftersales_dispatch_plan",
            login=self.dispatcher.login,
        )
        order = complaint.dispatch_order_ids
        self.assertEqual((order.state, order.technician_id, order.line_ids.delivery_record_id), ("dispatched", self.technician, unit))
        self.assertEqual((order.appointment_start, order.appointment_end), (self._tomorrow_at(9), self._tomorrow_at(11)))
        self.assertEqual(order.activity_ids.user_id, self.tech_user)

    def test_the_technician_repairs_on_site_and_the_customer_signs_on_the_tablet(self):
        self.customer.write({"street": "8 Harbour Road", "city": "Zibo"})
        unit = self._units(["TOUR-FS-2"])
        complaint = self.env["aftersales.complaint"].create({
            "partner_id": self.customer.id, "kind": "service_request", "subject": "Motor hums",
            "delivery_record_id": unit.id, "product_id": unit.product_id.id, "lot_id": unit.lot_id.id,
        })
        order = self._plan_from(complaint)
        self.start_tour(
            f"/odoo/action-aftersales_field_service.action_aftersales_dispatch_order/{order.id}", "aftersales_dispatch_visit",
            login=self.tech_user.login,
        )
        self.assertEqual(order.state, "done")
        self.assertEqual((order.outcome, order.signed_by), ("fixed", "Li Wei"))
        self.assertTrue(order.signature)
        self.assertEqual(order.satisfaction_level_id, self.env.ref("aftersales_service.satisfaction_level_very_satisfied"))
        self.assertEqual(order.line_ids.repair_id.state, "done")
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.spare_part, self.van), 4.0)
        self.assertEqual(complaint.onsite_date, order.checkin_date, "the check-in met the complaint's on-site target")


@tagged("post_install", "-at_install")
class TestDispatchToursOnAPhone(DispatchCase, HttpCase):
    """The technician's visit on a phone-size screen (static/tests/tours/aftersales_dispatch_tour.js)."""

    browser_size = "390x844"
    touch_enabled = True

    def test_the_technician_makes_the_visit_on_a_phone(self):
        order = self._plan(self._units(["TOUR-FS-PHONE"]))
        self.start_tour(
            f"/odoo/action-aftersales_field_service.action_aftersales_dispatch_order_today/{order.id}",
            "aftersales_dispatch_visit_phone", login=self.tech_user.login,
        )
        self.assertEqual((order.state, order.outcome, order.fault_found, order.signed_by),
                         ("done", "fixed", "Winding burnt", "Li Wei"))
        self.assertTrue(order.labour_hours >= 0 and order.checkout_date, "the timer stopped at the check-out")
        self.assertFalse(order.timer_start)
        self.assertEqual(order.check_ids.filtered(lambda check: check.result).mapped("name"), ["Fault reproduced"])
        self.assertEqual(order.line_ids.repair_id.state, "done")
        self.assertEqual(self.env["stock.quant"]._get_available_quantity(self.spare_part, self.van), 4.0,
                         "the part came out of the van")
