from odoo import api, fields, models
from odoo.exceptions import UserError

from .aftersales_complaint import DIMENSIONS


class AftersalesSurveyLine(models.Model):
    """One item of a survey as the customer answered it: F × X points (SPEC 5, [002] 5.2)."""

    _name = "aftersales.survey.line"
    _description = "Satisfaction Survey Answer"
    _order = "survey_id, sequence, id"

    survey_id = fields.Many2one("aftersales.survey", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="survey_id.company_id", store=True, index=True)
    item_id = fields.Many2one("aftersales.survey.item", ondelete="set null", readonly=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Item Name", required=True, readonly=True)
    dimension = fields.Selection(DIMENSIONS, readonly=True)
    weight = fields.Integer(string="Weight (Points)", readonly=True)
    level_id = fields.Many2one("aftersales.satisfaction.level")
    coefficient = fields.Float(
        compute="_compute_coefficient", store=True, digits=(3, 2),
        help="The level's coefficient X when the answer was recorded.",
    )
    points = fields.Float(compute="_compute_points", store=True, digits=(5, 1), aggregator="avg")

    @api.depends("level_id")
    def _compute_coefficient(self):
        """X is copied when the answer is recorded: later level edits keep answered surveys (SPEC 5)."""
        for line in self:
            line.coefficient = line.level_id.coefficient

    @api.depends("weight", "coefficient")
    def _compute_points(self):
        """Points of an item are F × X (SPEC 5, [002] 5.2)."""
        for line in self:
            line.points = line.weight * line.coefficient

    @api.constrains("level_id", "weight")
    def _check_survey_open(self):
        """Answers of a validated survey are a record: they no longer change (SPEC 5, 7)."""
        if any(line.survey_id.state != "draft" for line in self):
            raise UserError(self.env._("Only the answers of a draft survey can be changed."))
