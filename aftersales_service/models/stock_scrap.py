from odoo import fields, models

from .aftersales_protected_fields_mixin import check_frozen


class StockScrap(models.Model):
    _inherit = "stock.scrap"

    # Set when the RMA's scrap is made (docs/security.md §2).
    aftersales_rma_line_id = fields.Many2one(
        "aftersales.rma.line", string="RMA Line", index="btree_not_null", readonly=True, copy=False
    )

    def write(self, vals):
        check_frozen(self, vals, ("aftersales_rma_line_id",))
        return super().write(vals)
