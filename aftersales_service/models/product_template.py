from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    aftersales_warranty_extension_months = fields.Integer(
        string="Extended Warranty (Months)",
        help="Sold on a sale order, this service extends the warranty of the units of that order.",
    )
    aftersales_custom_made = fields.Boolean(
        string="Custom-Made",
        help="Made to the customer's order: not returned for a refund or replacement unless the contract says so.",
    )

    @api.constrains("aftersales_warranty_extension_months", "type")
    def _check_aftersales_warranty_extension(self):
        """Extended warranty is a service product with positive months (docs/warranty.md §3)."""
        for template in self.filtered("aftersales_warranty_extension_months"):
            if template.aftersales_warranty_extension_months < 0:
                raise ValidationError(self.env._("Extended warranty months cannot be negative."))
            if template.type != "service":
                raise ValidationError(
                    self.env._("Only a service product can extend the warranty (%(product)s).", product=template.name)
                )
