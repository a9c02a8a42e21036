from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import CommittedCase


@tagged("post_install", "-at_install")
class TestRmaConcurrency(CommittedCase):
    """docs/security.md §5: two users approving, receiving and refunding the same RMA at the same moment.

    The data is committed in a company of its own.
    """

    @classmethod
    def _prepare(cls, env):
        """A company with a delivered and invoiced serial-tracked motor and a draft RMA on it."""
        company = env["res.company"].create({"name": f"Concurrency Plant {cls.tag}"})
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        env = env(context={"allowed_company_ids": company.ids})
        group = "aftersales_service.group_aftersales_manager,stock.group_stock_user,account.group_account_readonly"
        for login in ("first", "second"):
            new_test_user(env, f"cc_{login}_{cls.tag}", groups=group, company_id=company.id,
                          company_ids=[(6, 0, company.ids)])
        product = env["product.product"].create({
            "name": f"Motor {cls.tag}", "type": "consu", "is_storable": True, "tracking": "serial",
            "invoice_policy": "delivery", "list_price": 500.0, "company_id": company.id,
        })
        lot = env["stock.lot"].create({"name": f"CC-{cls.tag}", "product_id": product.id, "company_id": company.id})
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1.0, lot_id=lot)
        customer = env["res.partner"].create({"name": f"Customer {cls.tag}", "company_id": company.id})
        order = env["sale.order"].create({
            "partner_id": customer.id, "company_id": company.id, "warehouse_id": warehouse.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
        })
        order.action_confirm()
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        order._create_invoices().action_post()
        record = env["aftersales.delivery.record"].search([("lot_id", "=", lot.id)])
        rma = env["aftersales.rma"].create({
            "partner_id": customer.id, "company_id": company.id, "sale_order_id": order.id,
            "line_ids": [(0, 0, env["aftersales.rma.line"]._prepare_values_from_record(record, 1.0))],
        })
        return {"rma": rma.id, "order": order.id}

    def _rma(self, env):
        return env["aftersales.rma"].browse(self.ids["rma"])

    def _twice_at_once(self, action, refused_once_done=True):
        """``action`` run by two users at the same moment: the first holds its transaction open while the
        second tries and is told; then the first commits and the second tries again, refused or doing nothing
        (a transfer already validated)."""
        first, second = f"cc_first_{self.tag}", f"cc_second_{self.tag}"
        with self._transaction(first) as env:
            action(self._rma(env))
            with self._transaction(second, commit=False) as other:
                with self.assertRaisesRegex(UserError, "being changed by someone else"):
                    action(self._rma(other))
        with self._transaction(second) as other:
            if refused_once_done:
                with self.assertRaises(UserError):
                    action(self._rma(other))
            else:
                action(self._rma(other))

    def test_approve_receive_and_refund_at_once_make_one_receipt_and_one_credit_note(self):
        self._twice_at_once(lambda rma: rma.action_confirm())
        with self._transaction() as env:
            rma = self._rma(env)
            self.assertEqual(rma.state, "confirmed")
            self.assertEqual(len(rma.picking_ids), 1, "one receipt")
            rma.picking_ids.move_ids.picked = True

        self._twice_at_once(lambda rma: rma.picking_ids.button_validate(), refused_once_done=False)
        with self._transaction() as env:
            rma = self._rma(env)
            self.assertEqual((rma.state, rma.picking_ids.state), ("received", "done"))
            rma.line_ids.write({"cause": "transport"})
            rma.action_inspection_done()
            rma.line_ids.write({"decision": "refund"})
            rma.action_decide()

        self._twice_at_once(lambda rma: rma.action_process())
        with self._transaction(commit=False) as env:
            rma = self._rma(env)
            self.assertEqual(rma.state, "done")
            credit_notes = env["account.move"].search([("aftersales_rma_id", "=", rma.id)])
            self.assertEqual((len(credit_notes), credit_notes.move_type, credit_notes.state), (1, "out_refund", "posted"))
            self.assertEqual(env["sale.order"].browse(self.ids["order"]).order_line.qty_delivered, 0.0)
