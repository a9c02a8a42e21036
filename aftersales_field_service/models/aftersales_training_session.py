from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .aftersales_service_point import MANAGER_GROUP
from ..selections import TRAINING_KINDS, TRAINING_STATES


class AftersalesTrainingSession(models.Model):
    """A training of technicians (ours and the points' staff): planned from a need, held, its results recorded and
    kept five years; the planned sessions of a year are its training plan (docs/service-network.md §6)."""

    _name = "aftersales.training.session"
    _description = "Training Session"
    _inherit = ["aftersales.protected.fields.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _workflow_fields = ("state",)
    _locked_fields = {"can_edit": ("name", "kind", "date", "hours", "trainer", "attendee_ids", "point_id")}

    # Fields -----------------------------------------------------------------------------------

    name = fields.Char(string="Subject", required=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    kind = fields.Selection(TRAINING_KINDS, required=True, default="annual", tracking=True)
    need = fields.Text(help="Why the training is held: the need it answers.")
    point_id = fields.Many2one(
        "aftersales.service.point", string="For Service Point", check_company=True, index="btree_not_null",
        help="The point whose staff the session trains, e.g. before it opens.",
    )
    trainer = fields.Char(required=True)
    date = fields.Date(required=True, index=True, tracking=True)
    year = fields.Integer(compute="_compute_year", store=True, string="Plan Year")
    hours = fields.Float(required=True, default=8.0)
    state = fields.Selection(TRAINING_STATES, default="planned", required=True, readonly=True, tracking=True)
    attendee_ids = fields.One2many("aftersales.training.attendee", "session_id", string="Attendees", copy=True)
    attendee_count = fields.Integer(compute="_compute_attendee_count", string="Attendees Count")
    can_edit = fields.Boolean(compute="_compute_can")
    can_record = fields.Boolean(compute="_compute_can")
    can_done = fields.Boolean(compute="_compute_can")
    can_cancel = fields.Boolean(compute="_compute_can")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("date")
    def _compute_year(self):
        for session in self:
            session.year = session.date.year if session.date else 0

    @api.depends("attendee_ids")
    def _compute_attendee_count(self):
        for session in self:
            session.attendee_count = len(session.attendee_ids)

    @api.depends("state")
    @api.depends_context("uid")
    def _compute_can(self):
        """The plan and its results are edited until the session is held, by whoever may write it (managers); a
        manager marks it held or cancels it (docs/service-network.md §6)."""
        manager = self.env.user.has_group(MANAGER_GROUP)
        for session in self:
            session.can_edit = session.state == "planned"
            session.can_record = session.state == "planned"
            session.can_done = session.state == "planned" and manager
            session.can_cancel = session.state == "planned" and manager

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("hours")
    def _check_hours(self):
        if any(session.hours <= 0 for session in self):
            raise ValidationError(self.env._("A training lasts some hours."))

    # CRUD -------------------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_kept_records(self):
        """Sessions held are records kept five years (docs/service-network.md §6)."""
        limit = fields.Date.context_today(self) - relativedelta(years=5)
        kept = self.filtered(lambda session: session.state == "done" and session.date > limit)
        if kept:
            raise UserError(self.env._(
                "%(sessions)s: training records are kept five years.", sessions=", ".join(kept.mapped("name"))
            ))

    # Actions ----------------------------------------------------------------------------------

    def action_done(self):
        """The session was held: every attendee's result is given; passed attendees' certificates are renewed to the
        date given (docs/service-network.md §6)."""
        self._check_can("can_done")
        for session in self:
            if not session.attendee_ids:
                raise UserError(self.env._("%(session)s: list who attended.", session=session.name))
            if session.date > fields.Date.context_today(self):
                raise UserError(self.env._("%(session)s is still to come.", session=session.name))
            missing = session.attendee_ids.filtered(lambda attendee: not attendee.result)
            if missing:
                raise UserError(self.env._(
                    "%(session)s: give the result of %(technicians)s.",
                    session=session.name, technicians=", ".join(missing.technician_id.mapped("name")),
                ))
        self._workflow().write({"state": "done"})
        self.attendee_ids._renew_certificates()

    def action_cancel(self):
        self._check_can("can_cancel")
        self._workflow().write({"state": "cancel"})
