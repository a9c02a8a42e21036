import psycopg2

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TwoUsersCase


@tagged("post_install", "-at_install")
class TestRmaConcurrency(TwoUsersCase):
    """docs/security.md §5: two users claiming a unit, approving, receiving, refunding an RMA and sending a unit to its
    maker at the same moment."""

    @classmethod
    def _prepare_company(cls, env, company):
        """Delivered and invoiced serial-tracked motors: one on a draft RMA, one nobody claimed, one received back
        and decided for a repair by its maker."""
        maker = env["res.partner"].create({"name": f"Motor Maker {cls.tag}", "company_id": company.id})
        product = env["product.product"].create({
            "name": f"Motor {cls.tag}", "type": "consu", "is_storable": True, "tracking": "serial",
            "invoice_policy": "delivery", "list_price": 500.0, "company_id": company.id,
            "seller_ids": [(0, 0, {"partner_id": maker.id})],
        })
        customer = env["res.partner"].create({"name": f"Customer {cls.tag}", "company_id": company.id})
        order, record = cls._deliver(env, company, product, f"CC-{cls.tag}", customer)
        rma = cls._new_rma(env, record, sale_order_id=order.id)
        _order, unclaimed = cls._deliver(env, company, product, f"CC-FREE-{cls.tag}", customer)
        _order, away = cls._deliver(env, company, product, f"CC-AWAY-{cls.tag}", customer)
        vendor_rma = cls._new_rma(env, away)
        vendor_rma.action_confirm()
        vendor_rma.picking_ids.move_ids.picked = True
        vendor_rma.picking_ids.button_validate()
        vendor_rma.line_ids.write({"cause": "manufacturing"})
        vendor_rma.action_inspection_done()
        vendor_rma.line_ids.write({"decision": "vendor_repair"})
        vendor_rma.action_decide()
        vendor_rma.action_process()
        _order, at_desk = cls._deliver(env, company, product, f"CC-DESK-{cls.tag}", customer)
        desk_rma = cls._new_rma(env, at_desk)
        desk_rma.action_confirm()
        return {
            "rma": rma.id, "order": order.id, "unclaimed": unclaimed.id, "desk_rma": desk_rma.id,
            "vendor_repair": vendor_rma.vendor_repair_ids.id,
        }

    @classmethod
    def _new_rma(cls, env, record, **values):
        return env["aftersales.rma"].create({
            "partner_id": record.partner_id.id, "company_id": record.company_id.id,
            "line_ids": [(0, 0, env["aftersales.rma.line"]._prepare_values_from_record(record, 1.0))], **values,
        })

    def _rma(self, env):
        return env["aftersales.rma"].browse(self.ids["rma"])

    def test_approve_receive_and_refund_at_once_make_one_receipt_and_one_credit_note(self):
        self._twice_at_once(lambda env: self._rma(env).action_confirm())
        with self._transaction() as env:
            rma = self._rma(env)
            self.assertEqual(rma.state, "confirmed")
            self.assertEqual(len(rma.picking_ids), 1, "one receipt")
            rma.picking_ids.move_ids.picked = True

        self._twice_at_once(lambda env: self._rma(env).picking_ids.button_validate(), refused_once_done=False)
        with self._transaction() as env:
            rma = self._rma(env)
            self.assertEqual((rma.state, rma.picking_ids.state), ("received", "done"))
            rma.line_ids.write({"cause": "transport"})
            rma.action_inspection_done()
            rma.line_ids.write({"decision": "refund"})
            rma.action_decide()

        self._twice_at_once(lambda env: self._rma(env).action_process())
        with self._transaction(commit=False) as env:
            rma = self._rma(env)
            self.assertEqual(rma.state, "done")
            credit_notes = env["account.move"].search([("aftersales_rma_id", "=", rma.id)])
            self.assertEqual((len(credit_notes), credit_notes.move_type, credit_notes.state), (1, "out_refund", "posted"))
            self.assertEqual(env["sale.order"].browse(self.ids["order"]).order_line.qty_delivered, 0.0)

    def test_receiving_on_the_rma_at_once_receives_once(self):
        def receive(env):
            wizard = env["aftersales.rma.receive"].with_context(default_rma_id=self.ids["desk_rma"]).create({})
            wizard.line_ids.quantity = 1.0
            wizard.action_receive()

        self._twice_at_once(receive)
        with self._transaction(commit=False) as env:
            rma = env["aftersales.rma"].browse(self.ids["desk_rma"])
            self.assertEqual((rma.state, rma.line_ids.qty_received), ("received", 1.0))
            self.assertEqual(rma.picking_ids.mapped("state"), ["done"], "one receipt, validated once")

    def test_two_users_claiming_one_unit_at_once_make_one_claim(self):
        first, second = self.logins
        record = "aftersales.delivery.record"
        with self._transaction(second, commit=False) as late:
            # The second user's transaction began before the first claim is committed.
            late["aftersales.rma"].search_count([])
            with self._transaction(first) as env:
                self._new_rma(env, env[record].browse(self.ids["unclaimed"]))
                with self._transaction(second, commit=False) as other:
                    with self.assertRaisesRegex(UserError, "being claimed by someone else"):
                        self._new_rma(other, other[record].browse(self.ids["unclaimed"]))
            # Committed since: the database refuses the older transaction, and Odoo starts its request again.
            with self.assertRaises(psycopg2.errors.SerializationFailure), mute_logger("odoo.sql_db"):
                self._new_rma(late, late[record].browse(self.ids["unclaimed"]))
        with self._transaction(second, commit=False) as again:
            with self.assertRaisesRegex(ValidationError, "only 0.0 of 1.0 delivered can still be returned"):
                self._new_rma(again, again[record].browse(self.ids["unclaimed"]))
        with self._transaction(commit=False) as env:
            lines = env["aftersales.rma.line"].search([("delivery_record_id", "=", self.ids["unclaimed"])])
            self.assertEqual(len(lines), 1, "one claim of the unit")

    def test_a_unit_is_sent_to_its_maker_and_received_back_once(self):
        def repair(env):
            return env["aftersales.vendor.repair"].browse(self.ids["vendor_repair"])

        self._twice_at_once(lambda env: repair(env).action_send())
        self._twice_at_once(lambda env: repair(env).action_receive())
        with self._transaction(commit=False) as env:
            sent = repair(env)
            self.assertEqual(sent.state, "received")
            self.assertEqual((sent.out_picking_id.state, sent.in_picking_id.state), ("done", "done"))
            pickings = env["stock.picking"].search([("origin", "=", sent.name), ("company_id", "=", sent.company_id.id)])
            self.assertEqual(len(pickings), 2, "one transfer out, one back")

    def test_shipping_again_at_once_makes_one_transfer(self):
        """docs/rma.md §14: two users shipping again the same cancelled replacement at the same moment."""
        with self._transaction() as env:
            company = self._rma(env).company_id
            env = env(context={"allowed_company_ids": company.ids})
            product = env["product.product"].create({
                "name": f"Pump {self.tag}", "type": "consu", "is_storable": True, "tracking": "serial",
                "company_id": company.id,
            })
            lots = env["stock.lot"].create([
                {"name": f"CC-{name}-{self.tag}", "product_id": product.id, "company_id": company.id}
                for name in ("SOLD", "SPARE")
            ])
            warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
            for lot in lots:
                env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1.0, lot_id=lot)
            customer = self._rma(env).partner_id
            order = env["sale.order"].create({
                "partner_id": customer.id, "company_id": company.id, "warehouse_id": warehouse.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
            })
            order.action_confirm()
            order.picking_ids.move_line_ids.lot_id = lots[0]
            order.picking_ids.move_ids.picked = True
            order.picking_ids.button_validate()
            record = env["aftersales.delivery.record"].search([("lot_id", "=", lots[0].id)])
            rma = env["aftersales.rma"].create({
                "partner_id": customer.id, "company_id": company.id, "sale_order_id": order.id,
                "line_ids": [(0, 0, env["aftersales.rma.line"]._prepare_values_from_record(record, 1.0))],
            })
            rma.action_confirm()
            rma.picking_ids.move_ids.picked = True
            rma.picking_ids.button_validate()
            rma.line_ids.write({"cause": "nonconformity"})
            rma.action_inspection_done()
            rma.line_ids.write({"decision": "replace"})
            rma.action_decide()
            rma.action_process()
            rma.picking_ids.filtered(lambda picking: picking.aftersales_rma_role == "replacement").action_cancel()
            rma_id = rma.id

        self._twice_at_once(lambda env: env["aftersales.rma"].browse(rma_id).line_ids.action_ship_again())
        with self._transaction(commit=False) as env:
            rma = env["aftersales.rma"].browse(rma_id)
            replacements = rma.picking_ids.filtered(lambda picking: picking.aftersales_rma_role == "replacement")
            self.assertEqual(sorted(replacements.mapped("state")), ["assigned", "cancel"], "one replacement made again")
            self.assertEqual(replacements.filtered(lambda picking: picking.state == "assigned").move_line_ids.lot_id,
                             lots[1])
