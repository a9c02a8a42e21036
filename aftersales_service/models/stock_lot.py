from odoo import models


class StockLot(models.Model):
    _name = "stock.lot"
    _inherit = ["stock.lot", "aftersales.delivery.mixin"]
    _aftersales_delivery_field = "lot_id"

    def action_aftersales_check_warranty(self):
        """Open the warranty check on this serial number."""
        self.ensure_one()
        return self.env["aftersales.warranty.check.wizard"]._action_open({"default_lot_name": self.name})
