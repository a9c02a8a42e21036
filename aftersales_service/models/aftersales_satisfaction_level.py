from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class AftersalesSatisfactionLevel(models.Model):
    """A level of satisfaction and its coefficient X (docs/satisfaction.md §2)."""

    _name = "aftersales.satisfaction.level"
    _description = "Satisfaction Level"
    _inherit = ["aftersales.portal.fields.mixin"]
    _portal_readable_fields = (
        "active", "name", "sequence",
    )
    _order = "sequence, id"

    # Fields -----------------------------------------------------------------------------------

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    coefficient = fields.Float(
        required=True, digits=(3, 2), help="Share of an item's points the customer gives at this level (X in S = Σ F × X)."
    )
    active = fields.Boolean(default=True)

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("coefficient")
    def _check_coefficient(self):
        """A coefficient is a share of the item's points, between 0 and 1 (docs/satisfaction.md §2)."""
        if any(not 0.0 <= level.coefficient <= 1.0 for level in self):
            raise ValidationError(self.env._("A satisfaction coefficient lies between 0 and 1."))

    # CRUD -------------------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        """A level customers answered with is archived, never deleted (docs/satisfaction.md §2)."""
        used = self.env["aftersales.survey.line"].sudo().search_count([("level_id", "in", self.ids)], limit=1) or (
            self.env["aftersales.return.visit"].sudo().search_count([("satisfaction_level_id", "in", self.ids)], limit=1)
        )
        if used:
            raise UserError(self.env._("Customers answered with these levels: archive them instead of deleting them."))
