from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Command
from odoo.exceptions import UserError, ValidationError

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
from odoo.addons.aftersales_service.models.aftersales_protected_fields_mixin import (  # pylint: disable=import-error,no-name-in-module
    MANAGER_GROUP,
)

from ..selections import SERVICE_POINT_KINDS, SERVICE_POINT_STATES

# The point's card, review and follow-up are the network's staff's: technicians see the point, not its papers.
DISPATCHER_GROUP = "aftersales_field_service.group_aftersales_dispatcher"


def commit_batch(env, done):
    """A scheduled job's batch is done: committed and counted when the scheduler runs it, so that a second worker
    never takes the same rows again (docs/service-network.md §7)."""
    if env.context.get("cron_id"):
        env["ir.cron"]._commit_progress(done)


class AftersalesServicePoint(models.Model):
    """A service point (服务网点) of the network: our own or an outsourced one, with the regions it covers, its rate card,
    its consignment stock, its review and approval, its documents, evaluations and quarterly summaries
    (docs/service-network.md §1-§4)."""

    _name = "aftersales.service.point"
    _description = "Service Point"
    _inherit = ["aftersales.protected.fields.mixin", "mail.thread", "aftersales.reminder.mixin"]
    _order = "name, id"
    _check_company_auto = True
    _workflow_fields = ("state", "approved_by_id", "approved_on")
    # What was reviewed and approved stays so: the kind and the company paid as well (docs/service-network.md §2).
    _locked_fields = {"can_edit_review": ("check_ids", "reviewed_by_id", "reviewed_on", "kind", "partner_id")}

    # Fields -----------------------------------------------------------------------------------

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    kind = fields.Selection(SERVICE_POINT_KINDS, required=True, default="outsourced", tracking=True)
    partner_id = fields.Many2one(
        "res.partner", required=True, index=True, check_company=True, tracking=True,
        help="The point's address and contact; for an outsourced point, the company we pay.",
    )
    phone = fields.Char(related="partner_id.phone")
    email = fields.Char(related="partner_id.email")
    user_id = fields.Many2one(
        "res.users", string="Responsible", tracking=True, domain="[('share', '=', False)]",
        default=lambda self: self.env.user, help="Follows the point's documents, evaluations and summaries.",
    )
    country_ids = fields.Many2many("res.country", string="Countries Covered")
    state_ids = fields.Many2many(
        "res.country.state", string="States / Provinces Covered",
        help="Empty: the whole of the countries covered.",
    )
    rate_ids = fields.One2many("aftersales.service.point.rate", "point_id", string="Rate Card", copy=True, groups=DISPATCHER_GROUP)
    band_ids = fields.One2many("aftersales.service.point.band", "point_id", string="Travel Bands", copy=True, groups=DISPATCHER_GROUP)
    service_types = fields.Char(compute="_compute_service_types", compute_sudo=True, string="Services")
    technician_ids = fields.One2many("aftersales.technician", "service_point_id", string="Technicians")
    location_id = fields.Many2one(
        "stock.location", string="Consignment Stock", check_company=True,
        domain="[('usage', '=', 'internal'), ('company_id', '=', company_id)]",
        help="Our parts on the point's shelf, refilled by ordinary transfers; its technicians repair on site with "
        "them when they carry no van of their own.",
    )
    document_ids = fields.One2many("aftersales.service.point.document", "point_id", string="Qualification Documents", groups=DISPATCHER_GROUP)
    check_ids = fields.One2many("aftersales.service.point.check", "point_id", string="Review Checklist", groups=DISPATCHER_GROUP)
    reviewed_by_id = fields.Many2one("res.users", domain="[('share', '=', False)]")
    reviewed_on = fields.Date()
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_on = fields.Date(readonly=True, copy=False)
    state = fields.Selection(
        SERVICE_POINT_STATES, default="candidate", required=True, readonly=True, copy=False, tracking=True, index=True,
        group_expand=True,
    )
    evaluation_ids = fields.One2many("aftersales.service.point.evaluation", "point_id", string="Evaluations", groups=DISPATCHER_GROUP)
    summary_ids = fields.One2many("aftersales.service.point.summary", "point_id", string="Quarterly Summaries", groups=DISPATCHER_GROUP)
    document_issue = fields.Char(
        compute="_compute_document_issue", compute_sudo=True, help="The expired documents that stop new visits to the point."
    )

    can_start_review = fields.Boolean(compute="_compute_can")
    can_edit_review = fields.Boolean(compute="_compute_can")
    can_approve = fields.Boolean(compute="_compute_can")
    can_suspend = fields.Boolean(compute="_compute_can")
    can_reinstate = fields.Boolean(compute="_compute_can")
    can_close = fields.Boolean(compute="_compute_can")

    _name_company_uniq = models.Constraint(
        "unique(name, company_id)", "A service point of this name already exists in this company."
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("rate_ids.service_type")
    def _compute_service_types(self):
        labels = dict(self.env["aftersales.service.point.rate"]._fields["service_type"]._description_selection(self.env))
        for point in self:
            point.service_types = ", ".join(labels[kind] for kind in dict.fromkeys(point.rate_ids.mapped("service_type")))

    @api.depends("document_ids.expired")
    def _compute_document_issue(self):
        for point in self:
            expired = point._expired_documents()
            point.document_issue = self.env._(
                "expired: %(documents)s", documents=", ".join(expired.mapped("name"))
            ) if expired else False

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can(self):
        """What can be done with the point now: the buttons shown and the actions' guards (docs/service-network.md
        §2). Every step is a manager's."""
        manager = self.env.user.has_group(MANAGER_GROUP)
        for point in self:
            state = point.state
            point.can_start_review = manager and state == "candidate"
            point.can_edit_review = state in ("candidate", "review")
            point.can_approve = manager and state == "review"
            point.can_suspend = manager and state == "approved"
            point.can_reinstate = manager and state == "suspended"
            point.can_close = manager and state != "closed"

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("kind", "partner_id")
    def _check_partner(self):
        """An outsourced point is a company we pay: a company, not a person of one (docs/service-network.md §1)."""
        for point in self.filtered(lambda point: point.kind == "outsourced"):
            if point.partner_id.parent_id:
                raise ValidationError(self.env._(
                    "%(point)s: an outsourced point is settled with a company; choose the company, not a contact of it.",
                    point=point.name,
                ))

    @api.constrains("state_ids", "country_ids")
    def _check_coverage(self):
        for point in self:
            if point.state_ids.country_id - point.country_ids:
                raise ValidationError(self.env._(
                    "%(point)s: the states / provinces covered lie in the countries covered.", point=point.name
                ))

    # Actions ----------------------------------------------------------------------------------

    def action_start_review(self):
        """The on-site qualification check starts: its checklist is the company's (docs/service-network.md §2)."""
        self._start_transition("can_start_review").write({"state": "review"})
        templates = self.env["aftersales.check.template"]
        for point in self.filtered(lambda point: not point.check_ids):
            items = templates._for_point_review(point.company_id)
            point.check_ids = [Command.create({"name": item.name, "sequence": item.sequence}) for item in items]

    def action_approve(self):
        """A manager puts the point on the approved list: its review passed, its documents valid, its staff's initial
        training recorded, an outsourced point's rate card given (docs/service-network.md §2, §6)."""
        self._start_transition("can_approve")
        for point in self:
            point._check_approvable()
        today = fields.Date.context_today(self)
        self._workflow().write({"state": "approved", "approved_by_id": self.env.uid, "approved_on": today})

    def action_suspend(self):
        """No new visit goes to the point until a manager reinstates it (docs/service-network.md §2)."""
        self._start_transition("can_suspend").write({"state": "suspended"})

    def action_reinstate(self):
        """Back on the approved list, once its documents are valid again (docs/service-network.md §2)."""
        self._start_transition("can_reinstate")
        for point in self:
            point._check_documents_valid()
        self._workflow().write({"state": "approved"})

    def action_close(self):
        """The point no longer serves; its visits and settlements stay (docs/service-network.md §2)."""
        self._start_transition("can_close").write({"state": "closed"})

    # Business rules ---------------------------------------------------------------------------

    def _expired_documents(self):
        self.ensure_one()
        return self.document_ids.filtered("expired")

    def _check_documents_valid(self):
        self.ensure_one()
        expired = self._expired_documents()
        if expired:
            raise UserError(self.env._(
                "%(point)s: renew %(documents)s first.", point=self.name, documents=", ".join(expired.mapped("name"))
            ))

    def _check_approvable(self):
        """What approving the point needs (docs/service-network.md §2, §6)."""
        self.ensure_one()
        missing = []
        open_checks = self.check_ids.filtered(lambda check: check.result not in ("pass", "na"))
        if not self.check_ids or open_checks:
            missing.append(self.env._("the on-site review passed on every check"))
        if not self.reviewed_by_id or not self.reviewed_on:
            missing.append(self.env._("who reviewed it and when"))
        if not self.document_ids:
            missing.append(self.env._("its qualification documents"))
        if self.kind == "outsourced" and not self.rate_ids:
            missing.append(self.env._("its rate card"))
        untrained = self.technician_ids.filtered(lambda technician: not technician._initial_training())
        if untrained:
            missing.append(self.env._(
                "the initial training of %(technicians)s", technicians=", ".join(untrained.mapped("name"))
            ))
        if missing:
            raise UserError(self.env._(
                "%(point)s cannot be approved without %(missing)s.", point=self.name, missing="; ".join(missing)
            ))
        self._check_documents_valid()

    def _dispatch_issue(self):
        """Why no new visit may go to the point, if anything: not approved, or a document expired
        (docs/service-network.md §2)."""
        self.ensure_one()
        if self.state != "approved" or not self.active:
            state = dict(self._fields["state"]._description_selection(self.env))[self.state]
            return self.env._("%(point)s is %(state)s, not approved", point=self.name, state=state.lower())
        if self.document_issue:
            return self.env._("%(point)s: %(issue)s", point=self.name, issue=self.document_issue)
        return ""

    @api.model
    def _covering_domain(self, partner):
        """The approved points of the partner's company covering the partner's region (docs/service-network.md §1)."""
        if not partner.country_id:
            return [("id", "=", False)]
        domain = [("state", "=", "approved"), ("country_ids", "in", partner.country_id.ids)]
        region = [("state_ids", "=", False)]
        if partner.state_id:
            region = ["|", ("state_ids", "=", False), ("state_ids", "in", partner.state_id.ids)]
        return domain + region

    @api.model
    def _suggest(self, partner, company, service_type=None):
        """The point to send to ``partner``: an approved point of ``company`` covering their region and offering the
        service, the one naming their state / province first, our own before an outsourced one
        (docs/service-network.md §1)."""
        domain = [*self._covering_domain(partner), ("company_id", "=", company.id)]
        if service_type:
            domain.append(("rate_ids.service_type", "=", service_type))
        points = self.search(domain)
        return points.sorted(lambda point: (
            not (partner.state_id and partner.state_id in point.state_ids), point.kind != "own", point.name, point.id,
        ))[:1]

    @api.model
    def _cron_remind(self):
        """Daily: documents expiring within the notice period, summaries overdue, certificates to renew each give the
        responsible one to-do (docs/service-network.md §2-§6)."""
        self.env["aftersales.service.point.document"]._remind_expiring()
        self.env["aftersales.service.point.summary"]._open_quarter_and_remind()
        self.env["aftersales.technician"]._remind_certificates()
        self._remind_evaluations()

    @api.model
    def _remind_evaluations(self):
        """An approved point not evaluated for a year gives its responsible a to-do (docs/service-network.md §3)."""
        year_ago = fields.Date.context_today(self) - relativedelta(years=1)
        points = self.search([
            ("state", "=", "approved"), ("approved_on", "<=", year_ago),
            ("evaluation_ids", "not any", [("date", ">", year_ago)]),
        ])
        for point in points:
            point._remind(self.env._("Yearly evaluation of %(point)s", point=point.name), point.user_id)
