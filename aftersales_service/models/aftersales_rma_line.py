from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .aftersales_delivery_record_warranty import WARRANTY_STATES

CAUSES = [
    ("manufacturing", "Our Manufacturing Quality"),
    ("nonconformity", "Specification Non-Conformity"),
    ("transport", "Transport Damage"),
    ("misuse", "Customer Misuse"),
    ("external_damage", "External Damage Not Caused by Us"),
    ("wear", "Normal Wear"),
    ("not_ours", "Not Our Product"),
    ("no_fault", "No Fault Found"),
]

DECISIONS = [
    ("refund", "Refund"),
    ("replace", "Replacement"),
    ("repair", "Repair"),
    ("return_as_is", "Return As Is"),
    ("scrap", "Scrap"),
    ("reject", "Reject Claim"),
]

# Inspection findings that void the warranty (SPEC 2, [003] 六), as check_warranty keys.
VOIDING_CAUSES = {"misuse": "misuse", "external_damage": "external_damage"}


class AftersalesRmaLine(models.Model):
    _name = "aftersales.rma.line"
    _description = "Returned Unit"
    _order = "rma_id, sequence, id"
    _check_company_auto = True

    rma_id = fields.Many2one("aftersales.rma", string="RMA", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="rma_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="rma_id.partner_id")
    rma_state = fields.Selection(related="rma_id.state", string="RMA Status")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain="[('type', '=', 'consu')]",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit")
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", check_company=True, domain="[('product_id', '=', product_id)]"
    )
    quantity = fields.Float(digits="Product Unit", required=True, default=1.0)
    delivery_record_id = fields.Many2one(
        "aftersales.delivery.record",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', '=', partner_id), ('product_id', '=?', product_id)]",
    )
    sale_line_id = fields.Many2one(related="delivery_record_id.sale_line_id")
    proof_date = fields.Date(
        string="Proof of Purchase Date", help="For a unit without delivery record: the date on the customer's proof."
    )

    warranty_state = fields.Selection(
        WARRANTY_STATES, compute="_compute_warranty", store=True, string="Warranty on Claim Date"
    )
    warranty_reason = fields.Text(compute="_compute_warranty", store=True)
    warranty_end_date = fields.Date(compute="_compute_warranty", store=True)

    move_ids = fields.One2many("stock.move", "aftersales_rma_line_id", string="Stock Moves")
    qty_received = fields.Float(digits="Product Unit", compute="_compute_received", store=True, string="Received")
    receipt_date = fields.Date(compute="_compute_received", store=True)

    cause = fields.Selection(CAUSES)
    customer_modified = fields.Boolean(
        string="Disassembled / Modified by Customer",
        help="The customer opened, repaired or modified the unit without our authorisation.",
    )
    customer_processed_parts = fields.Boolean(
        help="Parts the customer had machined or processed: their material is charged even in warranty.",
    )
    product_used = fields.Boolean(string="Used", help="The unit was installed and used.")
    customer_pickup = fields.Boolean(help="The customer collected the goods: transport damage is then not ours.")
    department_id = fields.Many2one("aftersales.department", string="Responsible Department")
    inspection_note = fields.Text()

    decision = fields.Selection(DECISIONS, copy=False)
    override_reason = fields.Text(copy=False, help="Why a manager decided against the return rules.")
    overridden_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    custom_agreement = fields.Boolean(
        string="Return of Custom Product Agreed", help="The contract allows the return of this custom-made product."
    )
    paid_repair_requested = fields.Boolean(help="The customer asks us to repair a unit that is not ours, at cost.")
    customer_consent = fields.Boolean(string="Customer Consents to Scrap")
    repair_hours = fields.Float(string="Labour Hours", help="Hours of work charged on a chargeable repair.")

    repair_id = fields.Many2one("repair.order", string="Repair Order", copy=False, readonly=True)
    scrap_id = fields.Many2one("stock.scrap", copy=False, readonly=True)
    credit_line_ids = fields.One2many("account.move.line", "aftersales_rma_line_id", string="Credit Note Lines")

    @api.ondelete(at_uninstall=False)
    def _unlink_only_while_draft(self):
        """Units leave an RMA only before approval: later they have receipts and decisions (SPEC 3)."""
        if self.env.context.get("aftersales_unreceived"):
            return
        if any(line.rma_state not in ("draft", "cancel") for line in self):
            raise UserError(self.env._("Units can be removed from draft RMAs only; cancel the RMA instead."))

    @api.depends("product_id", "lot_id", "delivery_record_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = " ".join(filter(None, [line.product_id.display_name, line.lot_id.name]))

    @api.depends(
        "lot_id", "product_id", "delivery_record_id", "proof_date", "rma_id.date", "rma_id.partner_id",
        "cause", "customer_modified",
    )
    def _compute_warranty(self):
        """Warranty of the unit on the claim date, voided by what inspection found (SPEC 2, 3)."""
        records = self.env["aftersales.delivery.record"]
        for line in self:
            if not line.product_id or not line.rma_id:
                line.warranty_state = line.warranty_reason = line.warranty_end_date = False
                continue
            voids = [key for cause, key in VOIDING_CAUSES.items() if line.cause == cause]
            if line.customer_modified:
                voids.append("modification")
            if line.delivery_record_id:
                result = line.delivery_record_id._warranty_verdict(line.rma_id.date, voids)
            else:
                result = records.check_warranty(
                    lot=line.lot_id or None,
                    product=line.product_id,
                    partner=line.rma_id.partner_id,
                    on_date=line.rma_id.date,
                    proof_date=line.proof_date if line.proof_date and line.proof_date <= line.rma_id.date else None,
                    void_reasons=voids,
                )
            if line.cause == "not_ours":
                result = dict(result, state="not_ours")
            line.warranty_state = result["state"]
            line.warranty_reason = result["reason"]
            line.warranty_end_date = result["end_date"]

    @api.depends("move_ids.state", "move_ids.quantity", "move_ids.picking_id.aftersales_rma_role")
    def _compute_received(self):
        """Received quantity and date: the done receipt moves of the unit (SPEC 3)."""
        for line in self:
            moves = line.move_ids.filtered(
                lambda m: m.state == "done" and m.picking_id.aftersales_rma_role == "receipt"
            )
            line.qty_received = sum(m.product_uom._compute_quantity(m.quantity, m.product_id.uom_id) for m in moves)
            dates = moves.mapped("date")
            line.receipt_date = max(dates).date() if dates else False

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        """A serial number finds the unit's delivery to this customer (SPEC 3)."""
        if self.lot_id:
            record = self.env["aftersales.delivery.record"].search(
                [("lot_id", "=", self.lot_id.id), ("partner_id", "=", self.rma_id.partner_id.commercial_partner_id.id)],
                limit=1,
            )
            self.update(self._values_from_record(record, record._returnable_quantity() or 1.0) if record else {})

    @api.onchange("delivery_record_id")
    def _onchange_delivery_record_id(self):
        record = self.delivery_record_id
        if record and record.lot_id != self.lot_id:
            self.update(self._values_from_record(record, record._returnable_quantity() or 1.0))

    @api.model
    def _values_from_record(self, record, quantity):
        return {
            "delivery_record_id": record.id,
            "product_id": record.product_id.id,
            "lot_id": record.lot_id.id,
            "quantity": quantity,
        }

    @api.constrains("quantity", "delivery_record_id", "lot_id", "product_id")
    def _check_returnable_quantity(self):
        """A unit never returns more than delivered − returned − claimed on open RMAs (SPEC 3)."""
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(self.env._("The quantity to return must be positive."))
            if line.product_id.tracking == "serial" and line.quantity != 1:
                raise ValidationError(self.env._("A serial number is returned one unit at a time."))
            record = line.delivery_record_id
            if not record:
                continue
            if record.product_id != line.product_id or (line.lot_id and record.lot_id != line.lot_id):
                raise ValidationError(self.env._(
                    "%(unit)s does not match its delivery record %(record)s.",
                    unit=line.display_name,
                    record=record.display_name,
                ))
            available = record._returnable_quantity(excluding=line)
            if line.product_uom_id.compare(line.quantity, available) > 0:
                raise ValidationError(self.env._(
                    "%(unit)s: %(asked)s asked back, but only %(available)s of %(delivered)s delivered can still "
                    "be returned (already returned or claimed on another open RMA).",
                    unit=line.display_name,
                    asked=line.quantity,
                    available=available,
                    delivered=record.quantity,
                ))

    def _pending_quantity(self):
        """Quantity claimed but not yet received, per delivery record (open RMAs)."""
        pending = defaultdict(float)
        for line in self.filtered(lambda line: line.rma_id.state not in ("cancel", "done")):
            pending[line.delivery_record_id] += max(line.quantity - line.qty_received, 0.0)
        return pending
