from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestWorkflowGuards(RmaCase):
    """docs/security.md §2: the models hold their rules against plain writes, as JSON-RPC sends them."""

    def _received_rma(self, serial):
        order, lots = self._sell_and_deliver([serial])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        return rma

    def test_state_and_stamps_change_only_through_the_actions(self):
        rma = self._received_rma("G-W1")
        for user in (self.coordinator, self.manager):
            for values in ({"state": "done"}, {"approved_by_id": user.id}, {"approved_date": fields.Datetime.now()}):
                with self.subTest(user=user.login, values=values):
                    with self.assertRaisesRegex(UserError, "cannot be written directly"), self.env.cr.savepoint():
                        rma.with_user(user).write(values)
        with self.assertRaisesRegex(UserError, "cannot be written directly"), self.env.cr.savepoint():
            rma.write({"state": "done"})
        # A JSON-RPC call can put any JSON value in the context, never the module's own marker.
        for spoof in (True, 1, "1", {"x": 1}):
            with self.subTest(spoof=spoof):
                with self.assertRaisesRegex(UserError, "cannot be written directly"), self.env.cr.savepoint():
                    rma.with_user(self.manager).with_context(aftersales_workflow=spoof).write({"state": "done"})
        with self.assertRaisesRegex(UserError, "cannot start with"), self.env.cr.savepoint():
            self.env["aftersales.rma"].with_user(self.coordinator).create({
                "partner_id": self.customer.id, "state": "done",
            })
        # A default the context brings is given as much as a value.
        count = self.env["aftersales.rma"].search_count([])
        for default in ({"default_state": "done"}, {"default_approved_by_id": self.manager.id}):
            with self.subTest(default=default):
                with self.assertRaisesRegex(UserError, "cannot start with"), self.env.cr.savepoint():
                    self.env["aftersales.rma"].with_user(self.coordinator).with_context(**default).create({
                        "partner_id": self.customer.id,
                    })
        self.assertEqual(self.env["aftersales.rma"].search_count([]), count, "nothing written")
        self.assertEqual(rma.state, "received")
        rma._workflow().write({"state": "inspected"})
        self.assertEqual(rma.state, "inspected", "the module's own code passes")

    def test_a_return_made_outside_the_workflow_belongs_to_no_rma(self):
        order, lots = self._sell_and_deliver(["G-R1"])
        rma = self._new_rma(order, lots)
        rma.with_user(self.manager).action_confirm()
        receipt = self._transfers(rma, "receipt")
        unit = self._records(lot_id=lots.id)
        # The warehouse returns the unit by JSON-RPC, its return line naming the RMA's unit, with the workflow's values.
        wizard = self.env["stock.return.picking"].with_user(self.stock_user).with_context(
            aftersales_return_values={"aftersales_rma_id": rma.id, "aftersales_rma_role": "receipt"},
        ).create({
            "picking_id": unit.picking_id.id,
            "product_return_moves": [fields.Command.create({
                "product_id": self.motor.id, "quantity": 1.0, "move_id": unit.move_id.id,
                "aftersales_rma_line_id": rma.line_ids.id,
            })],
        })
        returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
        self.assertEqual((returned.aftersales_rma_id, returned.aftersales_rma_role), (rma.browse(), False))
        self.assertFalse(returned.move_ids.aftersales_rma_line_id)
        self.assertEqual(rma.picking_ids, receipt, "the RMA's transfers are its own")
        self.assertEqual((receipt.aftersales_rma_id, receipt.origin), (rma, rma.name), "the workflow's receipt has its links")

    def test_buttons_and_actions_read_the_same_can_fields(self):
        complaint = self.env["aftersales.complaint"].with_user(self.coordinator).create({
            "partner_id": self.customer.id, "resolution": "<p>Replaced on site.</p>",
        })
        self.assertFalse(complaint.can_resolve, "the view hides Resolve on a new complaint")
        with self.assertRaisesRegex(UserError, "not possible while New"):
            complaint.action_resolve()
        self.assertEqual(complaint.state, "new")
        complaint.action_acknowledge()
        self.assertTrue(complaint.can_resolve)
        complaint.action_resolve()
        self.assertEqual(complaint.state, "resolved")

    def test_inspection_and_decision_lock_with_the_rma(self):
        rma = self._received_rma("G-L1")
        line = rma.line_ids.with_user(self.coordinator)
        with self.assertRaisesRegex(UserError, "can no longer be changed"), self.env.cr.savepoint():
            line.write({"quantity": 1.0, "lot_id": line.lot_id.id})
        line.write({"cause": "transport", "decision": "refund"})
        rma.with_user(self.coordinator).action_inspection_done()
        self.assertFalse(line.can_edit_inspection)
        with self.assertRaisesRegex(UserError, "Cause can no longer be changed"), self.env.cr.savepoint():
            line.write({"cause": "misuse"})
        rma.with_user(self.coordinator).action_decide()
        self.assertFalse(line.can_edit_decision)
        with self.assertRaisesRegex(UserError, "Decision can no longer be changed"), self.env.cr.savepoint():
            line.write({"decision": "scrap", "customer_consent": True})
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            self.env["aftersales.rma.line"].with_user(self.coordinator).create({
                "rma_id": rma.id, "product_id": self.motor.id, "quantity": 1.0,
            })
        self.assertEqual(self.env["aftersales.rma.line"].search_count([("rma_id", "=", rma.id)]), 1, "nothing written")
        self.assertEqual((line.cause, line.decision), ("transport", "refund"))

    def test_override_fields_are_a_managers_on_create_as_on_write(self):
        order, lots = self._sell_and_deliver(["G-O1"])
        record = self._records(lot_id=lots.id)
        rma = self.env["aftersales.rma"].with_user(self.coordinator).create({
            "partner_id": self.customer.id, "sale_order_id": order.id,
        })
        with self.assertRaisesRegex(AccessError, "Only an After-Sales manager"):
            self.env["aftersales.rma.line"].with_user(self.coordinator).create({
                "rma_id": rma.id, "delivery_record_id": record.id, "product_id": self.motor.id, "lot_id": lots.id,
                "override_reason": "Goodwill",
            })
        with self.assertRaisesRegex(UserError, "cannot start with"):
            self.env["aftersales.rma.line"].with_user(self.coordinator).create({
                "rma_id": rma.id, "delivery_record_id": record.id, "product_id": self.motor.id, "lot_id": lots.id,
                "overridden_by_id": self.manager.id,
            })
        self.assertFalse(rma.line_ids)
        rma.line_ids = [fields.Command.create(self.env["aftersales.rma.line"]._prepare_values_from_record(record, 1))]
        self._approve_and_receive(rma)
        line = rma.line_ids
        line.with_user(self.coordinator).cause = "misuse"
        with self.assertRaisesRegex(AccessError, "only an After-Sales manager can override"), self.env.cr.savepoint():
            line.with_user(self.coordinator).decision = "refund"
        with self.assertRaisesRegex(AccessError, "Only an After-Sales manager"), self.env.cr.savepoint():
            line.with_user(self.coordinator).override_reason = "Goodwill"
        line.with_user(self.manager).write({"decision": "refund", "override_reason": "Goodwill"})
        self.assertEqual(line.overridden_by_id, self.manager)
        self.assertIn("overridden", rma.message_ids[0].body)

    def test_delivery_terms_are_corrected_by_a_manager_with_a_reason(self):
        _order, lots = self._sell_and_deliver(["G-T1"])
        record = self._records(lot_id=lots.id)
        for user in (self.coordinator, self.manager):
            for values in ({"warranty_months": 60}, {"warranty_start_date": date.today() + timedelta(days=30)},
                           {"partner_id": self.distributor.id}, {"quantity": 2.0}, {"lot_id": False}):
                with self.subTest(user=user.login, values=values):
                    with self.assertRaisesRegex(UserError, "cannot be written directly"), self.env.cr.savepoint():
                        record.with_user(user).write(values)
        record.with_user(self.coordinator).write({"accepted_by": "Chen", "lateness_reason": "Snow"})
        self.assertFalse(record.with_user(self.coordinator).can_correct)
        with self.assertRaises(UserError):
            record.with_user(self.coordinator).action_correct_terms()
        with self.assertRaises(AccessError):
            record.with_user(self.coordinator)._correct_terms({"warranty_months": 24}, "Contract")
        with self.assertRaisesRegex(ValidationError, "at least one month"), self.env.cr.savepoint():
            record.with_user(self.manager)._correct_terms({"warranty_months": 0}, "Typo")

        wizard = Form.from_action(self.env(user=self.manager), record.with_user(self.manager).action_correct_terms())
        self.assertEqual(wizard.warranty_months, record.warranty_months)
        wizard.warranty_months = 24
        with self.assertRaises(AssertionError, msg="the reason is required"):
            wizard.save()
        wizard.reason = "Contract 2026-17 grants two years"
        wizard.save().action_apply()
        self.assertEqual(record.warranty_months, 24)
        self.assertEqual(
            record.warranty_end_date,
            self.env["aftersales.warranty.policy"]._warranty_end_date(record.warranty_start_date, 24),
        )
        self.assertIn("Contract 2026-17 grants two years", record.message_ids[0].body)
        self.assertIn("Warranty (Months) 12 → 24", record.message_ids[0].body)

    def test_links_of_core_documents_are_set_by_the_workflow_only(self):
        rma = self._received_rma("G-K1")
        receipt = rma.picking_ids
        for records, values in (
            (receipt, {"aftersales_rma_id": False}),
            (receipt, {"aftersales_rma_role": "replacement"}),
            (receipt.move_ids, {"aftersales_rma_line_id": False}),
        ):
            with self.subTest(model=records._name, values=values):
                with self.assertRaisesRegex(UserError, "cannot be written directly"), self.env.cr.savepoint():
                    records.with_user(self.stock_user).write(values)
        self.assertEqual((receipt.aftersales_rma_id, receipt.move_ids.aftersales_rma_line_id), (rma, rma.line_ids))

    def test_bulk_insert_checks_company_consistency(self):
        other = self.env["res.company"].create({"name": "Other Plant"})
        foreign = self.env["product.product"].create({"name": "Other's motor", "type": "consu", "company_id": other.id})
        self._stock_quantity(self.cable, 1.0)
        picking = self._deliver(self._sell(self.customer, [(self.cable, 1.0)]))
        records = self.env["aftersales.delivery.record"]
        [vals] = records._prepare_values_from_move_lines(picking.move_line_ids)
        vals.update(product_id=foreign.id, product_categ_id=foreign.categ_id.id)
        count = records.search_count([])
        with self.assertRaisesRegex(UserError, "company inconsistencies"), self.env.cr.savepoint():
            records._insert_rows([vals])
        self.assertEqual(records.search_count([]), count)

    def test_a_complaints_serial_is_one_of_the_customers_units(self):
        order, lots = self._sell_and_deliver(["G-C1"])
        _other_order, other_lots = self._sell_and_deliver(["G-C2"], partner=self.distributor)
        complaints = self.env["aftersales.complaint"].with_user(self.coordinator)
        self.assertIn("('aftersales_delivery_record_ids.partner_id', '=', partner_id)", complaints._fields["lot_id"].domain)
        offered = self.env["stock.lot"].with_user(self.coordinator).search(
            [("aftersales_delivery_record_ids.partner_id", "=", self.customer.id)]
        )
        self.assertIn(lots, offered)
        self.assertNotIn(other_lots, offered, "the serial field offers the customer's own units only")
        with Form(complaints) as form:
            form.partner_id = self.customer
            form.lot_id = lots
        self.assertEqual(form.record.delivery_record_id.sale_order_id, order)
        with self.assertRaisesRegex(ValidationError, "was not delivered to"):
            complaints.create({"partner_id": self.customer.id, "lot_id": other_lots.id})
