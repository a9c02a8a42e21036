from odoo import fields, models


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "aftersales.delivery.mixin", "aftersales.rma.mixin"]
    _aftersales_delivery_field = "picking_id"

    aftersales_delivery_record_ids = fields.One2many(
        "aftersales.delivery.record",
        "picking_id",
        string="Delivery Records",
        groups="aftersales_service.group_aftersales_user",
    )
    aftersales_rma_id = fields.Many2one("aftersales.rma", string="RMA", index="btree_not_null", readonly=True)
    aftersales_rma_role = fields.Selection(
        [("receipt", "RMA Receipt"), ("replacement", "Replacement"), ("return", "Return to Customer")],
        string="RMA Role",
        readonly=True,
    )

    def _action_done(self):
        res = super()._action_done()
        # The warehouse validates; the RMA moves on whatever the warehouse user may do on RMAs.
        rma_pickings = self.sudo().filtered("aftersales_rma_id")
        shipped = rma_pickings.filtered(lambda p: p.aftersales_rma_role != "receipt").aftersales_rma_id
        shipped._notify_customer("aftersales_service.mail_template_rma_shipped")
        rma_pickings.move_ids.aftersales_rma_line_id._close_short_receipts()
        rma_pickings.aftersales_rma_id._aftersales_progress()
        return res

    def _aftersales_rma_domain(self):
        return ["|", ("picking_ids", "in", self.ids), ("line_ids.delivery_record_id.picking_id", "in", self.ids)]

    def action_aftersales_create_rma(self):
        """Start an RMA for the units of this delivery, prefilled (SPEC 3)."""
        self.ensure_one()
        return self.env["aftersales.rma"]._action_create_for(self.aftersales_delivery_record_ids)

    def action_aftersales_record_acceptance(self):
        """Record the customer's acceptance and the documents handed over (SPEC 1)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Customer Acceptance"),
            "res_model": "aftersales.delivery.acceptance",
            "view_mode": "form",
            "target": "new",
            "context": {"default_picking_id": self.id},
        }
