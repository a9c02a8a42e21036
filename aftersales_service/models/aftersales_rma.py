import math

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

from ..selections import RECEIPT_STATES, RMA_CHANNELS, RMA_PRIORITIES, RMA_STATES
from .aftersales_protected_fields_mixin import MANAGER_GROUP


class AftersalesRma(models.Model):
    """A customer's return of delivered units, from approval to the documents that settle it (docs/rma.md)."""

    _name = "aftersales.rma"
    _description = "Return Merchandise Authorization"
    _inherit = [
        "aftersales.document.mixin", "aftersales.return.visit.source", "aftersales.portal.mixin",
        "aftersales.portal.fields.mixin", "mail.thread", "mail.activity.mixin",
    ]
    _return_visit_field = "rma_id"
    # The back office's counters and repairs; the portal page shows the customer's own documents instead.
    _portal_readable_fields = (
        "account_move_ids", "approved_by_id", "approved_date", "channel", "company_id", "complaint_id", "date",
        "description", "line_ids", "name", "partner_id", "picking_ids", "priority", "reason_id", "receipt_state",
        "return_visit_count", "sale_order_id", "state", "user_id", "customer_carrier", "customer_tracking_ref",
        "can_give_shipment",
    )
    _order = "date desc, id desc"
    _portal_path = "/my/rmas"
    _aftersales_sequence = ("aftersales.rma", "RMA/%(year)s/")
    _deletable_states = ("draft", "cancel")
    _aftersales_sequence_date_field = "date"
    _aftersales_mail_templates = {
        "approved": "aftersales_service.mail_template_rma_confirmed",
        "received": "aftersales_service.mail_template_rma_received",
        "decided": "aftersales_service.mail_template_rma_decided",
        "shipped": "aftersales_service.mail_template_rma_shipped",
    }
    _check_company_auto = True
    _workflow_fields = ("state", "approved_by_id", "approved_date", "recall_id")
    _locked_fields = {
        "can_edit_claim": ("partner_id", "sale_order_id", "date", "complaint_id"),
        "can_give_shipment": ("customer_carrier", "customer_tracking_ref"),
    }

    # Fields -----------------------------------------------------------------------------------

    sale_order_id = fields.Many2one(
        "sale.order",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id), ('state', '=', 'sale')]",
    )
    user_id = fields.Many2one(
        "res.users", string="Coordinator", default=lambda self: self._default_user(), tracking=True, check_company=True
    )
    channel = fields.Selection(RMA_CHANNELS, default="phone", required=True)
    reason_id = fields.Many2one("aftersales.rma.reason", tracking=True)
    complaint_id = fields.Many2one(
        "aftersales.complaint", index="btree_not_null", check_company=True, tracking=True,
        domain="[('partner_id', '=', partner_id)]",
        help="The customer feedback this return was started from.",
    )
    description = fields.Html(help="What the customer reports, and what was agreed.")
    recall_id = fields.Many2one(
        "aftersales.recall", index="btree_not_null", readonly=True, copy=False, check_company=True,
        help="The recall this return is the remedy of: recall work, free and counted in the recall's figures.",
    )
    customer_carrier = fields.Char(
        string="Customer's Carrier", tracking=True, help="Who carries the units back to us, as the customer says.",
    )
    customer_tracking_ref = fields.Char(
        string="Customer's Tracking Number", tracking=True, help="The tracking number of the customer's shipment.",
    )
    date = fields.Date(
        string="Claim Date", required=True, default=lambda self: self.env.company._aftersales_today(), tracking=True,
        help="The day the customer claimed, in the company's time zone.",
    )
    state = fields.Selection(
        RMA_STATES, group_expand=True, default="draft", required=True, readonly=True, copy=False, tracking=True,
        index=True,
    )
    priority = fields.Selection(RMA_PRIORITIES, default="0")
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
    vendor_repair_ids = fields.One2many("aftersales.vendor.repair", "rma_id", string="Repairs by the Manufacturer")
    # A new RMA has received nothing: its creation does not compute it.
    receipt_state = fields.Selection(RECEIPT_STATES, compute="_compute_receipt_state", store=True, default="none")
    receipt_count = fields.Integer(compute="_compute_document_counts")
    delivery_count = fields.Integer(string="Deliveries", compute="_compute_document_counts")
    credit_note_count = fields.Integer(compute="_compute_document_counts")
    invoice_count = fields.Integer(compute="_compute_document_counts")
    repair_count = fields.Integer(compute="_compute_document_counts")
    vendor_repair_count = fields.Integer(compute="_compute_document_counts")

    can_edit_claim = fields.Boolean(compute="_compute_can", help="Customer, order and claim date can be changed.")
    can_propose_lines = fields.Boolean(compute="_compute_can")
    can_approve = fields.Boolean(compute="_compute_can")
    can_finish_inspection = fields.Boolean(compute="_compute_can")
    can_decide = fields.Boolean(compute="_compute_can")
    can_process = fields.Boolean(compute="_compute_can")
    can_give_shipment = fields.Boolean(
        compute="_compute_can", help="The customer's shipment of the units can be told: the return is approved.",
    )
    can_receive = fields.Boolean(
        compute="_compute_can_receive", help="The units awaited can be received here, their serials checked.",
    )
    can_cancel = fields.Boolean(compute="_compute_can_cancel")
    can_print_authorization = fields.Boolean(
        compute="_compute_can", help="The customer may print the return authorization: the return is approved.",
    )

    # Computes ---------------------------------------------------------------------------------

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

    @api.depends("picking_ids.aftersales_rma_role", "account_move_ids.move_type", "repair_ids", "vendor_repair_ids")
    def _compute_document_counts(self):
        for rma in self:
            roles = rma.picking_ids.mapped("aftersales_rma_role")
            rma.receipt_count = roles.count("receipt")
            rma.delivery_count = len(roles) - roles.count("receipt")
            types = rma.sudo().account_move_ids.mapped("move_type")
            rma.credit_note_count = types.count("out_refund")
            rma.invoice_count = types.count("out_invoice")
            rma.repair_count = len(rma.repair_ids)
            rma.vendor_repair_count = len(rma.vendor_repair_ids)

    @api.depends_context("uid")
    @api.depends("state", "sale_order_id")
    def _compute_can(self):
        """What can be done with the RMA now: the buttons shown and the actions' own guards (docs/rma.md §1)."""
        manager = self.env.user.has_group(MANAGER_GROUP)
        for rma in self:
            rma.can_edit_claim = rma.state == "draft"
            rma.can_propose_lines = rma.state == "draft" and bool(rma.sale_order_id)
            rma.can_approve = rma.state == "draft" and manager
            rma.can_finish_inspection = rma.state == "received"
            rma.can_decide = rma.state == "inspected"
            rma.can_process = rma.state == "decided"
            rma.can_print_authorization = rma.state not in ("draft", "cancel")
            rma.can_give_shipment = rma.state == "confirmed"

    @api.depends("state", "line_ids.move_ids.state", "line_ids.move_ids.picking_id.aftersales_rma_role")
    def _compute_can_receive(self):
        """An approved RMA receives the units it still awaits (docs/rma.md §3)."""
        for rma in self:
            rma.can_receive = rma.state == "confirmed" and bool(rma._pending_receipt_moves())

    @api.depends("state", "line_ids.move_ids.state", "line_ids.repair_id.state", "line_ids.scrap_id.state")
    def _compute_can_cancel(self):
        """Cancel is offered while nothing of the RMA moved goods or money (docs/rma.md §10)."""
        for rma in self:
            rma.can_cancel = rma.state not in ("done", "cancel") and not rma.line_ids._done_documents()

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("partner_id", "sale_order_id", "complaint_id")
    def _check_customer_documents(self):
        """The order and the complaint of an RMA are the customer's own (docs/rma.md §2)."""
        for rma in self:
            customer = rma.partner_id.commercial_partner_id
            for document in (rma.sale_order_id, rma.complaint_id):
                if document and document.partner_id.commercial_partner_id != customer:
                    raise ValidationError(self.env._(
                        "%(document)s is not of %(customer)s.", document=document.display_name, customer=customer.name
                    ))

    @api.constrains("date", "partner_id")
    def _check_lines_against_claim(self):
        """A claim is made by now, and its date and customer hold for every unit (docs/rma.md §2)."""
        for rma in self:
            if rma.date > rma.company_id._aftersales_today():
                raise ValidationError(self.env._("%(rma)s cannot be claimed in the future.", rma=rma.name))
        self.line_ids._check_unit_consistency()

    # CRUD -------------------------------------------------------------------------------------

    def _delete_refusal(self):
        return self.env._("Only draft or cancelled RMAs can be deleted; cancel the others instead.")

    # Actions ----------------------------------------------------------------------------------

    def action_propose_lines(self):
        """Propose every returnable unit of the sale order as a line (docs/rma.md §2)."""
        self._check_can("can_propose_lines")
        for rma in self:
            records = self.env["aftersales.delivery.record"].search([("sale_order_id", "=", rma.sale_order_id.id)])
            commands = (records - rma.line_ids.delivery_record_id)._rma_line_commands()
            if not commands:
                raise UserError(self.env._("Nothing of %(order)s can be returned any more.", order=rma.sale_order_id.name))
            rma.line_ids = commands

    def action_confirm(self):
        """Approval: one return receipt per original delivery (docs/rma.md §3)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only an After-Sales manager can approve an RMA."))
        self._lock_for_transition()
        self._start_transition("can_approve")
        self._approve()

    def _approve(self):
        """Approve these draft RMAs: the manager's approval, or the approved recall's they are the remedy of
        (docs/rma.md §3, docs/recalls.md §7)."""
        for rma in self:
            if not rma.line_ids:
                raise UserError(self.env._("%(rma)s has no unit to return.", rma=rma.name))
        self.line_ids._check_returnable_quantity()
        self._workflow().write({"state": "confirmed", "approved_by_id": self.env.uid, "approved_date": fields.Datetime.now()})
        for rma in self._per_company():
            rma.line_ids._create_receipts()
        self._notify_customer("approved")

    def action_inspection_done(self):
        """Joint appraisal recorded for every unit (docs/rma.md §4)."""
        self._start_transition("can_finish_inspection")
        missing = self.line_ids.filtered(lambda line: not line.cause)
        if missing:
            raise UserError(self.env._(
                "Record the cause of every unit first: %(units)s.", units=", ".join(missing.mapped("display_name"))
            ))
        self._workflow().write({"state": "inspected"})
        self.line_ids._take_proposed_decisions()

    def action_decide(self):
        """Decisions fixed for every unit, within the return rules or overridden by a manager (docs/rma.md §6)."""
        self._start_transition("can_decide")
        self.line_ids._check_decisions()
        self._workflow().write({"state": "decided"})
        self._notify_customer("decided")

    def action_process(self):
        """Create the credit notes, deliveries, repairs and scraps the decisions call for (docs/rma.md §7)."""
        self._start_locked_transition("can_process").write({"state": "processed"})
        for rma in self._per_company():
            rma.line_ids._process_decision()
        self._complete_settled()

    def action_cancel(self):
        """Cancel what is not done yet; refuse when goods or money already moved (docs/rma.md §10)."""
        self._lock_for_transition()
        done_documents = self.line_ids._done_documents()
        if done_documents:
            raise UserError(self.env._(
                "These documents are done and cannot be undone by cancelling the RMA: %(documents)s. "
                "Settle the RMA instead.",
                documents=", ".join(done_documents),
            ))
        self._start_transition("can_cancel").write({"state": "cancel"})
        self.line_ids._cancel_documents()
        self.env["aftersales.recall.unit"]._rma_lines_cancelled(self.filtered("recall_id").line_ids)

    def action_receive(self):
        """Receive the units here: each serial scanned or typed and checked against the RMA (docs/rma.md §3)."""
        self.ensure_one()
        self._check_can("can_receive")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Receive %(rma)s", rma=self.name),
            "res_model": "aftersales.rma.receive",
            "view_mode": "form",
            "target": "new",
            "context": {"default_rma_id": self.id},
        }

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

    def action_view_vendor_repairs(self):
        self.ensure_one()
        return self._action_documents(
            "aftersales.vendor.repair", self.vendor_repair_ids, self.env._("Repairs by the Manufacturer")
        )

    def action_view_repairs(self):
        self.ensure_one()
        return self._action_documents("repair.order", self.repair_ids, self.env._("Repairs"))

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _action_create_for(self, records):
        """The form of a new RMA for the returnable units of ``records``, prefilled and not saved yet: it takes a
        number when the user saves it (docs/rma.md §2)."""
        customer = records.partner_id
        if len(customer) != 1:
            raise UserError(self.env._("An RMA concerns the units of one customer."))
        commands = records._rma_line_commands()
        if not commands:
            raise UserError(self.env._("These units were already returned or are on an open RMA."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New RMA"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {
                "default_partner_id": customer.id,
                "default_company_id": records.company_id[:1].id,
                "default_sale_order_id": records.sale_order_id.id if len(records.sale_order_id) == 1 else False,
                "default_line_ids": commands,
            },
        }

    def _warehouse(self):
        """The company's warehouse, for units that did not leave from one of ours."""
        self.ensure_one()
        return self.env["stock.warehouse"].search([("company_id", "=", self.company_id.id)], limit=1)

    def _replacement_reference(self):
        """The stock reference that ties the RMA's replacements together, as a sale order's ties its deliveries: made
        with the first replacement, kept by those made again (docs/rma.md §7)."""
        self.ensure_one()
        return self.line_ids._moves_of("replacement").reference_ids[:1] or self.env["stock.reference"].create(
            {"name": self.name}
        )

    def _per_company(self):
        """The RMAs of each company, in that company: its documents take their defaults from it (docs/security.md §3)."""
        return [rmas.with_company(company) for company, rmas in self.grouped("company_id").items()]

    def _transfers_validated(self, pickings_sudo):
        """Hook of the transfers of these RMAs once validated: received when every unit is in, shipped units
        announced, done when settled (docs/rma.md §3, §7)."""
        pickings_sudo._aftersales_deliveries().aftersales_rma_id._notify_customer("shipped")
        pickings_sudo.move_ids.aftersales_rma_line_id._close_short_receipts()
        self._receipts_progress()

    def _pending_receipt_moves(self):
        """The receipt moves of the units still awaited."""
        return self.line_ids.move_ids.filtered(
            lambda move: move.picking_id.aftersales_rma_role == "receipt" and move.state not in ("done", "cancel")
        )

    def _receive_moves(self, quantities):
        """Validate the receipts of ``quantities`` ({receipt move: quantity received}), each unit on its own
        serial; what is not received waits on a backorder (docs/rma.md §3)."""
        moves = self.env["stock.move"].concat(*quantities)
        (self._pending_receipt_moves() - moves).picked = False
        for move, quantity in quantities.items():
            move.picked = not move.product_uom.is_zero(quantity)
            if move.picked:
                move.aftersales_rma_line_id._set_own_lot_on(move)
                move.move_line_ids.quantity = quantity
        moves.filtered("picked").picking_id.with_context(skip_backorder=True).button_validate()

    def _receipts_progress(self):
        """Received when every unit is in, then done when every unit is settled (docs/rma.md §3)."""
        received = self.filtered(lambda rma: rma.state == "confirmed" and rma.receipt_state == "full")
        received._workflow().write({"state": "received"})
        received._notify_customer("received")
        self._complete_settled()

    def _complete_settled(self):
        """A processed RMA is done when every unit's documents are done; a return visit follows
        (docs/rma.md §7, docs/satisfaction.md §1)."""
        done = self.filtered(lambda rma: rma.state == "processed" and all(rma.line_ids.mapped("is_settled")))
        done._workflow().write({"state": "done"})
        self.env["aftersales.recall.unit"]._rma_lines_done(done.filtered("recall_id").line_ids)
        done._aftersales_schedule_return_visits()
        return done

    def _return_visit_unit(self):
        """The unit a visit asks about: the RMA's one product, and its serial when one unit came back."""
        products, lots = self.line_ids.product_id, self.line_ids.lot_id
        product = products if len(products) == 1 else products.browse()
        return product, lots if product and len(lots) == 1 and len(self.line_ids) == 1 else lots.browse()

    # Business rules: the customer portal ------------------------------------------------------

    @api.model
    def _portal_request(self, units, reason_id=None, description=None, photos=(), proofs=()):
        """A return asked for by the customer on the portal: a draft RMA for the coordinator, channel portal
        (docs/portal.md §3). Runs as the portal user: every unit is re-read among the customer's own, and only
        the final write lifts the rights.

        :param units: list of dicts, each either ``record_id`` (a delivery record of the customer) and
            ``quantity``, or ``product_id``, ``serial``, ``quantity`` and ``proof_date`` for a unit we have no
            delivery record of
        :param photos: ``(file name, bytes)`` of photos of the problem
        :param proofs: ``(file name, bytes)`` of the proof of purchase, required for a unit without record
        :return: the new RMA
        """
        customer = self._portal_customer()
        if not units:
            raise UserError(self.env._("Choose at least one unit to return."))
        records = self._portal_reread(
            "aftersales.delivery.record", [unit.get("record_id") for unit in units],
            [("partner_id", "=", customer.id)],
        )
        reason = self._portal_reread("aftersales.rma.reason", [reason_id])
        if not reason:
            raise UserError(self.env._("Say why the units come back."))
        companies = records.company_id
        if len(companies) > 1:
            raise UserError(self.env._("Ask for the return of each supplier company's units separately."))
        company = companies or self.env.company
        uploads = self._portal_check_uploads([*photos, *proofs], company)
        lines = [self._prepare_portal_line(unit, records, company) for unit in units]
        if any(not line.get("delivery_record_id") for line in lines) and not any(data for _name, data in proofs):
            raise UserError(self.env._("A unit we have no delivery record of needs a proof of purchase: attach it."))
        orders = records.sale_order_id
        rma_sudo = self.sudo().with_company(company).create({
            "partner_id": customer.id,
            "company_id": company.id,
            "channel": "portal",
            "reason_id": reason.id,
            "description": self._portal_text(description),
            "sale_order_id": orders.id if len(orders) == 1 else False,
            "line_ids": [fields.Command.create(line) for line in lines],
        })
        rma = self.browse(rma_sudo.id)
        rma._portal_attach(uploads)
        rma._portal_assign(self.env._("Return asked for on the portal"))
        return rma

    @api.model
    def _prepare_portal_line(self, unit, records, company):
        """The line of one unit a customer asks back (docs/portal.md §3). The line's own constraints refuse a
        quantity that is not positive or more than can still come back of a delivered unit."""
        try:
            quantity = float(unit.get("quantity") or 0.0)
            product_id = int(unit.get("product_id") or 0)
            proof_date = fields.Date.to_date(unit.get("proof_date") or None)
        except (TypeError, ValueError):
            raise UserError(self.env._("Give quantities as numbers and dates as on the form.")) from None
        if not math.isfinite(quantity):
            raise UserError(self.env._("Give quantities as numbers and dates as on the form."))
        if unit.get("record_id"):
            record_sudo = records.filtered(lambda record: record.id == int(unit["record_id"])).sudo()
            return self.env["aftersales.rma.line"]._prepare_values_from_record(record_sudo, quantity)
        product_sudo = self.env["product.product"].sudo().search([
            ("id", "=", product_id), ("sale_ok", "=", True), ("type", "=", "consu"),
            ("company_id", "in", [False, company.id]),
        ])
        if not product_sudo:
            raise UserError(self.env._("Choose the product of the unit to return."))
        if not proof_date:
            raise UserError(self.env._(
                "Give the date on the proof of purchase of %(product)s.", product=product_sudo.name
            ))
        return {"product_id": product_sudo.id, "lot_id": self._portal_unrecorded_lot(product_sudo, unit, company).id,
                "quantity": quantity, "proof_date": proof_date}

    @api.model
    def _portal_unrecorded_lot(self, product_sudo, unit, company):
        """The serial or lot of a unit we have no delivery record of, named by the customer: required when the
        product has them, and neither delivered to anybody nor claimed already. One answer for every refusal, so
        that nobody learns from the portal which numbers exist (docs/portal.md §3)."""
        serial = (unit.get("serial") or "").strip()
        if product_sudo.tracking == "none":
            return self.env["stock.lot"]
        if not serial:
            raise UserError(self.env._("Give the serial or lot number of %(product)s.", product=product_sudo.name))
        lots_sudo = self.env["stock.lot"].sudo()
        lot_sudo = lots_sudo.search(lots_sudo._aftersales_serial_domain(serial) & Domain([
            ("product_id", "=", product_sudo.id), ("company_id", "in", [False, company.id]),
        ]), limit=1)
        claimed = lot_sudo and (
            self.env["aftersales.delivery.record"].sudo().search_count([("lot_id", "=", lot_sudo.id)], limit=1)
            or self.env["aftersales.rma.line"].sudo().search_count(
                [("lot_id", "=", lot_sudo.id), ("rma_id.state", "not in", ("done", "cancel"))], limit=1
            )
        )
        if not lot_sudo or claimed:
            raise UserError(self.env._(
                "%(serial)s cannot be returned from here. If we delivered it to you, choose it in My Units; "
                "otherwise write to us with its proof of purchase.", serial=serial,
            ))
        return lot_sudo

    def _return_address(self):
        """Where the customer sends the units back: the warehouse of their return receipt, else the company's
        (docs/portal.md §4)."""
        self.ensure_one()
        rma_sudo = self.sudo()
        receipts_sudo = rma_sudo.picking_ids.filtered(lambda picking: picking.aftersales_rma_role == "receipt")
        warehouse_sudo = receipts_sudo[:1].picking_type_id.warehouse_id or rma_sudo._warehouse()
        return warehouse_sudo.partner_id or rma_sudo.company_id.partner_id

    def _portal_give_shipment(self, carrier, tracking_ref):
        """The customer says how the units come back: carrier and tracking number, while the RMA awaits them
        (docs/portal.md §4)."""
        self.ensure_one()
        self._check_can("can_give_shipment", self.env._("The units of %(rma)s are not awaited any more.", rma=self.name))
        carrier, tracking_ref = (carrier or "").strip(), (tracking_ref or "").strip()
        if not tracking_ref:
            raise UserError(self.env._("Give the tracking number of your shipment."))
        self.sudo().write({"customer_carrier": carrier[:64] or False, "customer_tracking_ref": tracking_ref[:64]})

    def _portal_documents(self):
        """What the customer sees of the RMA's documents, each checked to be this RMA's and the customer's
        (docs/portal.md §4): receipts, deliveries, posted credit notes and invoices, repair quotations."""
        self.ensure_one()
        rma_sudo = self.sudo()
        customer_sudo = rma_sudo.partner_id.commercial_partner_id
        pickings_sudo = rma_sudo.picking_ids.filtered(
            lambda picking: picking.partner_id.commercial_partner_id == customer_sudo and picking.state != "cancel"
        )
        moves_sudo = rma_sudo.account_move_ids.filtered(
            lambda move: move.state == "posted" and move.commercial_partner_id == customer_sudo
        )
        quotations_sudo = rma_sudo.line_ids.repair_id.sale_order_id.filtered(
            lambda order: order.partner_id.commercial_partner_id == customer_sudo and order.state != "cancel"
        )
        return {
            "receipts": pickings_sudo.filtered(lambda picking: picking.aftersales_rma_role == "receipt"),
            "deliveries": pickings_sudo._aftersales_deliveries(),
            "credit_notes": moves_sudo.filtered(lambda move: move.move_type == "out_refund"),
            "invoices": moves_sudo.filtered(lambda move: move.move_type == "out_invoice"),
            "quotations": quotations_sudo,
        }

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Return Authorization %(rma)s", rma=self.name)
