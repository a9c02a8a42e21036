from odoo import api, fields, models
from odoo.exceptions import UserError

from ..selections import DIMENSIONS


class AftersalesSurveyLine(models.Model):
    """One item of a survey as the customer answered it: F × X points (docs/satisfaction.md §2)."""

    _name = "aftersales.survey.line"
    _description = "Satisfaction Survey Answer"
    _inherit = ["aftersales.protected.fields.mixin", "aftersales.portal.fields.mixin"]
    _portal_readable_fields = (
        "company_id", "dimension", "item_id", "level_id", "name", "sequence", "survey_id",
    )
    _order = "survey_id, sequence, id"
    # The item as it was when the survey was made: later item edits leave answered surveys alone.
    _frozen_fields = ("survey_id", "item_id", "sequence", "name", "dimension", "weight")
    _locked_fields = {"can_edit_answer": ("survey_id", "level_id")}

    # Fields -----------------------------------------------------------------------------------

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
    can_edit_answer = fields.Boolean(compute="_compute_can_edit_answer")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("level_id")
    def _compute_coefficient(self):
        """X is copied when the answer is recorded: later level edits keep answered surveys
        (docs/satisfaction.md §2)."""
        for line in self:
            line.coefficient = line.level_id.coefficient

    @api.depends("weight", "coefficient")
    def _compute_points(self):
        """Points of an item are F × X (docs/satisfaction.md §2)."""
        for line in self:
            line.points = line.weight * line.coefficient

    @api.depends("survey_id.state")
    def _compute_can_edit_answer(self):
        """Answers of a validated survey are a record: they no longer change (docs/satisfaction.md §2)."""
        for line in self:
            line.can_edit_answer = line.survey_id.state in ("draft", False)

    # CRUD -------------------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        """A validated survey keeps its answers (docs/satisfaction.md §2)."""
        if any(not line.can_edit_answer for line in self):
            raise UserError(self.env._("Only the answers of a draft survey can be changed."))
