from odoo import fields, models


class AccountMoveLine(models.Model):
    _name = "account.move.line"
    _inherit = ["account.move.line", "aftersales.protected.fields.mixin"]
    _frozen_fields = ("aftersales_rma_line_id",)

    aftersales_rma_line_id = fields.Many2one(
        "aftersales.rma.line", string="RMA Line", index="btree_not_null", readonly=True, copy=False
    )
