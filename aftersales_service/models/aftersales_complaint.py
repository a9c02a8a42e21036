from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import is_html_empty

from ..selections import (
    COMPLAINT_CHANNELS,
    COMPLAINT_KINDS,
    COMPLAINT_PRIORITIES,
    COMPLAINT_STATES,
    DIMENSIONS,
    OPEN_COMPLAINT_STATES,
    RESPONSIBILITIES,
)

# What picks the service-level policy or sets the deadlines: a change re-plans them (docs/sla.md §4).
SLA_PLAN_INPUTS = {"partner_id", "kind", "priority", "channel", "date_received", "onsite_required"}
# What a satisfaction survey deducts for: a change refreshes the draft surveys (docs/satisfaction.md §3).
DEDUCTION_INPUTS = {"partner_id", "verified", "responsibility", "dimension", "date_received", "state", "company_id"}


class AftersalesComplaint(models.Model):
    """A call, letter, visit, e-mail or portal message of a customer, handled under service-level deadlines
    (docs/complaints.md, docs/sla.md)."""

    _name = "aftersales.complaint"
    _description = "Customer Complaint and Feedback"
    _inherit = [
        "aftersales.document.mixin", "aftersales.sla.mixin", "aftersales.return.visit.source",
        "aftersales.portal.mixin", "aftersales.portal.fields.mixin", "mail.thread", "mail.activity.mixin",
    ]
    _return_visit_field = "complaint_id"
    _portal_readable_fields = (
        "channel", "closed_date", "company_id", "customer_tz", "contact_name", "customer_confirmation",
        "date_received", "delivery_record_id", "description", "dimension", "first_response_date", "kind", "lot_id",
        "name", "onsite_date", "onsite_deadline", "onsite_required", "partner_id", "paused_clock_hours",
        "paused_since", "paused_working_hours", "preferred_contact", "preferred_onsite_end", "preferred_onsite_start",
        "priority", "product_id", "received_day", "resolution", "resolution_deadline", "resolution_hours",
        "resolution_start", "resolved_date", "response_deadline", "response_hours", "restart_paused_clock_hours",
        "restart_paused_working_hours", "return_visit_count", "rma_ids", "sale_order_id", "sla_met_percent",
        "sla_next_deadline", "sla_paused", "sla_state", "state", "subject", "user_id", "waiting_customer",
    )
    _order = "date_received desc, id desc"
    _portal_path = "/my/complaints"
    _aftersales_sequence = ("aftersales.complaint", "CPL/%(year)s/")
    _deletable_states = ("new", "cancel")
    _aftersales_sequence_date_field = "date_received"
    _aftersales_mail_templates = {
        "acknowledged": "aftersales_service.mail_template_complaint_acknowledged",
        "resolved": "aftersales_service.mail_template_complaint_resolved",
    }
    _check_company_auto = True
    _sla_open_states = OPEN_COMPLAINT_STATES
    _sla_start_field = "date_received"
    _workflow_fields = ("state", "closed_date", "customer_confirmation")
    _frozen_fields = ("return_visit_id",)
    _folded_states = ("closed", "cancel")
    _locked_fields = {
        "can_edit_intake": ("partner_id", "channel", "date_received", "contact_name"),
        "can_edit_handling": (
            "kind", "priority", "dimension", "subject", "description", "preferred_contact", "preferred_onsite_start",
            "preferred_onsite_end", "onsite_required", "product_id", "lot_id",
            "sale_order_id", "delivery_record_id", "root_cause", "responsibility", "department_id", "verified",
            "resolution", "user_id",
        ),
    }

    # Fields -----------------------------------------------------------------------------------

    contact_name = fields.Char(string="Contact Person", help="Who called, wrote or visited.")
    subject = fields.Char(tracking=True, help="The feedback in a few words.")
    preferred_contact = fields.Char(help="How and when the customer wants to be reached.")
    preferred_onsite_start = fields.Datetime(string="On Site Wished From", help="When the customer can receive us.")
    preferred_onsite_end = fields.Datetime(string="On Site Wished Until")
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self._default_user(), tracking=True, check_company=True,
        index=True,
    )
    channel = fields.Selection(COMPLAINT_CHANNELS, default="phone", required=True, tracking=True)
    kind = fields.Selection(COMPLAINT_KINDS, default="complaint", required=True, tracking=True)
    dimension = fields.Selection(DIMENSIONS, tracking=True, help="The satisfaction dimension it concerns.")
    priority = fields.Selection(COMPLAINT_PRIORITIES, default="0", required=True, tracking=True)
    description = fields.Html(help="What the customer says, in their words.")
    date_received = fields.Datetime(
        string="Received On", required=True, default=fields.Datetime.now, tracking=True, index=True
    )
    received_day = fields.Date(
        compute="_compute_received_day", store=True,
        help="The day the feedback came in, in the company's time zone: reports count by it.",
    )
    state = fields.Selection(
        COMPLAINT_STATES, group_expand=True, default="new", required=True, readonly=True, copy=False, tracking=True,
        index=True,
    )

    product_id = fields.Many2one("product.product", check_company=True)
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", check_company=True,
        domain="[('product_id', '=?', product_id), ('aftersales_delivery_record_ids.partner_id', '=', partner_id)]",
        help="A serial number among the customer's own deliveries.",
    )
    sale_order_id = fields.Many2one(
        "sale.order", index="btree_not_null", check_company=True,
        domain="[('partner_id', 'child_of', partner_id), ('state', '=', 'sale')]",
    )
    delivery_record_id = fields.Many2one(
        "aftersales.delivery.record",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', '=', partner_id), ('product_id', '=?', product_id)]",
        help="The delivered unit concerned, among the customer's own deliveries.",
    )
    rma_ids = fields.One2many("aftersales.rma", "complaint_id", string="RMAs")
    repair_ids = fields.One2many("repair.order", "aftersales_complaint_id", string="Repairs")
    rma_count = fields.Integer(compute="_compute_follow_up_counts", string="RMA Count")
    repair_count = fields.Integer(compute="_compute_follow_up_counts")
    follow_up_progress = fields.Char(compute="_compute_follow_up_counts", string="RMAs and Repairs")
    return_visit_id = fields.Many2one(
        "aftersales.return.visit", string="Raised During Visit", index="btree_not_null", check_company=True,
        readonly=True, copy=False, help="The return visit during which the customer raised this complaint.",
    )

    root_cause = fields.Text(tracking=True)
    responsibility = fields.Selection(RESPONSIBILITIES, tracking=True)
    department_id = fields.Many2one("aftersales.department", string="Responsible Department", tracking=True)
    verified = fields.Boolean(tracking=True, help="The investigation confirmed the customer's complaint.")
    company_caused = fields.Boolean(
        compute="_compute_company_caused",
        store=True,
        help="Verified complaint whose responsibility lies with one of our departments.",
    )
    action_ids = fields.One2many("aftersales.corrective.action", "complaint_id", string="Actions")
    resolution = fields.Html(help="What was done for the customer, or the plan communicated for complex cases.")
    customer_confirmation = fields.Text(
        readonly=True, copy=False, help="How and by whom the customer confirmed the resolution."
    )
    closed_date = fields.Datetime(readonly=True, copy=False)

    can_edit_intake = fields.Boolean(compute="_compute_can")
    can_edit_handling = fields.Boolean(compute="_compute_can")
    can_acknowledge = fields.Boolean(compute="_compute_can")
    can_investigate = fields.Boolean(compute="_compute_can")
    can_register_onsite = fields.Boolean(compute="_compute_can")
    can_resolve = fields.Boolean(compute="_compute_can")
    can_close = fields.Boolean(compute="_compute_can")
    can_reopen = fields.Boolean(compute="_compute_can")
    can_cancel = fields.Boolean(compute="_compute_can")
    can_reset = fields.Boolean(compute="_compute_can")
    can_create_rma = fields.Boolean(compute="_compute_can")
    can_create_repair = fields.Boolean(compute="_compute_can")
    can_customer_respond = fields.Boolean(
        compute="_compute_can", help="The customer may confirm the resolution on the portal, or say it did not solve "
                                     "the problem.",
    )

    _open_sla_idx = models.Index("(sla_next_deadline, sla_risk_date) WHERE state IN ('new', 'acknowledged', 'investigating')")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("verified", "responsibility")
    def _compute_company_caused(self):
        for complaint in self:
            complaint.company_caused = complaint.verified and complaint.responsibility == "department"

    @api.depends("date_received", "company_id")
    def _compute_received_day(self):
        for complaint in self:
            complaint.received_day = complaint.company_id._aftersales_date(complaint.date_received)

    @api.depends("kind")
    def _compute_onsite_required(self):
        """Complaints and service requests call for someone on site (docs/sla.md §2)."""
        for complaint in self:
            complaint.onsite_required = complaint.kind in ("complaint", "service_request")

    @api.depends("rma_ids.state", "repair_ids.state")
    def _compute_follow_up_counts(self):
        for complaint in self:
            complaint.rma_count = len(complaint.rma_ids)
            complaint.repair_count = len(complaint.repair_ids)
            open_count = len(complaint.rma_ids.filtered(lambda r: r.state not in ("done", "cancel"))) + len(
                complaint.repair_ids.filtered(lambda r: r.state not in ("done", "cancel"))
            )
            total = complaint.rma_count + complaint.repair_count
            complaint.follow_up_progress = total and self.env._(
                "%(done)s of %(total)s done", done=total - open_count, total=total
            )

    @api.depends("state", "onsite_required", "onsite_date", "product_id")
    def _compute_can(self):
        """What can be done with the complaint now: the buttons shown and the actions' own guards
        (docs/complaints.md §2)."""
        for complaint in self:
            state = complaint.state
            is_open = state in OPEN_COMPLAINT_STATES
            complaint.can_edit_intake = state == "new"
            complaint.can_edit_handling = is_open
            complaint.can_acknowledge = state == "new"
            complaint.can_investigate = state in ("new", "acknowledged")
            complaint.can_register_onsite = is_open and complaint.onsite_required and not complaint.onsite_date
            complaint.can_resolve = state in ("acknowledged", "investigating")
            complaint.can_close = state == "resolved"
            complaint.can_reopen = state in ("resolved", "closed")
            complaint.can_cancel = is_open or state == "resolved"
            complaint.can_reset = state == "cancel"
            complaint.can_create_rma = is_open or state == "resolved"
            complaint.can_create_repair = (is_open or state == "resolved") and bool(complaint.product_id)
            complaint.can_customer_respond = state == "resolved"

    # Onchanges --------------------------------------------------------------------------------

    @api.onchange("delivery_record_id")
    def _onchange_delivery_record_id(self):
        record = self.delivery_record_id
        if record:
            self.product_id = record.product_id
            self.lot_id = record.lot_id
            self.sale_order_id = record.sale_order_id

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        if self.lot_id and self.partner_id and self.delivery_record_id.lot_id != self.lot_id:
            self.product_id = self.lot_id.product_id
            self.delivery_record_id = self._customer_records(self.lot_id)[:1]

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("delivery_record_id", "lot_id", "product_id", "partner_id")
    def _check_customer_unit(self):
        """A complaint concerns the customer's own deliveries only (docs/complaints.md §1)."""
        for complaint in self:
            customer = complaint.partner_id.commercial_partner_id
            record = complaint.delivery_record_id
            self.env["aftersales.delivery.record"]._check_lot_of_product(complaint.lot_id, complaint.product_id)
            if record and record.partner_id != customer:
                raise ValidationError(self.env._(
                    "%(unit)s was not delivered to %(customer)s.", unit=record.display_name, customer=customer.name,
                ))
            if record and (
                (complaint.lot_id and complaint.lot_id != record.lot_id)
                or (complaint.product_id and complaint.product_id != record.product_id)
            ):
                raise ValidationError(self.env._(
                    "%(unit)s is another unit than the serial number or product given.", unit=record.display_name,
                ))
            if complaint.lot_id and not complaint._customer_records(complaint.lot_id):
                raise ValidationError(self.env._(
                    "%(serial)s was not delivered to %(customer)s.", serial=complaint.lot_id.name, customer=customer.name,
                ))

    @api.constrains("preferred_onsite_start", "preferred_onsite_end")
    def _check_preferred_onsite(self):
        """The customer's window for a visit ends after it starts (docs/portal.md §5)."""
        for complaint in self:
            start, end = complaint.preferred_onsite_start, complaint.preferred_onsite_end
            if start and end and end < start:
                raise ValidationError(self.env._("The wished on-site window cannot end before it starts."))

    @api.constrains("date_received")
    def _check_date_received(self):
        """Feedback is registered when it has come, never in the future (docs/complaints.md §1)."""
        now = fields.Datetime.now()
        if any(complaint.date_received > now for complaint in self):
            raise ValidationError(self.env._("A complaint cannot be received in the future."))

    # CRUD -------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        complaints._plan_sla()
        self.env["aftersales.survey"]._complaints_changed(complaints)
        return complaints

    def write(self, vals):
        customers = self.partner_id if "partner_id" in vals else self.partner_id.browse()
        result = super().write(vals)
        if SLA_PLAN_INPUTS.intersection(vals):
            self._plan_sla()
        if DEDUCTION_INPUTS.intersection(vals):
            self.env["aftersales.survey"]._complaints_changed(self, customers)
        return result

    def _delete_refusal(self):
        return self.env._("Only new or cancelled complaints can be deleted.")

    # Actions ----------------------------------------------------------------------------------

    def action_acknowledge(self):
        """First answer to the customer: the response target is met now (docs/complaints.md §2)."""
        self._start_transition("can_acknowledge")._write_with_response({"state": "acknowledged"})
        self._notify_customer("acknowledged")

    def action_investigate(self):
        """Start the investigation of cause and responsibility (docs/complaints.md §3)."""
        self._start_transition("can_investigate")._write_with_response({"state": "investigating"})

    def action_register_onsite(self):
        """Our technician is on the customer's site: the on-site target is met now (docs/sla.md §2)."""
        self._start_transition("can_register_onsite")._write_with_response({"onsite_date": fields.Datetime.now()})

    def action_resolve(self):
        """Resolved: what was done is recorded, corrective actions exist when due (docs/complaints.md §2)."""
        self._start_transition("can_resolve")
        unexplained = self.filtered(lambda complaint: is_html_empty(complaint.resolution))
        if unexplained:
            raise UserError(self.env._(
                "%(complaints)s: describe the resolution first.", complaints=", ".join(unexplained.mapped("name"))
            ))
        self._check_corrective_actions()
        self.filtered("waiting_customer").action_resume()
        self._write_with_response({"state": "resolved", "resolved_date": fields.Datetime.now()})
        self._notify_customer("resolved")

    def action_close(self):
        """Closing needs the customer's confirmation: asked in a wizard (docs/complaints.md §2)."""
        self._check_can("can_close")
        return {
            "type": "ir.actions.act_window",
            "res_model": "aftersales.complaint.close",
            "name": self.env._("Customer Confirmation"),
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def action_reopen(self):
        """The customer is not satisfied: back to investigation, resolution clock restarted (docs/complaints.md §2)."""
        self._start_transition("can_reopen").write(
            {"state": "investigating", "closed_date": False, "customer_confirmation": False}
        )
        self._restart_resolution_clock()

    def action_cancel(self):
        """Cancel feedback that needs no handling (a duplicate, a mistake)."""
        self._start_transition("can_cancel")
        self.filtered("waiting_customer").action_resume()
        self._workflow().write({"state": "cancel"})

    def action_reset(self):
        """A cancelled complaint goes back to new, with its original deadlines."""
        self._start_transition("can_reset").write({"state": "new", "resolved_date": False, "closed_date": False,
                                                  "customer_confirmation": False})

    def action_create_rma(self):
        """Start an RMA from the complaint, prefilled with its unit (docs/complaints.md §4)."""
        self.ensure_one()
        self._check_can("can_create_rma")
        context = self._prepare_follow_up_context()
        record = self.delivery_record_id
        if record:
            context["default_line_ids"] = record._rma_line_commands()
            if not context["default_line_ids"]:
                raise UserError(self.env._("%(unit)s was already returned or is on an open RMA.",
                                           unit=record.display_name))
        context["default_description"] = self.description
        return {
            "type": "ir.actions.act_window",
            "res_model": "aftersales.rma",
            "view_mode": "form",
            "name": self.env._("RMA"),
            "context": context,
        }

    def action_create_repair(self):
        """Start a repair from the complaint, for its unit (docs/complaints.md §4)."""
        self.ensure_one()
        self._check_can("can_create_repair")
        return {
            "type": "ir.actions.act_window",
            "res_model": "repair.order",
            "view_mode": "form",
            "name": self.env._("Repair"),
            "context": {
                "default_aftersales_complaint_id": self.id,
                "default_partner_id": self.partner_id.id,
                "default_product_id": self.product_id.id,
                "default_lot_id": self.lot_id.id,
                "default_company_id": self.company_id.id,
                "default_internal_notes": self.description,
            },
        }

    def action_view_rmas(self):
        self.ensure_one()
        return self._action_documents("aftersales.rma", self.rma_ids, self.env._("RMAs"))

    def action_view_repairs(self):
        self.ensure_one()
        return self._action_documents("repair.order", self.repair_ids, self.env._("Repairs"))

    # Business rules ---------------------------------------------------------------------------

    def _customer_records(self, lot):
        """The deliveries of ``lot`` to the complaint's customer, latest first."""
        return self.env["aftersales.delivery.record"].search(
            [("lot_id", "=", lot.id), ("partner_id", "=", self.partner_id.commercial_partner_id.id)],
            order="delivery_date desc",
        )

    def _sla_values(self):
        """What decides the SLA policy of a complaint (docs/sla.md §1)."""
        return {
            "kind": self.kind,
            "priority": self.priority,
            "customer_channel": self.partner_id.commercial_partner_id.aftersales_channel,
            "complaint_channel": self.channel,
            "region": self.partner_id.state_id,
        }

    @api.model
    def _customer_region_changed(self, partners):
        """Hook of a customer's region change: open complaints re-plan the targets not met yet (docs/sla.md §4)."""
        # Whoever edits the address re-plans the deadlines, whatever they may do on complaints.
        self.sudo().search([
            ("partner_id", "in", partners.commercial_partner_id.ids), ("state", "in", OPEN_COMPLAINT_STATES),
        ])._plan_sla()

    def _has_corrective_action(self):
        self.ensure_one()
        return bool(self.action_ids.filtered(lambda action: action.action_type == "corrective"))

    def _needs_corrective_action(self):
        """Resolved or closed, verified and caused by one of our departments (docs/complaints.md §3)."""
        self.ensure_one()
        return self.company_caused and self.state in ("resolved", "closed")

    def _check_corrective_actions(self):
        """A verified company-caused complaint needs a corrective action before it is resolved
        (docs/complaints.md §3)."""
        missing = self.filtered(lambda complaint: complaint.company_caused and not complaint._has_corrective_action())
        if missing:
            raise UserError(self.env._(
                "%(complaints)s: the complaint is verified and caused by us; record a corrective action first.",
                complaints=", ".join(missing.mapped("name")),
            ))

    def _check_resolved_corrective(self):
        """A resolved complaint caused by us keeps its corrective action (docs/complaints.md §3)."""
        self.filtered(lambda complaint: complaint._needs_corrective_action())._check_corrective_actions()

    @api.model
    def _confirmation_text(self, way, person, note=None):
        """How a customer's confirmation is recorded: the way, who, and what they said (docs/complaints.md §2)."""
        label = dict(self.env["aftersales.complaint.close"]._fields["way"]._description_selection(self.env))[way]
        confirmation = self.env._("%(way)s, by %(person)s", way=label, person=person.strip())
        return f"{confirmation}: {note}" if note else confirmation

    def _close_confirmed(self, confirmation):
        """Close with the customer's recorded confirmation; a return visit follows (docs/complaints.md §2,
        docs/satisfaction.md §1)."""
        self._start_transition("can_close").write({
            "state": "closed", "customer_confirmation": confirmation, "closed_date": fields.Datetime.now(),
        })
        self._aftersales_schedule_return_visits()

    def _prepare_follow_up_context(self):
        """Default values of an RMA or repair started from this complaint."""
        self.ensure_one()
        return {
            "default_complaint_id": self.id,
            "default_partner_id": self.partner_id.id,
            "default_sale_order_id": self.sale_order_id.id,
            "default_company_id": self.company_id.id,
        }

    def _return_visit_closed_on(self):
        return self.company_id._aftersales_date(self.closed_date)

    def _escalation_summary(self, event):
        return {
            "at_risk": self.env._("Complaint at risk of missing its deadline"),
            "breached": self.env._("Complaint deadline breached"),
            "escalated": self.env._("Complaint escalated from a return visit"),
        }[event]

    # Business rules: the customer portal ------------------------------------------------------

    @api.model
    def _portal_submit(self, values, photos=()):
        """Feedback a customer sends from the portal: channel portal, under the service levels like any other
        (docs/portal.md §5). Runs as the portal user; only the listed fields are taken from ``values``.

        :param values: ``subject``, ``kind``, ``dimension``, ``description``, ``record_id`` (one of the customer's
            units), ``preferred_contact``, ``preferred_onsite_start`` and ``preferred_onsite_end`` (the customer's
            local time)
        :return: the new complaint
        """
        customer = self._portal_customer()
        subject = (values.get("subject") or "").strip()
        if not subject:
            raise UserError(self.env._("Say in a few words what it is about."))
        record_sudo = self._portal_reread(
            "aftersales.delivery.record", [values.get("record_id")], [("partner_id", "=", customer.id)]
        ).sudo()
        kind = self._portal_choice("kind", values.get("kind") or "complaint")
        dimension = self._portal_choice("dimension", values.get("dimension"))
        company = record_sudo.company_id or self.env.company
        uploads = self._portal_check_uploads(photos, company)
        window = [self._portal_local_datetime(values.get(name), company)
                  for name in ("preferred_onsite_start", "preferred_onsite_end")]
        complaint_sudo = self.sudo().with_company(company).create({
            "partner_id": customer.id,
            "company_id": company.id,
            "channel": "portal",
            "kind": kind,
            "dimension": dimension,
            "subject": subject,
            "description": self._portal_text(values.get("description")),
            "contact_name": self.env.user.partner_id.name,
            "preferred_contact": (values.get("preferred_contact") or "").strip() or False,
            "preferred_onsite_start": window[0],
            "preferred_onsite_end": window[1],
            "delivery_record_id": record_sudo.id,
            "product_id": record_sudo.product_id.id,
            "lot_id": record_sudo.lot_id.id,
            "sale_order_id": record_sudo.sale_order_id.id,
        })
        complaint = self.browse(complaint_sudo.id)
        complaint._portal_attach(uploads)
        complaint._portal_assign(self.env._("Feedback sent on the portal"))
        return complaint

    @api.model
    def _portal_choice(self, fname, value):
        """A selection value the customer chose, among the field's own."""
        if not value:
            return False
        if value not in dict(self._fields[fname]._description_selection(self.env)):
            raise UserError(self.env._("Choose %(field)s from the list.", field=self._fields[fname].string))
        return value

    def _portal_confirm_resolved(self, note=None):
        """The customer confirms the resolution on the portal: closed as the closing wizard records it
        (docs/portal.md §5)."""
        self._check_can("can_customer_respond")
        for complaint in self:
            complaint._close_confirmed(self._confirmation_text("portal", complaint._portal_author().name, note))

    def _portal_not_solved(self, comment=None):
        """The customer says the problem is not solved: back to investigation, resolution clock restarted
        (docs/portal.md §5)."""
        self._check_can("can_customer_respond")
        for complaint in self:
            complaint._portal_post(self._portal_text(comment))
        self.action_reopen()
        self._portal_assign(self.env._("The customer says the problem is not solved"))

    # Business rules: on site ------------------------------------------------------------------

    def _register_onsite_arrival(self, arrived):
        """Hook of our people's arrival on the customer's site (a technician's check-in, with field service): the
        on-site target is met at the arrival, once (docs/sla.md §2)."""
        waiting = self.filtered(lambda complaint: complaint.can_register_onsite)
        waiting._write_with_response({"onsite_date": arrived})
