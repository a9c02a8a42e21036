import base64
from datetime import timedelta

from werkzeug.urls import url_encode

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import format_amount
from odoo.tools.mimetypes import guess_mimetype
from odoo.exceptions import UserError, ValidationError

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.models.aftersales_portal_mixin import PICTURE_TYPES
from odoo.addons.aftersales_service.models.aftersales_protected_fields_mixin import in_workflow
from odoo.addons.aftersales_service.selections import CHARGE_MODES

from ..selections import (
    DISPATCH_ORIGINS,
    DISPATCH_OUTCOMES,
    DISPATCH_STATES,
    PLANNED_DISPATCH_STATES,
    SERVICE_TYPES,
    TRIAL_RESULTS,
    UNIT_SERVICE_TYPES,
)

DISPATCHER_GROUP = "aftersales_field_service.group_aftersales_dispatcher"
# What a manager's dispatch override was given for: changing it asks for a new one (docs/field-service.md §2).
PLAN_FIELDS = {"technician_id", "helper_ids", "line_ids", "appointment_start", "appointment_end"}
# The document a visit comes from, per origin (docs/field-service.md §1).
ORIGIN_FIELDS = {
    "complaint": "complaint_id", "rma": "rma_id", "return_visit": "source_visit_id", "recall": "recall_id",
}
# What the customer signs for: changed by hand, the report asks for the signature again (docs/field-service.md §6).
SIGNED_FIELDS = {"fault_found", "work_done", "outcome", "labour_hours", "travel_fee", "travel_distance"}
# How strict a charge rule is: the order charges as its strictest unit (docs/field-service.md §5).
CHARGE_RANK = {mode: rank for rank, (mode, _label) in enumerate(CHARGE_MODES)}


