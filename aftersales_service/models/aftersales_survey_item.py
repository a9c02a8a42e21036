from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..selections import DIMENSIONS

MAX_ITEMS = 14
TOTAL_WEIGHT = 100


class AftersalesSurveyItem(models.Model):
    """A question of the satisfaction survey and its weight F.

    Items without a company form the questionnaire shared by every company; a company that has items of
    its own uses those instead (docs/satisfaction.md §2). Only a user of every company changes the shared ones
    (docs/security.md §3).
    """

    _name = "aftersales.survey.item"
    _description = "Satisfaction Survey Item"
    _inherit = ["aftersales.shared.record.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    weight = fields.Integer(
        string="Weight (Points)", required=True, help="Points F of the item; the items of a questionnaire sum to 100."
    )
    dimension = fields.Selection(DIMENSIONS, help="The satisfaction dimension the item measures.")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the item with every company without items of its own."
    )

    @api.constrains("weight")
    def _check_weight(self):
        """An item weighs at least one point F (docs/satisfaction.md §2)."""
        if any(item.weight <= 0 for item in self):
            raise ValidationError(self.env._("A survey item weighs at least one point."))

    @api.constrains("active", "company_id")
    def _check_item_count(self):
        """A questionnaire has at most 14 items (docs/satisfaction.md §2)."""
        for company in {item.company_id for item in self.filtered("active")}:
            count = self.search_count([("company_id", "=", company.id)])
            if count > MAX_ITEMS:
                raise ValidationError(self.env._(
                    "A satisfaction survey has at most %(max)s items; %(company)s would have %(count)s.",
                    max=MAX_ITEMS, company=company.name or self.env._("the shared questionnaire"), count=count,
                ))

    @api.model
    def _questionnaire(self, company):
        """The company's own active items, else the shared ones (docs/satisfaction.md §2)."""
        return self._own_or_shared([], company)

    @api.model
    def _check_total_weight(self, company):
        """The weights F of a questionnaire sum to 100 points (docs/satisfaction.md §2); return its items."""
        items = self._questionnaire(company)
        total = sum(items.mapped("weight"))
        if total != TOTAL_WEIGHT:
            raise UserError(self.env._(
                "The survey items of %(company)s weigh %(total)s points, not %(expected)s. "
                "Correct the weights in Configuration > Survey Items.",
                company=company.name, total=total, expected=TOTAL_WEIGHT,
            ))
        return items

    @api.model
    def _survey_line_commands(self, company):
        """New survey lines copy the checked items, so later edits leave answered surveys alone (docs/satisfaction.md §2)."""
        return [
            fields.Command.create({
                "item_id": item.id,
                "sequence": item.sequence,
                "name": item.name,
                "dimension": item.dimension,
                "weight": item.weight,
            })
            for item in self._check_total_weight(company)
        ]
