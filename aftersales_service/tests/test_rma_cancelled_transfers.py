from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestRmaCancelledTransfers(RmaCase):
    """docs/rma.md §14: a processed unit whose replacement or return was cancelled before it shipped is shipped
    again, or its replacement refunded instead; through the buttons, on real transfers, quants and credit notes."""

    def _processed(self, serials, findings, decision, user=None):
        """A delivered and invoiced order; the units of ``serials`` returned, inspected with ``findings`` and
        processed with ``decision``."""
        order, lots = self._sell_and_deliver(serials)
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [findings] * len(lots))
        self._decide_and_process(rma, [dict(decision)] * len(lots), user=user)
        self.assertEqual(rma.state, "processed")
        return order, lots, rma

    def test_a_cancelled_replacement_is_shipped_again_once(self):
        order, lots, rma = self._processed(["CT-R1"], {"cause": "nonconformity"}, {"decision": "replace"})
        spare = self._stock_serials(self.motor, ["CT-S1"])
        line = rma.line_ids.with_user(self.coordinator)
        first = self._transfers(rma, "replacement")
        self.assertFalse(line.can_ship_again, "the replacement is on its way")
        with self.assertRaisesRegex(UserError, "cancelled before it was shipped"):
            line.action_ship_again()

        first.with_user(self.stock_user).action_cancel()
        self.assertEqual((first.state, rma.state, line.is_settled), ("cancel", "processed", False))
        self.assertTrue(line.can_ship_again)
        line.action_ship_again()
        second = self._transfers(rma, "replacement") - first
        self.assertEqual(len(second), 1)
        self.assertEqual((second.state, second.move_ids.product_uom_qty), ("assigned", 1.0))
        self.assertEqual(second.move_ids.sale_line_id, order.order_line)
        self.assertEqual(second.move_line_ids.lot_id, spare)
        self.assertFalse(line.can_ship_again)
        with self.assertRaisesRegex(UserError, "cancelled before it was shipped"):
            line.action_ship_again()
        self.assertEqual(self._transfers(rma, "replacement"), first | second, "nothing made twice")

        self._validate(second)
        self.assertEqual(rma.state, "done")
        self.assertEqual(self._quantity_at(spare, self.customer_location), 1.0)
        self.assertEqual(self._quantity_at(lots, self.warehouse.aftersales_rma_location_id), 1.0, "the faulty one stays")
        self.assertEqual(self._records(replaced_record_id=rma.line_ids.delivery_record_id.id).lot_id, spare)
        self.assertEqual(order.order_line.qty_delivered, 1.0)
        self.assertFalse(rma.account_move_ids.filtered(lambda move: move.move_type == "out_refund"))

    def test_a_replacement_that_cannot_be_shipped_is_refunded_instead(self):
        order, lots, rma = self._processed(["CT-F1"], {"cause": "nonconformity"}, {"decision": "replace"})
        invoice = order.invoice_ids
        replacement = self._transfers(rma, "replacement")
        self.assertEqual(replacement.state, "confirmed", "no unit in stock to replace it with")
        line = rma.line_ids.with_user(self.coordinator)
        self.assertFalse(line.can_refund_instead)
        with self.assertRaisesRegex(UserError, "refunded instead"):
            line.action_refund_instead()
        self.assertFalse(rma.account_move_ids)

        replacement.with_user(self.stock_user).action_cancel()
        self.assertTrue(line.can_refund_instead)
        line.action_refund_instead()
        credit_note = rma.account_move_ids
        self.assertEqual((credit_note.move_type, credit_note.state), ("out_refund", "posted"))
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.invoice_line_ids.aftersales_rma_line_id, rma.line_ids)
        self.assertAlmostEqual(credit_note.amount_untaxed, 1000.0)
        self.assertEqual((rma.line_ids.decision, rma.state), ("refund", "done"))
        self.assertEqual((order.order_line.qty_delivered, order.order_line.qty_to_invoice), (0.0, 0.0))
        self.assertEqual(self._quantity_at(lots, self.warehouse.aftersales_rma_location_id), 1.0)
        for action in (line.action_refund_instead, line.action_ship_again):
            with self.subTest(action=action.__name__), self.assertRaises(UserError):
                action()
        self.assertEqual(rma.account_move_ids, credit_note, "never credited twice")

    def test_refunding_an_overridden_replacement_instead_is_a_managers_call(self):
        override = {"decision": "replace", "override_reason": "Key account, agreed by the sales director"}
        _order, _lots, rma = self._processed(["CT-O1"], {"cause": "manufacturing"}, override, user=self.manager)
        self.assertFalse(rma.line_ids.refund_allowed)
        self._transfers(rma, "replacement").with_user(self.stock_user).action_cancel()
        line = rma.line_ids.with_user(self.coordinator)
        self.assertTrue(line.can_ship_again)
        self.assertFalse(line.can_refund_instead, "the return rules refuse a refund: a manager's call")
        with self.assertRaisesRegex(UserError, "by an After-Sales manager"):
            line.action_refund_instead()
        self.assertEqual(rma.line_ids.decision, "replace")
        self.assertFalse(rma.account_move_ids)

        rma.line_ids.with_user(self.manager).action_refund_instead()
        self.assertEqual((rma.line_ids.decision, rma.line_ids.overridden_by_id), ("refund", self.manager))
        self.assertEqual(rma.account_move_ids.move_type, "out_refund")
        self.assertEqual(rma.state, "done")

    def test_a_cancelled_return_to_the_customer_is_made_again(self):
        _order, lots, rma = self._processed(
            ["CT-B1"], {"cause": "no_fault", "product_used": True}, {"decision": "return_as_is"}
        )
        record = rma.line_ids.delivery_record_id
        first = self._transfers(rma, "return")
        first.with_user(self.stock_user).action_cancel()
        line = rma.line_ids.with_user(self.coordinator)
        self.assertEqual((line.can_ship_again, line.can_refund_instead), (True, False))
        self.assertEqual(self._quantity_at(lots, self.warehouse.aftersales_rma_location_id), 1.0)

        line.action_ship_again()
        second = self._transfers(rma, "return") - first
        self.assertEqual((second.state, second.move_line_ids.lot_id), ("assigned", lots))
        with self.assertRaisesRegex(UserError, "cancelled before it was shipped"):
            line.action_ship_again()
        self.assertEqual(self._transfers(rma, "return"), first | second)
        self._validate(second)
        self.assertEqual(rma.state, "done")
        self.assertEqual(self._quantity_at(lots, self.customer_location), 1.0, "the unit is with the customer again")
        self.assertEqual(record.qty_returned, 0.0)

    def test_what_a_cancelled_backorder_did_not_ship_is_shipped_again(self):
        self._stock_quantity(self.bearing, 3.0, "CT-LOT")
        order = self._sell(self.customer, [(self.bearing, 3)])
        self._deliver(order)
        rma = self._save_action_form(self._records(sale_order_id=order.id).action_create_rma())
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "nonconformity"}])
        self._decide_and_process(rma, [{"decision": "replace"}])
        self._stock_quantity(self.bearing, 3.0, "CT-LOT-2")
        replacement = self._transfers(rma, "replacement")
        replacement.move_ids.quantity = 2.0
        replacement.move_ids.picked = True
        Form.from_action(self.env, replacement.button_validate()).save().process()
        backorder = self._transfers(rma, "replacement") - replacement
        backorder.with_user(self.stock_user).action_cancel()
        line = rma.line_ids.with_user(self.coordinator)
        self.assertEqual((line.can_ship_again, line.can_refund_instead), (True, False), "two of three were shipped")

        line.action_ship_again()
        again = self._transfers(rma, "replacement") - replacement - backorder
        self.assertEqual(again.move_ids.product_uom_qty, 1.0, "what was not shipped, nothing more")
        self._validate(again)
        self.assertEqual(rma.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 3.0)
