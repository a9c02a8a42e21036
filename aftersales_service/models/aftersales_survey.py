import logging
from datetime import MINYEAR, date, datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..selections import SERIOUS_DIMENSIONS, SURVEY_STATES
from .aftersales_survey_item import TOTAL_WEIGHT

_logger = logging.getLogger(__name__)


def belongs_to(partner, customer):
    """Whether ``partner`` is ``customer`` or one of its contacts, at any depth (``child_of``)."""
    while partner:
        if partner == customer:
            return True
        partner = partner.parent_id
    return False


class AftersalesSurvey(models.Model):
    """A customer's yearly satisfaction survey: S = Σ F × X, less the complaints caused by us
    (docs/satisfaction.md §2-§4)."""

    _name = "aftersales.survey"
    _description = "Customer Satisfaction Survey"
    _inherit = [
        "aftersales.document.mixin", "aftersales.portal.mixin", "aftersales.portal.fields.mixin", "mail.thread",
        "mail.activity.mixin",
    ]
    _portal_readable_fields = (
        "campaign_year", "comments", "company_id", "date", "line_ids", "name", "partner_id", "period_end",
        "period_start", "state", "user_id",
    )
    _order = "campaign_year desc, date desc, id desc"
    _portal_path = "/my/surveys"
    _aftersales_mail_templates = {"invitation": "aftersales_service.mail_template_survey_invitation"}
    _aftersales_sequence = ("aftersales.survey", "CSS/%(year)s/")
    _deletable_states = ("draft", "cancel")
    _check_company_auto = True
    _workflow_fields = ("state", "complaint_ids", "deduction")
    _locked_fields = {
        "can_edit_answers": (
            "partner_id", "user_id", "date", "campaign_year", "period_start", "period_end", "comments", "line_ids",
        ),
    }

    # Fields -----------------------------------------------------------------------------------

    user_id = fields.Many2one(
        "res.users", string="Coordinator", default=lambda self: self._default_user(), tracking=True, check_company=True,
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
    state = fields.Selection(
        SURVEY_STATES, group_expand=True, default="draft", required=True, readonly=True, copy=False, tracking=True,
        index=True,
    )
    line_ids = fields.One2many(
        "aftersales.survey.line", "survey_id", string="Answers", copy=True,
        default=lambda self: self.env["aftersales.survey.item"]._survey_line_commands(self.env.company),
    )
    comments = fields.Text(help="What the customer added in their own words.")
    base_score = fields.Float(
        compute="_compute_base_score", store=True, digits=(5, 1), aggregator="avg", help="S = Σ F × X."
    )
    complaint_ids = fields.Many2many(
        "aftersales.complaint", string="Deducted Complaints", readonly=True, copy=False,
        help="Complaints caused by us in the period: followed while the survey is a draft, fixed when it is "
             "validated.",
    )
    deduction = fields.Float(readonly=True, copy=False, digits=(5, 1), aggregator="avg")
    score = fields.Float(compute="_compute_score", store=True, digits=(5, 1), aggregator="avg", tracking=True)
    is_answered = fields.Boolean(
        compute="_compute_is_answered", help="Every item has its answer: the score means something.",
    )
    satisfied = fields.Boolean(
        string="Basically Satisfied", compute="_compute_satisfied", store=True,
        help="The score reaches the company's threshold for a basically satisfied customer.",
    )
    can_edit_answers = fields.Boolean(compute="_compute_can")
    can_validate = fields.Boolean(compute="_compute_can")
    can_cancel = fields.Boolean(compute="_compute_can")
    can_reset = fields.Boolean(compute="_compute_can")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("line_ids.points")
    def _compute_base_score(self):
        """S = Σ F × X (docs/satisfaction.md §2)."""
        for survey in self:
            survey.base_score = sum(survey.line_ids.mapped("points"))

    @api.depends("line_ids.level_id")
    def _compute_is_answered(self):
        """A score is shown once every item is answered, or the survey validated (docs/satisfaction.md §2)."""
        for survey in self:
            survey.is_answered = bool(survey.line_ids) and all(survey.line_ids.mapped("level_id"))

    @api.depends("base_score", "deduction")
    def _compute_score(self):
        """Score = S minus the complaints' deduction, never below 0 (docs/satisfaction.md §3)."""
        for survey in self:
            survey.score = max(0.0, survey.base_score - survey.deduction)

    @api.depends("score")
    def _compute_satisfied(self):
        """The company's threshold, 70 points by default: basically satisfied (docs/satisfaction.md §2)."""
        for survey in self:
            survey.satisfied = survey.score >= survey.company_id.aftersales_satisfied_score

    @api.depends("state")
    def _compute_can(self):
        """What can be done with the survey now: the buttons shown and the actions' own guards
        (docs/satisfaction.md §2)."""
        for survey in self:
            survey.can_edit_answers = survey.can_validate = survey.state == "draft"
            survey.can_cancel = survey.state in ("draft", "done")
            survey.can_reset = survey.state == "cancel"

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("period_start", "period_end")
    def _check_period(self):
        """The complaints' period ends after it starts (docs/satisfaction.md §3)."""
        if any(survey.period_end < survey.period_start for survey in self):
            raise ValidationError(self.env._("The survey period cannot end before it starts."))

    # CRUD -------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "line_ids" not in vals:
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["line_ids"] = self.env["aftersales.survey.item"]._survey_line_commands(company)
        surveys = super().create(vals_list)
        surveys._refresh_deductions()
        return surveys

    def write(self, vals):
        result = super().write(vals)
        if {"partner_id", "period_start", "period_end"}.intersection(vals):
            self._refresh_deductions()
        return result

    def _delete_refusal(self):
        return self.env._("A validated survey cannot be deleted; cancel it instead.")

    # Actions ----------------------------------------------------------------------------------

    def action_done(self):
        """Validate the answers; the complaints' deduction is fixed now (docs/satisfaction.md §3)."""
        self._start_transition("can_validate")
        self._check_answers()
        self._refresh_deductions()
        undated = self.filtered(lambda survey: not survey.date)
        (self - undated)._workflow().write({"state": "done"})
        for company, surveys in undated.grouped("company_id").items():
            surveys._workflow().write({"state": "done", "date": company._aftersales_today()})
        self.activity_feedback(["mail.mail_activity_data_todo"])

    def action_cancel(self):
        """The customer does not answer, or the survey was validated by mistake."""
        self._start_transition("can_cancel").write({"state": "cancel"})
        self.activity_unlink(["mail.mail_activity_data_todo"])

    def action_reset(self):
        """A cancelled survey is answered again; its deduction follows the complaints again."""
        self._start_transition("can_reset").write({"state": "draft"})
        self._refresh_deductions()

    # Business rules: score --------------------------------------------------------------------

    @api.model
    def _complaints_changed(self, complaints, former_customers=None):
        """Hook of new or changed complaints: the draft surveys of their customers, and of the customers they
        were moved from, follow them (docs/satisfaction.md §3)."""
        if not complaints:
            return
        customers = complaints.partner_id | (former_customers or complaints.partner_id.browse())
        # A coordinator changing a complaint refreshes the surveys whatever they may do on surveys.
        self.sudo().search([
            ("state", "=", "draft"),
            ("company_id", "in", complaints.company_id.ids),
            ("partner_id", "in", customers.commercial_partner_id.ids),
        ])._refresh_deductions()

    def _refresh_deductions(self):
        """Draft surveys deduct the verified complaints caused by us, received in their period in the company's
        time zone: 5 points each, 10 for quality, delivery time or service (company settings,
        docs/satisfaction.md §3)."""
        drafts = self.filtered(lambda survey: survey.state == "draft" and survey.partner_id)
        if not drafts:
            return
        bounds = {survey: survey._period_bounds() for survey in drafts}
        # One search for the whole batch (a campaign creates many surveys of one period); coordinators of one
        # company may see complaints of others: the survey's company decides.
        complaints_sudo = self.env["aftersales.complaint"].sudo().search([
            ("company_id", "in", drafts.company_id.ids),
            ("partner_id", "child_of", drafts.partner_id.commercial_partner_id.ids),
            ("company_caused", "=", True),
            ("state", "!=", "cancel"),
            ("date_received", ">=", min(start for start, _end in bounds.values())),
            ("date_received", "<", max(end for _start, end in bounds.values())),
        ])
        for survey, (start, end) in bounds.items():
            deducted_sudo = complaints_sudo.filtered(
                lambda c, survey=survey, start=start, end=end: c.company_id == survey.company_id
                and belongs_to(c.partner_id, survey.partner_id.commercial_partner_id) and start <= c.date_received < end
            )
            values = {
                "deduction": sum(survey._complaint_deduction(complaint_sudo) for complaint_sudo in deducted_sudo)
            }
            if deducted_sudo != survey.complaint_ids:
                values["complaint_ids"] = [fields.Command.set(deducted_sudo.ids)]
            if survey.deduction != values["deduction"] or "complaint_ids" in values:
                survey._workflow().write(values)

    def _period_bounds(self):
        """The survey period as UTC datetimes: from the first day's midnight to the day after the last, in the
        company's time zone (docs/satisfaction.md §3)."""
        company = self.company_id
        return (
            company._aftersales_utc(datetime.combine(self.period_start, time.min)),
            company._aftersales_utc(datetime.combine(self.period_end + timedelta(days=1), time.min)),
        )

    def _complaint_deduction(self, complaint_sudo):
        """Points one complaint costs: the serious deduction for quality, delivery time or service, else the
        ordinary one (company settings, docs/satisfaction.md §3)."""
        company = self.company_id
        if complaint_sudo.dimension in SERIOUS_DIMENSIONS:
            return company.aftersales_serious_complaint_deduction
        return company.aftersales_complaint_deduction

    def _check_answers(self):
        """Every item is answered and the weights sum to 100 points (docs/satisfaction.md §2)."""
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

    def _portal_answer(self, answers, comments=None):
        """The customer answers the survey on the portal, once: one level per item and a comment; the answers are
        then validated and read-only (docs/portal.md §6).

        :param answers: ``{survey line id: satisfaction level id}``
        """
        self.ensure_one()
        self._check_can("can_edit_answers", self.env._("This survey is already answered: thank you."))
        survey_sudo = self.sudo()
        try:
            answers = {int(line_id): int(level_id) for line_id, level_id in answers.items() if level_id}
        except (TypeError, ValueError):
            raise UserError(self.env._("Choose a level from the list for every item.")) from None
        if set(answers) - set(survey_sudo.line_ids.ids):
            raise UserError(self.env._("The answers name an item that is not on this survey."))
        unanswered_sudo = survey_sudo.line_ids.filtered(lambda line: line.id not in answers)
        if unanswered_sudo:
            raise UserError(self.env._(
                "Choose a level for every item: %(items)s.", items=", ".join(unanswered_sudo.mapped("name"))
            ))
        survey_sudo._portal_reread("aftersales.satisfaction.level", answers.values())
        survey_sudo.write({
            "comments": (comments or "").strip() or False,
            "line_ids": [
                fields.Command.update(line_id, {"level_id": level_id}) for line_id, level_id in answers.items()
            ],
        })
        survey_sudo.action_done()
        survey_sudo._portal_post(self.env._("Answered on the portal."))

    # Business rules: campaign -----------------------------------------------------------------

    @api.model
    def _main_customers(self, company):
        """The customers surveyed every year: those marked as main customers (docs/satisfaction.md §4)."""
        return self.env["res.partner"].search([
            ("aftersales_main_customer", "=", True),
            ("parent_id", "=", False),
            ("company_id", "in", [False, company.id]),
        ])

    @api.model
    def _launch_campaign(self, company, year):
        """Draft surveys of ``year`` for the main customers without one yet, with a to-do each
        (docs/satisfaction.md §4)."""
        if not MINYEAR <= year <= company._aftersales_today().year:
            raise UserError(self.env._("%(year)s is not a campaign year: it lies in the future.", year=year))
        # Surveys of the year count whoever can see them: a campaign never doubles a customer's survey.
        surveyed_sudo = self.sudo().search([("company_id", "=", company.id), ("campaign_year", "=", year)]).partner_id
        customers = self._main_customers(company) - surveyed_sudo
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
        for user, user_surveys in surveys.filtered("user_id").grouped("user_id").items():
            user_surveys.activity_schedule(
                "mail.mail_activity_data_todo", user_id=user.id,
                summary=self.env._("Satisfaction survey %(year)s", year=year),
            )
        surveys.filtered(lambda survey: survey.partner_id.email)._notify_customer("invitation")
        return surveys

    @api.model
    def _coordinator(self, customer, company):
        """The customer's salesperson surveys them, else whoever launches the campaign, else the company's
        after-sales responsible (docs/satisfaction.md §4)."""
        return company._aftersales_assignee(customer.user_id, self.env.user)

    @api.model
    def _cron_launch_campaign(self, today=None):
        """Every year in the campaign month, main customers get their survey, in the companies that run the
        campaign (docs/satisfaction.md §4)."""
        # Each company in its own time zone: they are few.
        for company in self.env["res.company"].search([("aftersales_survey_campaign", "=", True)]):
            day = today or company._aftersales_today()
            if company.aftersales_survey_month != day.month:
                continue
            try:
                with self.env.cr.savepoint():
                    self._launch_campaign(company, day.year)
            except UserError as error:
                _logger.warning("Satisfaction campaign of %s not launched: %s", company.name, error)

    def _analysis_summary(self):
        """Overall analysis of validated surveys: customers, average score, share satisfied, items
        (docs/satisfaction.md §2)."""
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
