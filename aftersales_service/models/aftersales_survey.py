import logging
from datetime import date, datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .aftersales_survey_item import TOTAL_WEIGHT

_logger = logging.getLogger(__name__)

SURVEY_STATES = [("draft", "Draft"), ("done", "Validated"), ("cancel", "Cancelled")]

# Points deducted per company-caused complaint, by dimension; other dimensions cost COMPLAINT_DEDUCTION.
SERIOUS_COMPLAINT_DEDUCTION = {"quality": 10, "delivery": 10, "service": 10}
COMPLAINT_DEDUCTION = 5



def belongs_to(partner, customer):
    """Whether ``partner`` is ``customer`` or one of its contacts, at any depth (``child_of``)."""
    while partner:
        if partner == customer:
            return True
        partner = partner.parent_id
    return False

class AftersalesSurvey(models.Model):
    _name = "aftersales.survey"
    _description = "Customer Satisfaction Survey"
    _inherit = ["aftersales.document.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "campaign_year desc, date desc, id desc"
    _aftersales_sequence = ("aftersales.survey", "CSS/%(year)s/")
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users", string="Coordinator", default=lambda self: self.env.user, tracking=True, check_company=True,
        index=True,
    )
    date = fields.Date(string="Answered On", tracking=True, copy=False)
    campaign_year = fields.Integer(
        required=True, default=lambda self: fields.Date.context_today(self).year, index=True, tracking=True,
        aggregator=False,
    )
    period_start = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
        help="First day of the period whose complaints are deducted.",
    )
    period_end = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self).replace(month=12, day=31),
        help="Last day of the period whose complaints are deducted.",
    )
    state = fields.Selection(SURVEY_STATES, default="draft", required=True, copy=False, tracking=True, index=True)
    line_ids = fields.One2many(
        "aftersales.survey.line", "survey_id", string="Answers", copy=True,
        default=lambda self: self.env["aftersales.survey.item"]._survey_line_commands(self.env.company),
    )
    comments = fields.Text(help="What the customer added in their own words.")
    base_score = fields.Float(
        compute="_compute_base_score", store=True, digits=(5, 1), aggregator="avg", help="S = Σ F × X."
    )
    complaint_ids = fields.Many2many(
        "aftersales.complaint", string="Deducted Complaints", compute="_compute_complaint_ids", store=True,
        help="Complaints caused by us in the period; fixed when the survey is validated.",
    )
    deduction = fields.Float(compute="_compute_deduction", store=True, digits=(5, 1), aggregator="avg")
    score = fields.Float(compute="_compute_score", store=True, digits=(5, 1), aggregator="avg", tracking=True)
    satisfied = fields.Boolean(
        string="Basically Satisfied", compute="_compute_satisfied", store=True,
        help="The score reaches the company's threshold for a basically satisfied customer.",
    )

    @api.depends("line_ids.points")
    def _compute_base_score(self):
        """S = Σ F × X (SPEC 5, [002] 5.2)."""
        for survey in self:
            survey.base_score = sum(survey.line_ids.mapped("points"))

    @api.depends("partner_id", "period_start", "period_end", "state")
    def _compute_complaint_ids(self):
        """Verified complaints of the customer attributable to us, received in the period (SPEC 5, [002] 5.2)."""
        complete = self.filtered(lambda survey: survey.partner_id and survey.period_start and survey.period_end)
        (self - complete).complaint_ids = False
        if not complete:
            return
        # One search for the whole batch (a campaign creates many surveys of one period); coordinators of one
        # company may see complaints of others: the survey's company decides.
        complaints = self.env["aftersales.complaint"].sudo().search([
            ("company_id", "in", complete.company_id.ids),
            ("partner_id", "child_of", complete.partner_id.commercial_partner_id.ids),
            ("company_caused", "=", True),
            ("state", "!=", "cancel"),
            ("date_received", ">=", datetime.combine(min(complete.mapped("period_start")), time.min)),
            ("date_received", "<", datetime.combine(max(complete.mapped("period_end")) + timedelta(days=1), time.min)),
        ])
        for survey in complete:
            start = datetime.combine(survey.period_start, time.min)
            end = datetime.combine(survey.period_end + timedelta(days=1), time.min)
            survey.complaint_ids = complaints.filtered(
                lambda c, survey=survey, start=start, end=end: c.company_id == survey.company_id
                and belongs_to(c.partner_id, survey.partner_id.commercial_partner_id) and start <= c.date_received < end
            ).sudo(False)

    @api.depends("complaint_ids")
    def _compute_deduction(self):
        """5 points per complaint caused by us, 10 for quality, delivery time or service (SPEC 5, [002] 5.2)."""
        for survey in self:
            survey.deduction = sum(survey._complaint_deduction(complaint) for complaint in survey.complaint_ids)

    @api.depends("base_score", "deduction")
    def _compute_score(self):
        """Score = S minus the complaints' deduction, never below 0 (SPEC 5, [002] 5.2)."""
        for survey in self:
            survey.score = max(0.0, survey.base_score - survey.deduction)

    @api.depends("score")
    def _compute_satisfied(self):
        """70 points and more: basically satisfied; the threshold is a company setting (SPEC 5, [002] 5.2)."""
        for survey in self:
            survey.satisfied = survey.score >= survey.company_id.aftersales_satisfied_score

    @api.model
    def _complaint_deduction(self, complaint):
        """Points one complaint costs: 10 for quality, delivery time or service, else 5 (SPEC 5, [002] 5.2)."""
        return SERIOUS_COMPLAINT_DEDUCTION.get(complaint.dimension, COMPLAINT_DEDUCTION)

    @api.constrains("period_start", "period_end")
    def _check_period(self):
        """The complaints' period ends after it starts (SPEC 5)."""
        if any(survey.period_end < survey.period_start for survey in self):
            raise ValidationError(self.env._("The survey period cannot end before it starts."))

    @api.constrains("partner_id", "period_start", "period_end")
    def _check_draft(self):
        """A validated survey is a record: its customer and period no longer change (SPEC 5, 7)."""
        if any(survey.state == "done" for survey in self):
            raise ValidationError(self.env._("A validated survey cannot be changed; cancel and reset it first."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "line_ids" not in vals:
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["line_ids"] = self.env["aftersales.survey.item"]._survey_line_commands(company)
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        """A validated survey is a record of the customer's satisfaction: never deleted (SPEC 5, 7)."""
        if any(survey.state == "done" for survey in self):
            raise UserError(self.env._("A validated survey cannot be deleted; cancel it instead."))

    def _check_answers(self):
        """Every item is answered and the weights sum to 100 points (SPEC 5, [002] 5.2)."""
        for survey in self:
            unanswered = survey.line_ids.filtered(lambda line: not line.level_id)
            if unanswered or not survey.line_ids:
                raise ValidationError(self.env._(
                    "%(survey)s: choose a level for every item first (%(items)s).",
                    survey=survey.name, items=", ".join(unanswered.mapped("name")) or "-",
                ))
            total = sum(survey.line_ids.mapped("weight"))
            if total != TOTAL_WEIGHT:
                raise ValidationError(self.env._(
                    "%(survey)s: the item weights sum to %(total)s points, not %(expected)s.",
                    survey=survey.name, total=total, expected=TOTAL_WEIGHT,
                ))

    def action_done(self):
        """Validate the answers; the complaints' deduction is fixed now (SPEC 5, [002] 5.2)."""
        self._check_state("draft")
        self._check_answers()
        for survey in self.filtered(lambda survey: not survey.date):
            survey.date = fields.Date.context_today(survey)
        self.write({"state": "done"})
        self.activity_feedback(["mail.mail_activity_data_todo"])

    def action_cancel(self):
        """The customer does not answer, or the survey was validated by mistake."""
        self._check_state("draft", "done")
        self.write({"state": "cancel"})
        self.activity_unlink(["mail.mail_activity_data_todo"])

    def action_reset(self):
        """A cancelled survey is answered again."""
        self._check_state("cancel")
        self.write({"state": "draft"})

    @api.model
    def _main_customers(self, company):
        """The customers surveyed every year: those marked as main customers (SPEC 5, [002] 4.7)."""
        return self.env["res.partner"].search([
            ("aftersales_main_customer", "=", True),
            ("parent_id", "=", False),
            ("company_id", "in", [False, company.id]),
        ])

    @api.model
    def _launch_campaign(self, company, year):
        """Draft surveys of ``year`` for the main customers without one yet, with a to-do each (SPEC 5, [002] 4.7)."""
        # Surveys of the year count whoever can see them: a campaign never doubles a customer's survey.
        surveyed = self.sudo().search([("company_id", "=", company.id), ("campaign_year", "=", year)]).partner_id
        customers = self._main_customers(company) - surveyed
        if not customers:
            return self.browse()
        lines = self.env["aftersales.survey.item"]._survey_line_commands(company)
        surveys = self.create([{
            "company_id": company.id,
            "partner_id": customer.id,
            "user_id": self._coordinator(customer, company).id,
            "campaign_year": year,
            "period_start": date(year, 1, 1),
            "period_end": date(year, 12, 31),
            "line_ids": lines,
        } for customer in customers])
        for user, user_surveys in surveys.grouped("user_id").items():
            user_surveys.activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id,
                summary=self.env._("Satisfaction survey %(year)s", year=year),
            )
        return surveys

    @api.model
    def _coordinator(self, customer, company):
        """The customer's salesperson surveys them, else whoever launches the campaign, if of the company (SPEC 5)."""
        return (customer.user_id | self.env.user).filtered(lambda user: company in user.company_ids)[:1]

    @api.model
    def _cron_launch_campaign(self, today=None):
        """Every year from the company's survey month on, main customers get their survey (SPEC 5, [002] 4.7)."""
        today = today or fields.Date.context_today(self)
        for company in self.env["res.company"].search([("aftersales_survey_month", "<=", today.month)]):
            try:
                with self.env.cr.savepoint():
                    self._launch_campaign(company, today.year)
            except UserError as error:
                _logger.warning("Satisfaction campaign of %s not launched: %s", company.name, error)

    def _analysis_summary(self):
        """Overall analysis of validated surveys: customers, average score, share satisfied, items (SPEC 5)."""
        surveys = self.filtered(lambda survey: survey.state == "done")
        count = len(surveys) or 1
        items = {}
        for line in surveys.line_ids:
            items.setdefault((line.sequence, line.name, line.dimension), []).append(line)
        dimensions = dict(self.env["aftersales.survey.line"]._fields["dimension"]._description_selection(self.env))
        return {
            "surveys": len(surveys),
            "customers": len(surveys.partner_id),
            "average_score": sum(surveys.mapped("score")) / count,
            "satisfied_percent": 100.0 * len(surveys.filtered("satisfied")) / count,
            "items": [{
                "name": name,
                "dimension": dimensions.get(dimension, ""),
                "weight": sum(line.weight for line in lines) / len(lines),
                "points": sum(line.points for line in lines) / len(lines),
            } for (_sequence, name, dimension), lines in sorted(items.items(), key=lambda item: item[0][:2])],
        }
