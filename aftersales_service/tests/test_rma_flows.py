import io
from datetime import date, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.pdf import PdfReader
from odoo.tools.safe_eval import safe_eval

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestRmaFlows(RmaCase):
    """SPEC 3: every decision path, end to end, on real stock, sale lines and account moves."""

    def test_approval_creates_one_return_receipt_per_delivery_and_receiving_updates_the_order(self):
        order, lots = self._sell_and_deliver(["R-A1", "R-A2", "R-A3"])
        rma = self._new_rma(order, lots[:2])
        self.assertEqual(rma.name[:4], "RMA/")
        self.assertEqual(rma.line_ids.delivery_record_id.lot_id, lots[:2], "serials find their delivery records")
        self.assertEqual(set(rma.line_ids.mapped("warranty_state")), {"in_warranty"})

        with self.assertRaisesRegex(UserError, "Only an After-Sales manager"):
            rma.with_user(self.coordinator).action_confirm()
        rma.with_user(self.manager).action_confirm()
        self.assertEqual((rma.state, rma.approved_by_id), ("confirmed", self.manager))
        receipt = rma.picking_ids
        self.assertEqual(len(receipt), 1, "one receipt for the one original delivery")
        self.assertEqual(receipt.return_id, rma.line_ids.delivery_record_id.picking_id, "made by the return wizard")
        self.assertEqual(receipt.move_ids.move_line_ids.lot_id, lots[:2])
        with self.assertRaisesRegex(UserError, "not possible while Approved"):
            rma.with_user(self.manager).action_confirm()

        rma_location = self.warehouse.aftersales_rma_location_id
        self.assertEqual(receipt.location_dest_id, rma_location)
        self._validate(receipt)
        self.assertEqual(rma.state, "received")
        self.assertEqual(self._stock_serial_in(lots[0]), 0.0, "not back in sellable stock")
        quant = self.env["stock.quant"]._gather(self.motor, rma_location, lot_id=lots[0], strict=True)
        self.assertEqual(quant.quantity, 1.0, "the unit waits in the RMA location")
        self.assertEqual(order.order_line.qty_delivered, 3.0, "received units stay sold until their decision")
        self.assertFalse(any(receipt.move_ids.mapped("to_refund")), "the order is settled when the decision is processed")
        self.assertEqual(sum(self._records(sale_order_id=order.id).mapped("qty_returned")), 2.0)
        self._run_follow_ups()
        self.assertIn("received the units", rma.message_ids[0].body)

    def test_the_delivered_quantity_costs_no_query_per_unit_that_came_back(self):
        """Units received into the RMA location are not a way out: the sale line's delivered quantity looks up
        nothing for each of them, however many came back."""
        order, lots = self._sell_and_deliver(["R-Q1", "R-Q2", "R-Q3", "R-Q4"])
        line = order.order_line

        def queries_to_count_delivered():
            line._compute_qty_delivered()  # what it reads is in the cache: what is left is looked up per unit
            start = self.cr.sql_log_count
            line._compute_qty_delivered()
            return self.cr.sql_log_count - start

        self.assertFalse(self.warehouse.aftersales_rma_location_id._is_outgoing())
        self.assertTrue(self.customer.property_stock_customer._is_outgoing())
        self._approve_and_receive(self._new_rma(order, lots[:1]))
        after_one = queries_to_count_delivered()
        for lot in lots[1:]:
            self._approve_and_receive(self._new_rma(order, lot))
        self.assertEqual(queries_to_count_delivered(), after_one)
        self.assertEqual(line.qty_delivered, 4.0, "received units stay sold until their decision")

    def test_inspection_done_gives_each_undecided_unit_its_proposal(self):
        order, lots = self._sell_and_deliver(["R-D1", "R-D2"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        first, second = rma.line_ids.sorted(lambda line: line.lot_id.name)
        # Findings recorded without the form (an import, a client of the API): no onchange fills the decisions.
        first.with_user(self.coordinator).write({"cause": "transport"})
        second.with_user(self.coordinator).write({"cause": "no_fault", "product_used": True, "decision": "repair"})
        self.assertFalse(first.decision)
        rma.with_user(self.coordinator).action_inspection_done()
        self.assertEqual((first.decision, second.decision), ("refund", "repair"), "the proposal, or the one chosen")
        rma.with_user(self.coordinator).action_decide()
        self.assertEqual(rma.state, "decided")

    def _receive_on_the_rma(self, rma, typed, user):
        """At the service desk: *Receive* on the RMA, the serials ``typed`` one after the other, then *Receive*."""
        action = rma.with_user(user).action_receive()
        with Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"])) as wizard:
            for serial in typed:
                wizard.serial = serial
        return wizard.record.action_receive()

    def test_units_are_received_on_the_rma_with_their_serials_checked(self):
        order, lots = self._sell_and_deliver(["R-S1", "R-S2"])
        desk = self.coordinator
        rma = self._new_rma(order, lots)
        self.assertFalse(rma.can_receive, "nothing to receive before approval")
        with self.assertRaisesRegex(UserError, "not possible while Draft"):
            rma.with_user(desk).action_receive()
        rma.with_user(self.manager).action_confirm()

        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as refused:
            self._receive_on_the_rma(rma, ["  r-s1 ", "R-S9"], desk)
        self.assertIn("R-S9 is not one of the units this RMA waits for", refused.output[0])
        self.assertEqual(rma.state, "confirmed", "one unit in, the other awaited")
        self.assertEqual(rma.line_ids.sorted("id").mapped("qty_received"), [1.0, 0.0])
        rma_location = self.warehouse.aftersales_rma_location_id
        self.assertEqual(self._quantity_at(lots[0], rma_location), 1.0)
        self.assertEqual(self._quantity_at(lots[1], rma_location), 0.0)
        backorder = rma._pending_receipt_moves().picking_id
        self.assertEqual(backorder.backorder_id, self._transfers(rma, "receipt") - backorder, "the rest waits")

        with self.assertRaisesRegex(UserError, "at least one unit"):
            self._receive_on_the_rma(rma, [], desk)
        self._receive_on_the_rma(rma, ["R-S2"], desk)
        self.assertEqual(rma.state, "received")
        self.assertEqual(self._quantity_at(lots[1], rma_location), 1.0)
        self.assertFalse(rma.with_user(desk).can_receive)

    def test_the_receive_form_takes_only_the_rmas_units_awaited(self):
        order, lots = self._sell_and_deliver(["R-S3"])
        other_order, _other_lots = self._sell_and_deliver(["R-S4"])
        desk = self.coordinator
        rma = self._new_rma(order, lots)
        other = self._new_rma(other_order, _other_lots)
        (rma | other).with_user(self.manager).action_confirm()
        wizard = self.env["aftersales.rma.receive"].with_user(desk).create({
            "rma_id": rma.id,
            "line_ids": [(0, 0, {"move_id": other._pending_receipt_moves().id, "quantity": 1.0})],
        })
        with self.assertRaisesRegex(UserError, "is not a unit"):
            wizard.action_receive()
        wizard = self.env["aftersales.rma.receive"].with_user(desk).with_context(default_rma_id=rma.id).create({})
        for quantity in (2.0, -1.0):
            wizard.line_ids.quantity = quantity
            with self.subTest(quantity=quantity), self.assertRaisesRegex(UserError, "between 0 and 1"):
                wizard.action_receive()
        self.assertEqual((rma.state, other.state), ("confirmed", "confirmed"), "nothing received")
        self.assertFalse(rma.line_ids.qty_received)

    def _receive_only(self, rma, lot):
        """Approve, then validate the receipt with only ``lot`` picked: the receipt and the backorder question."""
        rma.with_user(self.manager).action_confirm()
        receipt = rma.picking_ids
        first = receipt.move_ids.filtered(lambda m: m.move_line_ids.lot_id == lot)
        (receipt.move_ids - first).picked = False
        first.picked = True
        return receipt, Form.from_action(self.env, receipt.with_user(self.stock_user).button_validate()).save()

    def test_partial_receipt_then_backorder(self):
        order, lots = self._sell_and_deliver(["R-P1", "R-P2"])
        rma = self._new_rma(order, lots)
        receipt, wizard = self._receive_only(rma, lots[0])
        wizard.process()
        self.assertEqual((rma.state, rma.receipt_state), ("confirmed", "partial"))
        backorder = rma.picking_ids - receipt
        self.assertEqual(backorder.aftersales_rma_role, "receipt")
        self._validate(backorder)
        self.assertEqual((rma.state, rma.receipt_state), ("received", "full"))

    def test_receipt_closed_short_keeps_what_came_and_frees_the_rest(self):
        order, lots = self._sell_and_deliver(["R-S1", "R-S2"])
        rma = self._new_rma(order, lots)
        _receipt, wizard = self._receive_only(rma, lots[0])
        wizard.process_cancel_backorder()
        self.assertEqual((rma.state, rma.receipt_state), ("received", "full"))
        self.assertEqual(rma.line_ids.lot_id, lots[0], "the unit that never came left the RMA")
        self.assertIn("closed without", rma.message_ids[:2].mapped("body")[-1])
        missing = self._records(lot_id=lots[1].id)
        self.assertEqual(missing._returnable_quantity(), 1.0, "it can be claimed again")

        self._stock_quantity(self.bearing, 10.0, "LOT-SHORT")
        lot_order = self._sell(self.customer, [(self.bearing, 10)])
        self._deliver(lot_order)
        record = self._records(sale_order_id=lot_order.id)
        lot_rma = self._save_action_form(record.action_create_rma())
        lot_rma.line_ids.quantity = 3.0
        lot_rma.with_user(self.manager).action_confirm()
        lot_receipt = lot_rma.picking_ids
        lot_receipt.move_ids.quantity = 2.0
        lot_receipt.move_ids.picked = True
        Form.from_action(self.env, lot_receipt.button_validate()).save().process()
        lot_rma.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).with_user(self.stock_user).action_cancel()
        self.assertEqual((lot_rma.state, lot_rma.line_ids.quantity), ("received", 2.0))
        self.assertEqual(record._returnable_quantity(), 8.0)

        _order, lone = self._sell_and_deliver(["R-S3"])
        lone_rma = self._new_rma(_order, lone)
        lone_rma.with_user(self.manager).action_confirm()
        lone_rma.picking_ids.with_user(self.stock_user).action_cancel()
        self.assertEqual(lone_rma.state, "cancel", "nothing came back")

    def test_units_leave_an_rma_only_while_draft(self):
        order, lots = self._sell_and_deliver(["R-D1", "R-D2"])
        rma = self._new_rma(order, lots)
        rma.with_user(self.manager).action_confirm()
        with self.assertRaisesRegex(UserError, "draft RMAs only"):
            rma.line_ids[1].with_user(self.coordinator).unlink()
        self.assertEqual(len(rma.line_ids), 2)

    def test_refund_posts_a_credit_note_at_the_sale_price_discount_and_taxes(self):
        self._sales_tax(self.motor)
        order, lots = self._sell_and_deliver(["R-F1", "R-F2"], discount=10.0)
        invoice = order.invoice_ids
        rma = self._new_rma(order, lots[:1])
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "transport"}])
        self.assertEqual(rma.line_ids.proposed_decision, "refund")
        self._decide_and_process(rma)

        credit_note = rma.account_move_ids
        self.assertEqual((credit_note.move_type, credit_note.state), ("out_refund", "posted"))
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.invoice_line_ids.sale_line_ids, order.order_line)
        self.assertEqual(credit_note.invoice_line_ids.aftersales_rma_line_id, rma.line_ids)
        self.assertAlmostEqual(credit_note.amount_untaxed, 900.0)
        self.assertAlmostEqual(credit_note.amount_tax, 117.0)
        self.assertAlmostEqual(credit_note.amount_total, 1017.0)
        self.assertEqual((order.order_line.qty_delivered, order.order_line.qty_invoiced), (1.0, 1.0))
        self.assertEqual(order.order_line.qty_to_invoice, 0.0)
        self.assertEqual(rma.state, "done")

        with self.assertRaisesRegex(UserError, "never made twice"):
            rma.line_ids._process_refund()
        self.assertEqual(len(rma.account_move_ids), 1)

    def test_refund_credits_the_invoice_that_billed_the_unit(self):
        lots = self._stock_serials(self.motor, ["R-B1", "R-B2"])
        order = self._sell(self.customer, [(self.motor, 2)])
        picking = order.picking_ids
        picking.move_ids.move_line_ids.filtered(lambda line: line.lot_id == lots[1]).unlink()
        picking.move_ids.picked = True
        Form.from_action(self.env, picking.with_user(self.stock_user).button_validate()).save().process()
        first_invoice = order._create_invoices()
        first_invoice.action_post()
        self._deliver(order)
        second_invoice = order._create_invoices()
        second_invoice.action_post()
        self.assertEqual(self._records(lot_id=lots[0].id).picking_id, picking)

        for lot, invoice in ((lots[0], first_invoice), (lots[1], second_invoice)):
            with self.subTest(lot=lot.name):
                rma = self._new_rma(order, lot)
                self._approve_and_receive(rma)
                self._inspect(rma, [{"cause": "transport"}])
                self._decide_and_process(rma)
                self.assertEqual(rma.account_move_ids.reversed_entry_id, invoice, lot.name)

    def test_refund_of_goods_never_invoiced_makes_no_credit_note(self):
        order, lots = self._sell_and_deliver(["R-N1", "R-N2"], invoice=False)
        rma = self._new_rma(order, lots[:1])
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "nonconformity"}])
        self._decide_and_process(rma)
        self.assertFalse(rma.account_move_ids)
        self.assertEqual(order.order_line.qty_to_invoice, 1.0, "the order just has less to invoice")
        self.assertIn("no credit note", rma.message_ids.mapped("body")[0])
        self.assertEqual(rma.state, "done")

    def test_replacement_is_a_real_delivery_and_the_order_ends_even(self):
        order, lots = self._sell_and_deliver(["R-X1", "R-X2"])
        spare = self._stock_serials(self.motor, ["R-X9"])
        rma = self._new_rma(order, lots[:1])
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "nonconformity"}])
        self._decide_and_process(rma, [{"decision": "replace"}])
        self.assertEqual(rma.state, "processed")
        delivery = rma.picking_ids.filtered(lambda p: p.aftersales_rma_role == "replacement")
        self.assertEqual(delivery.picking_type_id.code, "outgoing")
        self.assertEqual(delivery.move_ids.sale_line_id, order.order_line)
        self.assertEqual(delivery.move_line_ids.lot_id, spare, "the faulty unit waits apart, not in sellable stock")
        self.assertEqual(self._stock_serial_in(lots[0]), 0.0)

        with freeze_time(fields.Datetime.now() + timedelta(days=10)):
            self._ship(rma, "replacement")
        self.assertEqual(rma.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 2.0)
        self.assertEqual(order.order_line.qty_to_invoice, 0.0, "nothing extra to invoice")
        self.assertFalse(rma.account_move_ids, "nothing to refund")
        original = rma.line_ids.delivery_record_id
        replacement = self._records(replaced_record_id=original.id)
        self.assertEqual(len(replacement), 1)
        self.assertEqual(replacement.warranty_start_date, replacement.delivery_date, "restarts by default")
        self.assertGreater(replacement.warranty_end_date, original.warranty_end_date)
        self._run_follow_ups()
        self.assertIn("on their way", rma.message_ids[0].body)

    def test_a_unit_refunded_or_replaced_is_no_longer_the_customers(self):
        order, lots = self._sell_and_deliver(["R-G1", "R-G2", "R-G3"])
        self._stock_serials(self.motor, ["R-G9"])
        self._stock_quantity(self.spare_part, 5.0)
        records = self._records(sale_order_id=order.id).sorted(lambda record: record.lot_id.name)
        self.assertEqual(records.mapped("qty_with_customer"), [1.0, 1.0, 1.0])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self.assertEqual(records.mapped("qty_with_customer"), [1.0, 1.0, 1.0], "in for inspection: still theirs")
        self._inspect(rma, [{"cause": "transport"}, {"cause": "nonconformity"}, {"cause": "manufacturing"}])
        self._decide_and_process(rma, [{"decision": "refund"}, {"decision": "replace"}, {"decision": "repair"}])
        self.assertEqual(records.mapped("qty_with_customer"), [0.0, 0.0, 1.0], "refunded and replaced: ours again")
        self.assertEqual(records.mapped("qty_returned"), [1.0, 1.0, 1.0])
        self._ship(rma, "replacement")
        self.assertEqual(self._records(replaced_record_id=records[1].id).qty_with_customer, 1.0)
        self._finish_repair(rma.line_ids[2])
        self._ship(rma, "return")
        self.assertEqual(rma.state, "done")
        self.assertEqual(records.mapped("qty_with_customer"), [0.0, 0.0, 1.0], "the repaired unit is theirs")
        customer_records = self._records(partner_id=self.customer.id).filtered_domain([("qty_with_customer", ">", 0)])
        self.assertEqual(customer_records.lot_id.mapped("name"), ["R-G9", "R-G3"])

    def test_replacement_warranty_continues_when_the_company_says_so(self):
        self.company.aftersales_replacement_warranty = "continue"
        order, lots = self._sell_and_deliver(["R-C1"])
        self._stock_serials(self.motor, ["R-C9"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "transport"}])
        self._decide_and_process(rma, [{"decision": "replace"}])
        with freeze_time(fields.Datetime.now() + timedelta(days=30)):
            self._ship(rma, "replacement")
        original = rma.line_ids.delivery_record_id
        replacement = self._records(replaced_record_id=original.id)
        self.assertEqual(
            (replacement.warranty_start_date, replacement.warranty_end_date),
            (original.warranty_start_date, original.warranty_end_date),
        )
        self.assertGreater(replacement.delivery_date, original.delivery_date)

    def test_free_repair_in_warranty_goes_back_without_invoice(self):
        order, lots = self._sell_and_deliver(["R-R1"])
        self._stock_quantity(self.spare_part, 5.0)
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "manufacturing", "department_id": self.env.ref("aftersales_service.department_production")}])
        line = rma.line_ids
        self.assertEqual((line.proposed_decision, line.charge_mode), ("repair", "free"))
        self._decide_and_process(rma)
        repair = line.repair_id
        self.assertEqual((repair.state, repair.under_warranty, repair.lot_id), ("confirmed", True, lots))
        self.assertEqual(repair.picking_id, rma.picking_ids, "the repair starts from the RMA receipt")
        self._finish_repair(line, [(self.spare_part, 1)])
        self.assertFalse(rma.account_move_ids.filtered(lambda m: m.move_type == "out_invoice"))
        self.assertEqual(rma.state, "processed", "waiting for the unit to go back")
        back = self._ship(rma, "return")
        self.assertEqual(back.move_line_ids.lot_id, lots)
        self.assertEqual(rma.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 1.0, "the customer has the unit again")
        self.assertEqual(line.delivery_record_id.qty_returned, 0.0)
        self.assertEqual(len(self._records(sale_order_id=order.id)), 1, "no new delivery record for the same unit")

    def test_chargeable_repair_invoices_parts_at_sale_price_and_labour_hours(self):
        self._sales_tax(self.spare_part | self.labour)
        order, lots = self._sell_and_deliver(["R-R2"])
        self._stock_quantity(self.spare_part, 5.0)
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "wear"}])
        line = rma.line_ids
        self.assertEqual(line.charge_mode, "full")
        self._decide_and_process(rma, [{"decision": "repair", "repair_hours": 2.5}])
        self.assertFalse(line.repair_id.under_warranty)
        self._finish_repair(line, [(self.spare_part, 2)])
        invoice = rma.account_move_ids.filtered(lambda m: m.move_type == "out_invoice")
        self.assertEqual(invoice.state, "posted")
        amounts = {aml.product_id: (aml.quantity, aml.price_subtotal) for aml in invoice.invoice_line_ids}
        self.assertEqual(amounts[self.spare_part], (2.0, 300.0))
        self.assertEqual(amounts[self.labour], (2.5, 150.0))
        self.assertAlmostEqual(invoice.amount_total, 450.0 * 1.13)
        self.assertEqual(invoice.line_ids.sale_line_ids.order_id, line.repair_id.sale_order_id)
        self._ship(rma, "return")
        self.assertEqual(rma.state, "done")

    def test_warranty_repair_charges_only_the_parts_the_customer_had_processed(self):
        order, lots = self._sell_and_deliver(["R-R3", "R-R4"])
        self._stock_quantity(self.spare_part, 5.0)
        self._stock_quantity(self.cable, 5.0)
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "manufacturing", "customer_processed_parts": True}] * 2)
        self.assertEqual(set(rma.line_ids.mapped("charge_mode")), {"materials"})
        self._decide_and_process(rma, [{"decision": "repair"}] * 2)
        charged, free = rma.line_ids
        with Form(charged.repair_id) as repair_form:
            for product, processed in ((self.spare_part, True), (self.cable, False)):
                with repair_form.move_ids.new() as move:
                    move.product_id = product
                    move.aftersales_customer_processed = processed
        self._finish_repair(charged)
        invoice = rma.account_move_ids.filtered(lambda m: m.move_type == "out_invoice")
        amounts = {aml.product_id: aml.price_subtotal for aml in invoice.invoice_line_ids}
        self.assertEqual(amounts, {self.spare_part: 150.0, self.cable: 0.0}, "no labour, our own part free")
        self._finish_repair(free, [(self.cable, 1)])
        self.assertEqual(rma.account_move_ids, invoice, "nothing the customer processed: nothing invoiced")
        self.assertEqual(free.repair_id.sale_order_id.state, "cancel")

    def test_turnaround_deadlines_and_late_repairs(self):
        order, lots = self._sell_and_deliver(["R-T1", "R-T2"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "manufacturing"}, {"cause": "manufacturing"}])
        self._decide_and_process(rma)
        received = rma.line_ids[0].receipt_date
        available, missing = rma.line_ids.repair_id
        self.assertFalse(available.aftersales_parts_missing)
        self.assertEqual(available.aftersales_deadline, received + timedelta(days=7))
        missing.aftersales_parts_missing = True
        self.assertEqual(missing.aftersales_deadline, received + timedelta(days=15))

        repairs = self.env["repair.order"]
        self.assertFalse(repairs.search([("id", "in", rma.repair_ids.ids), ("aftersales_is_late", "=", True)]))
        with freeze_time(received + timedelta(days=8)):
            self.assertEqual(
                repairs.search([("id", "in", rma.repair_ids.ids), ("aftersales_is_late", "=", True)]), available
            )
            self.assertTrue(available.with_context(tz="UTC").aftersales_is_late)
        self.company.aftersales_repair_days = 10
        self.assertEqual(available.aftersales_deadline, received + timedelta(days=10), "the deadline is a setting")

    def test_return_as_is_and_rejected_claim_go_back_to_the_customer(self):
        order, lots = self._sell_and_deliver(["R-B1", "R-B2"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "no_fault", "product_used": True}, {"cause": "not_ours"}])
        self.assertEqual(rma.line_ids.mapped("proposed_decision"), ["return_as_is", "reject"])
        self._decide_and_process(rma)
        back = rma.picking_ids.filtered(lambda p: p.aftersales_rma_role == "return")
        self.assertEqual(back.picking_type_id.code, "outgoing")
        self.assertEqual(back.move_line_ids.lot_id, lots)
        self._ship(rma, "return")
        self.assertEqual(rma.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 2.0)
        customers = self.env["stock.quant"]._gather(self.motor, self.customer_location, lot_id=lots[0], strict=True)
        self.assertEqual(customers.quantity, 1.0, "the unit is with the customer again")

    def test_scrap_needs_the_customers_consent(self):
        order, lots = self._sell_and_deliver(["R-S1"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "misuse"}])
        with Form(rma) as rma_form, rma_form.line_ids.edit(0) as line:
            line.decision = "scrap"
        with self.assertRaisesRegex(UserError, "consent"):
            rma.action_decide()
        self.assertEqual(rma.state, "inspected")
        self._decide_and_process(rma, [{"customer_consent": True}])
        scrap = rma.line_ids.scrap_id
        self.assertEqual((scrap.state, scrap.lot_id), ("done", lots))
        self.assertEqual(rma.line_ids.delivery_record_id.qty_with_customer, 0.0, "scrapped: nobody has it")
        scrapped = self.env["stock.quant"]._gather(self.motor, scrap.scrap_location_id, lot_id=lots[0], strict=True)
        self.assertEqual(scrapped.quantity, 1.0)
        self.assertEqual(rma.state, "done")
        line = order.order_line
        self.assertEqual((line.qty_delivered, line.qty_to_invoice), (1.0, 0.0), "scrapped, not refunded")
        self.assertEqual(order.invoice_status, "invoiced")

    def test_lot_tracked_goods_return_part_of_a_lot(self):
        self._stock_quantity(self.bearing, 10.0, "LOT-RMA")
        order = self._sell(self.customer, [(self.bearing, 10)])
        self._deliver(order)
        order._create_invoices().action_post()
        record = self._records(sale_order_id=order.id)
        rma = self._save_action_form(record.action_create_rma())
        self.assertEqual(rma.line_ids.quantity, 10.0)
        rma.line_ids.quantity = 3.0
        self._approve_and_receive(rma)
        self.assertEqual(rma.picking_ids.move_line_ids.lot_id, record.lot_id)
        self._inspect(rma, [{"cause": "nonconformity"}])
        self._decide_and_process(rma)
        self.assertAlmostEqual(rma.account_move_ids.amount_untaxed, 120.0)
        self.assertEqual(record.qty_returned, 3.0)
        self.assertEqual(order.order_line.qty_delivered, 7.0)

    def test_two_rmas_on_one_delivery_and_over_return_refused(self):
        order, lots = self._sell_and_deliver(["R-O1", "R-O2"])
        first = self._new_rma(order, lots[:1])
        second = self._new_rma(order, lots[1:])
        self.assertEqual(len(first.line_ids | second.line_ids), 2)
        with self.assertRaisesRegex(ValidationError, "can still be returned"), self.env.cr.savepoint():
            self._new_rma(order, lots[:1])
        first.with_user(self.manager).action_confirm()
        second.with_user(self.manager).action_confirm()
        self.assertEqual(len((first | second).picking_ids), 2)
        self.assertEqual(first.picking_ids.move_line_ids.lot_id, lots[0], "the second return keeps the first's lines")
        for rma in (first, second):
            with self.subTest(rma=rma.name):
                self._validate(rma.picking_ids)
                self.assertEqual(rma.state, "received")

        self._stock_quantity(self.bearing, 5.0, "LOT-OVER")
        bearings = self._sell(self.customer, [(self.bearing, 5)])
        self._deliver(bearings)
        record = self._records(sale_order_id=bearings.id)
        count = self.env["aftersales.rma"].search_count([])
        with self.assertRaisesRegex(ValidationError, "only 5.0 of 5.0 delivered"), self.env.cr.savepoint():
            self.env["aftersales.rma"].create({
                "partner_id": self.customer.id,
                "line_ids": [(0, 0, {"delivery_record_id": record.id, "product_id": self.bearing.id,
                                     "lot_id": record.lot_id.id, "quantity": 6.0})],
            })
        self.assertEqual(self.env["aftersales.rma"].search_count([]), count, "nothing written")

    def test_cancel_undoes_what_is_not_done_and_refuses_what_is(self):
        order, lots = self._sell_and_deliver(["R-K1", "R-K2", "R-K3"])
        draft = self._new_rma(order, lots[:1])
        draft.action_cancel()
        self.assertEqual(draft.state, "cancel")
        draft.unlink()

        approved = self._new_rma(order, lots[1:2])
        approved.with_user(self.manager).action_confirm()
        approved.action_cancel()
        self.assertEqual((approved.state, approved.picking_ids.state), ("cancel", "cancel"))
        self.assertEqual(self._records(lot_id=lots[1].id)._returnable_quantity(), 1.0, "the unit can be claimed again")

        received = self._new_rma(order, lots[2:])
        self._approve_and_receive(received)
        self.assertFalse(received.can_cancel, "the view offers no cancel that would be refused")
        with self.assertRaisesRegex(UserError, "are done and cannot be undone"):
            received.action_cancel()
        self.assertEqual(received.state, "received")
        with self.assertRaisesRegex(UserError, "Only draft or cancelled RMAs can be deleted"):
            received.unlink()

    def test_processed_rma_cannot_be_cancelled_or_deleted(self):
        order, lots = self._sell_and_deliver(["R-D1"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "manufacturing"}])
        self._decide_and_process(rma)
        with self.assertRaises(UserError):
            rma.action_cancel()
        with self.assertRaises(UserError):
            rma.unlink()
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            rma.line_ids.decision = "scrap"

    def test_rma_counters_of_many_orders_cost_the_queries_of_one(self):
        (first, first_lots), (second, second_lots), (third, _lots) = (
            self._sell_and_deliver(serials) for serials in (["R-C1"], ["R-C2", "R-C3"], ["R-C4"])
        )
        self._new_rma(first, first_lots)
        self._new_rma(second, second_lots[:1])
        self._new_rma(second, second_lots[1:])

        def counters(orders):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            values = orders.with_user(self.coordinator).mapped("aftersales_rma_count")
            return values, self.env.cr.sql_log_count - before

        values, queries_of_one = counters(first)
        self.assertEqual(values, [1])
        values, queries_of_three = counters(first | second | third)
        self.assertEqual(values, [1, 2, 0])
        self.assertEqual(queries_of_three, queries_of_one)

    def test_rma_started_from_a_delivery_and_smart_buttons(self):
        order, lots = self._sell_and_deliver(["R-M1", "R-M2"])
        picking = order.picking_ids
        rma = self._save_action_form(picking.action_aftersales_create_rma())
        self.assertEqual((rma.partner_id, rma.sale_order_id), (self.customer, order))
        self.assertEqual(rma.line_ids.lot_id, lots)
        for source in (order, self.customer, picking, rma.line_ids[0].delivery_record_id):
            with self.subTest(source=source._name):
                self.assertEqual(source.aftersales_rma_count, 1, source._name)
                action = source.action_view_aftersales_rmas()
                self.assertEqual(self.env["aftersales.rma"].search(action["domain"]), rma)
        rma.line_ids = [(5, 0, 0)]
        rma.action_propose_lines()
        self.assertEqual(rma.line_ids.lot_id, lots, "proposed again from the sale order")
        with self.assertRaisesRegex(UserError, "already returned or are on an open RMA"):
            picking.action_aftersales_create_rma()
        second = self.env["aftersales.rma"].create({"partner_id": self.customer.id, "sale_order_id": order.id})
        with self.assertRaisesRegex(UserError, "can be returned any more"):
            second.action_propose_lines()
        self.assertFalse(second.line_ids)

    def test_reports_render(self):
        order, lots = self._sell_and_deliver(["R-PR1"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "manufacturing"}])
        self._decide_and_process(rma)
        for report, records, expected in (
            ("aftersales_service.action_report_rma_handover", rma, ["Handover List", "R-PR1", "Shipping clerk"]),
            ("aftersales_service.action_report_rma_return_slip", rma, ["Return Slip", "No unit of this RMA"]),
            ("aftersales_service.action_report_repair_slip", rma.repair_ids, ["Repair Slip", "R-PR1", rma.name]),
        ):
            with self.subTest(report=report):
                html = self.env["ir.actions.report"]._render_qweb_html(report, records.ids)[0].decode()
                for text in expected:
                    self.assertIn(text, html, report)

    def test_the_pdf_names_the_company_in_text_whatever_the_pdf_engine(self):
        self.company.partner_id.write({"street": "88 Harbour Road", "city": "Zibo"})
        order, lots = self._sell_and_deliver(["R-PDF1"])
        rma = self._new_rma(order, lots)
        rma.action_confirm()
        pdf = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            "aftersales_service.action_report_rma_handover", rma.ids
        )[0]
        text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
        for expected in (self.company.name, "88 Harbour Road", "Handover List", rma.name):
            self.assertIn(expected, text, "the company and the document, as text one can select")

    def test_return_rate_counts_each_return_in_its_delivery_month_and_over_twelve_months(self):
        with freeze_time("2026-01-15 09:00"):
            order, lots = self._sell_and_deliver(["R-RR1", "R-RR2", "R-RR3", "R-RR4"])
        with freeze_time("2026-03-10 09:00"):
            self._sell_and_deliver(["R-RR5"])
        with freeze_time("2026-04-02 09:00"):
            self._approve_and_receive(self._new_rma(order, lots[:1]))
        self.env.flush_all()
        report = self.env["aftersales.return.rate.report"].with_user(self.coordinator)
        rows = report.search([("product_id", "=", self.motor.id), ("month", "<=", date(2026, 3, 1))], order="month")
        self.assertEqual(
            [(row.month, row.delivered_qty, row.returned_qty, row.return_rate) for row in rows],
            [(date(2026, 1, 1), 4.0, 1.0, 25.0), (date(2026, 2, 1), 0.0, 0.0, False),
             (date(2026, 3, 1), 1.0, 0.0, 0.0)],
            "the April return counts in January, when its unit was delivered; February delivered nothing and has no "
            "rate of its own",
        )
        self.assertEqual(
            [(row.rolling_delivered_qty, row.rolling_returned_qty, row.rolling_return_rate) for row in rows],
            [(4.0, 1.0, 25.0), (4.0, 1.0, 25.0), (5.0, 1.0, 20.0)],
        )
        with freeze_time("2027-02-03 09:00"):
            self._sell_and_deliver(["R-RR6"])
        self.env.flush_all()
        latest = report.search([("product_id", "=", self.motor.id), ("month", "=", date(2027, 2, 1))])
        self.assertEqual((latest.rolling_delivered_qty, latest.rolling_return_rate), (2.0, 0.0),
                         "January 2026 has left the twelve months")
        self._stock_quantity(self.cable, 1.0)
        with freeze_time("2026-01-20 09:00"):
            self._deliver(self._sell(self.customer, [(self.cable, 1.0)]))
        self.env.flush_all()
        [(delivered, returned, rate)] = report._read_group(
            [("product_id", "in", (self.motor + self.cable).ids), ("month", "=", date(2026, 1, 1))],
            aggregates=["delivered_qty:sum", "returned_qty:sum", "return_rate:avg"],
        )
        self.assertEqual((delivered, returned, rate), (5.0, 1.0, 20.0), "1 of 5 units, not the mean of 25 % and 0 %")
        [(delivered, returned, rate)] = report._read_group(
            [("product_id", "in", (self.motor + self.cable).ids), ("month", "=", date(2026, 3, 1))],
            aggregates=["rolling_delivered_qty:sum", "rolling_returned_qty:sum", "rolling_return_rate:avg"],
        )
        self.assertEqual((delivered, returned), (6.0, 1.0),
                         "March's twelve months count the cable delivered in January, though none left in March")
        self.assertAlmostEqual(rate, 100.0 / 6)

    def test_the_return_rate_graph_draws_no_month_without_deliveries_at_zero(self):
        with freeze_time("2026-01-15 09:00"):
            order, lots = self._sell_and_deliver(["R-RG1", "R-RG2"])
        with freeze_time("2026-04-10 09:00"):
            self._sell_and_deliver(["R-RG3"])
        self._approve_and_receive(self._new_rma(order, lots[:1]))
        self.env.flush_all()
        action = self.env["ir.actions.act_window"]._for_xml_id("aftersales_service.action_aftersales_return_rate_report")
        report = self.env[action["res_model"]].with_user(self.coordinator)
        arch = etree.fromstring(report.get_views([(False, "graph")])["views"]["graph"]["arch"])
        [measure] = [field.get("name") for field in arch.iterfind("field[@type='measure']")]
        # The graph's own call: months filled in unless the action says otherwise.
        graph = report.with_context(**{"fill_temporal": True, **safe_eval(action["context"])})
        points = {
            group["month:month"][1]: group[f"{measure}:avg"]
            for group in graph.formatted_read_group(
                [("product_id", "=", self.motor.id), ("month", "<=", date(2026, 4, 1))], ["month:month"],
                [f"{measure}:avg"],
            )
        }
        self.assertEqual(points, {"January 2026": 50.0, "February 2026": 50.0, "March 2026": 50.0,
                                  "April 2026": 100.0 / 3}, "a month without deliveries is never drawn at 0 %")

    def test_the_delivered_units_report_follows_every_change_and_counts_as_the_records_do(self):
        records = self.env["aftersales.delivery.record"].with_user(self.coordinator)
        report = self.env["aftersales.delivery.month"].with_user(self.coordinator)

        def answers():
            """The report's figures per product and month, and the records' own, grouped as the report groups."""
            ours = report._read_grouping_sets(
                [], [[], ["product_id"], ["month:month"], ["product_id", "month:month"]],
                ["record_count:sum", "delivered_qty:sum", "qty_returned:sum"],
            )
            own = records._read_grouping_sets(
                [], [[], ["product_id"], ["delivery_date:month"], ["product_id", "delivery_date:month"]],
                ["__count", "quantity:sum", "qty_returned:sum"],
            )
            return ours, own

        def received_in(month):
            return sum(report.search([("product_id", "=", self.motor.id), ("month", "=", month)]).mapped(
                "rma_returned_qty"
            ))

        with freeze_time("2026-02-10 09:00"):
            order, lots = self._sell_and_deliver(["R-MF1", "R-MF2", "R-MF3"])
        with freeze_time("2026-03-05 09:00"):
            self._sell_and_deliver(["R-MF4"])
        self.env.flush_all()
        ours, own = answers()
        self.assertEqual(ours, own)
        self.assertIn((self.motor, date(2026, 2, 1), 3, 3.0, 0.0), ours[3], "three units in February")
        self._return(order.picking_ids, {self.motor: 1.0})
        self.env.flush_all()
        self.assertEqual(*answers())
        with freeze_time("2026-04-02 09:00"):
            self._approve_and_receive(self._new_rma(order, lots[2:]))
        self.env.flush_all()
        self.assertEqual(received_in(date(2026, 2, 1)), 1.0, "received in April, counted in February")
        self.assertEqual(*answers())
        unreturned = self._records(lot_id=lots[1].id)
        unreturned.with_user(self.manager).unlink()
        self.env.flush_all()
        ours, own = answers()
        self.assertEqual(ours, own)
        self.assertEqual(ours[0], [(records.search_count([]), sum(records.search([]).mapped("quantity")),
                                    sum(records.search([]).mapped("qty_returned")))])
        deltas = self.env.cr.execute("SELECT count(*) FROM aftersales_delivery_month_delta") or self.env.cr.fetchone()
        self.env["aftersales.delivery.month"]._cron_compact()
        self.env.cr.execute("SELECT count(*) FROM aftersales_delivery_month_delta")
        self.assertLess(self.env.cr.fetchone()[0], deltas[0], "folded into one row per month")
        self.assertEqual(answers()[0], ours)
        self.assertEqual(received_in(date(2026, 2, 1)), 1.0)

    def test_plain_return_of_an_rma_receipt_is_not_part_of_the_rma(self):
        order, lots = self._sell_and_deliver(["RMA-COPY-01"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        receipt = rma.picking_ids
        returned = self._return(receipt, {self.motor: 1.0})
        self.assertFalse(returned.aftersales_rma_id)
        self.assertFalse(returned.aftersales_rma_role)
        self.assertFalse(returned.move_ids.aftersales_rma_line_id)
        self.assertEqual(rma.picking_ids, receipt)
