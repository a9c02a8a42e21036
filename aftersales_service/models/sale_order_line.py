from odoo import api, fields, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    aftersales_warranty_extension_months = fields.Integer(
        string="Extended Warranty (Months)",
        compute="_compute_aftersales_warranty_extension_months",
        store=True,
        help="Extension sold with this line, frozen when the product is chosen.",
    )

    @api.depends("move_ids.to_refund")
    def _compute_qty_delivered(self):
        """A returned unit leaves what the order delivered when its return says so, even after the return is
        done: an RMA settles it when the decision is processed (docs/rma.md §11)."""
        return super()._compute_qty_delivered()

    @api.depends("product_id")
    def _compute_aftersales_warranty_extension_months(self):
        """Extended warranty months come from the service product sold (docs/warranty.md §3)."""
        for line in self:
            line.aftersales_warranty_extension_months = line.product_id.aftersales_warranty_extension_months

    def _get_protected_fields(self):
        """An RMA's refund lowers the ordered quantity of a locked order's line (docs/rma.md §11): in superuser
        mode, which no request can ask for; the order's other protected fields stay locked."""
        protected = super()._get_protected_fields()
        if self.env.su and self.env.context.get("aftersales_refund_settlement"):
            return [fname for fname in protected if fname != "product_uom_qty"]
        return protected

    def _aftersales_lower_ordered_quantity(self, quantity):
        """Refunded units of a product invoiced on order leave the order, even a locked one, which stays locked
        (docs/rma.md §11)."""
        self.ensure_one()
        line_sudo = self.sudo().with_context(aftersales_refund_settlement=True)
        line_sudo.product_uom_qty -= quantity
