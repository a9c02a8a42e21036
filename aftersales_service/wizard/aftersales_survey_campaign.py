from odoo import fields, models
from odoo.exceptions import UserError


class AftersalesSurveyCampaign(models.TransientModel):
    _name = "aftersales.survey.campaign"
    _description = "Launch the Satisfaction Survey Campaign"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year)

    def action_launch(self):
        """Launch the year's campaign now: a draft survey per main customer without one (docs/satisfaction.md §4)."""
        self.ensure_one()
        surveys = self.env["aftersales.survey"]._launch_campaign(self.company_id, self.year)
        if not surveys:
            raise UserError(self.env._(
                "No survey to create: every main customer of %(company)s already has one for %(year)s, "
                "or no customer is marked as a main customer.",
                company=self.company_id.name, year=self.year,
            ))
        name = self.env._("Satisfaction Surveys %(year)s", year=self.year)
        return surveys._action_documents("aftersales.survey", surveys, name)
