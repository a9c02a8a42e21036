from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesSatisfactionLevel(models.Model):
    _name = "aftersales.satisfaction.level"
    _description = "Satisfaction Level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    coefficient = fields.Float(
        required=True, digits=(3, 2), help="Share of an item's points the customer gives at this level (X in S = Σ F × X)."
    )
    active = fields.Boolean(default=True)

    @api.constrains("coefficient")
    def _check_coefficient(self):
        """A coefficient is a share of the item's points, between 0 and 1 (SPEC 5, [002] 5.2)."""
        if any(not 0.0 <= level.coefficient <= 1.0 for level in self):
            raise ValidationError(self.env._("A satisfaction coefficient lies between 0 and 1."))
