from odoo import fields, models


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    aftersales_rma_line_id = fields.Many2one(
        "aftersales.rma.line", string="RMA Line", index="btree_not_null", readonly=True, copy=False
    )
