from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..selections import REPLACEMENT_WARRANTY


class ResCompany(models.Model):
    _inherit = "res.company"

    # Fields -----------------------------------------------------------------------------------

    aftersales_replacement_warranty = fields.Selection(
        REPLACEMENT_WARRANTY, string="Replacement Warranty", default="restart", required=True,
    )
    aftersales_labour_product_id = fields.Many2one(
        "product.product",
        string="Repair Labour Product",
        domain="[('type', '=', 'service')]",
        help="Service product charged per hour of repair; its sales price is the hourly rate.",
    )
    aftersales_vendor_chase_days_exchange = fields.Integer(
        string="Chase Vendors, Exchange Items (Days)", default=2,
        help="Every how many days the responsible asks the vendor about an exchange item away for repair.",
    )
    aftersales_vendor_chase_days_warranty = fields.Integer(
        string="Chase Vendors, Warranty Items (Days)", default=7,
        help="Every how many days the responsible asks the vendor about a warranty item away for repair.",
    )
    aftersales_vendor_notice_days = fields.Integer(
        string="Tell the Customer After (Days)", default=14,
        help="The customer hears that the repair takes longer once the unit is away this many days.",
    )
    aftersales_repair_days = fields.Integer(
        string="Repair Turnaround (Days)",
        default=7,
        help="Days from receipt to return when all parts are available.",
    )
    aftersales_repair_days_missing_parts = fields.Integer(
        string="Repair Turnaround, Parts Missing (Days)",
        default=15,
        help="Days from receipt to return when parts have to be procured.",
    )

    aftersales_complaint_manager_id = fields.Many2one(
        "res.users",
        string="Complaint Escalation Manager",
        default=lambda self: self.env.ref("base.user_admin", raise_if_not_found=False),
        help="Gets an activity when a complaint breaches its service level or is escalated.",
    )
    aftersales_responsible_id = fields.Many2one(
        "res.users",
        string="After-Sales Responsible",
        default=lambda self: self.env.ref("base.user_admin", raise_if_not_found=False),
        help="Gets the after-sales work of the company that nobody else is known for: documents the system "
             "creates, surveys of customers without a salesperson, visits after documents nobody follows.",
    )
    aftersales_return_visit_days = fields.Integer(
        string="Return Visit Delay (Days)",
        default=7,
        help="Days after an RMA, a repair or a complaint closes until the customer is visited or called.",
    )
    aftersales_survey_campaign = fields.Boolean(
        string="Yearly Satisfaction Campaign",
        help="Every year in the campaign month, the main customers get their satisfaction survey.",
    )
    aftersales_survey_month = fields.Integer(
        string="Satisfaction Campaign Month",
        default=10,
        help="The month (1-12) in which the main customers get their yearly satisfaction survey.",
    )
    aftersales_satisfied_score = fields.Integer(
        string="Basically Satisfied Score",
        default=70,
        help="A survey scoring at least this many points out of 100 means a basically satisfied customer.",
    )
    aftersales_complaint_deduction = fields.Integer(
        string="Complaint Deduction (Points)",
        default=5,
        help="Points a survey loses per verified complaint caused by us in its period.",
    )
    aftersales_serious_complaint_deduction = fields.Integer(
        string="Quality, Delivery or Service Complaint Deduction (Points)",
        default=10,
        help="Points a survey loses per verified complaint caused by us about quality, delivery time or service.",
    )

    aftersales_portal_max_files = fields.Integer(
        string="Portal Files per Request",
        default=5,
        help="How many photos or documents a customer may send with one request on the portal.",
    )
    aftersales_portal_unit_choices = fields.Integer(
        string="Portal Units to Pick From",
        default=200,
        help="How many of the customer's units, the latest delivered first, the portal's 'Write to us' form offers to "
             "pick from.",
    )
    aftersales_portal_link_hours = fields.Integer(
        string="Portal Photo Links (Hours)",
        default=24,
        help="How long a link to a photo shown on the portal keeps working.",
    )
    aftersales_return_instructions = fields.Html(
        string="Return Instructions",
        translate=True,
        help="Printed on the return authorization the customer gets for an approved RMA: how to pack and send the "
             "units back.",
    )
    aftersales_quarantine_location_id = fields.Many2one(
        "stock.location", string="Quarantine Location", check_company=True,
        domain="[('usage', '=', 'internal'), ('company_id', 'in', [id, False])]",
        help="Where recalled units still in our stock are set apart: a recall does not list what is already there.",
    )
    aftersales_warning_ratio = fields.Float(
        string="Alert at (× Baseline)", default=2.0,
        help="A delivery month or lot whose field failure rate reaches this many times the product's own rate raises "
             "a quality alert.",
    )
    aftersales_warning_min_units = fields.Integer(
        string="Alert from (Units)", default=3, help="A quality alert needs at least this many failed units.",
    )
    aftersales_warning_baseline_months = fields.Integer(
        string="Baseline (Months)", default=12,
        help="The product's own rate is read over this many delivery months before the month checked.",
    )
    aftersales_warning_months = fields.Integer(
        string="Months Checked", default=24, help="The delivery months the daily early-warning job checks.",
    )

    # The company's time zone, its working calendar's, else its partner's: read once per record cache, again after any
    # write to them or invalidation (docs/security.md §6).
    aftersales_tz = fields.Char(string="After-Sales Time Zone", compute="_compute_aftersales_tz")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("resource_calendar_id.tz", "partner_id.tz")
    def _compute_aftersales_tz(self):
        """The company, its calendar and its partner in one query, what a warranty check or a deadline costs."""
        calendar_tz = self.env["resource.calendar"]._fields["tz"]
        partner_tz = self.env["res.partner"]._fields["tz"]
        ids = tuple(self._origin.ids)
        rows = dict(self.env.execute_query(SQL(
            """SELECT company.id, COALESCE(NULLIF(calendar.tz, ''), NULLIF(partner.tz, ''))
                 FROM res_company company
                 JOIN res_partner partner ON partner.id = company.partner_id
            LEFT JOIN resource_calendar calendar ON calendar.id = company.resource_calendar_id
                WHERE company.id IN %s""",
            ids,
            to_flush=[self._fields["resource_calendar_id"], self._fields["partner_id"], calendar_tz, partner_tz],
        ))) if ids else {}
        for company in self:
            company.aftersales_tz = rows.get(company._origin.id)

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("aftersales_repair_days", "aftersales_repair_days_missing_parts")
    def _check_aftersales_repair_days(self):
        """Turnaround targets are positive, and never shorter when parts are missing (docs/rma.md §9)."""
        for company in self:
            if company.aftersales_repair_days <= 0 or (
                company.aftersales_repair_days_missing_parts < company.aftersales_repair_days
            ):
                raise ValidationError(self.env._(
                    "Repair turnaround days must be positive, and at least as long when parts are missing."
                ))

    @api.constrains("aftersales_return_visit_days")
    def _check_aftersales_return_visit_days(self):
        """The return visit delay cannot be negative (docs/satisfaction.md §1)."""
        if any(company.aftersales_return_visit_days < 0 for company in self):
            raise ValidationError(self.env._("The return visit delay cannot be negative."))

    @api.constrains(
        "aftersales_survey_month", "aftersales_satisfied_score", "aftersales_complaint_deduction",
        "aftersales_serious_complaint_deduction",
    )
    def _check_aftersales_survey_settings(self):
        """The campaign month is a month, the satisfied score and the deductions shares of 100 points
        (docs/satisfaction.md §2-§4)."""
        for company in self:
            points = (company.aftersales_satisfied_score, company.aftersales_complaint_deduction,
                      company.aftersales_serious_complaint_deduction)
            if not 1 <= company.aftersales_survey_month <= 12 or not all(0 <= value <= 100 for value in points):
                raise ValidationError(self.env._(
                    "The satisfaction campaign month lies between 1 and 12, the satisfied score and the complaint "
                    "deductions between 0 and 100 points."
                ))

    @api.constrains("aftersales_vendor_chase_days_exchange", "aftersales_vendor_chase_days_warranty",
                    "aftersales_vendor_notice_days")
    def _check_aftersales_vendor_settings(self):
        """Vendors are chased and customers told after at least a day (docs/rma.md §13)."""
        if any(min(company.aftersales_vendor_chase_days_exchange, company.aftersales_vendor_chase_days_warranty,
                   company.aftersales_vendor_notice_days) < 1 for company in self):
            raise ValidationError(self.env._("Vendors are chased, and customers told, after one day or more."))

    @api.constrains("aftersales_warning_ratio", "aftersales_warning_min_units", "aftersales_warning_baseline_months",
                    "aftersales_warning_months")
    def _check_aftersales_warning_settings(self):
        """Early warning needs a ratio above one and whole months and units (docs/recalls.md §8)."""
        for company in self:
            if company.aftersales_warning_ratio <= 1 or min(
                company.aftersales_warning_min_units, company.aftersales_warning_baseline_months,
                company.aftersales_warning_months,
            ) < 1:
                raise ValidationError(self.env._(
                    "Quality alerts need a ratio above 1 and at least one unit and one month."
                ))

    @api.constrains("aftersales_portal_max_files", "aftersales_portal_link_hours", "aftersales_portal_unit_choices")
    def _check_aftersales_portal_settings(self):
        """A customer may send at least one file and pick among one unit at least, and photo links last at least an
        hour (docs/portal.md §7)."""
        if any(min(company.aftersales_portal_max_files, company.aftersales_portal_link_hours,
                   company.aftersales_portal_unit_choices) < 1 for company in self):
            raise ValidationError(self.env._(
                "Customers may send at least one file per request and pick among one unit at least, and photo links "
                "last at least one hour."
            ))

    # CRUD -------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._aftersales_setup()
        return companies

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _aftersales_setup_all(self):
        """At installation and update: every company and warehouse gets what after-sales needs (docs/README.md)."""
        # Every company and warehouse, once per installation or update: they are few.
        self.search([])._aftersales_setup()  # pylint: disable=no-search-all
        warehouses = self.env["stock.warehouse"].search([])  # pylint: disable=no-search-all
        warehouses._aftersales_setup()

    def _aftersales_setup(self):
        """What a company needs for after-sales: its document numbering, its default warranty policy, its
        repair labour product; the customer e-mails' templates must exist (docs/README.md). Addons add what they
        need."""
        registry = self.env.registry
        documents = [self.env[name] for name in registry["aftersales.document.mixin"]._inherit_children]
        writers = [self.env[name] for name, model in registry.items()
                   if not model._abstract and issubclass(model, registry["aftersales.customer.email.mixin"])]
        for writer in writers:
            for template in writer._aftersales_mail_templates:
                writer._mail_template(template)
        sequences_sudo = self.env["ir.sequence"].sudo()
        policies_sudo = self.env["aftersales.warranty.policy"].sudo()
        labour = self.env.ref("aftersales_service.product_repair_labour")
        for company in self:
            for document in documents:
                code = document._aftersales_sequence[0]
                if not sequences_sudo.search_count([("code", "=", code), ("company_id", "=", company.id)], limit=1):
                    sequences_sudo.create(document._prepare_sequence_values(company))
            if not policies_sudo.search_count([("company_id", "=", company.id), ("scope", "=", "company")], limit=1):
                policies_sudo.create(policies_sudo._prepare_company_default_values(company))
            if not company.aftersales_labour_product_id:
                company.aftersales_labour_product_id = labour

    def _aftersales_assignee(self, *candidates):
        """Who gets a piece of the company's after-sales work: the first of ``candidates``, then the company's
        after-sales responsible, who is a real user of the company (not the system, not a portal user); nobody
        if none is (docs/README.md, responsibility)."""
        self.ensure_one()
        for user in (*candidates, self.aftersales_responsible_id):
            if user and not user._is_superuser() and not user.share and self in user.company_ids:
                return user
        return self.env["res.users"]

    def _aftersales_home_region(self, partner):
        """Whether ``partner`` is in the company's own region for the on-site target: its state / province
        (docs/sla.md §2)."""
        self.ensure_one()
        return bool(partner.state_id) and partner.state_id == self.state_id

    def _aftersales_utc_days(self, date_from, date_to):
        """The days from ``date_from`` to ``date_to`` included, as the UTC datetimes of their bounds: from the first
        day's start to the day after the last, in the company's time zone (docs/security.md §6)."""
        return (
            self._aftersales_utc(datetime.combine(date_from, time.min)),
            self._aftersales_utc(datetime.combine(date_to + timedelta(days=1), time.min)),
        )

    def _aftersales_tz(self):
        """The company's time zone, its working calendar's, else its partner's: the day of every datetime is read in
        it (docs/security.md §6)."""
        return pytz.timezone(self[:1].sudo().aftersales_tz or "UTC")

    def _aftersales_date(self, utc_datetime):
        """The day of a UTC datetime in the company's time zone."""
        return utc_datetime and pytz.utc.localize(utc_datetime).astimezone(self._aftersales_tz()).date()

    def _aftersales_today(self):
        """Today in the company's time zone."""
        return self._aftersales_date(fields.Datetime.now())

    def _aftersales_utc(self, local_datetime):
        """A naive datetime of the company's time zone as the naive UTC datetime stored."""
        return self._aftersales_tz().localize(local_datetime).astimezone(pytz.utc).replace(tzinfo=None)
