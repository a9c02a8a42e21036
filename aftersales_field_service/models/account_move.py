from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    # Written through the settlements only, whose bill is their workflow's (docs/service-network.md §5).
    aftersales_settlement_ids = fields.One2many(
        "aftersales.service.settlement", "bill_id", string="Service Point Settlements"
    )

    # CRUD -------------------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_frees_aftersales_settlement(self):
        """A settlement's bill deleted: its visits are free for the next settlement (docs/service-network.md §5)."""
        self._aftersales_settlements_sudo()._bill_cancelled()

    # Actions ----------------------------------------------------------------------------------

    def button_cancel(self):
        """A settlement's bill cancelled: its visits are free for the next settlement (docs/service-network.md §5)."""
        result = super().button_cancel()
        self._aftersales_settlements_sudo()._bill_cancelled()
        return result

    def button_draft(self):
        """A cancelled settlement's bill stays cancelled: its visits may already be on another settlement
        (docs/service-network.md §5)."""
        freed = self.filtered(lambda move: move.state == "cancel")._aftersales_settlements_sudo()
        if freed:
            raise UserError(self.env._(
                "%(settlements)s was cancelled with this bill and its visits freed: prepare a new settlement instead.",
                settlements=", ".join(freed.mapped("name")),
            ))
        return super().button_draft()

    def _post(self, soft=True):
        """A settlement's bill posted, also after it went back to draft, still pays what the settlement says
        (docs/service-network.md §5)."""
        for move in self:
            for settlement_sudo in move._aftersales_settlements_sudo().filtered(lambda s: s.state == "confirmed"):
                settlement_sudo._check_billed(move)
        return super()._post(soft=soft)

    # Business rules ---------------------------------------------------------------------------

    def _aftersales_settlements_sudo(self):
        # The accountant undoes the bill; the settlement follows, whatever the accountant may do with settlements.
        return self.sudo().aftersales_settlement_ids
