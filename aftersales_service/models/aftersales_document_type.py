from odoo import fields, models


class AftersalesDocumentType(models.Model):
    _name = "aftersales.document.type"
    _description = "Document Handed Over with a Delivery"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    handed_over_by_default = fields.Boolean(
        string="Handed Over by Default",
        help="Proposed as handed over when the customer's acceptance of a delivery is recorded.",
    )
    description = fields.Text(translate=True)
