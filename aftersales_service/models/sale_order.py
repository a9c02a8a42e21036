from odoo import models


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "aftersales.delivery.mixin"]
    _aftersales_delivery_field = "sale_order_id"
