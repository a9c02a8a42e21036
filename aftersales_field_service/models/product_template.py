from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    aftersales_needs_installation = fields.Boolean(
        string="Needs Installation",
        help="Installed and commissioned on the customer's site by our technicians; the warranty may then start at "
        "the customer's acceptance (settings).",
    )
