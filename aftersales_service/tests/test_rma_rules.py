from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestRmaRules(RmaCase):
    """docs/rma.md §5, §6, §8: the return rules, the repair charges, overrides and access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.lots = cls._sell_and_deliver_class(["RL-1", "RL-2"])
        with freeze_time(date.today() - relativedelta(years=2)):
            cls.old_order, cls.old_lots = cls._sell_and_deliver_class(["RL-OLD"])

    @classmethod
    def _sell_and_deliver_class(cls, serials):
        lots = cls._stock_serials(cls.motor, serials)
        order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id,
            "order_line": [(0, 0, {"product_id": cls.motor.id, "product_uom_qty": len(serials)})],
        })
        order.action_confirm()
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        return order, lots

    def _line(self, expired=False, **values):
        """A fresh claim of a unit delivered to the customer (a year ago and more when ``expired``; earlier claims
        of it cancelled), received (the receipt itself is tested in the flows), with inspection findings
        ``values``."""
        lot = self.old_lots if expired else self.lots[0]
        record = self._records(lot_id=lot.id)
        record.rma_line_ids.rma_id._workflow().write({"state": "cancel"})
        rma = self.env["aftersales.rma"].create({
            "partner_id": self.customer.id,
            "line_ids": [(0, 0, {"product_id": self.motor.id, "lot_id": lot.id, "delivery_record_id": record.id})],
        })
        rma._workflow().write({"state": "received"})
        rma.line_ids.write(values)
        self.assertEqual(rma.line_ids.warranty_end_date, record.warranty_end_date)
        return rma.line_ids

    def test_return_rules_allow_and_refuse_as_the_procedure_says(self):
        cases = [
            ({"cause": "transport"}, True, "Transport damage on our delivery"),
            ({"cause": "transport", "customer_pickup": True}, False, "after the customer collected"),
            ({"cause": "nonconformity"}, True, "do not meet the contract"),
            ({"cause": "no_fault"}, True, "Intact product in warranty"),
            ({"cause": "no_fault", "product_used": True}, False, "Used, without quality problem"),
            ({"cause": "external_damage"}, False, "Outside damaged"),
            ({"cause": "manufacturing", "customer_modified": True}, False, "modified by the customer"),
            ({"cause": "misuse"}, False, "customer misuse"),
            ({"cause": "manufacturing"}, False, "repaired free of charge"),
            ({"cause": "wear"}, False, "Normal wear is repaired at the customer's cost"),
            ({"cause": "not_ours"}, False, "Not our product"),
        ]
        for values, allowed, rule in cases:
            with self.subTest(values=values):
                line = self._line(**values)
                self.assertEqual(line.refund_allowed, allowed, values)
                self.assertIn(rule, line.return_rule, values)
                self.assertNotRegex(line.return_rule, r"\[00\d\]", "no internal clause reference reaches the user")

    def test_out_of_warranty_and_custom_made_are_not_returned(self):
        line = self._line(expired=True, cause="no_fault")
        self.assertEqual(line.warranty_state, "expired")
        self.assertFalse(line.refund_allowed)
        self.assertIn("Out of warranty", line.return_rule)

        self.motor.aftersales_custom_made = True
        line = self._line(cause="nonconformity")
        self.assertFalse(line.refund_allowed)
        self.assertIn("Custom-made", line.return_rule)
        line.custom_agreement = True
        self.assertTrue(line.refund_allowed, "unless the contract says so")

    def test_inspection_findings_void_the_warranty(self):
        for values in ({"cause": "misuse"}, {"cause": "external_damage"}, {"cause": "manufacturing", "customer_modified": True}):
            with self.subTest(values=values):
                line = self._line(**values)
                self.assertEqual(line.warranty_state, "void", values)
                self.assertIn("void", line.warranty_reason)

    def test_repair_charge_matrix(self):
        cells = [
            ({"cause": "manufacturing"}, False, "free"),
            ({"cause": "transport"}, False, "free"),
            ({"cause": "transport", "customer_pickup": True}, False, "full"),
            ({"cause": "manufacturing", "customer_processed_parts": True}, False, "materials"),
            ({"cause": "wear"}, False, "full"),
            ({"cause": "misuse"}, False, "full"),
            ({"cause": "manufacturing"}, True, "full"),
            ({"cause": "manufacturing", "customer_processed_parts": True}, True, "full"),
            ({"cause": "not_ours", "paid_repair_requested": True}, False, "full"),
        ]
        for values, expired, charge in cells:
            with self.subTest(values=values, expired=expired):
                line = self._line(expired=expired, **values)
                self.assertEqual(line.charge_mode, charge, (values, expired))

    def test_no_proof_is_out_of_warranty_and_charged(self):
        strays = self._stock_serials(self.motor, ["RL-STRAY-1", "RL-STRAY-2"])
        lines = self.env["aftersales.rma.line"]
        for stray, proof_date in zip(strays, (False, date.today())):
            rma = self.env["aftersales.rma"].create({
                "partner_id": self.distributor.id,
                "line_ids": [(0, 0, {"product_id": self.motor.id, "lot_id": stray.id, "proof_date": proof_date})],
            })
            rma._workflow().write({"state": "received"})
            rma.line_ids.cause = "manufacturing"
            lines |= rma.line_ids
        self.assertEqual((lines[0].warranty_state, lines[0].charge_mode), ("no_proof", "full"))
        self.assertEqual((lines[1].warranty_state, lines[1].charge_mode), ("in_warranty", "free"), "a proof stands in")

    def test_a_proof_of_purchase_is_judged_by_the_rmas_company(self):
        other = self.env["res.company"].create({"name": "Six Months Plant"})
        self.env["aftersales.warranty.policy"].search([("company_id", "=", other.id)]).duration_months = 6
        customer = self.env["res.partner"].create({"name": "Six Months Customer", "company_id": other.id})
        proof = date.today().replace(day=1) - relativedelta(months=8)
        states = {}
        for company, partner in ((self.company, self.customer), (other, customer)):
            rma = self.env["aftersales.rma"].create({
                "partner_id": partner.id, "company_id": company.id,
                "line_ids": [(0, 0, {"product_id": self.cable.id, "proof_date": proof})],
            })
            states[company] = rma.line_ids.warranty_state
        self.assertEqual(states, {self.company: "in_warranty", other: "expired"}, "12 months here, 6 there")

    def test_proposed_decisions(self):
        for values, proposal in (
            ({"cause": "transport"}, "refund"),
            ({"cause": "manufacturing"}, "repair"),
            ({"cause": "no_fault", "product_used": True}, "return_as_is"),
            ({"cause": "not_ours"}, "reject"),
            ({"cause": "not_ours", "paid_repair_requested": True}, "repair"),
        ):
            with self.subTest(values=values):
                self.assertEqual(self._line(**values).proposed_decision, proposal, values)

    def test_override_is_a_managers_call_with_a_reason(self):
        order, lots = self._sell_and_deliver(["RL-OV"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "manufacturing"}])
        self.assertFalse(rma.line_ids.refund_allowed)
        with self.assertRaisesRegex(UserError, "only an After-Sales manager"), self.env.cr.savepoint():
            with Form(rma.with_user(self.coordinator)) as rma_form, rma_form.line_ids.edit(0) as line:
                line.decision = "refund"
        self.assertEqual(rma.line_ids.decision, "repair", "nothing written")
        with self.assertRaisesRegex(UserError, "Give the reason"), self.env.cr.savepoint():
            rma.line_ids.with_user(self.manager).decision = "refund"
        with Form(rma.with_user(self.manager)) as rma_form, rma_form.line_ids.edit(0) as line:
            line.decision = "refund"
            line.override_reason = "Key account: goodwill refund agreed by the sales director"
        self.assertEqual(rma.line_ids.overridden_by_id, self.manager)
        self.assertIn("goodwill refund", rma.message_ids[0].body)
        rma.with_user(self.coordinator).action_decide()
        self.assertEqual(rma.state, "decided")
        slip = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales_service.action_report_rma_return_slip", rma.ids
        )[0].decode()
        self.assertIn("Key account: goodwill refund agreed by the sales director", slip)
        self.assertIn("Refund", slip)
        self.assertNotIn(rma.line_ids.return_rule, slip, "the rule that proposed another decision is not printed")

    def test_an_override_cannot_be_forged_nor_survive_new_findings(self):
        order, lots = self._sell_and_deliver(["RL-OV2"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        rma.line_ids.with_user(self.coordinator).write({"cause": "nonconformity", "decision": "refund"})
        with self.assertRaisesRegex(UserError, "cannot be written directly"), self.env.cr.savepoint():
            rma.line_ids.with_user(self.coordinator).write({"cause": "misuse", "overridden_by_id": self.manager.id})
        rma.line_ids.with_user(self.coordinator).write({"cause": "misuse", "decision": "return_as_is"})
        with Form(rma.with_user(self.manager)) as rma_form, rma_form.line_ids.edit(0) as line:
            line.decision = "refund"
            line.override_reason = "Goodwill"
        self.assertEqual(rma.line_ids.overridden_by_id, self.manager)
        rma.line_ids.with_user(self.coordinator).customer_modified = True
        self.assertFalse(rma.line_ids.overridden_by_id, "new findings call for a new override")
        rma.with_user(self.coordinator).action_inspection_done()
        with self.assertRaisesRegex(UserError, "override is needed"):
            rma.with_user(self.coordinator).action_decide()

    def test_refund_needs_a_sale_to_credit(self):
        lots = self._stock_serials(self.motor, ["RL-MANUAL"])
        warehouse = self.warehouse
        picking = self.env["stock.picking"].create({
            "picking_type_id": warehouse.out_type_id.id,
            "partner_id": self.customer.id,
            "location_id": self.stock_location.id,
            "location_dest_id": self.customer_location.id,
            "move_ids": [(0, 0, {"product_id": self.motor.id, "product_uom_qty": 1.0,
                                 "location_id": self.stock_location.id, "location_dest_id": self.customer_location.id})],
        })
        picking.action_confirm()
        picking.action_assign()
        self._validate(picking)
        record = self._records(lot_id=lots.id)
        rma = self._save_action_form(record.action_create_rma())
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "nonconformity"}])
        rma.line_ids.decision = "refund"
        with self.assertRaisesRegex(UserError, "no sale to credit"):
            rma.with_user(self.coordinator).action_decide()
        self.assertEqual(rma.state, "inspected")

    def test_refund_in_the_sale_unit_on_a_locked_order_invoiced_on_order(self):
        dozen = self.env.ref("uom.product_uom_dozen")
        self.cable.invoice_policy = "order"
        self._sales_tax(self.cable)
        self._stock_quantity(self.cable, 24.0)
        order = self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [(0, 0, {"product_id": self.cable.id, "product_uom_id": dozen.id,
                                   "product_uom_qty": 2.0, "price_unit": 120.0})],
        })
        order.action_confirm()
        self._deliver(order)
        order._create_invoices().action_post()
        order.action_lock()
        record = self._records(sale_order_id=order.id)
        self.assertEqual(record.quantity, 24.0, "delivery records count product units")
        rma = self._save_action_form(record.action_create_rma())
        rma.line_ids.quantity = 12.0
        self._approve_and_receive(rma)
        move = rma.picking_ids.move_ids
        self.assertEqual(move.product_uom._compute_quantity(move.product_uom_qty, self.cable.uom_id), 12.0)
        self._inspect(rma, [{"cause": "nonconformity"}])
        self._decide_and_process(rma, [{"decision": "refund"}])
        line = order.order_line
        self.assertEqual(rma.account_move_ids.invoice_line_ids.quantity, 1.0)
        self.assertAlmostEqual(rma.account_move_ids.amount_untaxed, 120.0)
        self.assertAlmostEqual(rma.account_move_ids.amount_total, 135.6)
        self.assertEqual((line.product_uom_qty, line.qty_delivered, line.qty_invoiced, line.qty_to_invoice),
                         (1.0, 1.0, 1.0, 0.0))
        self.assertTrue(order.locked, "locked again")

    def test_a_request_cannot_use_the_refund_settlement_to_change_a_locked_order(self):
        """docs/rma.md §11: only the refund's own write, in superuser mode, lowers a locked order's quantity."""
        self.order.action_lock()
        line = self.order.order_line
        with self.assertRaisesRegex(UserError, "locked order"):
            # What a JSON-RPC client could send: its context, never superuser mode.
            line.with_user(self.stock_user).with_context(aftersales_refund_settlement=True).product_uom_qty = 3.0
        with self.assertRaisesRegex(UserError, "locked order"):
            line.sudo().with_context(aftersales_refund_settlement=True).price_unit = 1.0
        self.assertEqual((line.product_uom_qty, self.order.locked), (2.0, True))

    def test_repair_ended_by_a_technician_without_after_sales_rights(self):
        technician = new_test_user(self.env, "as_repair_tech", groups="stock.group_stock_user")
        order, lots = self._sell_and_deliver(["RL-TECH"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "misuse"}])
        self._decide_and_process(rma, [{"decision": "repair", "repair_hours": 1.0}])
        repair = rma.line_ids.repair_id.with_user(technician)
        repair.action_repair_start()
        repair.action_repair_end()
        self.assertEqual(rma.account_move_ids.move_type, "out_invoice", "the chargeable repair is invoiced")
        self.assertEqual(rma.picking_ids.filtered(lambda p: p.aftersales_rma_role == "return").state, "assigned")

    def test_rma_of_another_company_is_processed_in_its_company(self):
        plant_b = self.env["res.company"].create({"name": "Plant B"})
        self.env.user.company_ids += plant_b
        env_b = self.env(context=dict(self.env.context, allowed_company_ids=[plant_b.id, self.company.id]))
        warehouse_b = env_b["stock.warehouse"].search([("company_id", "=", plant_b.id)])
        lots = env_b["stock.lot"].create([{"name": f"PB-{i}", "product_id": self.motor.id, "company_id": plant_b.id}
                                          for i in range(3)])
        for lot in lots:
            env_b["stock.quant"]._update_available_quantity(self.motor, warehouse_b.lot_stock_id, 1.0, lot_id=lot)
        order = env_b["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [(0, 0, {"product_id": self.motor.id, "product_uom_qty": 2.0})],
        })
        order.action_confirm()
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        records = env_b["aftersales.delivery.record"].search([("sale_order_id", "=", order.id)])
        env_a = self.env(context=dict(self.env.context, allowed_company_ids=[self.company.id, plant_b.id]))
        rma = self._save_action_form(records.with_env(env_a).action_create_rma(), env_a)
        self.assertEqual(rma.company_id, plant_b)
        rma.action_confirm()
        rma.picking_ids.move_ids.picked = True
        rma.picking_ids.button_validate()
        rma.line_ids.write({"cause": "misuse"})
        rma.action_inspection_done()
        rma.line_ids[0].decision = "repair"
        rma.line_ids[1].write({"decision": "replace", "override_reason": "Goodwill"})
        rma.action_decide()
        rma.action_process()
        self.assertEqual(rma.repair_ids.company_id, plant_b)
        self.assertEqual(rma.repair_ids.picking_type_id.company_id, plant_b)
        replacement = rma.picking_ids.filtered(lambda p: p.aftersales_rma_role == "replacement")
        self.assertEqual((replacement.company_id, replacement.move_ids.company_id), (plant_b, plant_b))

    def test_decisions_need_a_received_unit_and_a_paid_repair_request(self):
        order, lots = self._sell_and_deliver(["RL-NO"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "not_ours"}])
        rma.line_ids.decision = "repair"
        with self.assertRaisesRegex(UserError, "paid repair"):
            rma.action_decide()
        with self.assertRaisesRegex(UserError, "not possible while Inspected"):
            rma.action_process()

    def test_unit_that_is_not_ours_comes_in_on_a_plain_receipt_for_a_paid_repair(self):
        foreign = self.env["stock.lot"].create({"name": "OTHER-BRAND-1", "product_id": self.motor.id})
        self._stock_quantity(self.spare_part, 2.0)
        with Form(self.env["aftersales.rma"].with_user(self.coordinator)) as rma_form:
            rma_form.partner_id = self.distributor
            with rma_form.line_ids.new() as line:
                line.product_id = self.motor
                line.lot_id = foreign
        rma = rma_form.record.with_env(self.env)
        self._approve_and_receive(rma)
        self.assertFalse(rma.picking_ids.return_id, "not a return of one of our deliveries")
        self._inspect(rma, [{"cause": "not_ours", "paid_repair_requested": True}])
        self._decide_and_process(rma, [{"repair_hours": 1.0}])
        self._finish_repair(rma.line_ids, [(self.spare_part, 1)])
        invoice = rma.account_move_ids
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertAlmostEqual(invoice.amount_untaxed, 210.0)
        self._ship(rma, "return")
        self.assertEqual(rma.state, "done")
        self.assertFalse(self._records(lot_id=foreign.id), "a unit that is not ours gets no delivery record")

    def test_mail_templates_follow_the_rma(self):
        order, lots = self._sell_and_deliver(["RL-MAIL", "RL-MAIL2"])
        self._stock_serials(self.motor, ["RL-MAIL-SPARE"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "no_fault", "product_used": True}, {"cause": "nonconformity"}])
        self._decide_and_process(rma, [{}, {"decision": "replace"}])
        outgoing = rma.picking_ids.filtered(lambda p: p.aftersales_rma_role in ("return", "replacement"))
        self.assertEqual(len(outgoing), 2)
        outgoing = outgoing.with_user(self.stock_user)
        outgoing.move_ids.picked = True
        self.assertIs(outgoing.button_validate(), True)
        self._run_follow_ups()
        subjects = rma.message_ids.mapped("subject")
        for subject in ("is approved", "We received the units", "Our decision on", "Goods shipped back"):
            with self.subTest(subject=subject):
                self.assertTrue(any(subject in (s or "") for s in subjects), subject)
        self.assertEqual(len([s for s in subjects if "Goods shipped back" in (s or "")]), 1,
                         "one e-mail for the transfers validated together")
        self.assertIn(self.customer, rma.message_ids.filtered("subject").partner_ids)

    def test_access_and_multi_company(self):
        order, lots = self._sell_and_deliver(["RL-SEC"])
        rma = self._new_rma(order, lots)
        other_company = self.env["res.company"].create({"name": "Plant B"})
        outsider = new_test_user(
            self.env, "as_rma_outsider", groups="aftersales_service.group_aftersales_manager",
            company_id=other_company.id, company_ids=[(6, 0, other_company.ids)],
        )
        self.assertFalse(self.env["aftersales.rma"].with_user(outsider).search([("id", "=", rma.id)]))
        with self.assertRaises(AccessError):
            rma.with_user(outsider).read(["name"])
        with self.assertRaises(AccessError):
            rma.line_ids.with_user(outsider).read(["quantity"])
        internal = new_test_user(self.env, "as_rma_internal", groups="base.group_user")
        with self.assertRaises(AccessError):
            rma.with_user(internal).read(["name"])
        reason = self.env.ref("aftersales_service.rma_reason_defect")
        with self.assertRaises(AccessError):
            reason.with_user(self.coordinator).name = "Renamed"
        reason.with_user(self.manager).name = "Quality defect (production)"
        self.assertEqual(rma.with_user(self.coordinator).credit_note_count, 0, "counts without accounting rights")
