from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

from .aftersales_sla_policy import COMPLAINT_CHANNELS, COMPLAINT_KINDS, COMPLAINT_PRIORITIES

COMPLAINT_STATES = [
    ("new", "New"),
    ("acknowledged", "Acknowledged"),
    ("investigating", "Investigating"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
    ("cancel", "Cancelled"),
]
OPEN_STATES = ("new", "acknowledged", "investigating")

DIMENSIONS = [
    ("quality", "Product Quality"),
    ("delivery", "Delivery Time"),
    ("service", "Service"),
    ("price", "Price"),
    ("packaging", "Packaging"),
]

RESPONSIBILITIES = [
    ("department", "Our Department"),
    ("customer", "Customer"),
    ("carrier", "Carrier"),
    ("supplier", "Supplier"),
]


class AftersalesComplaint(models.Model):
    _name = "aftersales.complaint"
    _description = "Customer Complaint and Feedback"
    _inherit = ["aftersales.document.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_received desc, id desc"
    _aftersales_sequence = ("aftersales.complaint", "CPL/%(year)s/")
    _check_company_auto = True

    contact_name = fields.Char(string="Contact Person", help="Who called, wrote or visited.")
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True, check_company=True,
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
    state = fields.Selection(COMPLAINT_STATES, default="new", required=True, copy=False, tracking=True, index=True)

    product_id = fields.Many2one("product.product", check_company=True)
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", check_company=True, domain="[('product_id', '=?', product_id)]"
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

    @api.depends("verified", "responsibility")
    def _compute_company_caused(self):
        for complaint in self:
            complaint.company_caused = complaint.verified and complaint.responsibility == "department"

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
            self.delivery_record_id = self.env["aftersales.delivery.record"].search(
                [("lot_id", "=", self.lot_id.id), ("partner_id", "=", self.partner_id.id)],
                order="delivery_date desc", limit=1,
            )

    @api.constrains("delivery_record_id", "partner_id")
    def _check_delivery_record_customer(self):
        """A complaint concerns the customer's own deliveries only (SPEC 4)."""
        for complaint in self:
            if complaint.delivery_record_id and complaint.delivery_record_id.partner_id != complaint.partner_id:
                raise UserError(self.env._(
                    "%(unit)s was not delivered to %(customer)s.",
                    unit=complaint.delivery_record_id.display_name, customer=complaint.partner_id.display_name,
                ))

    @api.model_create_multi
    def create(self, vals_list):
        complaints = super().create(vals_list)
        complaints._apply_sla_policy()
        return complaints

    @api.ondelete(at_uninstall=False)
    def _unlink_only_new_or_cancelled(self):
        """Handled complaints are records kept three years: cancel them, never delete them (SPEC 7)."""
        if any(complaint.state not in ("new", "cancel") for complaint in self):
            raise UserError(self.env._("Only new or cancelled complaints can be deleted."))

    def action_acknowledge(self):
        """First answer to the customer: the response target is met now (SPEC 4, [002] 3.1)."""
        self._check_state("new")
        self.write({"state": "acknowledged"})
        self._stamp_response()
        self._notify_customer("aftersales_service.mail_template_complaint_acknowledged")

    def action_investigate(self):
        """Start the investigation of cause and responsibility (SPEC 4)."""
        self._check_state("new", "acknowledged")
        self.write({"state": "investigating"})
        self._stamp_response()

    def action_register_onsite(self):
        """Our technician is on the customer's site: the on-site target is met now ([002] 3.1)."""
        self._check_state(*OPEN_STATES)
        if self.filtered("onsite_date"):
            raise UserError(self.env._("The on-site visit is already recorded."))
        self.write({"onsite_date": fields.Datetime.now()})
        self._stamp_response()

    def _stamp_response(self):
        """The first action towards the customer is the response (SPEC 4)."""
        self.filtered(lambda complaint: not complaint.first_response_date).write(
            {"first_response_date": fields.Datetime.now()}
        )

    def _check_corrective_actions(self):
        """A verified company-caused complaint needs a corrective action before it is resolved (SPEC 4, [001] 5.5.1)."""
        missing = self.filtered(
            lambda complaint: complaint.company_caused
            and not complaint.action_ids.filtered(lambda action: action.action_type == "corrective")
        )
        if missing:
            raise UserError(self.env._(
                "%(complaints)s: the complaint is verified and caused by us; record a corrective action first.",
                complaints=", ".join(missing.mapped("name")),
            ))

    def action_resolve(self):
        """Resolved: what was done is recorded, corrective actions exist when due (SPEC 4)."""
        self._check_state(*OPEN_STATES)
        unexplained = self.filtered(lambda complaint: is_html_empty(complaint.resolution))
        if unexplained:
            raise UserError(self.env._(
                "%(complaints)s: describe the resolution first.", complaints=", ".join(unexplained.mapped("name"))
            ))
        self._check_corrective_actions()
        self.filtered("waiting_customer").action_resume()
        self._stamp_response()
        self.write({"state": "resolved", "resolved_date": fields.Datetime.now()})
        self._notify_customer("aftersales_service.mail_template_complaint_resolved")

    def action_close(self):
        """Closing needs the customer's confirmation: asked in a wizard (SPEC 4)."""
        self._check_state("resolved")
        return {
            "type": "ir.actions.act_window",
            "res_model": "aftersales.complaint.close",
            "name": self.env._("Customer Confirmation"),
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    def _close_confirmed(self, confirmation):
        """Close with the customer's recorded confirmation (SPEC 4)."""
        self._check_state("resolved")
        self.write({"state": "closed", "customer_confirmation": confirmation, "closed_date": fields.Datetime.now()})

    def action_reopen(self):
        """The customer is not satisfied: back to investigation, resolution clock restarted (SPEC 4)."""
        self._check_state("resolved", "closed")
        self.write({
            "state": "investigating",
            "resolved_date": False,
            "closed_date": False,
            "customer_confirmation": False,
        })
        self._restart_resolution_clock()

    def action_cancel(self):
        """Cancel feedback that needs no handling (a duplicate, a mistake)."""
        self._check_state(*OPEN_STATES, "resolved")
        self.filtered("waiting_customer").action_resume()
        self.write({"state": "cancel"})

    def action_reset(self):
        """A cancelled complaint goes back to new, with its original deadlines."""
        self._check_state("cancel")
        self.write({"state": "new"})

    def _prefill_context(self):
        """Default values of an RMA or repair started from this complaint."""
        self.ensure_one()
        return {
            "default_complaint_id": self.id,
            "default_partner_id": self.partner_id.id,
            "default_sale_order_id": self.sale_order_id.id,
            "default_company_id": self.company_id.id,
        }

    def action_create_rma(self):
        """Start an RMA from the complaint, prefilled with its unit (SPEC 4)."""
        self.ensure_one()
        self._check_state(*OPEN_STATES, "resolved")
        context = self._prefill_context()
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
        """Start a repair from the complaint, for its unit (SPEC 4)."""
        self.ensure_one()
        self._check_state(*OPEN_STATES, "resolved")
        if not self.product_id:
            raise UserError(self.env._("Say which product is to be repaired first."))
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
