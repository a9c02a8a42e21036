from odoo.fields import Command
from odoo.tests import tagged

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestWarrantyCost(RmaCase):
    """What warranty work cost, read from the credit notes, transfers and repairs themselves, per product, lot and
    customer (docs/recalls.md §9)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.motor.standard_price = 600.0
        cls.spare_part.standard_price = 50.0
        cls.labour.standard_price = 30.0

    def _costs(self, **domain):
        self.env.flush_all()
        costs = self.env["aftersales.warranty.cost"].search(
            [("product_id", "=", self.motor.id), *[(name, "=", value) for name, value in domain.items()]]
        )
        return {kind: round(sum(costs.filtered(lambda cost, kind=kind: cost.kind == kind).mapped("amount")), 2)
                for kind in set(costs.mapped("kind"))}

    def test_refunds_replacements_and_free_repairs_cost_what_their_documents_say(self):
        order, lots = self._sell_and_deliver(["WC-1", "WC-2", "WC-3"])
        self._stock_serials(self.motor, ["WC-9"])
        self._stock_quantity(self.spare_part, 5.0)
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "nonconformity"}, {"cause": "nonconformity"}, {"cause": "manufacturing"}])
        self._decide_and_process(rma, [{"decision": "refund"}, {"decision": "replace"},
                                       {"decision": "repair", "repair_hours": 2.0}])
        self._ship(rma, "replacement")
        self._finish_repair(rma.line_ids[2], [(self.spare_part, 2)])
        credit_note = rma.account_move_ids.filtered(lambda move: move.move_type == "out_refund")
        self.assertEqual(self._costs(), {
            "refund": round(-credit_note.amount_untaxed_signed, 2),
            "replacement": 600.0,
            "repair_parts": 100.0,
            "repair_labour": 60.0,
        })
        self.assertEqual(self._costs(lot_id=lots[0].id), {"refund": round(-credit_note.amount_untaxed_signed, 2)})
        self.assertEqual(set(self._costs(partner_id=self.customer.id)), {"refund", "replacement", "repair_parts",
                                                                         "repair_labour"})

    def test_a_recalls_cost_is_spread_over_its_units(self):
        self._units(["WR-1", "WR-2"])
        recall = self.env["aftersales.recall"].with_user(self.manager).create({
            "title": "Seal", "product_ids": [Command.set(self.motor.ids)], "serial_ranges": "WR-1-WR-2",
            "cost_parts": 300.0, "cost_freight": 100.0,
        })
        recall.action_find_units()
        self.assertEqual(self._costs(), {}, "a draft recall has cost nothing yet")
        recall.action_approve()
        self.assertEqual(self._costs(), {"recall": 400.0})
        self.assertEqual(self._costs(lot_id=recall.unit_ids[0].lot_id.id), {"recall": 200.0})
