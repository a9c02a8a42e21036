from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

VISIT_STATES = [("planned", "Planned"), ("done", "Done"), ("cancel", "Cancelled")]
VISIT_TYPES = [("phone", "Phone Call"), ("onsite", "On-Site Visit"), ("email", "E-mail")]

# Source field of a return visit, per model of the document it follows.
VISIT_SOURCES = {"aftersales.rma": "rma_id", "repair.order": "repair_id", "aftersales.complaint": "complaint_id"}


class AftersalesReturnVisit(models.Model):
    _name = "aftersales.return.visit"
    _description = "Return Visit"
    _inherit = ["aftersales.document.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_planned desc, id desc"
    _aftersales_sequence = ("aftersales.return.visit", "RV/%(year)s/")
    _check_company_auto = True

    user_id = fields.Many2one(
        "res.users", string="Assigned To", default=lambda self: self.env.user, tracking=True, check_company=True,
        index=True,
    )
    date_planned = fields.Date(
        string="Planned On", required=True, default=fields.Date.context_today, tracking=True, index=True
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
    state = fields.Selection(VISIT_STATES, default="planned", required=True, copy=False, tracking=True, index=True)
    outcome = fields.Text(help="What the customer said, in their words.")
    satisfaction_level_id = fields.Many2one("aftersales.satisfaction.level", string="Satisfaction", tracking=True)
    satisfaction_score = fields.Float(
        compute="_compute_satisfaction_score", store=True, aggregator="avg", digits=(5, 1),
        help="The satisfaction level's coefficient when the visit was recorded, on a scale of 100; averaged in reports.",
    )
    complaint_ids = fields.One2many("aftersales.complaint", "return_visit_id", string="Complaints Raised")
    complaint_count = fields.Integer(compute="_compute_complaint_count")
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue", string="Overdue")

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

    @api.depends("satisfaction_level_id")
    def _compute_satisfaction_score(self):
        """The score is copied when the level is chosen: later level edits keep recorded visits (SPEC 5)."""
        for visit in self:
            visit.satisfaction_score = visit.satisfaction_level_id.coefficient * 100

    @api.depends("complaint_ids")
    def _compute_complaint_count(self):
        for visit in self:
            visit.complaint_count = len(visit.complaint_ids)

    @api.depends("state", "date_planned")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for visit in self:
            visit.is_overdue = visit.state == "planned" and visit.date_planned < today

    def _search_is_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = [("state", "=", "planned"), ("date_planned", "<", fields.Date.context_today(self))]
        return domain if (operator == "in") == (True in value) else ["!", *domain]

    @api.ondelete(at_uninstall=False)
    def _unlink_only_planned_or_cancelled(self):
        """A done return visit is a record of the customer's satisfaction: never deleted (SPEC 5, 7)."""
        if any(visit.state == "done" for visit in self):
            raise UserError(self.env._("Only planned or cancelled return visits can be deleted."))

    @api.model
    def _schedule_for(self, sources):
        """Return visits follow closed RMAs, repairs and complaints, after the company's delay (SPEC 5, [002] 4.7)."""
        # A warehouse or repair user may close the source without after-sales rights.
        visits = self.sudo()
        source_field = VISIT_SOURCES[sources._name]
        sources = sources._return_visit_customers()
        planned = visits.search([(source_field, "in", sources.ids), ("state", "=", "planned")])
        visits = visits.create([source._return_visit_values() for source in sources - planned[source_field]])
        visits._schedule_activities()
        return visits.sudo(False)

    def _schedule_activities(self):
        """The assigned user gets a to-do on the planned date (SPEC 5)."""
        for (user, date_planned), visits in self.grouped(lambda visit: (visit.user_id, visit.date_planned)).items():
            visits.activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=date_planned, user_id=user.id,
                summary=self.env._("Return visit to the customer"),
            )

    @api.model
    def _planned_date(self, company, closed_on):
        """Planned the company's delay after the source closed (SPEC 5, [002] 4.7)."""
        return closed_on + timedelta(days=company.aftersales_return_visit_days)

    def _check_outcome(self):
        """A return visit is recorded with what the customer said and their satisfaction level (SPEC 5)."""
        incomplete = self.filtered(lambda visit: not (visit.outcome or "").strip() or not visit.satisfaction_level_id)
        if incomplete:
            raise UserError(self.env._(
                "%(visits)s: record the customer's words and satisfaction level first.",
                visits=", ".join(incomplete.mapped("name")),
            ))

    def action_done(self):
        """Record the visit: outcome and satisfaction level, on the day it was made (SPEC 5)."""
        self._check_state("planned")
        self._check_outcome()
        self.write({"state": "done", "date_done": fields.Date.context_today(self)})
        self.activity_feedback(["mail.mail_activity_data_todo"])

    def action_cancel(self):
        """The visit will not take place (the customer cannot be reached, a duplicate)."""
        self._check_state("planned")
        self.write({"state": "cancel"})
        self.activity_unlink(["mail.mail_activity_data_todo"])

    def action_reset(self):
        """A cancelled visit is planned again, its to-do with it."""
        self._check_state("cancel")
        self.write({"state": "planned"})
        self._schedule_activities()

    def action_create_complaint(self):
        """Dissatisfaction heard during a visit becomes a complaint, escalated within hours (SPEC 5, [002] 4.7)."""
        self.ensure_one()
        self._check_state("planned", "done")
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


class AftersalesReturnVisitSource(models.AbstractModel):
    """What RMAs, repairs and complaints share as the source of return visits."""

    _name = "aftersales.return.visit.source"
    _description = "Source of Return Visits"

    return_visit_count = fields.Integer(compute="_compute_return_visit_count", string="Return Visits")

    def _compute_return_visit_count(self):
        counts = dict(self.env["aftersales.return.visit"]._read_group(
            [(VISIT_SOURCES[self._name], "in", self.ids)], [VISIT_SOURCES[self._name]], ["__count"]
        ))
        for source in self:
            source.return_visit_count = counts.get(source, 0)

    def _aftersales_schedule_return_visits(self):
        """Closing schedules the return visit, once while it is planned (SPEC 5, [002] 4.7)."""
        return self.env["aftersales.return.visit"]._schedule_for(self)

    def _return_visit_values(self):
        """Customer, unit, responsible and date of the visit following this document (SPEC 5)."""
        self.ensure_one()
        company = self.company_id
        product, lot = self._return_visit_unit()
        return {
            VISIT_SOURCES[self._name]: self.id,
            "company_id": company.id,
            "partner_id": self.partner_id.commercial_partner_id.id,
            "user_id": (self.user_id or company.aftersales_complaint_manager_id).id,
            "date_planned": self.env["aftersales.return.visit"]._planned_date(company, self._return_visit_closed_on()),
            "product_id": product.id,
            "lot_id": lot.id,
        }

    def _return_visit_customers(self):
        """Only documents with a customer are followed by a visit: an internal repair has nobody to ask."""
        return self.filtered("partner_id")

    def _return_visit_unit(self):
        """The product and serial the visit asks about."""
        return self.product_id, self.lot_id

    def _return_visit_closed_on(self):
        """The day the document closed, in the user's time zone."""
        return fields.Date.context_today(self)

    def action_view_return_visits(self):
        self.ensure_one()
        visits = self.env["aftersales.return.visit"].search([(VISIT_SOURCES[self._name], "=", self.id)])
        return self.env["aftersales.return.visit"]._action_documents(
            "aftersales.return.visit", visits, self.env._("Return Visits")
        )


class AftersalesComplaint(models.Model):
    _name = "aftersales.complaint"
    _inherit = ["aftersales.complaint", "aftersales.return.visit.source"]

    return_visit_id = fields.Many2one(
        "aftersales.return.visit", string="Raised During Visit", index="btree_not_null", check_company=True,
        readonly=True, copy=False, help="The return visit during which the customer raised this complaint.",
    )

    def _return_visit_closed_on(self):
        return fields.Date.context_today(self, self.closed_date)

    def _close_confirmed(self, confirmation):
        """A closed complaint is followed by a return visit (SPEC 5, [002] 4.7)."""
        result = super()._close_confirmed(confirmation)
        self._aftersales_schedule_return_visits()
        return result


class AftersalesRma(models.Model):
    _name = "aftersales.rma"
    _inherit = ["aftersales.rma", "aftersales.return.visit.source"]

    def _return_visit_unit(self):
        """The unit a visit asks about: the RMA's one product, and its serial when one unit came back."""
        products, lots = self.line_ids.product_id, self.line_ids.lot_id
        product = products if len(products) == 1 else products.browse()
        return product, lots if product and len(lots) == 1 and len(self.line_ids) == 1 else lots.browse()

    def _completion_progress(self):
        done = super()._completion_progress()
        done._aftersales_schedule_return_visits()
        return done


class RepairOrder(models.Model):
    _name = "repair.order"
    _inherit = ["repair.order", "aftersales.return.visit.source"]

    def action_repair_done(self):
        result = super().action_repair_done()
        self._return_visit_repairs()._aftersales_schedule_return_visits()
        return result

    def _return_visit_repairs(self):
        """Repairs of an RMA are followed by the RMA's own visit, not one each (SPEC 5)."""
        return self.filtered(lambda repair: repair.state == "done" and not repair.aftersales_rma_id)
