from datetime import date, datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import AftersalesCase

SURVEY_LOGGER = "odoo.addons.aftersales_service.models.aftersales_survey"


@tagged("post_install", "-at_install")
class TestSurvey(AftersalesCase):
    """SPEC 5, [002] 5.2: satisfaction surveys scored S = Σ F × X minus complaints, the yearly campaign, access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.year = fields.Date.today().year
        cls.coordinator = new_test_user(cls.env, "sv_user", groups="aftersales_service.group_aftersales_user")
        # The shared questionnaire is changed by a manager of every company (docs/security.md §3).
        cls.manager = new_test_user(
            cls.env, "sv_manager", groups="aftersales_service.group_aftersales_manager",
            company_ids=[(6, 0, cls.env["res.company"].search([]).ids)],
        )
        cls.quality_department = cls.env.ref("aftersales_service.department_quality")
        level = "aftersales_service.satisfaction_level_%s"
        cls.very_satisfied = cls.env.ref(level % "very_satisfied")
        cls.satisfied = cls.env.ref(level % "satisfied")
        cls.fairly_satisfied = cls.env.ref(level % "fairly_satisfied")
        cls.neutral = cls.env.ref(level % "neutral")
        cls.somewhat_dissatisfied = cls.env.ref(level % "somewhat_dissatisfied")
        cls.dissatisfied = cls.env.ref(level % "dissatisfied")
        cls.very_dissatisfied = cls.env.ref(level % "very_dissatisfied")
        cls.items = cls.env["aftersales.survey.item"]._questionnaire(cls.company)

    def _survey(self, partner=None, user=None):
        """A survey typed in by a coordinator: the customer; the items come with the form."""
        with Form(self.env["aftersales.survey"].with_user(user or self.coordinator)) as survey_form:
            survey_form.partner_id = partner or self.customer
        return survey_form.record.with_env(self.env)

    def _answer(self, survey, levels, user=None):
        """Choose one level per item in the survey's form, in the items' order."""
        with Form(survey.with_user(user or self.coordinator)) as survey_form:
            for index, level in enumerate(levels):
                with survey_form.line_ids.edit(index) as line:
                    line.level_id = level
        return survey

    def _answered(self, levels, partner=None):
        return self._answer(self._survey(partner), levels)

    def _validate(self, survey, user=None):
        survey.with_user(user or self.coordinator).action_done()
        return survey

    def _complaint(self, dimension, received, partner=None, caused=True):
        """A complaint, verified as caused by our quality department unless ``caused`` is False."""
        complaint = self.env["aftersales.complaint"].create({
            "partner_id": (partner or self.customer).id,
            "kind": "complaint",
            "dimension": dimension,
            "date_received": received,
        })
        if caused:
            complaint.write(
                {"verified": True, "responsibility": "department", "department_id": self.quality_department.id}
            )
        return complaint

    def _in_period(self, month=3):
        return datetime(self.year, month, 1, 10, 0)

    def _set_main_customers(self, *partners):
        for partner in partners:
            partner.aftersales_main_customer = True

    def _campaign_surveys(self, partners):
        return self.env["aftersales.survey"].search(
            [("partner_id", "in", partners.ids), ("campaign_year", "=", self.year), ("company_id", "=", self.company.id)]
        )

    # Score: S = Σ F × X, deductions, floor, verdict

    def test_default_items_all_satisfied_score_90(self):
        survey = self._survey()
        self.assertRegex(survey.name, rf"^CSS/{self.year}/\d{{5}}$")
        self.assertEqual(survey.line_ids.mapped("weight"), [30, 20, 25, 15, 10])
        self.assertEqual(survey.line_ids.mapped("dimension"), ["quality", "delivery", "service", "price", "packaging"])
        self.assertEqual((survey.period_start, survey.period_end), (date(self.year, 1, 1), date(self.year, 12, 31)))
        self._answer(survey, [self.satisfied] * 5)
        # 30×0.9 + 20×0.9 + 25×0.9 + 15×0.9 + 10×0.9 = 100 × 0.9 = 90
        self.assertAlmostEqual(survey.base_score, 90.0)
        self._validate(survey)
        self.assertEqual(survey.state, "done")
        self.assertEqual(survey.date, fields.Date.context_today(survey))
        self.assertAlmostEqual(survey.score, 90.0)
        self.assertTrue(survey.satisfied)

    def test_mixed_levels(self):
        survey = self._answered(
            [self.very_satisfied, self.fairly_satisfied, self.neutral, self.dissatisfied, self.somewhat_dissatisfied]
        )
        # quality 30×1.0 = 30, delivery 20×0.8 = 16, service 25×0.7 = 17.5, price 15×0.3 = 4.5,
        # packaging 10×0.5 = 5  →  S = 30 + 16 + 17.5 + 4.5 + 5 = 73
        self.assertEqual(survey.line_ids.mapped("points"), [30.0, 16.0, 17.5, 4.5, 5.0])
        self._validate(survey)
        self.assertAlmostEqual(survey.score, 73.0)
        self.assertTrue(survey.satisfied)

    def test_complaints_caused_by_us_in_the_period_are_deducted_at_validation(self):
        survey = self._answered([self.satisfied] * 5)
        quality = self._complaint("quality", self._in_period(3))
        price = self._complaint("price", self._in_period(6))
        self._complaint("delivery", self._in_period(4), caused=False)  # not verified as ours
        self._complaint("service", datetime(self.year - 1, 12, 31, 12, 0))  # before the period
        self._complaint("quality", self._in_period(5)).action_cancel()  # cancelled
        self._complaint("quality", self._in_period(5), partner=self.distributor)  # another customer
        self._validate(survey)
        self.assertEqual(survey.complaint_ids, quality | price)
        # S = 90; quality complaint −10, price complaint −5  →  90 − 15 = 75
        self.assertAlmostEqual(survey.deduction, 15.0)
        self.assertAlmostEqual(survey.score, 75.0)
        self._complaint("delivery", self._in_period(7))
        survey.invalidate_recordset()
        self.assertAlmostEqual(survey.score, 75.0, msg="the deduction is fixed at validation")

    def test_a_draft_survey_follows_complaints_verified_later(self):
        survey = self._answered([self.satisfied] * 5)
        complaint = self._complaint("quality", self._in_period(3), caused=False)
        self.assertAlmostEqual(survey.score, 90.0)
        complaint.with_user(self.coordinator).write(
            {"verified": True, "responsibility": "department", "department_id": self.quality_department.id}
        )
        self.assertEqual(survey.complaint_ids, complaint)
        self.assertEqual((survey.deduction, survey.score), (10.0, 80.0))
        complaint.with_user(self.coordinator).dimension = "price"
        self.assertEqual((survey.deduction, survey.score), (5.0, 85.0))
        self._validate(survey)
        complaint.with_user(self.coordinator).dimension = "quality"
        self._complaint("service", self._in_period(4))
        self.assertEqual((survey.deduction, survey.score), (5.0, 85.0), "fixed at validation")
        self.assertEqual(survey.complaint_ids, complaint)

    def test_a_complaint_moved_to_another_customer_leaves_the_first_ones_draft(self):
        first = self._answered([self.satisfied] * 5)
        second = self._answered([self.satisfied] * 5, partner=self.distributor)
        complaint = self._complaint("quality", self._in_period(3))
        self.assertEqual((first.deduction, second.deduction), (10.0, 0.0))
        complaint.with_user(self.coordinator).partner_id = self.distributor
        self.assertEqual((first.deduction, second.deduction), (0.0, 10.0))

    def test_the_period_is_counted_in_the_companys_days(self):
        self.company.resource_calendar_id.tz = "Asia/Shanghai"
        # 1 January 07:30 in Shanghai is still 31 December in UTC.
        complaint = self._complaint("price", datetime(self.year, 1, 1, 7, 30) - timedelta(hours=8))
        this_year = self._answered([self.satisfied] * 5)
        last_year = self._survey()
        with Form(last_year.with_user(self.coordinator)) as survey_form:
            survey_form.campaign_year = self.year - 1
            survey_form.period_start = date(self.year - 1, 1, 1)
            survey_form.period_end = date(self.year - 1, 12, 31)
        self.assertEqual(this_year.complaint_ids, complaint)
        self.assertFalse(last_year.complaint_ids)

    def test_deductions_are_company_settings(self):
        self.company.write({"aftersales_complaint_deduction": 3, "aftersales_serious_complaint_deduction": 8})
        survey = self._answered([self.satisfied] * 5)
        self._complaint("price", self._in_period(3))
        self._complaint("quality", self._in_period(4))
        self._validate(survey)
        self.assertEqual((survey.deduction, survey.score), (11.0, 79.0))

    def test_score_never_falls_below_zero(self):
        survey = self._answered([self.very_dissatisfied] * 5)
        self._complaint("quality", self._in_period())
        self._complaint("packaging", self._in_period())
        self._validate(survey)
        # S = 0 × everything = 0; deduction 10 + 5 = 15; max(0, 0 − 15) = 0
        self.assertAlmostEqual(survey.deduction, 15.0)
        self.assertEqual(survey.score, 0.0)
        self.assertFalse(survey.satisfied)

    def test_seventy_points_is_basically_satisfied(self):
        exactly = self._validate(self._answered([self.neutral] * 5))
        # 100 × 0.7 = 70 ≥ 70
        self.assertAlmostEqual(exactly.score, 70.0)
        self.assertTrue(exactly.satisfied)
        below = self._answered([self.neutral] * 5, partner=self.distributor)
        self._complaint("price", self._in_period(), partner=self.distributor)
        self._validate(below)
        # 70 − 5 = 65 < 70
        self.assertAlmostEqual(below.score, 65.0)
        self.assertFalse(below.satisfied)
        self.company.aftersales_satisfied_score = 60
        third = self._validate(self._answered([self.neutral] * 4 + [self.dissatisfied]))
        # 90 × 0.7 + 10 × 0.3 = 63 + 3 = 66 ≥ 60
        self.assertAlmostEqual(third.score, 66.0)
        self.assertTrue(third.satisfied)

    def test_validated_survey_keeps_its_answers_and_coefficients(self):
        survey = self._validate(self._answered([self.satisfied] * 5))
        self.satisfied.with_user(self.manager).coefficient = 0.95
        survey.invalidate_recordset()
        self.assertEqual(set(survey.line_ids.mapped("coefficient")), {0.9})
        self.assertAlmostEqual(survey.score, 90.0)
        with self.assertRaises(UserError):
            survey.line_ids[0].with_user(self.coordinator).level_id = self.very_satisfied
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            survey.with_user(self.coordinator).partner_id = self.distributor

    # Bad input: weights, item count, missing answers, double clicks

    def test_weights_not_summing_to_100_are_refused_on_creation_and_campaign(self):
        self.items.filtered(lambda item: item.dimension == "price").with_user(self.manager).weight = 20
        surveys = self.env["aftersales.survey"].search([])
        with self.assertRaisesRegex(UserError, "105 points, not 100"):
            self.env["aftersales.survey"].with_user(self.coordinator).create({"partner_id": self.customer.id})
        self._set_main_customers(self.customer)
        wizard = Form(self.env["aftersales.survey.campaign"].with_user(self.coordinator)).save()
        with self.assertRaisesRegex(UserError, "105 points"):
            wizard.action_launch()
        self.company.write({"aftersales_survey_campaign": True, "aftersales_survey_month": 12})
        with self.assertLogs(SURVEY_LOGGER, "WARNING"):
            self.env["aftersales.survey"]._cron_launch_campaign(today=date(self.year, 12, 1))
        self.assertEqual(self.env["aftersales.survey"].search([]), surveys, "nothing was created")

    def test_answers_whose_weights_do_not_sum_to_100_are_refused_on_validation(self):
        survey = self._answer(self._survey(), [self.satisfied] * 5)
        survey.line_ids[-1].with_user(self.manager).unlink()
        with self.assertRaisesRegex(ValidationError, "90 points, not 100"):
            self._validate(survey)
        self.assertEqual(survey.state, "draft")

    def test_at_most_14_items(self):
        items = self.env["aftersales.survey.item"].with_user(self.manager)
        items.create([{"name": f"Extra {index}", "weight": 1} for index in range(9)])
        with self.assertRaisesRegex(ValidationError, "at most 14 items"):
            items.create({"name": "Fifteenth", "weight": 1})
        with self.assertRaises(ValidationError):
            items.create({"name": "Weightless", "weight": 0, "company_id": self.company.id})

    def test_validation_needs_every_level_and_happens_once(self):
        survey = self._answer(self._survey(), [self.satisfied] * 4)
        with self.assertRaisesRegex(ValidationError, "Packaging"):
            self._validate(survey)
        self.assertEqual(survey.state, "draft")
        self._answer(survey, [self.satisfied] * 5)
        self._validate(survey)
        with self.assertRaises(UserError):
            self._validate(survey)
        self.assertEqual(survey.state, "done")

    def test_period_and_settings_are_checked(self):
        with self.assertRaises(ValidationError):
            self.env["aftersales.survey"].create({
                "partner_id": self.customer.id,
                "period_start": date(self.year, 12, 31),
                "period_end": date(self.year, 1, 1),
            })
        with self.assertRaises(ValidationError):
            self.company.aftersales_survey_month = 13
        with self.assertRaises(ValidationError):
            self.company.aftersales_satisfied_score = 120

    def test_validated_survey_is_cancelled_not_deleted(self):
        survey = self._validate(self._answered([self.satisfied] * 5))
        with self.assertRaises(UserError):
            survey.with_user(self.manager).unlink()
        survey.with_user(self.coordinator).action_cancel()
        survey.with_user(self.coordinator).action_reset()
        self.assertEqual(survey.state, "draft")
        with self.assertRaises(AccessError):
            survey.with_user(self.coordinator).unlink()
        survey.with_user(self.manager).unlink()
        self.assertFalse(survey.exists())

    # Campaign

    def test_cron_creates_one_survey_per_main_customer_in_the_campaign_month_of_companies_running_it(self):
        salesman = new_test_user(self.env, "sv_salesman", groups="sales_team.group_sale_salesman")
        responsible = new_test_user(self.env, "sv_responsible", groups="aftersales_service.group_aftersales_user")
        self.company.aftersales_responsible_id = responsible
        self.customer.user_id = salesman
        self._set_main_customers(self.customer, self.distributor)
        other = self.env["res.partner"].create({"name": "Occasional Buyer", "is_company": True})
        partners = self.customer | self.distributor | other | self.customer_contact
        self.assertTrue(self.customer_contact.aftersales_main_customer, "a commercial field")
        surveys = self.env["aftersales.survey"]
        surveys._cron_launch_campaign(today=date(self.year, 10, 1))
        self.assertFalse(self._campaign_surveys(partners), "the company does not run the campaign")
        self.company.aftersales_survey_campaign = True
        surveys._cron_launch_campaign(today=date(self.year, 9, 30))
        self.assertFalse(self._campaign_surveys(partners), "before October nothing is created")
        self.assertEqual(self.env.user, self.env.ref("base.user_root"), "the job runs as the system")
        surveys._cron_launch_campaign(today=date(self.year, 10, 1))
        created = self._campaign_surveys(partners)
        self.assertEqual(created.partner_id, self.customer | self.distributor)
        self.assertEqual(len(created), 2)
        self.assertEqual(set(created.mapped("state")), {"draft"})
        self.assertEqual(created.mapped(lambda s: len(s.line_ids)), [5, 5])
        self.assertEqual(set(created.mapped("period_start")), {date(self.year, 1, 1)})
        by_customer = created.grouped("partner_id")
        self.assertEqual(by_customer[self.customer].user_id, salesman)
        self.assertEqual(by_customer[self.customer].activity_ids.user_id, salesman)
        self.assertEqual(by_customer[self.distributor].user_id, responsible, "not the system: a real person")
        self.assertEqual(by_customer[self.distributor].activity_ids.user_id, responsible)
        surveys._cron_launch_campaign(today=date(self.year, 10, 2))
        self.assertEqual(self._campaign_surveys(partners), created, "a second run creates nothing")
        self._set_main_customers(other)
        surveys._cron_launch_campaign(today=date(self.year, 11, 2))
        self.assertFalse(self._campaign_surveys(other), "after the campaign month nothing is created")

    def test_campaign_month_is_a_setting(self):
        self._set_main_customers(self.customer)
        self.company.write({"aftersales_survey_campaign": True, "aftersales_survey_month": 12})
        self.env["aftersales.survey"]._cron_launch_campaign(today=date(self.year, 11, 15))
        self.assertFalse(self._campaign_surveys(self.customer))
        self.env["aftersales.survey"]._cron_launch_campaign(today=date(self.year, 12, 1))
        self.assertEqual(len(self._campaign_surveys(self.customer)), 1)

    def test_coordinator_launches_the_campaign_now(self):
        self._set_main_customers(self.customer, self.distributor)
        with Form(self.env["aftersales.survey.campaign"].with_user(self.coordinator)) as wizard:
            wizard.year = self.year
        action = wizard.record.action_launch()
        created = self._campaign_surveys(self.customer | self.distributor)
        self.assertEqual(len(created), 2)
        self.assertLessEqual(created, self.env["aftersales.survey"].search(action["domain"]), "the action shows them")
        self.assertEqual(created.activity_ids.user_id, self.coordinator)
        with self.assertRaisesRegex(UserError, "already has one"):
            wizard.record.action_launch()
        wizard.record.year = 0
        with self.assertRaises(UserError):
            wizard.record.action_launch()
        self.assertEqual(self._campaign_surveys(self.customer | self.distributor), created)

    # Analysis

    def test_analysis_report_and_kpis(self):
        good = self._validate(self._answered([self.satisfied] * 5))
        complaint = self._complaint("quality", self._in_period(), partner=self.distributor)
        poor = self._validate(self._answered([self.dissatisfied] * 5, partner=self.distributor))
        # good: 90; poor: 100 × 0.3 − 10 = 20; average 55, one of two satisfied
        summary = (good | poor)._analysis_summary()
        self.assertEqual(
            (summary["customers"], summary["average_score"], summary["satisfied_percent"]), (2, 55.0, 50.0)
        )
        # quality: (30 × 0.9 + 30 × 0.3) / 2 = (27 + 9) / 2 = 18
        self.assertEqual(summary["items"][0]["points"], 18.0)
        html = str(self.env["ir.actions.report"]._render_qweb_html(
            "aftersales_service.report_survey_analysis", (good | poor).ids
        )[0])
        for text in (good.name, poor.name, complaint.name, "Overall", "basically satisfied", "not satisfied"):
            with self.subTest(text=text):
                self.assertIn(text, html)
        groups = self.env["aftersales.survey"]._read_group(
            [("id", "in", (good | poor).ids)], ["partner_id", "campaign_year"], ["score:avg"]
        )
        scores = {partner: score for partner, _year, score in groups}
        self.assertEqual(scores, {self.customer: 90.0, self.distributor: 20.0})

    # Access

    def test_access_matrix(self):
        survey = self._answered([self.satisfied] * 5)
        item = self.items[0]
        with self.assertRaises(AccessError):
            item.with_user(self.coordinator).weight = 40
        with self.assertRaises(AccessError):
            self.env["aftersales.survey.item"].with_user(self.coordinator).create({"name": "Mine", "weight": 5})
        item.with_user(self.manager).name = "Product quality and reliability"
        employee = new_test_user(self.env, "sv_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            survey.with_user(employee).read(["score"])
        other_company = self.env["res.company"].create({"name": "Second Plant Co"})
        outsider = new_test_user(
            self.env, "sv_outsider", groups="aftersales_service.group_aftersales_manager",
            company_id=other_company.id, company_ids=[(6, 0, other_company.ids)],
        )
        with self.assertRaises(AccessError):
            survey.with_user(outsider).read(["score"])
        with self.assertRaises(AccessError):
            survey.line_ids[0].with_user(outsider).read(["points"])
        self.assertIn(item, self.env["aftersales.survey.item"].with_user(outsider).search([]), "shared items")

    def test_company_with_own_items_uses_them(self):
        other_company = self.env["res.company"].create({"name": "Second Plant Co"})
        self.env["aftersales.survey.item"].create([
            {"name": "Reliability", "weight": 60, "company_id": other_company.id},
            {"name": "Support", "weight": 40, "company_id": other_company.id},
        ])
        customer = self.env["res.partner"].create({"name": "Plant Two Customer", "is_company": True})
        survey = self.env["aftersales.survey"].create({"partner_id": customer.id, "company_id": other_company.id})
        self.assertEqual(survey.line_ids.mapped("name"), ["Reliability", "Support"])
        self.assertEqual(len(self._survey().line_ids), 5, "the main company keeps the shared items")
