from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestVendorRepair(RmaCase):
    """A returned unit repaired by its manufacturer: real transfers out and back, chasing, the customer told, the test
    on return, and the unit back to the customer or scrapped with their consent (docs/rma.md §13)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.maker = cls.env["res.partner"].create({"name": "Motor Maker Co", "is_company": True})
        cls.env["product.supplierinfo"].create({"partner_id": cls.maker.id, "product_tmpl_id": cls.motor.product_tmpl_id.id})
        cls.production = cls.env.ref("aftersales_service.department_production")

    def _sent_out(self, serial):
        """A unit returned in warranty, decided for repair by its manufacturer and processed: its vendor repair."""
        order, lots = self._sell_and_deliver([serial])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "manufacturing", "department_id": self.production}])
        self._decide_and_process(rma, [{"decision": "vendor_repair"}])
        return rma, rma.vendor_repair_ids, lots

    def _at(self, lot, location):
        return self.env["stock.quant"]._get_available_quantity(self.motor, location, lot_id=lot, strict=True)

    def test_a_unit_goes_to_its_maker_comes_back_tested_and_returns_to_the_customer(self):
        rma, repair, lot = self._sent_out("VR-1")
        self.assertEqual((repair.state, repair.vendor_id, repair.item_kind), ("draft", self.maker, "warranty"))
        self.assertTrue(repair.activity_ids, "the coordinator sends it")
        rma_location = rma.line_ids._received_move().location_dest_id
        self.assertEqual(self._at(lot, rma_location), 1.0)
        repair = repair.with_user(self.coordinator)
        with Form(repair) as repair_form:
            repair_form.vendor_reference = "MM-RMA-778"
            repair_form.expected_back = fields.Date.today() + timedelta(days=10)
            repair_form.remaining_parts = "Terminal box cover, mounting feet"
        repair.action_send()
        self.assertEqual(repair.state, "sent")
        self.assertEqual((repair.out_picking_id.state, repair.out_picking_id.move_line_ids.lot_id), ("done", lot))
        self.assertEqual(self._at(lot, self.maker.property_stock_supplier), 1.0, "the unit is at the maker's")
        self.assertEqual(self._at(lot, rma_location), 0.0)
        self.assertIn(repair.name, repair.parts_label)
        with self.assertRaisesRegex(UserError, "not possible while At the Vendor"):
            repair.action_send()

        repair.action_receive()
        self.assertEqual((repair.state, repair.in_picking_id.state), ("received", "done"))
        self.assertEqual(self._at(lot, rma_location), 1.0, "back in the RMA location")
        with self.assertRaisesRegex(UserError, "record the test and its result"):
            repair.action_record_test()
        repair.write({"test_result": "passed", "test_note": "Ran 2 hours at full load, 38 dB"})
        repair.action_record_test()
        repair.action_return()
        self.assertEqual(repair.state, "returned")
        self.assertEqual(rma.state, "processed", "waiting for the unit to go back")
        back = self._ship(rma, "return")
        self.assertEqual(back.move_line_ids.lot_id, lot)
        self.assertEqual(rma.state, "done")
        self.assertEqual(rma.sale_order_id.order_line.qty_delivered, 1.0, "the customer has the unit again")

    def test_an_unrepairable_unit_is_scrapped_only_with_the_customers_consent(self):
        rma, repair, lot = self._sent_out("VR-2")
        repair = repair.with_user(self.coordinator)
        repair.action_send()
        repair.action_receive()
        repair.write({"test_result": "failed", "test_note": "Stator cracked, no spare"})
        repair.action_record_test()
        with self.assertRaisesRegex(UserError, "the customer agreed"):
            repair.action_scrap()
        repair.customer_consent = True
        repair.action_scrap()
        self.assertEqual((repair.state, rma.line_ids.scrap_id.state), ("scrapped", "done"))
        self.assertEqual(rma.state, "done")
        self.assertEqual(self._at(lot, rma.line_ids._received_move().location_dest_id), 0.0)

    def test_vendors_are_chased_by_kind_and_the_customer_told_once_after_fourteen_days(self):
        _rma, repair, _lot = self._sent_out("VR-3")
        _other_rma, exchange, _other = self._sent_out("VR-4")
        exchange.item_kind = "exchange"
        today = fields.Date.today()
        with freeze_time(today):
            (repair | exchange).with_user(self.coordinator).action_send()
        (repair | exchange).activity_unlink(["mail.mail_activity_data_todo"])
        Repairs = self.env["aftersales.vendor.repair"]

        def chases(record):
            return len(record.activity_ids.filtered(lambda activity: "how the repair goes" in activity.summary))

        for days, exchange_chases, warranty_chases in ((1, 0, 0), (2, 1, 0), (4, 2, 0), (7, 3, 1)):
            with self.subTest(days=days):
                with freeze_time(today + timedelta(days=days)):
                    Repairs._cron_chase()
                    Repairs._cron_chase()
                self.assertEqual((chases(exchange), chases(repair)), (exchange_chases, warranty_chases), f"day {days}")
        with freeze_time(today + timedelta(days=13)):
            Repairs._cron_chase()
        self._run_follow_ups()
        self.assertFalse(repair.customer_notified)
        for _ in range(2):
            with freeze_time(today + timedelta(days=14)):
                Repairs._cron_chase()
            self._run_follow_ups()
        notices = repair.message_ids.filtered(lambda message: "still being repaired" in (message.subject or ""))
        self.assertEqual(len(notices), 1, "told once")
        self.assertEqual(notices.partner_ids, self.customer)

    def test_the_steps_and_their_fields_are_the_workflows(self):
        rma, repair, _lot = self._sent_out("VR-5")
        repair = repair.with_user(self.coordinator)
        for vals in ({"state": "sent"}, {"sent_on": fields.Date.today()}, {"customer_notified": True}):
            with self.subTest(values=vals), self.assertRaisesRegex(UserError, "cannot be written directly"):
                repair.write(vals)
        with self.assertRaisesRegex(UserError, "not possible while Draft"):
            repair.action_receive()
        repair.vendor_id = False
        with self.assertRaisesRegex(UserError, "choose who repairs the unit"):
            repair.action_send()
        repair.vendor_id = self.maker
        repair.action_send()
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            repair.test_result = "passed"
        with self.assertRaises(AccessError, msg="made by the processing only"):
            self.env["aftersales.vendor.repair"].with_user(self.coordinator).create(
                rma.line_ids._prepare_vendor_repair_values()
            )
        order, lots = self._sell_and_deliver(["VR-6"])
        other = self._new_rma(order, lots)
        self._approve_and_receive(other)
        self._inspect(other, [{"cause": "manufacturing", "department_id": self.production}])
        self._decide_and_process(other, [{"decision": "return_as_is"}])
        with self.assertRaisesRegex(ValidationError, "decided for a repair by its manufacturer"):
            self.env["aftersales.vendor.repair"].create(other.line_ids._prepare_vendor_repair_values())
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            repair.partner_id = self.distributor
