from odoo.tests import tagged

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestRmaReplacementRoute(RmaCase):
    """docs/rma.md §7, §14: a replacement goes out through the warehouse's delivery route, here in three steps (pick,
    pack, ship), each validated by the warehouse as it comes; checked on real transfers, quants and delivery records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.steps = [
            (cls.warehouse.pick_type_id, cls.warehouse.wh_pack_stock_loc_id),
            (cls.warehouse.pack_type_id, cls.warehouse.wh_output_stock_loc_id),
            (cls.warehouse.out_type_id, cls.customer_location),
        ]

    def _processed_replacement(self, spares):
        """A motor delivered; then, the warehouse delivering in three steps, returned, decided for a replacement and
        processed, with the serials ``spares`` in stock to replace it."""
        self.order, lots = self._sell_and_deliver(["RR-1", "RR-2"])
        self.faulty = lots[0]
        self.warehouse.delivery_steps = "pick_pack_ship"
        spares = self._stock_serials(self.motor, spares)
        rma = self._new_rma(self.order, self.faulty)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "nonconformity"}])
        self._decide_and_process(rma, [{"decision": "replace"}])
        self.assertEqual(rma.state, "processed")
        return rma, spares

    def _walk_the_route(self, rma, spare, made=None):
        """Validate the replacement's steps one by one as the warehouse does, each made when the one before is done;
        returns the transfers of the walk."""
        made = made or self.env["stock.picking"]
        walked = self.env["stock.picking"]
        for picking_type, destination in self.steps:
            step = self._transfers(rma, "replacement") - made - walked
            self.assertEqual(len(step), 1, picking_type.name)
            self.assertEqual(
                (step.picking_type_id, step.location_dest_id, step.state), (picking_type, destination, "assigned")
            )
            self.assertEqual(step.move_ids.move_orig_ids, walked[-1:].move_ids, "chained to the step before")
            self.assertEqual(step.move_ids.aftersales_rma_line_id, rma.line_ids)
            self.assertEqual(step.move_ids.sale_line_id, self.order.order_line)
            self.assertEqual(step.move_line_ids.lot_id, spare)
            self.assertEqual((rma.state, rma.line_ids.is_settled, rma.line_ids.can_ship_again), ("processed", False, False))
            self._validate(step)
            walked |= step
        return walked

    def _quantity_in_warehouse(self, lot):
        quants = self.env["stock.quant"].search([("lot_id", "=", lot.id), ("location_id.usage", "=", "internal")])
        return sum(quants.mapped("quantity"))

    def test_a_replacement_is_picked_packed_and_shipped(self):
        rma, spare = self._processed_replacement(["RR-9"])
        pick = self._transfers(rma, "replacement")
        self.assertEqual(pick.reference_ids.name, rma.name, "the RMA's own stock reference, as a sale order's")
        self.assertEqual(pick.partner_id, self.order.partner_shipping_id, "to the original delivery address")
        self.assertEqual(rma._portal_documents()["deliveries"], self.env["stock.picking"], "nothing on its way yet")

        route = self._walk_the_route(rma, spare)
        self.assertEqual(route[0], pick)
        self.assertEqual(rma.delivery_count, 3, "every step is among the RMA's deliveries")
        self.assertEqual(rma.state, "done")
        self.assertEqual(self._quantity_at(spare, self.customer_location), 1.0, "the customer has the new unit")
        self.assertEqual(self._quantity_in_warehouse(spare), 0.0, "nothing of it left on the way")
        self.assertEqual(self._quantity_at(self.faulty, self.warehouse.aftersales_rma_location_id), 1.0)
        record = self._records(replaced_record_id=rma.line_ids.delivery_record_id.id)
        self.assertEqual(
            (record.lot_id, record.picking_id, record.partner_id, record.delivery_partner_id),
            (spare, route[-1], self.customer, self.order.partner_shipping_id),
        )
        self.assertEqual(self._records(lot_id=spare.id), record, "one record, of the step that reached the customer")
        self.assertEqual(self.order.order_line.qty_delivered, 2.0, "the order ends even")
        self.assertEqual(rma._portal_documents()["deliveries"], route[-1], "the customer sees what came to them")
        self._run_follow_ups()
        shipped = [message for message in rma.message_ids if "Goods shipped back" in (message.subject or "")]
        self.assertEqual(len(shipped), 1, "the customer is told once, when the goods leave for them")

    def test_a_replacement_cancelled_on_its_way_is_made_again_from_the_start(self):
        rma, spares = self._processed_replacement(["RR-8", "RR-9"])
        pick = self._transfers(rma, "replacement")
        first = pick.move_line_ids.lot_id
        self._validate(pick)
        pack = self._transfers(rma, "replacement") - pick
        line = rma.line_ids.with_user(self.coordinator)
        self.assertEqual((line.can_ship_again, line.can_refund_instead), (False, False), "the pack is open")

        pack.with_user(self.stock_user).action_cancel()
        self.assertEqual((rma.state, line.is_settled), ("processed", False))
        self.assertEqual((line.can_ship_again, line.can_refund_instead), (True, True), "nothing reached the customer")
        self.assertEqual(self._quantity_at(first, self.warehouse.wh_pack_stock_loc_id), 1.0)
        line.action_ship_again()
        self.assertEqual(self._transfers(rma, "replacement").reference_ids.name, rma.name, "one reference for the RMA")
        route = self._walk_the_route(rma, spares - first, made=pick | pack)
        self.assertEqual(rma.state, "done")
        self.assertEqual(self._quantity_at(spares - first, self.customer_location), 1.0)
        self.assertEqual(self._records(replaced_record_id=rma.line_ids.delivery_record_id.id).picking_id, route[-1])
        self.assertEqual(self.order.order_line.qty_delivered, 2.0)