class AftersalesDispatchOrder(models.Model):
    """A visit of our technician to the customer's site (派工单): planned by a dispatcher, made, reported, signed by
    the customer, charged by rule and followed by a return visit (docs/field-service.md)."""

    _name = "aftersales.dispatch.order"
    _description = "Dispatch Order"
    _inherit = [
        "aftersales.document.mixin", "aftersales.return.visit.source", "aftersales.portal.mixin",
        "aftersales.portal.fields.mixin", "mail.thread", "mail.activity.mixin",
    ]
    _return_visit_field = "dispatch_order_id"
    _order = "appointment_start desc, id desc"
    _portal_path = "/my/visits"
    _portal_readable_fields = (
        "accepted_on", "amount_labour", "amount_parts", "amount_total", "amount_travel", "appointment_confirmed",
        "appointment_end", "appointment_start", "call_date", "call_subject", "caller_name", "charge_mode",
        "check_ids", "checkin_date", "checkout_date", "closed_date", "company_id", "complaint_id", "contact_name",
        "contact_phone", "currency_id", "customer_comment", "escort_until", "fault_found", "fee_collected",
        "fee_receipt_number", "invoice_ids", "labour_hours", "line_ids", "name", "onsite_deadline", "origin",
        "outcome", "partner_id", "reschedule_ids", "return_visit_count", "rma_id", "sale_order_id",
        "satisfaction_level_id", "service_type", "signature", "signature_refusal", "signed_by", "signed_on",
        "site_address", "site_partner_id", "source_visit_id", "state", "taken_back_rma_id", "technician_id",
        "technician_phone", "technician_user_id", "training_given", "training_note", "travel_distance", "travel_fee",
        "trial_end",
        "trial_result", "trial_start", "user_id", "work_done",
    )
    _aftersales_sequence = ("aftersales.dispatch.order", "DSP/%(year)s/")
    _aftersales_mail_templates = {
        "scheduled": "aftersales_field_service.mail_template_dispatch_scheduled",
        "rescheduled": "aftersales_field_service.mail_template_dispatch_rescheduled",
    }
    _deletable_states = ("draft", "cancel")
    _aftersales_sequence_date_field = "call_date"
    _check_company_auto = True
    _folded_states = ("closed", "cancel")
    _workflow_fields = (
        "state", "checkin_date", "checkout_date", "signed_on", "closed_date", "appointment_confirmed",
        "overridden_by_id", "sale_order_id", "taken_back_rma_id", "accepted_on", "escort_until", "timer_start",
        "recall_id", "service_point_id",
    )
    _frozen_fields = ("origin", "complaint_id", "rma_id", "source_visit_id", "previous_order_id")
    _manager_fields = ("override_reason",)
    _locked_fields = {
        "can_edit_plan": (
            "user_id", "partner_id", "site_partner_id", "contact_name", "contact_phone", "service_type",
            "technician_id", "helper_ids", "appointment_start", "appointment_end", "caller_name", "call_date",
            "call_subject", "override_reason",
        ),
        "can_edit_report": (
            "fault_found", "work_done", "outcome", "signed_by", "signature",
            "signature_refusal", "satisfaction_level_id", "customer_comment", "check_ids", "trial_start", "trial_end",
            "trial_result", "training_given", "training_note",
        ),
        "can_edit_fees": ("labour_hours", "travel_fee", "travel_distance"),
        "can_record_fee": ("fee_collected", "fee_receipt_number"),
    }

    # Fields: origin and customer --------------------------------------------------------------

    user_id = fields.Many2one(
        "res.users", string="Dispatcher", default=lambda self: self._default_user(), tracking=True,
        check_company=True, index=True,
    )
    origin = fields.Selection(DISPATCH_ORIGINS, default="call", required=True, readonly=True)
    complaint_id = fields.Many2one(
        "aftersales.complaint", index="btree_not_null", check_company=True, readonly=True, ondelete="restrict"
    )
    rma_id = fields.Many2one(
        "aftersales.rma", string="RMA", index="btree_not_null", check_company=True, readonly=True, ondelete="restrict"
    )
    recall_id = fields.Many2one(
        "aftersales.recall", index="btree_not_null", check_company=True, readonly=True, ondelete="restrict",
        help="The recall this visit remedies units of: recall work, free whatever the warranty.",
    )
    source_visit_id = fields.Many2one(
        "aftersales.return.visit", string="From Return Visit", index="btree_not_null", check_company=True,
        readonly=True, ondelete="restrict",
    )
    previous_order_id = fields.Many2one(
        "aftersales.dispatch.order", string="Follows Visit", index="btree_not_null", check_company=True,
        readonly=True, help="The visit that found another one was needed.",
    )
    caller_name = fields.Char(string="Caller", help="Who called.")
    call_date = fields.Datetime(string="Called On", default=fields.Datetime.now, required=True)
    call_subject = fields.Text(string="Call About", help="What the caller said, in their words.")
    service_type = fields.Selection(SERVICE_TYPES, default="repair", required=True, tracking=True)
    site_partner_id = fields.Many2one(
        "res.partner", string="Site", check_company=True,
        domain="[('id', 'child_of', partner_id)]", help="Where the technician goes; the customer's address if empty.",
    )
    site_address = fields.Char(compute="_compute_site_address")
    site_map_url = fields.Char(
        string="Map", compute="_compute_site_address", help="The site's address on a map: on a phone, its maps app.",
    )
    site_city = fields.Char(string="City", compute="_compute_site_city")
    contact_name = fields.Char(string="Site Contact")
    contact_phone = fields.Char()
    line_ids = fields.One2many("aftersales.dispatch.line", "order_id", string="Units", copy=True)

    # Fields: planning -------------------------------------------------------------------------

    technician_id = fields.Many2one(
        "aftersales.technician", check_company=True, tracking=True, index="btree_not_null"
    )
    technician_user_id = fields.Many2one(related="technician_id.user_id", store=True, string="Technician User")
    service_point_id = fields.Many2one(
        "aftersales.service.point", readonly=True, copy=False, index="btree_not_null",
        help="The point whose technician makes the visit, as scheduled: it is settled with the point.",
    )
    suggested_point_id = fields.Many2one(
        "aftersales.service.point", compute="_compute_suggested_point_id", compute_sudo=True, string="Nearest Point",
        help="The approved point covering the site's region that offers the service.",
    )
    settlement_line_ids = fields.One2many(
        "aftersales.service.settlement.line", "order_id", string="Settlements", readonly=True,
        groups="aftersales_field_service.group_aftersales_dispatcher,account.group_account_invoice",
    )
    unit_categ_ids = fields.Many2many(
        "product.category", compute="_compute_unit_categ_ids", string="Units' Categories",
        help="The skills the visit's units ask of its technician.",
    )
    technician_phone = fields.Char(related="technician_id.phone")
    helper_ids = fields.Many2many(
        "aftersales.technician", "aftersales_dispatch_order_helper_rel", "order_id", "technician_id",
        string="Helpers", check_company=True,
    )
    qualification_issue = fields.Char(
        compute="_compute_qualification_issue", help="Why the technician may not be sent, if anything."
    )
    override_reason = fields.Text(
        string="Dispatch Override", tracking=True, copy=False,
        help="Why a manager sends this technician although a certificate, evaluation or skill is missing.",
    )
    overridden_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    appointment_start = fields.Datetime(string="Appointment", tracking=True, index=True, copy=False)
    appointment_end = fields.Datetime(string="Appointment Until", tracking=True, copy=False)
    appointment_confirmed = fields.Boolean(
        string="Confirmed by Customer", readonly=True, copy=False, tracking=True
    )
    reschedule_ids = fields.One2many("aftersales.dispatch.reschedule", "order_id", string="Reschedules")
    state = fields.Selection(
        DISPATCH_STATES, group_expand=True, default="draft", required=True, readonly=True, copy=False, tracking=True,
        index=True,
    )
    van_quant_ids = fields.One2many(related="technician_id.van_quant_ids", string="Parts in the Van")

    # Fields: the visit ------------------------------------------------------------------------

    checkin_date = fields.Datetime(string="Arrived On", readonly=True, copy=False, tracking=True)
    checkout_date = fields.Datetime(string="Left On", readonly=True, copy=False, tracking=True)
    onsite_deadline = fields.Datetime(
        string="On Site By", compute="_compute_onsite_deadline", store=True,
        help="The complaint's on-site deadline, else the end of the appointment.",
    )
    fault_found = fields.Text(copy=False)
    work_done = fields.Text(copy=False)
    outcome = fields.Selection(DISPATCH_OUTCOMES, copy=False, tracking=True)
    internal_note = fields.Text()
    repair_ids = fields.Many2many("repair.order", compute="_compute_repair_ids", string="On-Site Repairs")
    taken_back_rma_id = fields.Many2one(
        "aftersales.rma", string="Return of Taken Units", readonly=True, copy=False, check_company=True
    )

    # Fields: fees -----------------------------------------------------------------------------

    currency_id = fields.Many2one(related="company_id.currency_id")
    charge_mode = fields.Selection(
        CHARGE_MODES, string="Charge", compute="_compute_charge_mode", store=True,
        help="What the customer pays: the strictest rule of the units visited.",
    )
    labour_hours = fields.Float(copy=False)
    travel_distance = fields.Float(
        string="Travel (km)", copy=False, help="The distance to the site: a point paid by distance band is paid by it.",
    )
    timer_start = fields.Datetime(
        string="Work Timer Started", readonly=True, copy=False,
        help="The technician's work timer runs since then; stopping it adds the time to the labour hours.",
    )
    travel_fee = fields.Monetary(
        default=lambda self: self.env.company.aftersales_travel_product_id.lst_price, copy=False,
        help="Charged with labour, when the visit is not free.",
    )
    amount_labour = fields.Monetary(compute="_compute_amounts", compute_sudo=True, store=True, string="Labour")
    amount_travel = fields.Monetary(compute="_compute_amounts", compute_sudo=True, store=True, string="Travel")
    amount_parts = fields.Monetary(compute="_compute_amounts", compute_sudo=True, store=True, string="Parts")
    amount_total = fields.Monetary(
        compute="_compute_amounts", compute_sudo=True, store=True, string="Fee", aggregator="sum",
    )
    sale_order_id = fields.Many2one("sale.order", string="Quotation", readonly=True, copy=False, check_company=True)
    invoice_ids = fields.Many2many(related="sale_order_id.invoice_ids", string="Invoices")
    fee_collected = fields.Monetary(
        string="Collected on Site", copy=False, tracking=True, aggregator="sum",
        help="Paid to the technician on site, against a receipt: then nothing is invoiced.",
    )
    fee_receipt_number = fields.Char(string="Receipt Number", copy=False, tracking=True)

    # Fields: sign-off -------------------------------------------------------------------------

    signed_by = fields.Char(copy=False)
    signature = fields.Image(max_width=1024, max_height=1024, copy=False, attachment=True)
    signed_on = fields.Datetime(readonly=True, copy=False)
    signature_refusal = fields.Text(string="Not Signed Because", copy=False)
    satisfaction_level_id = fields.Many2one("aftersales.satisfaction.level", string="Customer Opinion", copy=False)
    customer_comment = fields.Text(copy=False)
    closed_date = fields.Datetime(string="Closed On", readonly=True, copy=False)

    # Fields: installation and commissioning ---------------------------------------------------

    check_ids = fields.One2many("aftersales.commissioning.check", "order_id", string="Checklist", copy=False)
    trial_start = fields.Datetime(string="Trial Run From", copy=False)
    trial_end = fields.Datetime(string="Trial Run Until", copy=False)
    trial_result = fields.Selection(TRIAL_RESULTS, string="Trial Run", copy=False, tracking=True)
    training_given = fields.Boolean(copy=False, help="The customer's operators were trained.")
    training_note = fields.Text(string="Training", copy=False, help="Who was trained, on what.")
    accepted_on = fields.Datetime(
        readonly=True, copy=False, tracking=True,
        help="The customer accepted the installation: the hand-over.",
    )
    escort_until = fields.Datetime(
        readonly=True, copy=False,
        help="Our technician stays available on site until then after the hand-over.",
    )

    # Fields: figures --------------------------------------------------------------------------

    onsite_met = fields.Float(
        compute="_compute_figures", store=True, aggregator="avg", string="On Time (%)",
        help="100 when the technician arrived by the on-site deadline, 0 when late; averaged in reports.",
    )
    first_time_fix = fields.Float(
        compute="_compute_figures", store=True, aggregator="avg", string="First-Time Fix (%)",
        help="100 when fixed on site at the first visit; averaged in reports.",
    )
    arrival_hours = fields.Float(
        compute="_compute_figures", store=True, aggregator="avg", string="Hours to Arrival",
        help="From the call to the technician's arrival.",
    )

    # Fields: what can be done now -------------------------------------------------------------

    can_edit_plan = fields.Boolean(compute="_compute_can")
    can_edit_report = fields.Boolean(compute="_compute_can")
    can_edit_fees = fields.Boolean(compute="_compute_can")
    can_record_fee = fields.Boolean(compute="_compute_can")
    can_start_timer = fields.Boolean(compute="_compute_can")
    can_stop_timer = fields.Boolean(compute="_compute_can")
    can_schedule = fields.Boolean(compute="_compute_can")
    can_dispatch = fields.Boolean(compute="_compute_can")
    can_confirm_appointment = fields.Boolean(compute="_compute_can")
    can_reschedule = fields.Boolean(compute="_compute_can")
    can_check_in = fields.Boolean(compute="_compute_can")
    can_check_out = fields.Boolean(compute="_compute_can")
    can_repair = fields.Boolean(compute="_compute_can")
    can_quote = fields.Boolean(compute="_compute_can")
    can_close = fields.Boolean(compute="_compute_can")
    can_another_visit = fields.Boolean(compute="_compute_can")
    can_cancel = fields.Boolean(compute="_compute_can")
    can_reset = fields.Boolean(compute="_compute_can")
    can_customer_sign = fields.Boolean(compute="_compute_can")
    can_customer_confirm = fields.Boolean(compute="_compute_can")
    can_customer_opinion = fields.Boolean(compute="_compute_can")

    _appointment_order = models.Constraint(
        "CHECK (appointment_end IS NULL OR appointment_start IS NULL OR appointment_end > appointment_start)",
        "An appointment ends after it starts.",
    )
    _trial_order = models.Constraint(
        "CHECK (trial_end IS NULL OR trial_start IS NULL OR trial_end > trial_start)",
        "A trial run ends after it starts.",
    )
    _receipt_uniq = models.UniqueIndex(
        "(company_id, fee_receipt_number) WHERE fee_receipt_number IS NOT NULL",
        "This receipt number is already recorded on another visit.",
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("site_partner_id", "partner_id")
    def _compute_site_address(self):
        for order in self:
            site = order.site_partner_id or order.partner_id
            lines = site._display_address(without_company=True).splitlines()
            order.site_address = ", ".join(part for part in (line.strip(" ,") for line in lines) if part)
            order.site_map_url = order.site_address and "https://www.google.com/maps/search/?" + url_encode(
                {"api": 1, "query": order.site_address}
            )

    @api.depends("site_partner_id.city", "partner_id.city")
    def _compute_site_city(self):
        """The site's city alone, for the planning's cards and calendar: no address to format."""
        for order in self:
            order.site_city = (order.site_partner_id or order.partner_id).city

    @api.depends("name", "partner_id", "site_partner_id.city", "partner_id.city", "service_type")
    @api.depends_context("aftersales_planning")
    def _compute_display_name(self):
        """On the dispatcher's planning a visit reads as who, where and what (docs/field-service.md §3)."""
        if not self.env.context.get("aftersales_planning"):
            return super()._compute_display_name()
        service_types = dict(self._fields["service_type"]._description_selection(self.env))
        for order in self:
            parts = (order.partner_id.commercial_partner_id.name, order.site_city, service_types.get(order.service_type))
            order.display_name = " · ".join(part for part in parts if part)
        return None

    @api.depends("line_ids.product_id")
    def _compute_unit_categ_ids(self):
        for order in self:
            order.unit_categ_ids = order.line_ids.product_id.categ_id

    @api.depends("technician_id", "helper_ids", "line_ids.product_id", "appointment_start")
    def _compute_qualification_issue(self):
        for order in self:
            order.qualification_issue = "; ".join(order._qualification_issues())

    @api.depends("site_partner_id", "partner_id", "service_type", "company_id")
    def _compute_suggested_point_id(self):
        """The approved point covering the site that offers the service (docs/service-network.md §1)."""
        points = self.env["aftersales.service.point"]
        for order in self:
            order.suggested_point_id = points._suggest(
                order.site_partner_id or order.partner_id, order.company_id, order.service_type
            )

    @api.depends("line_ids.repair_id")
    def _compute_repair_ids(self):
        for order in self:
            order.repair_ids = order.line_ids.repair_id

    @api.depends("complaint_id.onsite_deadline", "appointment_end")
    def _compute_onsite_deadline(self):
        for order in self:
            order.onsite_deadline = order.complaint_id.onsite_deadline or order.appointment_end

    @api.depends("line_ids.charge_mode")
    def _compute_charge_mode(self):
        """Without units (a training, an inspection) the visit is charged in full (docs/field-service.md §5)."""
        for order in self:
            # A unit being removed has no charge left to count.
            modes = [mode for mode in order.line_ids.mapped("charge_mode") if mode] or ["full"]
            order.charge_mode = max(modes, key=CHARGE_RANK.__getitem__)

    @api.depends(
        "charge_mode", "labour_hours", "travel_fee", "line_ids.charge_mode", "line_ids.repair_id.move_ids.product_uom_qty",
        "line_ids.repair_id.move_ids.quantity", "line_ids.repair_id.move_ids.state",
        "line_ids.repair_id.move_ids.aftersales_customer_processed",
    )
    def _compute_amounts(self):
        """The fee told to the customer: labour and travel when charged in full, parts of the units not repaired
        free (docs/field-service.md §5)."""
        for order in self:
            values = order._prepare_fee_values()
            order.amount_labour = values["labour"]
            order.amount_travel = values["travel"]
            order.amount_parts = values["parts"]
            order.amount_total = sum(values.values())

    @api.depends(
        "checkin_date", "onsite_deadline", "call_date", "outcome", "previous_order_id", "complaint_id", "state"
    )
    def _compute_figures(self):
        """On-time arrival, first-time fix and hours to arrival, the field-service figures (docs/field-service.md §8)."""
        for order in self:
            arrived = order.checkin_date
            order.onsite_met = arrived and order.onsite_deadline and (100.0 if arrived <= order.onsite_deadline else 0.0)
            order.arrival_hours = arrived and max((arrived - order.call_date).total_seconds() / 3600, 0.0)
            done = order.state in ("done", "closed")
            order.first_time_fix = done and (
                100.0 if order.outcome == "fixed" and not order.previous_order_id else 0.0
            )

    @api.depends(
        "state", "signature", "sale_order_id", "fee_collected", "amount_total", "technician_user_id",
        "appointment_confirmed", "satisfaction_level_id", "outcome", "fault_found", "helper_ids", "sale_order_id.state",
        "timer_start",
    )
    @api.depends_context("uid")
    def _compute_can(self):
        """What can be done with the order now, by whom: the buttons shown and the actions' own guards
        (docs/field-service.md §3)."""
        user = self.env.user
        dispatcher = user.has_group(DISPATCHER_GROUP)
        for order in self:
            state = order.state
            on_it = dispatcher or order._is_on_visit(user)
            order.can_edit_plan = state == "draft" and dispatcher
            quoted = order.sale_order_id.state not in (False, "cancel")
            order.can_edit_report = state == "on_site" and on_it
            # The quotation fixes the fee; a fee paid on site is one no quotation or invoice asks for.
            order.can_edit_fees = order.can_edit_report and not quoted
            order.can_record_fee = state in ("on_site", "done") and on_it and not quoted
            order.can_start_timer = order.can_edit_fees and not order.timer_start
            order.can_stop_timer = order.can_edit_fees and bool(order.timer_start)
            order.can_schedule = state == "draft" and dispatcher
            order.can_dispatch = state == "scheduled" and dispatcher
            order.can_confirm_appointment = state in PLANNED_DISPATCH_STATES and not order.appointment_confirmed and (
                dispatcher
            )
            order.can_reschedule = state in PLANNED_DISPATCH_STATES and dispatcher
            order.can_check_in = state == "dispatched" and on_it
            order.can_check_out = state == "on_site" and on_it
            order.can_repair = state == "on_site" and on_it
            order.can_quote = state in ("on_site", "done") and on_it and not order.sale_order_id and not (
                order.fee_collected
            ) and order.amount_total > 0
            order.can_close = state == "done" and dispatcher
            order.can_another_visit = state in ("done", "closed") and dispatcher and order.outcome in (
                "waiting_parts", "another_visit", "customer_absent"
            )
            order.can_cancel = state in ("draft", *PLANNED_DISPATCH_STATES) and dispatcher
            order.can_reset = state in ("cancel", *PLANNED_DISPATCH_STATES) and dispatcher
            order.can_customer_sign = state == "on_site" and not order.signature and order._is_report_written()
            order.can_customer_confirm = state in PLANNED_DISPATCH_STATES and not order.appointment_confirmed
            order.can_customer_opinion = state in ("on_site", "done") and not order.satisfaction_level_id

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("partner_id", "line_ids", "complaint_id", "rma_id", "site_partner_id")
    def _check_customer(self):
        """Units, site, complaint and RMA are the customer's own (docs/field-service.md §1)."""
        for order in self:
            customer = order.partner_id.commercial_partner_id
            others = order.line_ids.delivery_record_id.filtered(lambda record: record.partner_id != customer)
            if others:
                raise ValidationError(self.env._(
                    "%(units)s: not delivered to %(customer)s.",
                    units=", ".join(others.mapped("display_name")), customer=customer.name,
                ))
            for document in (order.complaint_id, order.rma_id):
                if document and document.partner_id.commercial_partner_id != customer:
                    raise ValidationError(self.env._(
                        "%(document)s is not of %(customer)s.", document=document.name, customer=customer.name
                    ))
            if order.site_partner_id and order.site_partner_id.commercial_partner_id != customer:
                raise ValidationError(self.env._("The site is an address of the customer's."))

    @api.constrains("outcome", "service_type")
    def _check_installed_outcome(self):
        """Only an installation ends installed and accepted (docs/field-service.md §10)."""
        if any(order.outcome == "installed" and order.service_type != "installation" for order in self):
            raise ValidationError(self.env._("Only an installation ends installed and accepted."))

    @api.constrains("fee_collected", "fee_receipt_number")
    def _check_fee(self):
        """A fee collected on site has its receipt number and is never negative (docs/field-service.md §5)."""
        for order in self:
            if order.fee_collected < 0:
                raise ValidationError(self.env._("A collected fee is not negative."))
            if order.fee_collected and not (order.fee_receipt_number or "").strip():
                raise ValidationError(self.env._("Give the receipt number of the fee collected on site."))

    @api.constrains("signature")
    def _check_signature(self):
        """A signature is a picture, whoever sends it: the tablet's pad or the portal's form (docs/field-service.md
        §6)."""
        for order in self.filtered("signature"):
            if guess_mimetype(base64.b64decode(order.signature)) not in PICTURE_TYPES:
                raise ValidationError(self.env._("The signature must be a picture (PNG or JPEG), not a drawing file."))

    @api.constrains("labour_hours", "travel_fee", "travel_distance")
    def _check_fee_inputs(self):
        if any(min(order.labour_hours, order.travel_fee, order.travel_distance) < 0 for order in self):
            raise ValidationError(self.env._("Labour hours, travel fee and travel distance are zero or more."))

    # CRUD -------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        # The override given with the plan covers the units created with it.
        for order, vals in zip(orders, vals_list):
            if vals.get("override_reason"):
                order._workflow().write({"override_reason": vals["override_reason"], "overridden_by_id": self.env.uid})
        return orders

    def write(self, vals):
        result = super().write(vals)
        if PLAN_FIELDS.intersection(vals) and "override_reason" not in vals:
            self._drop_override()
        if vals.get("override_reason") and "overridden_by_id" not in vals:
            # Given with a new plan, it covers that plan, units included.
            self._workflow().write({"override_reason": vals["override_reason"], "overridden_by_id": self.env.uid})
        return result

    def _prepare_write_stamps(self, vals):
        """A signature is dated when it is given; the report or the fees changed by hand afterwards void it: the
        customer signs what is written (docs/field-service.md §6)."""
        stamps = super()._prepare_write_stamps(vals)
        if "signature" in vals:
            stamps["signed_on"] = vals["signature"] and fields.Datetime.now()
        elif SIGNED_FIELDS.intersection(vals) and not in_workflow(self.env) and any(self.mapped("signed_on")):
            stamps.update(signature=False, signed_on=False)
        return stamps

    def _delete_refusal(self):
        return self.env._("Only draft or cancelled dispatch orders can be deleted.")

    # Actions: planning ------------------------------------------------------------------------

    def action_schedule(self):
        """Planned: a qualified technician and an agreed window; a manager may send another with a reason
        (docs/field-service.md §2, §3)."""
        self._start_locked_transition("can_schedule")
        for order in self:
            order._check_plan()
            # The point the visit goes through, as planned: the one it is settled with (docs/service-network.md §1).
            order._workflow().write({"state": "scheduled", "service_point_id": order.technician_id.service_point_id.id})
        self.filtered(lambda order: not order.check_ids)._create_checks()
        self._notify_customer("scheduled")

    def action_dispatch(self):
        """Sent: the technician gets the visit as a to-do on its day (docs/field-service.md §3)."""
        self._start_locked_transition("can_dispatch")
        for order in self:
            order._check_service_point()
            order._workflow().write({"state": "dispatched", "service_point_id": order.technician_id.service_point_id.id})
        self._schedule_technician_activity()

    def action_confirm_appointment(self):
        """The customer agreed the window, by phone or on the portal (docs/field-service.md §3)."""
        self._start_transition("can_confirm_appointment").write({"appointment_confirmed": True})

    def action_reschedule(self):
        self.ensure_one()
        self._check_can("can_reschedule")
        return {
            "type": "ir.actions.act_window",
            "res_model": "aftersales.dispatch.reschedule.wizard",
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Reschedule"),
            "context": {"default_order_id": self.id},
        }

    def action_reset(self):
        """Back to draft, to change the plan; a cancelled visit is planned again."""
        self._start_locked_transition("can_reset").write({"state": "draft", "appointment_confirmed": False})
        self._unlink_technician_activity()

    def action_cancel(self):
        """The visit will not take place; repairs not started go with it."""
        self._start_locked_transition("can_cancel").write({"state": "cancel"})
        self._unlink_technician_activity()
        # The recall's units are the after-sales team's: they wait again for a remedy.
        self.env["aftersales.recall.unit"].sudo()._visits_cancelled(self.filtered("recall_id"))

    # Actions: the visit -----------------------------------------------------------------------

    def action_check_in(self):
        """Arrived: the complaint's on-site date is met now (docs/field-service.md §4, docs/sla.md §2)."""
        now = fields.Datetime.now()
        self._start_locked_transition("can_check_in").write({"state": "on_site", "checkin_date": now})
        # The technician's arrival meets the complaint's deadline, whatever the technician may do on complaints.
        self.complaint_id.sudo()._register_onsite_arrival(now)

    def action_timer_start(self):
        """The technician starts the work timer on site (docs/field-service.md §4)."""
        self._start_locked_transition("can_start_timer").write({"timer_start": fields.Datetime.now()})

    def action_timer_stop(self):
        """The work timer stops: its time is added to the labour hours (docs/field-service.md §4)."""
        self._start_locked_transition("can_stop_timer")
        self._stop_timer()

    def action_check_out(self):
        """Left: the work reported, the customer's signature or why not, parts consumed from the van, units taken
        back handed to an RMA (docs/field-service.md §4-§6)."""
        self._start_locked_transition("can_check_out")
        self.filtered("timer_start")._stop_timer()
        for order in self:
            order._check_report()
        finished = self.filtered(lambda order: order.outcome in ("fixed", "installed"))
        finished.line_ids._finish_repairs()
        # The recall's units are the after-sales team's, as the installed units' records are.
        self.env["aftersales.recall.unit"].sudo()._visits_done(finished.filtered("recall_id"))
        (self - finished).line_ids._cancel_open_repairs()
        for order in self.filtered(lambda order: order.outcome == "taken_back"):
            order._take_back_units()
        now = fields.Datetime.now()
        installed = self.filtered(lambda order: order.outcome == "installed")
        (self - installed)._workflow().write({"state": "done", "checkout_date": now})
        for order in installed:
            order._workflow().write({
                "state": "done", "checkout_date": now,
                "accepted_on": now, "escort_until": now + timedelta(hours=order.company_id.aftersales_escort_hours),
            })
            # The technician hands the units over; their records are the after-sales team's.
            order.line_ids.delivery_record_id.sudo()._installation_accepted(order)
        self._technician_activities().action_feedback()

    def _parts_used(self):
        """The parts the visit's repairs on site added, as its printed order lists them (docs/field-service.md §5)."""
        self.ensure_one()
        return self.line_ids.repair_id.move_ids.filtered(
            lambda move: move.repair_line_type == "add" and move.state != "cancel"
        )

    def _stop_timer(self):
        """The timer's time, to the hundredth of an hour, added to the labour hours."""
        now = fields.Datetime.now()
        for order in self:
            worked = round((now - order.timer_start).total_seconds() / 3600, 2)
            order._workflow().write({"labour_hours": order.labour_hours + worked, "timer_start": False})

    def action_create_quotation(self):
        """The fee as a quotation the customer accepts and signs, then invoiced (docs/field-service.md §5)."""
        self._start_locked_transition("can_quote")
        for order in self:
            # Prices come from the pricelist and the company's products, not from the user.
            sale_order_sudo = self.env["sale.order"].sudo().create(order._prepare_quotation_values())
            order.line_ids.repair_id.sudo().move_ids._create_repair_sale_order_line()
            order._workflow().write({"sale_order_id": sale_order_sudo.id})
        return self.action_view_quotation() if len(self) == 1 else True

    def action_view_quotation(self):
        self.ensure_one()
        return self._action_documents("sale.order", self.sale_order_id, self.env._("Quotation"))

    def action_close(self):
        """Closed by the dispatcher once the fee is settled: an accepted quotation is invoiced now, a fee collected
        on site never is; the return visit is planned (docs/field-service.md §5, §7)."""
        self._start_locked_transition("can_close")
        for order in self:
            order._settle_fee()
        self._workflow().write({"state": "closed", "closed_date": fields.Datetime.now()})
        self._aftersales_schedule_return_visits()

    def action_another_visit(self):
        """Parts were missing, the customer was absent or the work goes on: a new draft visit of the same units
        (docs/field-service.md §4)."""
        self.ensure_one()
        self._check_can("can_another_visit")
        order = self._workflow().copy({"previous_order_id": self.id, "origin": self.origin})
        return self._action_documents(self._name, order, self.env._("Dispatch Order"))

    def action_view_repairs(self):
        self.ensure_one()
        return self._action_documents("repair.order", self.repair_ids, self.env._("On-Site Repairs"))

    # Business rules: planning -----------------------------------------------------------------

    @api.model
    def _action_plan(self, origin, document, units, **defaults):
        """The form of a new visit coming from ``document`` (a complaint, an RMA, a return visit) for the customer's
        ``units`` they still have, prefilled and not saved yet: it takes a number when the dispatcher saves it
        (docs/field-service.md §1)."""
        context = {
            "default_origin": origin,
            f"default_{ORIGIN_FIELDS[origin]}": document.id,
            "default_partner_id": document.partner_id.commercial_partner_id.id,
            "default_company_id": document.company_id.id,
            "default_line_ids": [
                Command.create({"delivery_record_id": unit.id}) for unit in units.filtered("qty_with_customer")
            ],
            **{f"default_{name}": value for name, value in defaults.items()},
        }
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "name": self.env._("Dispatch Order"),
            "context": context,
        }

    def _drop_override(self):
        """A new plan needs a new override: changing the people, the units or the window clears it
        (docs/field-service.md §2)."""
        self.filtered("override_reason")._workflow().write({"override_reason": False, "overridden_by_id": False})

    def _is_on_visit(self, user):
        """The user is the order's technician or one of its helpers."""
        return user in (self.technician_id | self.helper_ids).user_id

    def _qualification_issues(self):
        """What keeps the technician and helpers from this visit (docs/field-service.md §2)."""
        self.ensure_one()
        on_date = self.company_id._aftersales_date(self.appointment_start) if self.appointment_start else (
            self.company_id._aftersales_today()
        )
        categories = self.unit_categ_ids
        issues = []
        for technician in self.technician_id | self.helper_ids:
            found = technician._qualification_issues(on_date, categories)
            if found:
                issues.append(self.env._("%(technician)s: %(issues)s", technician=technician.name, issues=", ".join(found)))
        return issues

    def _check_plan(self):
        """A visit is planned with a technician, a window, units when the service concerns units, and qualified
        people unless a manager overrode it (docs/field-service.md §2)."""
        self.ensure_one()
        if not self.technician_id or not self.appointment_start or not self.appointment_end:
            raise UserError(self.env._("%(order)s: choose the technician and the appointment window first.", order=self.name))
        if self.appointment_end <= fields.Datetime.now():
            raise UserError(self.env._(
                "%(order)s: the appointment window has already ended; choose one to come.", order=self.name
            ))
        if self.service_type in UNIT_SERVICE_TYPES and not self.line_ids:
            raise UserError(self.env._("%(order)s: list the customer's units the visit is for.", order=self.name))
        if self.service_type == "installation":
            self._check_installation_plan()
        self._check_service_point()
        issues = self._qualification_issues()
        if issues and not (self.override_reason or "").strip():
            raise UserError(self.env._(
                "%(order)s cannot be dispatched: %(issues)s. An After-Sales manager may send them anyway with a "
                "reason.", order=self.name, issues="; ".join(issues),
            ))

    def _check_service_point(self):
        """A point's technician goes only for an approved point whose documents are valid: no manager overrides it
        (docs/service-network.md §2)."""
        self.ensure_one()
        # The point's standing is checked whatever the dispatcher may read of the network.
        points_sudo = (self.technician_id | self.helper_ids).sudo().service_point_id
        issues = [issue for issue in (point._dispatch_issue() for point in points_sudo) if issue]
        if issues:
            raise UserError(self.env._(
                "%(order)s cannot be dispatched: %(issues)s.", order=self.name, issues="; ".join(issues)
            ))

    def _reschedule(self, start, end, reason, requested_by_customer=False):
        """A new window, its reason kept; the customer confirms it again (docs/field-service.md §3)."""
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason of the new appointment."))
        for order in self:
            # The history is the workflow's own: nobody writes it by hand.
            order.env["aftersales.dispatch.reschedule"].sudo().create(
                order._prepare_reschedule_values(start, end, reason, requested_by_customer)
            )
        self._workflow().write({"appointment_start": start, "appointment_end": end, "appointment_confirmed": False})
        for order in self:
            order._check_plan()
        dispatched = self.filtered(lambda order: order.state == "dispatched")
        dispatched._unlink_technician_activity()
        dispatched._schedule_technician_activity()
        self.filtered(lambda order: order.state in PLANNED_DISPATCH_STATES)._notify_customer("rescheduled")

    def _prepare_reschedule_values(self, start, end, reason, requested_by_customer):
        self.ensure_one()
        return {
            "order_id": self.id,
            "previous_start": self.appointment_start,
            "previous_end": self.appointment_end,
            "new_start": start,
            "new_end": end,
            "reason": reason.strip(),
            "requested_by_customer": requested_by_customer,
        }

    def _schedule_technician_activity(self):
        """The technician's to-do on the appointment day; a point's portal technician finds the visit on the portal
        instead (docs/service-network.md §5)."""
        for order in self.filtered(lambda order: not order.technician_user_id.share):
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=order.company_id._aftersales_date(order.appointment_start),
                user_id=order.technician_user_id.id,
                summary=self.env._("Visit %(customer)s", customer=order.partner_id.name),
            )

    def _technician_activities(self):
        """The technicians' to-dos of these visits, not the dispatcher's."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        return self.activity_ids.filtered(
            lambda activity: activity.activity_type_id == todo and activity.user_id == self.browse(
                activity.res_id
            ).technician_user_id
        )

    def _unlink_technician_activity(self):
        self._technician_activities().unlink()

    # Business rules: the visit ----------------------------------------------------------------

    def _is_report_written(self):
        """The work report has an outcome, and the fault found unless the customer was absent: what the customer
        signs (docs/field-service.md §4, §6)."""
        self.ensure_one()
        return bool(self.outcome) and (bool((self.fault_found or "").strip()) or self.outcome == "customer_absent")

    def _check_report(self):
        """Checking out needs the work report, and the customer's signature or why there is none, unless the
        customer was absent (docs/field-service.md §4, §6)."""
        self.ensure_one()
        if not self._is_report_written():
            raise UserError(self.env._(
                "%(order)s: record the fault found and the outcome on the Work Report tab first.", order=self.name
            ))
        if self.outcome != "customer_absent" and not self.signature and not (self.signature_refusal or "").strip():
            raise UserError(self.env._(
                "%(order)s: the customer signs the order, or say why they did not.", order=self.name
            ))
        if self.outcome == "installed":
            self._check_acceptance()

    def _take_back_units(self):
        """Units taken back go on an RMA of the customer, for the coordinator to approve (docs/field-service.md §4)."""
        self.ensure_one()
        # The technician hands the units over; the RMA is the after-sales team's, whatever the technician may do.
        rma_sudo = self.env["aftersales.rma"].sudo().create(self._prepare_take_back_rma_values())
        rma_sudo.activity_schedule(
            "mail.mail_activity_data_todo", user_id=rma_sudo.user_id.id,
            summary=self.env._("Approve the return of the units taken back on %(order)s", order=self.name),
        )
        self._workflow().write({"taken_back_rma_id": rma_sudo.id})

    def _prepare_take_back_rma_values(self):
        self.ensure_one()
        # What the units' returns allow is read whatever the technician may see of RMAs.
        records_sudo = self.sudo().line_ids.delivery_record_id
        return {
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "complaint_id": self.complaint_id.id,
            "user_id": self.company_id._aftersales_assignee(self.user_id).id,
            "description": self.fault_found,
            "line_ids": records_sudo._rma_line_commands(),
        }

    def _settle_fee(self):
        """The fee is paid on site, invoiced from the accepted quotation, or nothing is due; never both
        (docs/field-service.md §5)."""
        self.ensure_one()
        if self.fee_collected and self.currency_id.compare_amounts(self.fee_collected, self.amount_total) < 0:
            raise UserError(self.env._(
                "%(order)s: %(collected)s collected on site of a fee of %(amount)s.", order=self.name,
                collected=format_amount(self.env, self.fee_collected, self.currency_id),
                amount=format_amount(self.env, self.amount_total, self.currency_id),
            ))
        if self.currency_id.is_zero(self.amount_total) or self.fee_collected:
            if self.sale_order_id.state in ("draft", "sent"):
                self.sale_order_id.sudo()._action_cancel()
            return
        order_sudo = self.sale_order_id.sudo()
        if not order_sudo or order_sudo.state != "sale":
            raise UserError(self.env._(
                "%(order)s: the customer accepts the quotation of %(amount)s, or pays it on site, before closing.",
                order=self.name, amount=format_amount(self.env, self.amount_total, self.currency_id),
            ))
        self._check_billed(order_sudo, order_sudo.amount_untaxed)
        invoices_sudo = order_sudo.invoice_ids.filtered(lambda move: move.state != "cancel")
        if not invoices_sudo:
            invoices_sudo = order_sudo._create_invoices(final=True)
        self._check_billed(invoices_sudo, sum(invoices_sudo.mapped("amount_untaxed_signed")))
        invoices_sudo.filtered(lambda move: move.state == "draft").action_post()

    def _check_billed(self, documents_sudo, billed):
        """What the quotation and the invoice bill is the visit's fee, neither more nor less
        (docs/field-service.md §5, §7)."""
        self.ensure_one()
        if self.currency_id.compare_amounts(billed, self.amount_total):
            raise UserError(self.env._(
                "%(order)s: %(documents)s bills %(billed)s for a fee of %(amount)s; make them agree before closing.",
                order=self.name, documents=", ".join(documents_sudo.mapped("name")),
                billed=format_amount(self.env, billed, self.currency_id),
                amount=format_amount(self.env, self.amount_total, self.currency_id),
            ))

    def _prepare_fee_values(self):
        """Labour, travel and parts of the visit, by its charge rule (docs/field-service.md §5)."""
        self.ensure_one()
        full = self.charge_mode == "full"
        parts = sum(
            move._aftersales_part_fee() for move in self.line_ids.repair_id.move_ids
            if move.repair_line_type == "add" and move.state != "cancel"
        )
        return {
            "labour": self.labour_hours * self._labour_rate() if full and self.labour_hours else 0.0,
            "travel": self.travel_fee if full else 0.0,
            "parts": parts,
        }

    def _labour_rate(self):
        """The customer's price of an hour of work, as the quotation bills it (docs/field-service.md §5)."""
        labour = self.company_id.aftersales_labour_product_id
        if not labour:
            return 0.0
        return self.env["aftersales.repair.charge"]._customer_price(
            labour, self.partner_id, self.company_id, self.labour_hours
        )

    def _prepare_labour_line_values(self):
        """The quotation line of the visit's labour hours (docs/field-service.md §5)."""
        return self.env["aftersales.repair.charge"]._prepare_labour_line_values(self.company_id, self.labour_hours)

    def _prepare_quotation_values(self):
        """The visit's quotation: labour hours and travel when charged in full, the chargeable repairs' parts
        (their lines follow from the repairs) (docs/field-service.md §5)."""
        self.ensure_one()
        company = self.company_id
        lines = []
        if self.charge_mode == "full":
            labour = self._prepare_labour_line_values()
            if labour:
                lines.append(Command.create(labour))
            if self.travel_fee and company.aftersales_travel_product_id:
                # The travel fee as typed: no pricelist discount on top of it.
                lines.append(Command.create({
                    "product_id": company.aftersales_travel_product_id.id, "product_uom_qty": 1,
                    "price_unit": self.travel_fee, "discount": 0.0,
                }))
        repairs = self.line_ids.filtered(lambda line: line.charge_mode != "free").repair_id
        return {
            "partner_id": self.partner_id.id,
            "company_id": company.id,
            "origin": self.name,
            "order_line": lines,
            "repair_order_ids": [Command.link(repair.id) for repair in repairs],
        }

    # Business rules: installation -------------------------------------------------------------

    def _check_installation_plan(self):
        """A unit is installed no earlier than it was delivered (docs/field-service.md §10)."""
        self.ensure_one()
        self.line_ids._check_installation_unit()
        day = self.company_id._aftersales_date(self.appointment_start)
        early = self.line_ids.delivery_record_id.filtered(lambda record: record.delivery_date > day)
        if early:
            raise UserError(self.env._(
                "%(order)s: %(units)s cannot be installed before they are delivered.",
                order=self.name, units=", ".join(early.mapped("display_name")),
            ))

    def _create_checks(self):
        """The checklist of the visit's service type, copied onto the visit in the customer's language
        (docs/field-service.md §4, §10)."""
        templates = self.env["aftersales.check.template"]
        checklists = {}  # visits scheduled together share the lookup of their checklist
        for order in self:
            key = (order.service_type, order.company_id, order.partner_id.lang or self.env.lang)
            if key not in checklists:
                checklists[key] = templates.with_context(lang=key[2])._for_visit(key[0], key[1])
            items = checklists[key]
            order._workflow().write({"check_ids": [
                Command.create(values) for values in order._prepare_check_values(items)
            ]})

    def _prepare_check_values(self, items):
        return [{"name": item.name, "sequence": item.sequence} for item in items]

    def _check_acceptance(self):
        """The customer accepts an installation that passed every check and the full-load trial run, after the
        training, with their signature (docs/field-service.md §10)."""
        self.ensure_one()
        missing = []
        open_checks = self.check_ids.filtered(lambda check: check.result not in ("pass", "na"))
        if open_checks:
            missing.append(self.env._("checks not passed: %(checks)s", checks=", ".join(open_checks.mapped("name"))))
        hours = self.company_id.aftersales_trial_hours
        ran = (self.trial_end - self.trial_start).total_seconds() / 3600 if self.trial_start and self.trial_end else 0
        if self.trial_result != "passed" or ran < hours:
            missing.append(self.env._("a passed full-load trial run of %(hours)s hours", hours=hours))
        if not self.training_given:
            missing.append(self.env._("the training"))
        if not self.signature:
            missing.append(self.env._("the customer's signature"))
        if missing:
            raise UserError(self.env._(
                "%(order)s cannot be accepted without %(missing)s.", order=self.name, missing="; ".join(missing)
            ))

    # Business rules: portal -------------------------------------------------------------------

    def _portal_confirm_appointment(self):
        """The customer agrees the window on the portal (docs/portal.md §9)."""
        self._check_can("can_customer_confirm")
        self._workflow().write({"appointment_confirmed": True})
        for order in self:
            order._portal_post(self.env._("Appointment confirmed by %(customer)s.", customer=order._portal_author().name))

    def _portal_ask_reschedule(self, reason, start=None, end=None):
        """The customer asks for another time, with a reason and the window they wish: kept with the order, the
        dispatcher decides (docs/portal.md §9)."""
        self.ensure_one()
        self._check_can("can_customer_confirm", self.env._("This visit can no longer be moved."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Tell us why the time does not suit you."))
        wished = [self._portal_local_datetime(value, self.company_id) for value in (start, end)]
        if wished[0] and wished[1] and wished[1] <= wished[0]:
            raise UserError(self.env._("The time you wish ends after it starts."))
        # The request is the workflow's record of the customer's words, nothing the customer may write elsewhere.
        self.env["aftersales.dispatch.reschedule"].sudo().create(
            self._prepare_reschedule_values(wished[0], wished[1], reason, requested_by_customer=True)
        )
        self._portal_post(self._portal_text(reason))
        self._portal_assign(self.env._("The customer asks for another appointment"))

    def _portal_sign(self, name, signature):
        """The customer signs the order through the portal while the technician is there (docs/portal.md §9)."""
        self.ensure_one()
        self._check_can("can_customer_sign", self.env._("This visit is not waiting for your signature."))
        name = (name or "").strip()
        if not name or not signature:
            raise UserError(self.env._("Give your name and sign."))
        self._workflow().write({"signed_by": name, "signature": signature})
        self._portal_post(self.env._("Signed by %(name)s on the portal.", name=name))

    def _portal_opinion(self, level_id, comment=None):
        """The customer's opinion of the visit (顾客意见栏): a satisfaction level and their words, once
        (docs/portal.md §9)."""
        self.ensure_one()
        self._check_can("can_customer_opinion", self.env._("Your opinion of this visit is already recorded."))
        level = self._portal_reread("aftersales.satisfaction.level", [level_id])
        if not level:
            raise UserError(self.env._("Choose how satisfied you are."))
        self._workflow().write({"satisfaction_level_id": level.id, "customer_comment": (comment or "").strip()})

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Dispatch Order %(order)s", order=self.name)

    # Business rules: return visits ------------------------------------------------------------

    def _return_visit_unit(self):
        record = self.line_ids[:1].delivery_record_id
        return record.product_id, record.lot_id

    def _return_visit_closed_on(self):
        return self.company_id._aftersales_date(self.closed_date or fields.Datetime.now())

    # Business rules: service point portal -----------------------------------------------------

    # What a point's technician writes of the work report on the portal; everything else of the visit is ours
    # (docs/service-network.md §5).
    _point_portal_report_fields = (
        "fault_found", "work_done", "outcome", "labour_hours", "travel_distance", "signed_by", "signature_refusal",
    )

    def _point_portal_check_user(self):
        """The signed-in user makes these visits for an outsourced point, on the portal: a portal user who is their
        technician or one of their helpers, once the visits are planned (docs/service-network.md §5)."""
        user = self.env.user
        if not user.share or any(order.state == "draft" or not order._is_on_visit(user) for order in self):
            raise UserError(self.env._("This visit is not yours."))

    def _point_portal_can_confirm(self):
        """The point's technician confirms the appointment agreed with the customer: a planned visit of theirs, not
        confirmed yet (docs/service-network.md §5). The back office's ``can_confirm_appointment`` stays the
        dispatcher's."""
        self.ensure_one()
        user = self.env.user
        return bool(
            user.share and self.state in PLANNED_DISPATCH_STATES and not self.appointment_confirmed
            and self._is_on_visit(user)
        )

    def _point_portal_confirm(self):
        """The point's technician agreed the window with the customer (docs/service-network.md §5)."""
        self._point_portal_check_user()
        if not all(order._point_portal_can_confirm() for order in self):
            raise UserError(self.env._("This appointment can no longer be confirmed."))
        self._workflow().write({"appointment_confirmed": True})
        self._point_portal_note(self.env._(
            "Appointment confirmed with the customer by %(technician)s.", technician=self.env.user.name
        ))

    def _point_portal_report(self, values):
        """The work report as the point's technician writes it on the portal: the report's own fields only, each
        while the visit's locks allow it (docs/service-network.md §5). Any other field refuses the whole report."""
        self.ensure_one()
        self._point_portal_check_user()
        others = sorted(set(values) - set(self._point_portal_report_fields))
        if others:
            raise UserError(self.env._(
                "The work report does not set %(fields)s.",
                fields=", ".join(self._fields[name]._description_string(self.env) if name in self._fields else name
                                 for name in others),
            ))
        self._check_can("can_edit_report", self.env._("The work report is written on site, between check-in and "
                                                      "check-out."))
        vals = {}
        for name, value in values.items():
            field = self._fields[name]
            if field.type == "float":
                vals[name] = self._point_portal_number(field, value)
            elif field.type == "selection":
                value = str(value or "").strip()
                if value and value not in dict(field._description_selection(self.env)):
                    raise UserError(self.env._("Choose the %(field)s from the list.",
                                               field=field._description_string(self.env)))
                vals[name] = value or False
            else:
                vals[name] = str(value or "").strip() or False
        # A plain write: the visit's locks judge every field given, as on the back office's form.
        self.write(vals)

    def _point_portal_number(self, field, value):
        """A number typed on the portal: zero or more, a dot or a comma for decimals."""
        try:
            number = float(str(value or "0").strip().replace(",", ".") or "0")
        except ValueError:
            number = -1.0
        if not 0 <= number < float("inf"):
            raise UserError(self.env._(
                "%(field)s is a number, zero or more.", field=field._description_string(self.env)
            ))
        return number

    def _point_portal_sign(self, name, signature):
        """The customer signs the order on the point's technician's tablet, once the report is written, once
        (docs/service-network.md §5)."""
        self.ensure_one()
        self._point_portal_check_user()
        self._lock_for_transition()
        self._check_can("can_customer_sign", self.env._("This visit is not waiting for the customer's signature."))
        name = (name or "").strip()
        if not name or not signature:
            raise UserError(self.env._("Give the customer's name and have them sign."))
        # A plain write: the report's lock judges it, the signature is dated with it.
        self.write({"signed_by": name, "signature": signature})
        self._point_portal_note(self.env._(
            "Signed by %(name)s on the tablet of %(technician)s.", name=name, technician=self.env.user.name
        ))

    def _point_portal_note(self, body):
        """What the point's technician did on the portal, noted for our people in the visit's messages."""
        for order in self:
            order.sudo().message_post(
                body=body, author_id=self.env.user.partner_id.id, message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
