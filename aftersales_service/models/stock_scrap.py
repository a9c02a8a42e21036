from odoo import fields, models


class StockScrap(models.Model):
    _name = "stock.scrap"
    _inherit = ["stock.scrap", "aftersales.protected.fields.mixin"]
    _frozen_fields = ("aftersales_rma_line_id",)

    aftersales_rma_line_id = fields.Many2one(
        "aftersales.rma.line", string="RMA Line", index="btree_not_null", readonly=True, copy=False
    )
