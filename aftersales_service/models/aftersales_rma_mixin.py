from odoo import fields, models

from .aftersales_delivery_mixin import window_action


class AftersalesRmaMixin(models.AbstractModel):
    """Smart button to the RMAs of a partner, order, transfer or delivery record."""

    _name = "aftersales.rma.mixin"
    _description = "Smart Button to RMAs"

    aftersales_rma_count = fields.Integer(
        compute="_compute_aftersales_rma_count",
        string="RMA Count",
        groups="aftersales_service.group_aftersales_user",
    )

    def _aftersales_rma_domain(self):
        """The RMAs that concern this record."""
        raise NotImplementedError

    def _compute_aftersales_rma_count(self):
        rmas = self.env["aftersales.rma"]
        for record in self:
            record.aftersales_rma_count = rmas.search_count(record._aftersales_rma_domain()) if record.id else 0

    def action_view_aftersales_rmas(self):
        self.ensure_one()
        return window_action(self.env, "aftersales_service.action_aftersales_rma", self._aftersales_rma_domain())
