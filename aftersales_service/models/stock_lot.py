from odoo import fields, models


class StockLot(models.Model):
    _name = "stock.lot"
    _inherit = ["stock.lot", "aftersales.delivery.mixin"]
    _aftersales_delivery_field = "lot_id"

    aftersales_delivery_record_ids = fields.One2many(
        "aftersales.delivery.record", "lot_id", string="Delivery Records",
        groups="aftersales_service.group_aftersales_user",
    )

    def action_aftersales_check_warranty(self):
        """Open the warranty check on this serial number."""
        self.ensure_one()
        return self.env["aftersales.warranty.check.wizard"]._action_open({"default_lot_name": self.name})
