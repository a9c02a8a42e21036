from odoo import api, fields, models
from odoo.exceptions import UserError

from .aftersales_document_mixin import INTAKE_CHANNELS

RMA_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Approved"),
    ("received", "Received"),
    ("inspected", "Inspected"),
    ("decided", "Decided"),
    ("processed", "Processed"),
    ("done", "Done"),
    ("cancel", "Cancelled"),
]

RMA_CHANNELS = [*INTAKE_CHANNELS, ("sales_rep", "Sales Representative")]


class AftersalesRma(models.Model):
    _name = "aftersales.rma"
    _description = "Return Merchandise Authorization"
    _inherit = ["aftersales.document.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _aftersales_sequence = ("aftersales.rma", "RMA/%(year)s/")
    _check_company_auto = True

    sale_order_id = fields.Many2one(
        "sale.order",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id), ('state', '=', 'sale')]",
    )
    user_id = fields.Many2one(
        "res.users", string="Coordinator", default=lambda self: self.env.user, tracking=True, check_company=True
    )
    channel = fields.Selection(RMA_CHANNELS, default="phone", required=True)
    reason_id = fields.Many2one("aftersales.rma.reason", tracking=True)
    complaint_id = fields.Many2one(
        "aftersales.complaint", index="btree_not_null", check_company=True, tracking=True,
        help="The customer feedback this return was started from.",
    )
    description = fields.Html(help="What the customer reports, and what was agreed.")
    date = fields.Date(string="Claim Date", required=True, default=fields.Date.context_today, tracking=True)
    state = fields.Selection(RMA_STATES, default="draft", required=True, copy=False, tracking=True, index=True)
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0")
    line_ids = fields.One2many("aftersales.rma.line", "rma_id", string="Units", copy=True)
    approved_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    approved_date = fields.Datetime(readonly=True, copy=False)

    picking_ids = fields.One2many("stock.picking", "aftersales_rma_id", string="Transfers")
    account_move_ids = fields.One2many(
        "account.move",
        "aftersales_rma_id",
        string="Credit Notes and Invoices",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    repair_ids = fields.One2many("repair.order", "aftersales_rma_id", string="Repairs")
    receipt_state = fields.Selection(
        [("none", "Nothing Received"), ("partial", "Partially Received"), ("full", "Received")],
        compute="_compute_receipt_state",
        store=True,
    )
    receipt_count = fields.Integer(compute="_compute_document_counts")
    delivery_count = fields.Integer(string="Deliveries", compute="_compute_document_counts")
    credit_note_count = fields.Integer(compute="_compute_document_counts")
    invoice_count = fields.Integer(compute="_compute_document_counts")
    repair_count = fields.Integer(compute="_compute_document_counts")

    @api.depends("line_ids.qty_received", "line_ids.quantity")
    def _compute_receipt_state(self):
        for rma in self:
            received = sum(rma.line_ids.mapped("qty_received"))
            if not received:
                rma.receipt_state = "none"
            elif all(line.qty_received >= line.quantity for line in rma.line_ids):
                rma.receipt_state = "full"
            else:
                rma.receipt_state = "partial"

    @api.depends("picking_ids.aftersales_rma_role", "account_move_ids.move_type", "repair_ids")
    def _compute_document_counts(self):
        for rma in self:
            roles = rma.picking_ids.mapped("aftersales_rma_role")
            rma.receipt_count = roles.count("receipt")
            rma.delivery_count = len(roles) - roles.count("receipt")
            types = rma.sudo().account_move_ids.mapped("move_type")
            rma.credit_note_count = types.count("out_refund")
            rma.invoice_count = types.count("out_invoice")
            rma.repair_count = len(rma.repair_ids)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft_or_cancelled(self):
        """Processed RMAs are records: they are cancelled, never deleted (SPEC 7)."""
        if any(rma.state not in ("draft", "cancel") for rma in self):
            raise UserError(self.env._("Only draft or cancelled RMAs can be deleted; cancel the others instead."))

    def _warehouse(self):
        """The company's warehouse, for units that did not leave from one of ours."""
        self.ensure_one()
        return self.env["stock.warehouse"].search([("company_id", "=", self.company_id.id)], limit=1)

    def _per_company(self):
        """The RMAs of each company, in that company: its documents take their defaults from it (SPEC 7)."""
        return [rmas.with_company(company) for company, rmas in self.grouped("company_id").items()]

    def _check_manager(self, what):
        """Approvals and overrides are manager-only (SPEC 7)."""
        if not self.env.user.has_group("aftersales_service.group_aftersales_manager"):
            raise UserError(self.env._("Only an After-Sales manager can %(what)s.", what=what))

    def action_propose_lines(self):
        """Propose every returnable unit of the sale order as a line (SPEC 3)."""
        self._check_state("draft")
        for rma in self:
            if not rma.sale_order_id:
                raise UserError(self.env._("Choose the sale order whose units come back first."))
            records = self.env["aftersales.delivery.record"].search([("sale_order_id", "=", rma.sale_order_id.id)])
            commands = (records - rma.line_ids.delivery_record_id)._rma_line_commands()
            if not commands:
                raise UserError(self.env._("Nothing of %(order)s can be returned any more.", order=rma.sale_order_id.name))
            rma.line_ids = commands

    @api.model
    def _action_create_for(self, records):
        """A draft RMA for the returnable units of ``records``, opened in its form (SPEC 3)."""
        customer = records.partner_id
        if len(customer) != 1:
            raise UserError(self.env._("An RMA concerns the units of one customer."))
        commands = records._rma_line_commands()
        if not commands:
            raise UserError(self.env._("These units were already returned or are on an open RMA."))
        rma = self.create({
            "partner_id": customer.id,
            "company_id": records.company_id[:1].id,
            "sale_order_id": records.sale_order_id.id if len(records.sale_order_id) == 1 else False,
            "line_ids": commands,
        })
        return {"type": "ir.actions.act_window", "res_model": self._name, "res_id": rma.id, "view_mode": "form"}

    def action_confirm(self):
        """Approval: one return receipt per original delivery (SPEC 3, [003] 四.2)."""
        self._check_manager(self.env._("approve an RMA"))
        self._check_state("draft")
        for rma in self:
            if not rma.line_ids:
                raise UserError(self.env._("%(rma)s has no unit to return.", rma=rma.name))
            rma.line_ids._check_returnable_quantity()
        self.write({"state": "confirmed", "approved_by_id": self.env.uid, "approved_date": fields.Datetime.now()})
        for rma in self._per_company():
            rma.line_ids._create_receipts()
        self._notify_customer("aftersales_service.mail_template_rma_confirmed")

    def _aftersales_progress(self):
        """Validated transfers move RMAs on: received when every unit is in, done when settled (SPEC 3)."""
        received = self.filtered(lambda rma: rma.state == "confirmed" and rma.receipt_state == "full")
        received.state = "received"
        received._notify_customer("aftersales_service.mail_template_rma_received")
        self._completion_progress()

    def action_inspection_done(self):
        """Joint appraisal recorded for every unit (SPEC 3, [003] 二.2)."""
        self._check_state("received")
        missing = self.line_ids.filtered(lambda line: not line.cause)
        if missing:
            raise UserError(self.env._(
                "Record the cause of every unit first: %(units)s.", units=", ".join(missing.mapped("display_name"))
            ))
        self.state = "inspected"

    def action_decide(self):
        """Decisions fixed for every unit, within the return rules or overridden by a manager (SPEC 3)."""
        self._check_state("inspected")
        self.line_ids._check_decisions()
        self.state = "decided"
        self._notify_customer("aftersales_service.mail_template_rma_decided")

    def action_process(self):
        """Create the credit notes, deliveries, repairs and scraps the decisions call for (SPEC 3)."""
        self._check_state("decided")
        self.state = "processed"
        for rma in self._per_company():
            rma.line_ids._process_decision()
        self._completion_progress()

    def _completion_progress(self):
        """A processed RMA is done when every unit's documents are done (SPEC 3)."""
        done = self.filtered(lambda rma: rma.state == "processed" and all(rma.line_ids.mapped("is_settled")))
        done.state = "done"
        return done

    def action_cancel(self):
        """Cancel what is not done yet; refuse when goods or money already moved (SPEC 3)."""
        self._check_state("draft", "confirmed", "received", "inspected", "decided", "processed")
        done_documents = self.line_ids._done_documents()
        if done_documents:
            raise UserError(self.env._(
                "These documents are done and cannot be undone by cancelling the RMA: %(documents)s. "
                "Settle the RMA instead.",
                documents=", ".join(done_documents),
            ))
        self.state = "cancel"
        self.line_ids._cancel_documents()

    def action_view_receipts(self):
        self.ensure_one()
        receipts = self.picking_ids.filtered(lambda p: p.aftersales_rma_role == "receipt")
        return self._action_documents("stock.picking", receipts, self.env._("Receipts"))

    def action_view_deliveries(self):
        self.ensure_one()
        deliveries = self.picking_ids.filtered(lambda p: p.aftersales_rma_role != "receipt")
        return self._action_documents("stock.picking", deliveries, self.env._("Deliveries"))

    def action_view_credit_notes(self):
        self.ensure_one()
        credit_notes = self.account_move_ids.filtered(lambda m: m.move_type == "out_refund")
        return self._action_documents("account.move", credit_notes, self.env._("Credit Notes"))

    def action_view_invoices(self):
        self.ensure_one()
        invoices = self.account_move_ids.filtered(lambda m: m.move_type == "out_invoice")
        return self._action_documents("account.move", invoices, self.env._("Invoices"))

    def action_view_repairs(self):
        self.ensure_one()
        return self._action_documents("repair.order", self.repair_ids, self.env._("Repairs"))
