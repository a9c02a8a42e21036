from odoo import models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "aftersales.delivery.mixin", "aftersales.rma.mixin"]
    _aftersales_delivery_field = "sale_order_id"

    def _aftersales_rma_domain(self):
        return ["|", ("sale_order_id", "in", self.ids), ("line_ids.delivery_record_id.sale_order_id", "in", self.ids)]
