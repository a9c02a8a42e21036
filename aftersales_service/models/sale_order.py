from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "aftersales.delivery.mixin", "aftersales.rma.mixin"]
    _aftersales_delivery_field = "sale_order_id"
    _aftersales_rma_links = (
        ("aftersales.rma", "sale_order_id", "id"),
        ("aftersales.rma.line", "delivery_record_id.sale_order_id", "rma_id"),
    )

    # Fields -----------------------------------------------------------------------------------

    can_create_aftersales_rma = fields.Boolean(
        compute="_compute_can_create_aftersales_rma", groups="aftersales_service.group_aftersales_user"
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("aftersales_delivery_count")
    def _compute_can_create_aftersales_rma(self):
        """An RMA can be started from an order that delivered units (docs/rma.md §2)."""
        for order in self:
            order.can_create_aftersales_rma = bool(order.aftersales_delivery_count)

    # Actions ----------------------------------------------------------------------------------

    def action_create_aftersales_rma(self):
        """Start an RMA for the units of the order that can still come back (docs/rma.md §2)."""
        self.ensure_one()
        if not self.can_create_aftersales_rma:
            raise UserError(self.env._("%(order)s delivered no unit yet: there is nothing to return.",
                                       order=self.name))
        records = self.env["aftersales.delivery.record"].search([("sale_order_id", "=", self.id)])
        return records.action_create_rma()
