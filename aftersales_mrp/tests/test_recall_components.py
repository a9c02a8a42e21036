from odoo.fields import Command
from odoo.tests import Form, tagged

from odoo.addons.aftersales_service.tests.common import RmaCase  # pylint: disable=import-error,no-name-in-module


@tagged("post_install", "-at_install")
class TestRecallComponents(RmaCase):
    """A faulty lot of a component recalls the finished serials manufactured with it, and only those
    (docs/recalls.md §2)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seal = cls._create_product("Shaft Seal", "lot", cls.categ_motors)
        cls.bom = cls.env["mrp.bom"].create({
            "product_tmpl_id": cls.motor.product_tmpl_id.id, "product_qty": 1.0,
            "bom_line_ids": [Command.create({"product_id": cls.seal.id, "product_qty": 1})],
        })

    def _manufacture(self, serial, seal_lot):
        """One motor ``serial`` built with a seal of ``seal_lot``; the motor is then in stock."""
        lot = self.env["stock.lot"].search([("name", "=", seal_lot), ("product_id", "=", self.seal.id)]) or (
            self._stock_quantity(self.seal, 5.0, seal_lot)
        )
        order_form = Form(self.env["mrp.production"])
        order_form.product_id = self.motor
        order_form.bom_id = self.bom
        order_form.product_qty = 1
        production = order_form.save()
        production.action_confirm()
        production.action_assign()
        with Form(production) as production_form:
            production_form.lot_producing_ids.set(
                self.env["stock.lot"].create({"name": serial, "product_id": self.motor.id})
            )
        production.move_raw_ids.move_line_ids.lot_id = lot
        production.move_raw_ids.move_line_ids.quantity = 1
        production.move_raw_ids.picked = True
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        return production

    def test_a_faulty_component_lot_recalls_the_motors_built_with_it(self):
        self._manufacture("MC-1", "SEAL-BAD")
        self._manufacture("MC-2", "SEAL-OK")
        self._manufacture("MC-3", "SEAL-BAD")
        order = self._sell(self.customer, [(self.motor, 2)])
        for move in order.picking_ids.move_ids:
            move.move_line_ids.unlink()
            for serial in ("MC-1", "MC-2"):
                lot = self.env["stock.lot"].search([("name", "=", serial)])
                self.env["stock.move.line"].create({
                    "move_id": move.id, "picking_id": move.picking_id.id, "product_id": self.motor.id,
                    "lot_id": lot.id, "quantity": 1, "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                })
        self._deliver(order)
        bad = self.env["stock.lot"].search([("name", "=", "SEAL-BAD")])
        recall = self.env["aftersales.recall"].with_user(self.manager).create({
            "title": "Seal may leak", "product_ids": [Command.set(self.motor.ids)],
            "component_lot_ids": [Command.set(bad.ids)],
        })
        recall.action_find_units()
        at_customers = recall.unit_ids.filtered(lambda unit: unit.placement == "customer")
        self.assertEqual(at_customers.lot_id.mapped("name"), ["MC-1"], "built with the faulty seal and delivered")
        self.assertEqual(recall.unit_ids.filtered(lambda unit: unit.placement == "stock").lot_id.mapped("name"),
                         ["MC-3"], "built with it, still in our stock")
