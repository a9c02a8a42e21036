from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AftersalesTechnician(models.Model):
    """A technician the dispatcher can send on site: own staff or outsourced, with skills, a certificate, a yearly
    evaluation and a van (docs/field-service.md §2)."""

    _name = "aftersales.technician"
    _description = "Service Technician"
    _inherit = ["mail.thread", "aftersales.reminder.mixin"]
    _order = "name, id"
    _check_company_auto = True

    # Fields -----------------------------------------------------------------------------------

    user_id = fields.Many2one(
        "res.users", required=True, index=True, ondelete="restrict", tracking=True,
        help="The technician logs in with this user to check in and report: an internal user, or a portal user for "
        "the staff of an outsourced service point.",
    )
    name = fields.Char(related="user_id.name", store=True)
    phone = fields.Char(related="user_id.partner_id.phone", string="Phone")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    service_point_id = fields.Many2one(
        "aftersales.service.point", check_company=True, tracking=True, index="btree_not_null",
        help="The service point the technician works for; its visits go through the point.",
    )
    outsourced = fields.Boolean(
        compute="_compute_outsourced", store=True, readonly=False, tracking=True,
        help="Works for a service partner, not for us.",
    )
    vendor_id = fields.Many2one(
        "res.partner", string="Service Partner", check_company=True, tracking=True,
        compute="_compute_outsourced", store=True, readonly=False,
        help="The company the outsourced technician works for.",
    )
    training_ids = fields.One2many("aftersales.training.attendee", "technician_id", string="Trainings")
    skill_ids = fields.Many2many(
        "product.category", string="Skills", help="Product categories the technician is trained to service."
    )
    certificate_number = fields.Char(string="Certificate", tracking=True)
    certificate_expiry = fields.Date(string="Certificate Valid Until", tracking=True)
    evaluation_date = fields.Date(string="Last Evaluation", tracking=True, help="The last yearly evaluation.")
    evaluation_passed = fields.Boolean(tracking=True)
    evaluation_note = fields.Text()
    van_location_id = fields.Many2one(
        "stock.location", string="Van Stock", check_company=True, tracking=True,
        domain="[('usage', '=', 'internal'), ('company_id', '=', company_id)]",
        help="The internal location of the parts the technician carries; refilled by ordinary transfers.",
    )
    van_quant_ids = fields.One2many(related="van_location_id.quant_ids", string="Parts on Hand")
    qualification_issue = fields.Char(
        compute="_compute_qualification_issue", help="Why the technician cannot be dispatched today, if anything."
    )

    _user_company_uniq = models.Constraint(
        "unique(user_id, company_id)", "This user already has a technician profile in this company."
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("name")
    @api.depends_context("aftersales_qualify_on", "aftersales_qualify_categ_ids")
    def _compute_display_name(self):
        """Picking the technician of a visit, each one says what keeps them from it, before it is chosen
        (docs/field-service.md §2): the visit's day (today without one) and its units' categories come in the
        context."""
        if "aftersales_qualify_categ_ids" not in self.env.context:
            return super()._compute_display_name()
        on = self.env.context.get("aftersales_qualify_on")
        company = self.env.company
        on_date = company._aftersales_date(fields.Datetime.to_datetime(on)) if on else company._aftersales_today()
        categories = self.env["product.category"].browse(self.env.context.get("aftersales_qualify_categ_ids") or [])
        for technician in self:
            issues = technician._qualification_issues(on_date, categories)
            technician.display_name = self.env._(
                "%(technician)s (%(issues)s)", technician=technician.name, issues=", ".join(issues),
            ) if issues else technician.name
        return None

    @api.depends("service_point_id.kind", "service_point_id.partner_id")
    def _compute_outsourced(self):
        """A point's technician works for the point: an outsourced point's for its company
        (docs/service-network.md §1)."""
        for technician in self.filtered("service_point_id"):
            point = technician.service_point_id
            technician.outsourced = point.kind == "outsourced"
            technician.vendor_id = point.partner_id if technician.outsourced else False

    @api.depends(
        "certificate_expiry", "evaluation_date", "evaluation_passed", "service_point_id",
        "training_ids.state", "training_ids.result",
    )
    def _compute_qualification_issue(self):
        for technician in self:
            technician.qualification_issue = "; ".join(
                technician._qualification_issues(technician.company_id._aftersales_today())
            )

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("outsourced", "vendor_id")
    def _check_vendor(self):
        if any(technician.outsourced and not technician.vendor_id for technician in self):
            raise ValidationError(self.env._("An outsourced technician works for a service partner: choose it."))

    @api.constrains("user_id", "company_id", "service_point_id")
    def _check_user(self):
        """Our technicians are internal users of the company; an outsourced point's staff may be portal users of the
        point, who work on the portal (docs/service-network.md §5)."""
        for technician in self:
            if technician.company_id not in technician.user_id.company_ids:
                raise ValidationError(self.env._(
                    "%(user)s is not a user of %(company)s.",
                    user=technician.user_id.name, company=technician.company_id.name,
                ))
            if not technician.user_id.share:
                continue
            point = technician.service_point_id
            if point.kind != "outsourced" or technician.user_id.commercial_partner_id != point.partner_id:
                raise ValidationError(self.env._(
                    "%(user)s is a portal user: only the staff of an outsourced service point, as a contact of the "
                    "point's company, work on the portal.", user=technician.user_id.name,
                ))

    # Business rules ---------------------------------------------------------------------------

    def _parts_location(self):
        """Where the technician's parts come from: the van, else the point's consignment stock
        (docs/service-network.md §1)."""
        self.ensure_one()
        return self.van_location_id or self.service_point_id.location_id

    def _initial_training(self):
        """The technician's passed initial training, if recorded (docs/service-network.md §6)."""
        self.ensure_one()
        return self.training_ids.filtered(
            lambda attendee: attendee.kind == "initial" and attendee.state == "done" and attendee.result == "passed"
        )

    @api.model
    def _remind_certificates(self):
        """Daily: a certificate expiring within the company's notice gives the technician's responsible one to-do per
        expiry date (docs/service-network.md §6)."""
        today = fields.Date.context_today(self)
        technicians = self.search([("certificate_expiry", "!=", False)]).filtered(
            lambda technician: technician.certificate_expiry <= today + relativedelta(
                days=technician.company_id.aftersales_certificate_notice_days
            )
        )
        for technician in technicians:
            technician._remind(
                self.env._(
                    "Renew the certificate of %(technician)s (valid until %(date)s)",
                    technician=technician.name, date=technician.certificate_expiry,
                ),
                technician.service_point_id.user_id, deadline=technician.certificate_expiry,
            )

    def _qualification_issues(self, on_date, categories=None):
        """What keeps the technician from a visit on ``on_date`` for products of ``categories``: an expired
        certificate, no passed evaluation within a year, a missing skill (docs/field-service.md §2), a point's staff
        without their initial training (docs/service-network.md §6)."""
        self.ensure_one()
        issues = []
        if not self.certificate_expiry or self.certificate_expiry < on_date:
            issues.append(self.env._("certificate expired or missing"))
        if not self.evaluation_passed or not self.evaluation_date or (
            self.evaluation_date + relativedelta(years=1) < on_date
        ):
            issues.append(self.env._("no passed evaluation within a year"))
        lacking = (categories or self.env["product.category"]).filtered(
            lambda category: not any(category.parent_path.startswith(skill.parent_path) for skill in self.skill_ids)
        )
        if self.service_point_id and not self._initial_training():
            issues.append(self.env._("no initial training recorded"))
        if lacking:
            issues.append(self.env._("no skill for %(categories)s", categories=", ".join(lacking.mapped("name"))))
        return issues
