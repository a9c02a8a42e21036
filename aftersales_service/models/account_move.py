from odoo import api, fields, models
from odoo.exceptions import UserError

from .aftersales_protected_fields_mixin import check_frozen


class AccountMove(models.Model):
    _inherit = "account.move"

    # Set by the RMA's workflow only (docs/security.md §2).
    aftersales_rma_id = fields.Many2one("aftersales.rma", string="RMA", index="btree_not_null", readonly=True, copy=False)

    def write(self, vals):
        check_frozen(self, vals, ("aftersales_rma_id",))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_aftersales_rma(self):
        """The credit notes and invoices of an RMA go with the RMA: cancel the RMA instead (docs/security.md §4)."""
        if any(move_sudo.aftersales_rma_id.state not in (False, "cancel") for move_sudo in self.sudo()):
            raise UserError(self.env._("A credit note or invoice of an open RMA cannot be deleted; cancel the RMA instead."))
