from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestWarrantyCheck(AftersalesCase):
    """SPEC 2: is it ours, is it covered on the claim date, is it void — and why."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.lots = cls._stock_serials(cls.motor, ["SN-W1", "SN-W2"])
        cls.order = cls._sell_and_deliver_on(cls.customer, cls.motor, 2, datetime(2025, 6, 1, 9))
        cls.record = cls.env["aftersales.delivery.record"].search(
            [("sale_order_id", "=", cls.order.id), ("lot_id", "=", cls.lots[0].id)]
        )

    @classmethod
    def _sell_and_deliver_on(cls, partner, product, quantity, when):
        order = cls.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": quantity})],
        })
        order.action_confirm()
        with freeze_time(when):
            order.picking_ids.move_ids.picked = True
            order.picking_ids.button_validate()
        return order

    def check(self, **kwargs):
        return self.env["aftersales.delivery.record"].check_warranty(**kwargs)

    def test_in_warranty_by_lot_record_and_by_typed_serial(self):
        self.assertEqual(self.record.warranty_end_date, date(2026, 5, 31))
        for lot in (self.lots[0], "  SN-W1 "):
            with self.subTest(lot=lot):
                result = self.check(lot=lot, on_date=date(2026, 5, 31))
                self.assertEqual(result["state"], "in_warranty")
                self.assertEqual(result["record"], self.record)
                self.assertEqual(result["end_date"], date(2026, 5, 31))
                self.assertIn("Acme Motors Ltd", result["reason"])
                self.assertIn("Covered until", result["reason"])

    def test_expired_the_day_after_the_last_covered_day(self):
        result = self.check(lot=self.lots[0], on_date=date(2026, 6, 1))
        self.assertEqual(result["state"], "expired")
        self.assertEqual(result["record"], self.record)
        self.assertIn("ended on", result["reason"])

    def test_void_reasons_void_the_warranty_and_are_named(self):
        result = self.check(lot=self.lots[0], on_date=date(2025, 9, 1), void_reasons=["misuse", "disassembly"])
        self.assertEqual(result["state"], "void")
        self.assertIn("customer misuse", result["reason"])
        self.assertIn("unauthorised disassembly", result["reason"])
        for reason in ("modification", "external_damage"):
            with self.subTest(reason=reason):
                self.assertEqual(
                    self.check(lot=self.lots[0], on_date=date(2025, 9, 1), void_reasons=[reason])["state"], "void"
                )

    def test_unknown_serial_is_not_ours(self):
        result = self.check(lot="FAKE-0001", on_date=date(2025, 9, 1))
        self.assertEqual(result["state"], "not_ours")
        self.assertFalse(result["record"])
        self.assertIn("FAKE-0001", result["reason"])
        self.assertEqual(self.check(lot="SN-W1", product=self.bearing)["state"], "not_ours",
                         "a serial of another product is not this product's")

    def test_our_unit_without_record_or_proof_has_no_proof(self):
        in_stock = self._stock_serials(self.motor, ["SN-STOCK"])
        result = self.check(lot=in_stock)
        self.assertEqual(result["state"], "no_proof")
        self.assertIn("out of warranty", result["reason"])
        result = self.check(product=self.motor, partner=self.distributor, on_date=date(2025, 9, 1))
        self.assertEqual(result["state"], "no_proof", "never delivered to this customer")

    def test_customer_product_and_date_find_the_delivery(self):
        result = self.check(product=self.motor, partner=self.customer_contact, on_date=date(2025, 9, 1))
        self.assertEqual(result["state"], "in_warranty")
        self.assertEqual(result["record"].sale_order_id, self.order)
        before = self.check(product=self.motor, partner=self.customer, on_date=date(2025, 5, 1))
        self.assertEqual(before["state"], "no_proof", "nothing was delivered before the claim date")

    def test_proof_date_stands_in_for_the_delivery_date(self):
        result = self.check(product=self.motor, partner=self.distributor, on_date=date(2026, 5, 1),
                            proof_date=date(2025, 3, 15))
        self.assertEqual(result["state"], "in_warranty")
        self.assertFalse(result["record"])
        self.assertEqual((result["start_date"], result["end_date"]), (date(2025, 3, 15), date(2026, 7, 14)),
                         "12 months + 4 for a distributor")
        self.assertIn("proof of purchase", result["reason"])
        in_stock = self._stock_serials(self.motor, ["SN-PROOF"])
        late = self.check(lot=in_stock, on_date=date(2026, 5, 1), proof_date=date(2025, 3, 15))
        self.assertEqual(late["state"], "expired", "an end customer gets 12 months only")

    def test_bad_input_is_refused_with_a_clear_message(self):
        with self.assertRaisesRegex(UserError, "Give a serial number"):
            self.check()
        with self.assertRaisesRegex(UserError, "give the customer or a proof"):
            self.check(product=self.motor)
        with self.assertRaisesRegex(UserError, "after the claim date"):
            self.check(lot=self.lots[0], on_date=date(2025, 1, 1), proof_date=date(2025, 2, 1))
        with self.assertRaisesRegex(UserError, "Unknown warranty void reason"):
            self.check(lot=self.lots[0], void_reasons=["rain"])

    def test_wizard_answers_while_typing_and_opens_the_record(self):
        with Form(self.env["aftersales.warranty.check.wizard"]) as wizard:
            self.assertFalse(wizard.state)
            wizard.lot_name = "SN-W1"
            wizard.on_date = date(2025, 12, 1)
            self.assertEqual(wizard.state, "in_warranty")
            self.assertEqual(wizard.record_id, self.record)
            self.assertEqual((wizard.partner_id, wizard.product_id), (self.record.partner_id, self.motor),
                             "the unit found fills customer and product")
            self.assertEqual(wizard.end_date, date(2026, 5, 31))
            wizard.void_external_damage = True
            self.assertEqual(wizard.state, "void")
            wizard.void_external_damage = False
            wizard.lot_name = "NOPE"
            self.assertEqual(wizard.state, "not_ours")
            wizard.lot_name = "SN-W1"
        action = wizard.record.action_open_record()
        self.assertEqual((action["res_model"], action["res_id"]), ("aftersales.delivery.record", self.record.id))

    def test_each_serial_is_a_new_question_in_the_wizard(self):
        self._stock_serials(self.bearing, ["LOT-B7"])
        bearing_order = self._sell_and_deliver_on(self.distributor, self.bearing, 1, datetime(2025, 9, 1, 9))
        bearing_record = self._records(sale_order_id=bearing_order.id)
        with Form(self.env["aftersales.warranty.check.wizard"]) as wizard:
            wizard.on_date = date(2025, 12, 1)
            wizard.lot_name = "SN-W1"
            self.assertEqual((wizard.state, wizard.partner_id, wizard.product_id), ("in_warranty", self.customer, self.motor))
            wizard.lot_name = "LOT-B7"
            self.assertEqual(wizard.state, "in_warranty", "the motor filled in by the first answer is no question")
            self.assertEqual(wizard.record_id, bearing_record)
            self.assertEqual((wizard.partner_id, wizard.product_id), (self.distributor, self.bearing),
                             "the new answer fills in its own customer and product")
            wizard.lot_name = "NOPE"
            self.assertEqual(wizard.state, "not_ours")
            self.assertEqual((wizard.partner_id, wizard.product_id), (self.env["res.partner"], self.env["product.product"]))
            wizard.lot_name = "SN-W2"
            self.assertEqual((wizard.state, wizard.product_id), ("in_warranty", self.motor))

    def test_a_customer_and_product_the_user_chose_stay_the_question(self):
        with Form(self.env["aftersales.warranty.check.wizard"]) as wizard:
            wizard.on_date = date(2025, 12, 1)
            wizard.product_id = self.motor
            wizard.partner_id = self.customer
            self.assertEqual((wizard.state, wizard.record_id.sale_order_id), ("in_warranty", self.order),
                             "no serial: the customer's deliveries of the product")
            wizard.product_id = self.bearing
            wizard.lot_name = "SN-W1"
            self.assertEqual(wizard.state, "not_ours", "a motor's serial is not the bearing the user asks about")
            self.assertEqual((wizard.partner_id, wizard.product_id), (self.customer, self.bearing), "kept as chosen")
        wizard = Form.from_action(self.env, self.lots[0].action_aftersales_check_warranty())
        wizard.on_date = date(2025, 12, 1)
        self.assertEqual((wizard.state, wizard.product_id), ("in_warranty", self.motor))
        wizard.lot_name = "SN-W2"
        self.assertEqual(wizard.state, "in_warranty")

    def test_a_typed_serial_is_found_in_any_case_and_without_spaces_around(self):
        for typed in ("sn-w1", "  Sn-W1\t", "SN-W1"):
            with self.subTest(typed=typed):
                result = self.check(lot=typed, on_date=date(2025, 12, 1))
                self.assertEqual((result["state"], result["record"]), ("in_warranty", self.record), typed)
        self.assertEqual(self.check(lot="sn-w1", product=self.bearing)["state"], "not_ours")
        self.assertEqual(self.check(lot="sn-w%")["state"], "not_ours", "a typed serial is no pattern")
        with Form(self.env["aftersales.warranty.check.wizard"]) as wizard:
            wizard.on_date = date(2025, 12, 1)
            wizard.lot_name = " sn-w2 "
            self.assertEqual((wizard.state, wizard.record_id.lot_id), ("in_warranty", self.lots[1]))

    def test_wizard_shows_bad_input_and_refuses_to_open_nothing(self):
        with Form(self.env["aftersales.warranty.check.wizard"]) as wizard:
            wizard.product_id = self.motor
            self.assertFalse(wizard.state)
            self.assertIn("give the customer or a proof", wizard.reason)
            wizard.lot_name = "NOPE"
        with self.assertRaisesRegex(UserError, "No delivery record backs this answer"):
            wizard.record.action_open_record()

    def test_wizard_opens_from_a_record_and_a_serial(self):
        for action in (self.record.action_open_warranty_check(), self.lots[0].action_aftersales_check_warranty()):
            wizard = Form.from_action(self.env, action)
            self.assertEqual(wizard.lot_name, "SN-W1")
            self.assertEqual(wizard.state, "expired", "claimed today, after 2026-05-31")
            wizard.on_date = date(2026, 5, 31)
            self.assertEqual(wizard.state, "in_warranty")

    def test_extended_warranty_sold_before_delivery(self):
        self._stock_serials(self.motor, ["SN-EXT1"])
        order = self._sell(self.customer, [(self.motor, 1), (self.extension_service, 1)])
        with freeze_time(datetime(2026, 1, 10, 9)):
            self._deliver(order)
        record = self._records(sale_order_id=order.id)
        self.assertEqual(record.extended_warranty_months, 12)
        self.assertEqual(record.warranty_end_date, date(2028, 1, 9))

    def test_extended_warranty_added_after_delivery(self):
        self.assertEqual(self.record.warranty_end_date, date(2026, 5, 31))
        with Form(self.order) as order_form, order_form.order_line.new() as line:
            line.product_id = self.extension_service
        self.assertEqual(self.record.extended_warranty_months, 12)
        self.assertEqual(self.record.warranty_end_date, date(2027, 5, 31))
        self.assertEqual(self.check(lot=self.lots[0], on_date=date(2027, 1, 1))["state"], "in_warranty")

        self.extension_service.aftersales_warranty_extension_months = 24
        self.assertEqual(self.record.warranty_end_date, date(2027, 5, 31), "the extension sold is frozen")

        extension_line = self.order.order_line.filtered(lambda line: line.product_id == self.extension_service)
        with Form(self.order) as order_form, order_form.order_line.edit(
            list(self.order.order_line).index(extension_line)
        ) as line:
            line.product_uom_qty = 0
        self.assertEqual(self.record.warranty_end_date, date(2026, 5, 31), "an extension taken back no longer counts")
