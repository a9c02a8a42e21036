from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    aftersales_rma_id = fields.Many2one("aftersales.rma", string="RMA", index="btree_not_null", readonly=True, copy=False)


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    aftersales_rma_line_id = fields.Many2one(
        "aftersales.rma.line", string="RMA Line", index="btree_not_null", readonly=True, copy=False
    )
