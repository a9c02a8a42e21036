from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..selections import EVALUATION_DECISIONS


class AftersalesServicePointEvaluation(models.Model):
    """The yearly evaluation of a point: a score, the findings, and whether we keep it (docs/service-network.md §3)."""

    _name = "aftersales.service.point.evaluation"
    _description = "Service Point Evaluation"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    # Fields -----------------------------------------------------------------------------------

    point_id = fields.Many2one("aftersales.service.point", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="point_id.company_id", store=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one("res.users", string="Evaluated By", default=lambda self: self.env.user, required=True)
    score = fields.Integer(help="From 0 to 100.", aggregator="avg")
    findings = fields.Text()
    decision = fields.Selection(EVALUATION_DECISIONS, required=True, default="keep", tracking=True)

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("score")
    def _check_score(self):
        if any(not 0 <= evaluation.score <= 100 for evaluation in self):
            raise ValidationError(self.env._("A score lies between 0 and 100."))
