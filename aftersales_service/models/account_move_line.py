from odoo import fields, models

from .aftersales_protected_fields_mixin import check_frozen


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Set when the RMA's credit note is made (docs/security.md §2).
    aftersales_rma_line_id = fields.Many2one(
        "aftersales.rma.line", string="RMA Line", index="btree_not_null", readonly=True, copy=False
    )

    def write(self, vals):
        check_frozen(self, vals, ("aftersales_rma_line_id",))
        return super().write(vals)
