from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from ..selections import VISIT_STATES, VISIT_TYPES


class AftersalesReturnVisit(models.Model):
    """A call or visit to the customer after an RMA, a repair or a complaint closed (docs/satisfaction.md §1)."""

    _name = "aftersales.return.visit"
    _description = "Return Visit"
    _inherit = ["aftersales.document.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_planned desc, id desc"
    _aftersales_sequence = ("aftersales.return.visit", "RV/%(year)s/")
    _deletable_states = ("planned", "cancel")
    _check_company_auto = True
    _workflow_fields = ("state", "date_done")
    _frozen_fields = ("rma_id", "repair_id", "complaint_id")
    _locked_fields = {
        "can_edit_visit": (
            "partner_id", "visit_type", "user_id", "date_planned", "product_id", "lot_id", "outcome",
            "satisfaction_level_id",
        ),
    }

    # Fields -----------------------------------------------------------------------------------

    user_id = fields.Many2one(
        "res.users", string="Assigned To", default=lambda self: self._default_user(), tracking=True, check_company=True,
        index=True,
    )
    date_planned = fields.Date(
        string="Planned On", required=True, default=lambda self: self.env.company._aftersales_today(), tracking=True,
        index=True,
    )
    date_done = fields.Date(string="Done On", readonly=True, copy=False, tracking=True)
    visit_type = fields.Selection(VISIT_TYPES, string="Type", default="phone", required=True, tracking=True)
    rma_id = fields.Many2one(
        "aftersales.rma", string="RMA", index="btree_not_null", check_company=True, readonly=True, ondelete="restrict"
    )
    repair_id = fields.Many2one(
        "repair.order", index="btree_not_null", check_company=True, readonly=True, ondelete="restrict"
    )
    complaint_id = fields.Many2one(
        "aftersales.complaint", index="btree_not_null", check_company=True, readonly=True, ondelete="restrict"
    )
    product_id = fields.Many2one("product.product", check_company=True)
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", check_company=True, domain="[('product_id', '=?', product_id)]"
    )
    state = fields.Selection(
        VISIT_STATES, group_expand=True, default="planned", required=True, readonly=True, copy=False, tracking=True,
        index=True,
    )
    outcome = fields.Text(help="What the customer said, in their words.")
    satisfaction_level_id = fields.Many2one("aftersales.satisfaction.level", string="Satisfaction", tracking=True)
    satisfaction_score = fields.Float(
        compute="_compute_satisfaction_score", store=True, aggregator="avg", digits=(5, 1),
        help="The satisfaction level's coefficient when the visit was recorded, on a scale of 100; averaged in reports.",
    )
    complaint_ids = fields.One2many("aftersales.complaint", "return_visit_id", string="Complaints Raised")
    complaint_count = fields.Integer(compute="_compute_complaint_count")
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue")
    can_edit_visit = fields.Boolean(compute="_compute_can")
    can_record = fields.Boolean(compute="_compute_can")
    can_cancel = fields.Boolean(compute="_compute_can")
    can_reset = fields.Boolean(compute="_compute_can")
    can_create_complaint = fields.Boolean(compute="_compute_can")

    _one_source = models.Constraint(
        "CHECK (num_nonnulls(rma_id, repair_id, complaint_id) = 1)",
        "A return visit follows exactly one RMA, repair or complaint.",
    )
    _one_planned_per_rma = models.UniqueIndex(
        "(rma_id) WHERE state = 'planned'", "This RMA already has a planned return visit."
    )
    _one_planned_per_repair = models.UniqueIndex(
        "(repair_id) WHERE state = 'planned'", "This repair already has a planned return visit."
    )
    _one_planned_per_complaint = models.UniqueIndex(
        "(complaint_id) WHERE state = 'planned'", "This complaint already has a planned return visit."
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("satisfaction_level_id")
    def _compute_satisfaction_score(self):
        """The score is copied when the level is chosen: later level edits keep recorded visits
        (docs/satisfaction.md §1)."""
        for visit in self:
            visit.satisfaction_score = visit.satisfaction_level_id.coefficient * 100

    @api.depends("complaint_ids")
    def _compute_complaint_count(self):
        for visit in self:
            visit.complaint_count = len(visit.complaint_ids)

    @api.depends("state", "date_planned")
    def _compute_is_overdue(self):
        for visit in self:
            visit.is_overdue = visit.state == "planned" and visit.date_planned < visit.company_id._aftersales_today()

    def _search_is_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = [("state", "=", "planned"), ("date_planned", "<", self.env.company._aftersales_today())]
        return domain if (operator == "in") == (True in value) else ["!", *domain]

    @api.depends("state")
    def _compute_can(self):
        """What can be done with the visit now: the buttons shown and the actions' own guards
        (docs/satisfaction.md §1)."""
        for visit in self:
            visit.can_edit_visit = visit.can_record = visit.can_cancel = visit.state == "planned"
            visit.can_reset = visit.state == "cancel"
            visit.can_create_complaint = visit.state in ("planned", "done")

    # CRUD -------------------------------------------------------------------------------------

    def _delete_refusal(self):
        return self.env._("Only planned or cancelled return visits can be deleted.")

    # Actions ----------------------------------------------------------------------------------

    def action_done(self):
        """Record the visit: outcome and satisfaction level, on the day it was made (docs/satisfaction.md §1)."""
        self._start_transition("can_record")
        self._check_outcome()
        for company, visits in self.grouped("company_id").items():
            visits._workflow().write({"state": "done", "date_done": company._aftersales_today()})
        self.activity_feedback(["mail.mail_activity_data_todo"])

    def action_cancel(self):
        """The visit will not take place (the customer cannot be reached, a duplicate)."""
        self._start_transition("can_cancel").write({"state": "cancel"})
        self.activity_unlink(["mail.mail_activity_data_todo"])

    def action_reset(self):
        """A cancelled visit is planned again, its to-do with it."""
        self._start_transition("can_reset").write({"state": "planned"})
        self._schedule_activities()

    def action_create_complaint(self):
        """Dissatisfaction heard during a visit becomes a complaint, escalated within hours (docs/satisfaction.md §1)."""
        self.ensure_one()
        self._check_can("can_create_complaint")
        return {
            "type": "ir.actions.act_window",
            "res_model": "aftersales.complaint",
            "view_mode": "form",
            "name": self.env._("Complaint"),
            "context": {
                "default_return_visit_id": self.id,
                "default_channel": "return_visit",
                "default_partner_id": self.partner_id.id,
                "default_product_id": self.product_id.id,
                "default_lot_id": self.lot_id.id,
                "default_company_id": self.company_id.id,
                "default_description": plaintext2html(self.outcome or ""),
            },
        }

    def action_view_complaints(self):
        self.ensure_one()
        return self._action_documents("aftersales.complaint", self.complaint_ids, self.env._("Complaints"))

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _schedule_for(self, sources_sudo, closed_on):
        """Return visits follow closed RMAs, repairs and complaints, after the company's delay from the day each
        closed (``closed_on``: source → date), never twice while one is planned (docs/satisfaction.md §1)."""
        # A warehouse or repair user may close the source without after-sales rights.
        visits_sudo = self.sudo()
        source_field = sources_sudo._return_visit_field
        planned_sudo = visits_sudo.search([(source_field, "in", sources_sudo.ids), ("state", "=", "planned")])
        # Planned by the workflow: no creation note, and the assigned user follows through the to-do.
        visits_sudo = visits_sudo._workflow().with_context(mail_create_nolog=True, mail_create_nosubscribe=True).create([
            source_sudo._prepare_return_visit_values(closed_on[source_sudo])
            for source_sudo in sources_sudo - planned_sudo[source_field]
        ])
        visits_sudo._schedule_activities()
        return visits_sudo.sudo(False)

    def _schedule_activities(self):
        """The assigned user gets a to-do on the planned date (docs/satisfaction.md §1)."""
        for (user, date_planned), visits in self.grouped(lambda visit: (visit.user_id, visit.date_planned)).items():
            visits.activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=date_planned, user_id=user.id,
                summary=self.env._("Return visit to the customer"),
            )

    @api.model
    def _planned_date(self, company, closed_on):
        """Planned the company's delay after the source closed (docs/satisfaction.md §1)."""
        return closed_on + timedelta(days=company.aftersales_return_visit_days)

    def _check_outcome(self):
        """A return visit is recorded with what the customer said and their satisfaction level
        (docs/satisfaction.md §1)."""
        incomplete = self.filtered(lambda visit: not (visit.outcome or "").strip() or not visit.satisfaction_level_id)
        if incomplete:
            raise UserError(self.env._(
                "%(visits)s: record the customer's words and satisfaction level first.",
                visits=", ".join(incomplete.mapped("name")),
            ))
