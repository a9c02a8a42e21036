from odoo import fields, models


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ["stock.picking", "aftersales.delivery.mixin"]
    _aftersales_delivery_field = "picking_id"

    aftersales_delivery_record_ids = fields.One2many(
        "aftersales.delivery.record",
        "picking_id",
        string="Delivery Records",
        groups="aftersales_service.group_aftersales_user",
    )

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
