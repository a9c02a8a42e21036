from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestRmaRules(RmaCase):
    """SPEC 3: the return rules of [003] 五/六, the repair charges of [003] 七, overrides and access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.lots = cls._sell_and_deliver_class(["RL-1", "RL-2"])

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

    def _line(self, **values):
        """A received unit delivered to the customer, with inspection findings ``values``."""
        rma = self.env["aftersales.rma"].create({
            "partner_id": self.customer.id,
            "state": "received",
            "line_ids": [(0, 0, {"product_id": self.motor.id, "lot_id": self.lots[0].id, **values})],
        })
        self.assertEqual(rma.line_ids.warranty_end_date, self._records(lot_id=self.lots[0].id).warranty_end_date)
        return rma.line_ids

    def test_return_rules_allow_and_refuse_as_the_procedure_says(self):
        cases = [
            ({"cause": "transport"}, True, "五.3"),
            ({"cause": "transport", "customer_pickup": True}, False, "五.3"),
            ({"cause": "nonconformity"}, True, "五.2"),
            ({"cause": "no_fault"}, True, "五.1"),
            ({"cause": "no_fault", "product_used": True}, False, "六.2"),
            ({"cause": "external_damage"}, False, "六.3"),
            ({"cause": "manufacturing", "customer_modified": True}, False, "六.4"),
            ({"cause": "misuse"}, False, "六.5"),
            ({"cause": "manufacturing"}, False, "七.1"),
            ({"cause": "not_ours"}, False, "Not our product"),
        ]
        for values, allowed, rule in cases:
            line = self._line(**values)
            self.assertEqual(line.refund_allowed, allowed, values)
            self.assertIn(rule, line.return_rule, values)

    def test_out_of_warranty_and_custom_made_are_not_returned(self):
        line = self._line(cause="no_fault")
        line.rma_id.date = line.warranty_end_date.replace(year=line.warranty_end_date.year + 1)
        self.assertEqual(line.warranty_state, "expired")
        self.assertFalse(line.refund_allowed)
        self.assertIn("六.1", line.return_rule)

        self.motor.aftersales_custom_made = True
        line = self._line(cause="nonconformity")
        self.assertFalse(line.refund_allowed)
        self.assertIn("Custom-made", line.return_rule)
        line.custom_agreement = True
        self.assertTrue(line.refund_allowed, "unless the contract says so")

    def test_inspection_findings_void_the_warranty(self):
        for values in ({"cause": "misuse"}, {"cause": "external_damage"}, {"cause": "manufacturing", "customer_modified": True}):
            line = self._line(**values)
            self.assertEqual(line.warranty_state, "void", values)
            self.assertIn("void", line.warranty_reason)

    def test_repair_charge_matrix(self):
        cells = [
            ({"cause": "manufacturing"}, False, "free"),
            ({"cause": "transport"}, False, "free"),
            ({"cause": "manufacturing", "customer_processed_parts": True}, False, "materials"),
            ({"cause": "wear"}, False, "full"),
            ({"cause": "misuse"}, False, "full"),
            ({"cause": "manufacturing"}, True, "full"),
            ({"cause": "manufacturing", "customer_processed_parts": True}, True, "full"),
            ({"cause": "not_ours", "paid_repair_requested": True}, False, "full"),
        ]
        for values, expired, charge in cells:
            line = self._line(**values)
            if expired:
                line.rma_id.date = line.warranty_end_date.replace(year=line.warranty_end_date.year + 1)
            self.assertEqual(line.charge_mode, charge, (values, expired))

    def test_no_proof_is_out_of_warranty_and_charged(self):
        stray = self._stock_serials(self.motor, ["RL-STRAY"])
        rma = self.env["aftersales.rma"].create({
            "partner_id": self.distributor.id,
            "line_ids": [(0, 0, {"product_id": self.motor.id, "lot_id": stray.id})],
        })
        line = rma.line_ids
        self.assertEqual(line.warranty_state, "no_proof")
        line.cause = "manufacturing"
        self.assertEqual(line.charge_mode, "full")
        line.proof_date = date.today()
        self.assertEqual((line.warranty_state, line.charge_mode), ("in_warranty", "free"), "a proof stands in")

    def test_proposed_decisions(self):
        for values, proposal in (
            ({"cause": "transport"}, "refund"),
            ({"cause": "manufacturing"}, "repair"),
            ({"cause": "no_fault", "product_used": True}, "return_as_is"),
            ({"cause": "not_ours"}, "reject"),
            ({"cause": "not_ours", "paid_repair_requested": True}, "repair"),
        ):
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

    def test_decisions_need_a_received_unit_and_a_paid_repair_request(self):
        order, lots = self._sell_and_deliver(["RL-NO"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "not_ours"}])
        rma.line_ids.decision = "repair"
        with self.assertRaisesRegex(UserError, "paid repair"):
            rma.action_decide()
        with self.assertRaisesRegex(UserError, "cannot do this while Inspected"):
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
        subjects = rma.message_ids.mapped("subject")
        for subject in ("is approved", "We received the units", "Our decision on", "Goods shipped back"):
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
