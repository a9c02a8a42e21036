from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.float_utils import float_compare

from ..selections import CAUSES, CHARGE_MODES, DECISIONS, RETURN_REMEDIES, WARRANTY_STATES
from .aftersales_protected_fields_mixin import MANAGER_GROUP, as_workflow, in_workflow

# Inspection findings that void the warranty, as check_warranty keys (docs/warranty.md §6).
VOIDING_CAUSES = {"misuse": "misuse", "external_damage": "external_damage"}
# Decisions that take the goods back for good: refund and replacement (docs/rma.md §5).
RETURN_DECISIONS = ("refund", "replace")
OUT_OF_WARRANTY = ("expired", "no_proof", "void")
# What the return rules read: changing it after an override calls for a new one (docs/rma.md §6).
RULE_INPUTS = {"cause", "customer_modified", "product_used", "customer_pickup", "custom_agreement", "product_id",
               "lot_id", "delivery_record_id", "proof_date"}
# How each decision ends: the role of the transfer that settles it (docs/rma.md §7).
SETTLING_ROLE = {
    "replace": "replacement", "repair": "return", "return_as_is": "return", "reject": "return",
    "vendor_repair": "return",
}
# The processing of each decision (docs/rma.md §7).
PROCESSORS = {
    "refund": "_process_refund",
    "replace": "_process_replacement",
    "repair": "_process_repair",
    "return_as_is": "_return_to_customer",
    "reject": "_return_to_customer",
    "scrap": "_process_scrap",
    "vendor_repair": "_process_vendor_repair",
}

UNIT_FIELDS = ("rma_id", "product_id", "lot_id", "quantity", "delivery_record_id", "proof_date")
INSPECTION_FIELDS = ("cause", "customer_modified", "customer_processed_parts", "product_used", "customer_pickup",
                     "department_id", "inspection_note")
DECISION_FIELDS = ("decision", "override_reason", "custom_agreement", "paid_repair_requested", "customer_consent")


class AftersalesRmaLine(models.Model):
    """One returned unit: its warranty on the claim date, inspection, decision and the documents that settle
    it (docs/rma.md)."""

    _name = "aftersales.rma.line"
    _description = "Returned Unit"
    _inherit = ["aftersales.protected.fields.mixin", "aftersales.portal.fields.mixin"]
    _portal_readable_fields = (
        "company_id", "decision", "delivery_record_id", "lot_id", "partner_id", "product_id", "product_uom_id",
        "proof_date", "qty_received", "quantity", "receipt_date", "repair_id", "rma_id", "rma_state", "sale_line_id",
        "sequence", "warranty_end_date", "warranty_reason", "warranty_state",
    )
    _order = "rma_id, sequence, id"
    _check_company_auto = True
    _frozen_fields = ("rma_id",)
    _workflow_fields = ("overridden_by_id", "repair_id", "scrap_id", "recall_id")
    _manager_fields = ("override_reason",)
    _locked_fields = {
        "can_edit_unit": UNIT_FIELDS,
        "can_edit_inspection": INSPECTION_FIELDS,
        "can_edit_decision": DECISION_FIELDS,
        "can_edit_charge": ("repair_hours",),
    }

    # Fields -----------------------------------------------------------------------------------

    rma_id = fields.Many2one("aftersales.rma", string="RMA", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    recall_id = fields.Many2one(
        "aftersales.recall", index="btree_not_null", readonly=True, copy=False,
        help="The recall this unit comes back for: free whatever its warranty, the recall's remedy decides.",
    )
    company_id = fields.Many2one(related="rma_id.company_id", store=True, precompute=True, index=True)
    partner_id = fields.Many2one(related="rma_id.partner_id")
    rma_state = fields.Selection(related="rma_id.state", string="RMA Status")
    product_id = fields.Many2one(
        "product.product",
        required=True,
        check_company=True,
        domain="[('type', '=', 'consu')]",
    )
    product_uom_id = fields.Many2one(related="product_id.uom_id", string="Unit of Measure")
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", check_company=True, domain="[('product_id', '=', product_id)]"
    )
    quantity = fields.Float(digits="Product Unit", required=True, default=1.0)
    delivery_record_id = fields.Many2one(
        "aftersales.delivery.record",
        index="btree_not_null",
        check_company=True,
        domain="[('partner_id', '=', partner_id), ('product_id', '=?', product_id), ('qty_with_customer', '>', 0)]",
    )
    sale_line_id = fields.Many2one(related="delivery_record_id.sale_line_id")
    proof_date = fields.Date(
        string="Proof of Purchase Date", help="For a unit without delivery record: the date on the customer's proof."
    )

    warranty_state = fields.Selection(
        WARRANTY_STATES, compute="_compute_warranty", store=True, precompute=True, string="Warranty on Claim Date"
    )
    warranty_reason = fields.Text(compute="_compute_warranty", store=True, precompute=True)
    warranty_end_date = fields.Date(compute="_compute_warranty", store=True, precompute=True)

    move_ids = fields.One2many("stock.move", "aftersales_rma_line_id", string="Stock Moves")
    # A new line has received nothing: its creation computes neither (docs/rma.md §3).
    qty_received = fields.Float(
        digits="Product Unit", compute="_compute_received", store=True, default=0.0, string="Received"
    )
    receipt_date = fields.Date(compute="_compute_received", store=True, default=False)

    cause = fields.Selection(CAUSES, copy=False)
    customer_modified = fields.Boolean(
        string="Disassembled / Modified by Customer", copy=False,
        help="The customer opened, repaired or modified the unit without our authorisation.",
    )
    customer_processed_parts = fields.Boolean(
        copy=False, help="Parts the customer had machined or processed: their material is charged even in warranty.",
    )
    product_used = fields.Boolean(string="Used", copy=False, help="The unit was installed and used.")
    customer_pickup = fields.Boolean(
        copy=False, help="The customer collected the goods: transport damage is then not ours."
    )
    department_id = fields.Many2one("aftersales.department", string="Responsible Department", copy=False)
    inspection_note = fields.Text(copy=False)

    decision = fields.Selection(DECISIONS, copy=False)
    refund_allowed = fields.Boolean(
        string="Return Allowed", compute="_compute_return_rule", help="Whether the return rules allow a refund or replacement."
    )
    return_rule = fields.Char(string="Rule Applied", compute="_compute_return_rule")
    proposed_decision = fields.Selection(DECISIONS, compute="_compute_proposed_decision")
    override_reason = fields.Text(copy=False, help="Why a manager decided against the return rules.")
    overridden_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    custom_agreement = fields.Boolean(
        string="Return of Custom Product Agreed", copy=False, help="The contract allows the return of this custom-made product."
    )
    paid_repair_requested = fields.Boolean(
        copy=False, help="The customer asks us to repair a unit that is not ours, at cost."
    )
    customer_consent = fields.Boolean(string="Customer Consents to Scrap", copy=False)
    charge_mode = fields.Selection(
        CHARGE_MODES, string="Repair Charge", compute="_compute_charge_mode", store=True, precompute=True
    )
    repair_hours = fields.Float(
        string="Labour Hours", copy=False,
        help="Hours of work on the repair: charged when the repair is charged in full, counted in the warranty cost "
             "when it is free.",
    )

    repair_id = fields.Many2one("repair.order", string="Repair Order", copy=False, readonly=True)
    # The inverse of the repairs' link: a change of the line finds the repair deadlines to recompute in the cache.
    repair_ids = fields.One2many("repair.order", "aftersales_rma_line_id", string="Repairs")
    scrap_id = fields.Many2one("stock.scrap", copy=False, readonly=True)
    credit_line_ids = fields.One2many(
        "account.move.line", "aftersales_rma_line_id", string="Credit Note Lines",
        groups="account.group_account_invoice,account.group_account_readonly",
    )
    is_settled = fields.Boolean(compute="_compute_is_settled", help="Every document of the decision is done.")

    can_edit_unit = fields.Boolean(compute="_compute_can")
    can_edit_inspection = fields.Boolean(compute="_compute_can")
    can_edit_decision = fields.Boolean(compute="_compute_can")
    can_edit_charge = fields.Boolean(compute="_compute_can")
    can_ship_again = fields.Boolean(
        compute="_compute_can_settle_again", help="The replacement or return was cancelled before it shipped the unit."
    )
    can_refund_instead = fields.Boolean(
        compute="_compute_can_settle_again", help="The replacement was cancelled before it shipped anything."
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("product_id", "lot_id", "delivery_record_id")
    def _compute_display_name(self):
        # The names of the product and lot, also for a customer who reads neither (portal).
        for line, line_sudo in zip(self, self.sudo()):
            line.display_name = " ".join(filter(None, [line_sudo.product_id.display_name, line_sudo.lot_id.name]))

    @api.depends("rma_id.state", "repair_id.state")
    def _compute_can(self):
        """Which of the unit's fields can change now: the view's ``readonly`` and the write guard
        (docs/rma.md §1)."""
        for line in self:
            state = line.rma_id.state or "draft"
            line.can_edit_unit = state == "draft"
            line.can_edit_inspection = state == "received"
            line.can_edit_decision = state in ("received", "inspected")
            line.can_edit_charge = state in ("received", "inspected", "decided", "processed") and (
                line.repair_id.state != "done"
            )

    @api.depends(
        "lot_id", "product_id", "delivery_record_id", "proof_date", "rma_id.date", "rma_id.partner_id",
        "cause", "customer_modified",
    )
    def _compute_warranty(self):
        """Warranty of the unit on the claim date, voided by what inspection found (docs/warranty.md §5-§7)."""
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
                    company=line.company_id,
                )
            if line.cause == "not_ours":
                result = dict(result, state="not_ours")
            line.warranty_state = result["state"]
            line.warranty_reason = result["reason"]
            line.warranty_end_date = result["end_date"]

    @api.depends("move_ids.state", "move_ids.quantity", "move_ids.picking_id.aftersales_rma_role")
    def _compute_received(self):
        """Received quantity and date: the done receipt moves of the unit, in the company's time zone
        (docs/rma.md §3)."""
        for line in self:
            moves = line._moves_of("receipt").filtered(lambda m: m.state == "done")
            line.qty_received = sum(m.product_uom._compute_quantity(m.quantity, m.product_id.uom_id) for m in moves)
            dates = moves.mapped("date")
            line.receipt_date = line.company_id._aftersales_date(max(dates)) if dates else False

    @api.depends("cause", "warranty_state", "customer_modified", "product_used", "customer_pickup",
                 "custom_agreement", "product_id", "recall_id")
    def _compute_return_rule(self):
        for line in self:
            line.refund_allowed, line.return_rule = line._return_rule()

    @api.depends("cause", "refund_allowed", "paid_repair_requested", "product_used", "recall_id.remedy")
    def _compute_proposed_decision(self):
        """Decision proposed from the inspection and the return rules; a recalled unit's is its recall's remedy
        (docs/rma.md §6, docs/recalls.md §7)."""
        for line in self:
            if not line.cause:
                line.proposed_decision = False
            elif line.recall_id:
                line.proposed_decision = RETURN_REMEDIES.get(line.recall_id.remedy, "repair")
            elif line.refund_allowed:
                line.proposed_decision = "refund"
            elif line.cause == "not_ours":
                line.proposed_decision = "repair" if line.paid_repair_requested else "reject"
            elif line.cause == "no_fault":
                line.proposed_decision = "return_as_is"
            else:
                line.proposed_decision = "repair"

    @api.depends("warranty_state", "cause", "customer_processed_parts", "customer_pickup", "recall_id")
    def _compute_charge_mode(self):
        for line in self:
            line.charge_mode = line._repair_charge()

    @api.depends(
        "decision", "quantity", "move_ids.state", "move_ids.quantity", "move_ids.location_dest_id",
        "move_ids.picking_id.aftersales_rma_role", "repair_id.state", "scrap_id.state",
    )
    def _compute_is_settled(self):
        """Every document of the decision is done; a transfer cancelled counts for nothing, the one made again in its
        place does (docs/rma.md §7, §14)."""
        for line in self:
            if line.decision == "refund":
                line.is_settled = True
            elif line.decision == "scrap":
                line.is_settled = line.scrap_id.state == "done"
            elif line.decision == "vendor_repair" and line.scrap_id:
                # The vendor could not repair it and the customer agreed to scrap it (docs/rma.md §13).
                line.is_settled = line.scrap_id.state == "done"
            else:
                repaired = line.decision != "repair" or line.repair_id.state == "done"
                line.is_settled = repaired and line._settling_closed() and line.product_uom_id.compare(
                    line._quantity_to_ship(), 0.0
                ) <= 0

    @api.depends(
        "rma_id.state", "decision", "quantity", "refund_allowed", "move_ids.state", "move_ids.quantity",
        "move_ids.location_dest_id", "move_ids.picking_id.aftersales_rma_role", "repair_id.state",
    )
    @api.depends_context("uid")
    def _compute_can_settle_again(self):
        """A processed unit whose replacement or return was cancelled before it shipped the unit is shipped again;
        a replacement that shipped nothing may be refunded instead, by a manager where the return rules refuse a
        refund (docs/rma.md §14)."""
        manager = self.env.user.has_group(MANAGER_GROUP)
        for line in self:
            stuck = line.rma_id.state == "processed" and line._settling_closed() and not line.is_settled
            line.can_ship_again = stuck
            line.can_refund_instead = (
                stuck and line.decision == "replace" and not line._shipped_quantity()
                and (line.refund_allowed or manager)
            )

    # Onchanges --------------------------------------------------------------------------------

    @api.onchange("lot_id")
    def _onchange_lot_id(self):
        """A serial number finds the unit's delivery to this customer (docs/rma.md §2)."""
        if self.lot_id:
            record = self.env["aftersales.delivery.record"].search(
                [("lot_id", "=", self.lot_id.id), ("partner_id", "=", self.rma_id.partner_id.commercial_partner_id.id)],
                limit=1,
            )
            self.update(self._prepare_values_from_record(record, record._returnable_quantity() or 1.0) if record else {})

    @api.onchange("delivery_record_id")
    def _onchange_delivery_record_id(self):
        record = self.delivery_record_id
        if record and record.lot_id != self.lot_id:
            self.update(self._prepare_values_from_record(record, record._returnable_quantity() or 1.0))

    @api.onchange("proposed_decision")
    def _onchange_proposed_decision(self):
        """What inspection finds proposes the decision; the coordinator may choose another."""
        self.decision = self.proposed_decision

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("quantity", "delivery_record_id", "lot_id", "product_id")
    def _check_returnable_quantity(self):
        """A unit never returns more than delivered − returned − claimed on open RMAs, also when two users claim it
        at the same moment (docs/rma.md §2)."""
        self.delivery_record_id._lock_for_claim()
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

    @api.constrains("rma_id", "product_id", "lot_id", "delivery_record_id", "proof_date")
    def _check_unit_consistency(self):
        """A unit is the customer's own, claimed after it was delivered, with a proof dated before the claim
        (docs/rma.md §2)."""
        records = self.env["aftersales.delivery.record"]
        unrecorded_lots = self.filtered(lambda line: not line.delivery_record_id).lot_id
        if unrecorded_lots:
            records = records.search_fetch([("lot_id", "in", unrecorded_lots.ids)], ["lot_id", "partner_id"])
        for line in self:
            customer = line.rma_id.partner_id.commercial_partner_id
            record = line.delivery_record_id
            if line.product_id.type != "consu":
                raise ValidationError(self.env._(
                    "%(product)s is not goods: only delivered goods come back.", product=line.product_id.display_name
                ))
            if not record:
                # A delivery record pins the unit: its lot is the line's (_check_returnable_quantity).
                records._check_lot_of_product(line.lot_id, line.product_id)
            if record and record.partner_id != customer:
                raise ValidationError(self.env._(
                    "%(unit)s was delivered to another customer, not to %(customer)s.",
                    unit=record.display_name, customer=customer.name,
                ))
            if not record and line.lot_id:
                delivered_to = records.filtered(lambda r, lot=line.lot_id: r.lot_id == lot).partner_id
                if delivered_to and customer not in delivered_to:
                    raise ValidationError(self.env._(
                        "%(serial)s was delivered to another customer, not to %(customer)s.",
                        serial=line.lot_id.name, customer=customer.name,
                    ))
                if customer in delivered_to:
                    raise ValidationError(self.env._(
                        "%(serial)s was delivered to %(customer)s: choose its delivery record, whose quantities and "
                        "dates the return follows.",
                        serial=line.lot_id.name, customer=customer.name,
                    ))
            if record and line.rma_id.date < record.delivery_date:
                raise ValidationError(self.env._(
                    "%(unit)s cannot be claimed on %(claim)s: it was delivered on %(delivered)s.",
                    unit=record.display_name, claim=line.rma_id.date, delivered=record.delivery_date,
                ))
            if line.proof_date and line.proof_date > line.rma_id.date:
                raise ValidationError(self.env._("The proof of purchase cannot be dated after the claim date."))

    @api.constrains("lot_id", "rma_id")
    def _check_serial_on_one_open_rma(self):
        """A serial number is claimed on one open RMA at a time, also when we have no delivery record of it (the
        returnable quantity holds the others, docs/rma.md §2)."""
        serials = self.filtered(
            lambda line: line.lot_id and not line.delivery_record_id and line.product_id.tracking == "serial"
        )
        if not serials:
            return
        claimed = self.search([
            ("lot_id", "in", serials.lot_id.ids), ("id", "not in", serials.ids),
            ("rma_id.state", "not in", ("done", "cancel")),
        ])
        for line in serials:
            twin = claimed.filtered(lambda other, line=line: other.lot_id == line.lot_id)[:1] or (
                serials - line
            ).filtered(lambda other, line=line: other.lot_id == line.lot_id)[:1]
            if twin:
                raise ValidationError(self.env._(
                    "%(serial)s is already claimed on %(rma)s.", serial=line.lot_id.name, rma=twin.rma_id.name
                ))

    @api.constrains("recall_id", "rma_id")
    def _check_recall(self):
        """A unit comes back as recall work on its recall's RMA only (docs/recalls.md §7)."""
        if any(line.recall_id and line.recall_id != line.rma_id.recall_id for line in self):
            raise ValidationError(self.env._("A unit comes back as recall work on an RMA of its recall only."))

    @api.constrains("repair_hours")
    def _check_repair_hours(self):
        """Labour is charged, never credited: hours are zero or more (docs/rma.md §8)."""
        if any(line.repair_hours < 0 for line in self):
            raise ValidationError(self.env._("Labour hours cannot be negative."))

    # CRUD -------------------------------------------------------------------------------------

    def write(self, vals):
        res = super().write(vals)
        if "decision" in vals:
            self._record_overrides()
        return res

    def _prepare_write_stamps(self, vals):
        """New findings call for a new override (docs/rma.md §6)."""
        stamps = super()._prepare_write_stamps(vals)
        if RULE_INPUTS.intersection(vals):
            stamps["overridden_by_id"] = False
        return stamps

    @api.ondelete(at_uninstall=False)
    def _unlink_only_while_draft(self):
        """Units leave an RMA only before approval: later they have receipts and decisions; only the workflow
        removes a unit that never came (docs/rma.md §2, §10)."""
        if not in_workflow(self.env) and any(line.rma_state not in ("draft", "cancel") for line in self):
            raise UserError(self.env._("Units can be removed from draft RMAs only; cancel the RMA instead."))

    # Actions ----------------------------------------------------------------------------------

    def action_ship_again(self):
        """The replacement or return of these units was cancelled before it shipped them: made again, for what it
        did not ship (docs/rma.md §14)."""
        self.rma_id._lock_for_transition()
        self._check_can("can_ship_again", self.env._(
            "Only a unit whose replacement or return was cancelled before it was shipped can be shipped again."
        ))
        for company, lines in self.grouped("company_id").items():
            lines = lines.with_company(company)
            lines.filtered(lambda line: line.decision == "replace")._process_replacement()
            lines.filtered(lambda line: line.decision != "replace")._return_to_customer()
        for rma, lines in self.grouped("rma_id").items():
            rma.message_post(body=self.env._(
                "Shipped again, their transfer having been cancelled: %(units)s.",
                units=", ".join(lines.mapped("display_name")),
            ))

    def action_refund_instead(self):
        """A replacement that could not be shipped is refunded instead, under the rules of a refund: a manager
        overrides the return rules again where they refuse it (docs/rma.md §14)."""
        self.rma_id._lock_for_transition()
        self._check_can("can_refund_instead", self.env._(
            "Only a replacement cancelled before it shipped anything can be refunded instead; where the return rules "
            "refuse a refund, by an After-Sales manager."
        ))
        self._workflow().write({"decision": "refund"})
        self._check_decisions()
        for rma in self.rma_id._per_company():
            (rma.line_ids & self)._process_decision()
        for rma, lines in self.grouped("rma_id").items():
            rma.message_post(body=self.env._(
                "Refunded instead of replaced, the replacement having been cancelled: %(units)s.",
                units=", ".join(lines.mapped("display_name")),
            ))
        self.rma_id._notify_customer("decided")
        self.rma_id._complete_settled()

    # Business rules: return rules and decisions ------------------------------------------------

    def _return_rule(self):
        """Return rules: may the goods come back for a refund or replacement? (docs/rma.md §5)."""
        self.ensure_one()
        if not self.cause:
            return False, self.env._("Not inspected yet.")
        if self.recall_id:
            return self.recall_id.remedy in ("refund", "replace"), self.env._(
                "Recalled by %(recall)s: its remedy applies.", recall=self.recall_id.name
            )
        if self.cause == "not_ours" or self.warranty_state == "not_ours":
            return False, self.env._("Not our product: no return.")
        if self.product_id.aftersales_custom_made and not self.custom_agreement:
            return False, self.env._("Custom-made products are not returned unless the contract says so.")
        if self.cause == "transport":
            if self.customer_pickup:
                return False, self.env._("Transport damage after the customer collected the goods is not ours.")
            return True, self.env._("Transport damage on our delivery: return allowed.")
        if self.cause == "nonconformity":
            return True, self.env._("Parameters or dimensions do not meet the contract: return allowed.")
        if self.customer_modified:
            return False, self.env._("Disassembled or modified by the customer: no return.")
        if self.cause == "misuse":
            return False, self.env._("Unusable through customer misuse: no return.")
        if self.cause == "external_damage":
            return False, self.env._("Outside damaged or changed, not by us: no return.")
        if self.warranty_state in OUT_OF_WARRANTY:
            return False, self.env._("Out of warranty: no return.")
        if self.cause == "no_fault":
            if self.product_used:
                return False, self.env._("Used, without quality problem: no return.")
            return True, self.env._("Intact product in warranty: return allowed with our consent.")
        if self.cause == "wear":
            return False, self.env._("Normal wear is repaired at the customer's cost, not returned.")
        return False, self.env._("A defect in warranty is repaired free of charge, not returned.")

    def _repair_charge(self):
        """The charge of this unit's repair (docs/rma.md §8, docs/recalls.md §7)."""
        self.ensure_one()
        return self.env["aftersales.repair.charge"]._charge_mode_for(
            self.warranty_state, self.cause, self.customer_processed_parts, self.customer_pickup,
            recall=bool(self.recall_id),
        )

    def _record_overrides(self):
        """Deciding against the return rules is a manager's call, with a reason, in the chatter (docs/rma.md §6)."""
        overriding = self.filtered(lambda line: line.decision in RETURN_DECISIONS and not line.refund_allowed)
        (self - overriding).filtered("overridden_by_id")._workflow().write({"overridden_by_id": False})
        if not overriding:
            return
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._(
                "The return rules refuse a refund or replacement here (%(rule)s) and only an After-Sales manager "
                "can override them.",
                rule="; ".join(overriding.mapped("return_rule")),
            ))
        if not all(overriding.mapped("override_reason")):
            raise UserError(self.env._("Give the reason for overriding the return rules."))
        overriding._workflow().write({"overridden_by_id": self.env.uid})
        for line in overriding:
            line.rma_id.message_post(body=self.env._(
                "Return rules overridden for %(unit)s by %(user)s (%(rule)s): %(reason)s",
                unit=line.display_name,
                user=self.env.user.name,
                rule=line.return_rule,
                reason=line.override_reason,
            ))

    def _take_proposed_decisions(self):
        """Units inspected without a decision take the one their findings propose, which the coordinator may still
        change (docs/rma.md §6)."""
        undecided = self.filtered(lambda line: not line.decision and line.proposed_decision)
        for decision, lines in undecided.grouped("proposed_decision").items():
            lines._workflow().write({"decision": decision})

    def _check_decisions(self):
        """Every unit has a decision its conditions allow (docs/rma.md §6)."""
        for line in self:
            if not line.decision:
                raise UserError(self.env._("Decide what happens to %(unit)s.", unit=line.display_name))
            if line.decision in RETURN_DECISIONS and not line.refund_allowed and not line.overridden_by_id:
                raise UserError(self.env._(
                    "%(unit)s: %(rule)s A manager's override is needed.", unit=line.display_name, rule=line.return_rule
                ))
            if line.decision == "repair" and line.cause == "not_ours" and not line.paid_repair_requested:
                raise UserError(self.env._(
                    "%(unit)s is not ours: we repair it only when the customer asks for a paid repair.",
                    unit=line.display_name,
                ))
            if line.decision == "scrap" and not line.customer_consent:
                raise UserError(self.env._(
                    "%(unit)s can be scrapped only with the customer's consent.", unit=line.display_name
                ))
            if line.decision in RETURN_DECISIONS and not line.delivery_record_id:
                raise UserError(self.env._(
                    "%(unit)s was not delivered by us: it cannot be refunded or replaced.", unit=line.display_name
                ))
            if line.decision == "refund" and not line.sale_line_id:
                raise UserError(self.env._(
                    "%(unit)s was not shipped for a sale order: there is no sale to credit.", unit=line.display_name
                ))
            if line.qty_received < line.quantity:
                raise UserError(self.env._("%(unit)s has not been received in full.", unit=line.display_name))

    # Business rules: quantities ---------------------------------------------------------------

    @api.model
    def _prepare_values_from_record(self, record, quantity):
        """A line for ``quantity`` of the unit ``record`` delivered."""
        return {
            "delivery_record_id": record.id,
            "product_id": record.product_id.id,
            "lot_id": record.lot_id.id,
            "quantity": quantity,
        }

    def _pending_quantity(self):
        """Quantity claimed but not yet received, per delivery record (open RMAs)."""
        pending = defaultdict(float)
        for line in self.filtered(lambda line: line.rma_id.state not in ("cancel", "done")):
            pending[line.delivery_record_id] += max(line.quantity - line.qty_received, 0.0)
        return pending

    def _keeps_unit(self):
        """The unit stays with us for good: its refund or replacement is processed, or it was scrapped
        (docs/delivery-records.md §4)."""
        self.ensure_one()
        processed = self.rma_id.state in ("processed", "done")
        return (processed and self.decision in RETURN_DECISIONS) or self.scrap_id.state == "done"

    def _moves_of(self, role):
        return self.move_ids.filtered(lambda move: move.picking_id.aftersales_rma_role == role)

    def _settling_moves(self):
        """The moves of the transfers that settle the unit's decision, cancelled ones included (docs/rma.md §7)."""
        self.ensure_one()
        return self._moves_of(SETTLING_ROLE.get(self.decision, ""))

    def _settling_closed(self):
        """The unit's decision made its transfers, and none of them is open any more (docs/rma.md §14)."""
        moves = self._settling_moves()
        return bool(moves) and all(move.state in ("done", "cancel") for move in moves)

    def _shipped_quantity(self):
        """What the settling transfers delivered to the customer, in the product's unit: the earlier steps of a
        replacement's route (pick, pack) only bring it nearer (docs/rma.md §7)."""
        moves = self._settling_moves().filtered(
            lambda move: move.state == "done" and move.location_dest_id.usage == "customer"
        )
        return sum(move.product_uom._compute_quantity(move.quantity, self.product_uom_id) for move in moves)

    def _quantity_to_ship(self):
        """What the unit's replacement or return still has to ship: all of it, less what a transfer cancelled
        half-way did ship (docs/rma.md §14)."""
        return self.quantity - self._shipped_quantity()

    def _received_move(self):
        """The done receipt move that brought the unit in."""
        self.ensure_one()
        return self._moves_of("receipt").filtered(lambda move: move.state == "done")[:1]

    # Business rules: receipts -----------------------------------------------------------------

    def _create_receipts(self):
        """Approval creates one return receipt per original delivery, with Odoo's return wizard; the order
        is settled only when the decision is processed (docs/rma.md §3, §11)."""
        groups = defaultdict(lambda: self.browse())
        for line in self:
            groups[line.rma_id, line.delivery_record_id.move_id.picking_id] |= line
        for (rma, delivery), lines in groups.items():
            rma_location = (delivery.picking_type_id.warehouse_id or rma._warehouse())._aftersales_rma_location()
            link = {"aftersales_rma_id": rma.id, "aftersales_rma_role": "receipt", "origin": rma.name}
            if delivery:
                lines._return_through_wizard(
                    delivery, [line.delivery_record_id.move_id for line in lines],
                    dict(link, location_dest_id=rma_location.id),
                )
            else:
                receipt = self.env["stock.picking"].create(
                    dict(lines._prepare_receipt_values(rma._warehouse(), rma_location), **link)
                )
                receipt.action_confirm()
                lines._reset_move_lines()

    def _return_through_wizard(self, picking, origin_moves, values, quantities=None):
        """A return of ``picking`` with one move per unit (``origin_moves`` lists the move each unit
        left with, ``quantities`` what of each comes back, the units' quantities by default), made with the
        transfer's ``values`` (its RMA and role); what the order delivered does not change (docs/rma.md §11)."""
        # The lines given at creation: the wizard computes none of its own. The workflow's own return carries the
        # RMA's links from its creation.
        wizard = as_workflow(self.env["stock.return.picking"]).with_context(aftersales_return_values=values).create({
            "picking_id": picking.id,
            "product_return_moves": [
                fields.Command.create({
                    "product_id": line.product_id.id,
                    "quantity": line.product_uom_id._compute_quantity(quantity, origin_move.product_uom),
                    "move_id": origin_move.id,
                    "to_refund": False,
                    "aftersales_rma_line_id": line.id,
                })
                for line, origin_move, quantity in zip(self, origin_moves, quantities or self.mapped("quantity"))
            ],
        })
        wizard._create_return()
        # A new return unreserves the open returns of the same moves: every unit gets its line back.
        siblings = self.env["stock.move"].union(*origin_moves).move_dest_ids.filtered(
            lambda move: move.aftersales_rma_line_id and move.state not in ("done", "cancel")
        )
        siblings.aftersales_rma_line_id._reset_move_lines()

    def _prepare_receipt_values(self, warehouse, location):
        """A plain receipt from the customer for units we never delivered (not ours, legacy)."""
        customers = self.env.ref("stock.stock_location_customers")
        return {
            "picking_type_id": warehouse.in_type_id.id,
            "partner_id": self.rma_id.partner_id.id,
            "location_id": customers.id,
            "location_dest_id": location.id,
            "move_ids": [
                fields.Command.create({
                    "product_id": line.product_id.id,
                    "product_uom_qty": line.quantity,
                    "product_uom": line.product_uom_id.id,
                    "location_id": customers.id,
                    "location_dest_id": location.id,
                    "aftersales_rma_line_id": line.id,
                })
                for line in self
            ],
        }

    def _reset_move_lines(self):
        """The open moves of the units carry each unit's own serial or lot (docs/rma.md §3)."""
        for move in self.move_ids.filtered(lambda m: m.state not in ("done", "cancel")):
            move.aftersales_rma_line_id._set_own_lot_on(move)

    def _set_own_lot_on(self, move):
        """``move`` carries this unit: one move line of the unit's own serial or lot for the whole move, between the
        move's locations, nothing the reservation picked instead; its receipts, returns and trips to the vendor
        alike (docs/rma.md §3, §13)."""
        self.ensure_one()
        line = move.move_line_ids
        if len(line) == 1 and line.quantity == move.product_uom_qty:
            if line.lot_id == self.lot_id:
                return
            if move.location_id.usage != "internal":
                # Nothing reserved in stock: the line only needs the unit's number.
                line.lot_id = self.lot_id
                return
        move._do_unreserve()
        move.move_line_ids.unlink()
        self.env["stock.move.line"].create(self._prepare_own_lot_move_line_values(move))

    def _prepare_own_lot_move_line_values(self, move):
        """The move line of ``move`` carrying this unit's own serial or lot."""
        return {
            "move_id": move.id,
            "picking_id": move.picking_id.id,
            "product_id": move.product_id.id,
            "product_uom_id": move.product_uom.id,
            "lot_id": self.lot_id.id,
            "quantity": move.product_uom_qty,
            "location_id": move.location_id.id,
            "location_dest_id": move.location_dest_id.id,
        }

    def _close_short_receipts(self):
        """Units still missing when their receipt closes (no backorder, cancelled) leave the approved RMA:
        a line keeps what came in, a unit that never came is removed, an RMA that got nothing is cancelled
        (docs/rma.md §10)."""
        short = self.filtered(
            lambda line: line.rma_state == "confirmed"
            and all(move.state in ("done", "cancel") for move in line._moves_of("receipt"))
            and line.product_uom_id.compare(line.qty_received, line.quantity) < 0
        )
        if not short:
            return
        for rma, lines in short.grouped("rma_id").items():
            rma.message_post(body=self.env._(
                "The receipt was closed without %(units)s: they are no longer part of this RMA.",
                units=", ".join(
                    f"{line.display_name} ({line.quantity - line.qty_received:g})" for line in lines
                ),
            ))
        never_came = short.filtered(lambda line: line.product_uom_id.is_zero(line.qty_received))
        for line in short - never_came:
            line._workflow().write({"quantity": line.qty_received})
        emptied = never_came.rma_id.filtered(lambda rma: not rma.line_ids - never_came)
        never_came._workflow().unlink()
        emptied._workflow().write({"state": "cancel"})

    # Business rules: processing ---------------------------------------------------------------

    def _process_decision(self):
        """The sale order is settled, then each decision becomes its real documents (docs/rma.md §7, §11)."""
        self._settle_sale_lines()
        for decision, lines in self.grouped("decision").items():
            getattr(lines, PROCESSORS[decision])()

    def _settle_sale_lines(self):
        """The sale-order side of the decisions: a refunded or replaced unit leaves what the order delivered;
        the other units stay sold; refunded units of products invoiced on order leave the order
        (docs/rma.md §11)."""
        taken_back = self.filtered(lambda line: line.decision in RETURN_DECISIONS)
        taken_back.move_ids.filtered(
            lambda move: move.state == "done" and move.sale_line_id and move.picking_id.aftersales_rma_role == "receipt"
        ).write({"to_refund": True})
        refunded = taken_back.filtered(
            lambda line: line.decision == "refund" and line.sale_line_id.product_id.invoice_policy == "order"
        )
        for sale_line_sudo, lines_sudo in refunded.sudo().grouped("sale_line_id").items():
            sale_line_sudo._aftersales_lower_ordered_quantity(sum(
                line_sudo.product_uom_id._compute_quantity(line_sudo.quantity, sale_line_sudo.product_uom_id)
                for line_sudo in lines_sudo
            ))

    def _process_refund(self):
        """Refund: a credit note at the sale line's price, discount and taxes, reversing the invoice that
        billed the units (docs/rma.md §7)."""
        if self.sudo().credit_line_ids.filtered(lambda aml: aml.parent_state != "cancel"):
            raise UserError(self.env._("These units were already credited: a refund is never made twice."))
        # Amounts come from the sale order, not from the user: invoicing rights are not needed.
        lines_sudo = self.sudo()
        invoices = lines_sudo._billing_invoices()
        credit_lines = lines_sudo._prepare_credit_note_lines()
        for (rma_sudo, order_sudo), rma_lines_sudo in lines_sudo.grouped(
            lambda line: (line.rma_id, line.sale_line_id.order_id)
        ).items():
            if not any(line_sudo in credit_lines for line_sudo in rma_lines_sudo):
                rma_sudo.message_post(body=self.env._(
                    "%(order)s was not invoiced for these units: no credit note, the order has less to invoice.",
                    order=order_sudo.name,
                ))
                continue
            for invoice_sudo, invoice_lines_sudo in rma_lines_sudo.filtered(lambda line: line in credit_lines).grouped(
                lambda line: invoices[line]
            ).items():
                credit_note_sudo = self.env["account.move"].sudo().create(
                    invoice_lines_sudo._prepare_credit_note_values(rma_sudo, order_sudo, invoice_sudo, credit_lines)
                )
                credit_note_sudo.action_post()

    def _billing_invoices(self):
        """The posted invoice that billed each unit: the sale line's delivered units, in delivery order, against
        its invoiced quantities, in invoice order (docs/rma.md §7)."""
        invoices = {}
        for sale_line, lines in self.grouped("sale_line_id").items():
            billed = []
            for invoice_line in sale_line.invoice_lines.filtered(
                lambda aml: aml.move_id.move_type == "out_invoice" and aml.parent_state == "posted"
            ).sorted(lambda aml: (aml.move_id.invoice_date, aml.move_id.id)):
                quantity = invoice_line.product_uom_id._compute_quantity(invoice_line.quantity, sale_line.product_id.uom_id)
                billed.append((invoice_line.move_id, quantity))
            if len({move for move, _quantity in billed}) <= 1:
                invoices.update(dict.fromkeys(lines, billed[0][0] if billed else self.env["account.move"]))
                continue
            records = self.env["aftersales.delivery.record"].search(
                [("sale_line_id", "=", sale_line.id)], order="delivery_date, id"
            )
            position, start = {}, 0.0
            for record in records:
                position[record] = start
                start += record.quantity
            for line in lines:
                remaining = position.get(line.delivery_record_id, 0.0)
                invoice = billed[-1][0] if billed else self.env["account.move"]
                for move, quantity in billed:
                    if float_compare(remaining, quantity, precision_rounding=sale_line.product_id.uom_id.rounding) < 0:
                        invoice = move
                        break
                    remaining -= quantity
                invoices[line] = invoice
        return invoices

    def _prepare_credit_note_lines(self):
        """What to credit per unit: the invoiced part of the returned quantity, in the sale line's unit
        (docs/rma.md §7). Returns {rma line: invoice line values}."""
        credit_lines = {}
        for sale_line, lines in self.grouped("sale_line_id").items():
            creditable = max(-sale_line.qty_to_invoice, 0.0)
            for line in lines:
                quantity = min(line.product_uom_id._compute_quantity(line.quantity, sale_line.product_uom_id), creditable)
                creditable -= quantity
                if not sale_line.product_uom_id.is_zero(quantity):
                    credit_lines[line] = sale_line._prepare_invoice_line(quantity=quantity, aftersales_rma_line_id=line.id)
        return credit_lines

    def _prepare_credit_note_values(self, rma_sudo, order_sudo, invoice_sudo, credit_lines):
        """The credit note of these units of ``order_sudo``, reversing ``invoice_sudo`` (docs/rma.md §7)."""
        return dict(
            order_sudo._prepare_invoice(),
            move_type="out_refund",
            ref=self.env._("%(rma)s: return of %(order)s", rma=rma_sudo.name, order=order_sudo.name),
            reversed_entry_id=invoice_sudo.id,
            aftersales_rma_id=rma_sudo.id,
            invoice_line_ids=[fields.Command.create(credit_lines[line]) for line in self],
        )

    def _process_replacement(self):
        """Replacement: new units procured from the warehouse through its delivery route, on the original sale line;
        every transfer of the route is the RMA's replacement (docs/rma.md §7)."""
        procurements = []
        for rma, lines in self.grouped("rma_id").items():
            warehouse = lines.sale_line_id.order_id.warehouse_id[:1] or rma._warehouse()
            partner = lines.delivery_record_id.delivery_partner_id[:1] or rma.partner_id
            reference = rma._replacement_reference()
            procurements += [
                self.env["stock.rule"].Procurement(
                    line.product_id, line._quantity_to_ship(), line.product_uom_id, partner.property_stock_customer,
                    line.product_id.display_name, rma.name, rma.company_id,
                    line._prepare_replacement_procurement_values(warehouse, partner, reference),
                )
                for line in lines
            ]
        earlier = self.move_ids
        self.env["stock.rule"].run(procurements)
        deliveries = (self.move_ids - earlier).picking_id
        for rma, pickings in deliveries.grouped(lambda picking: picking.move_ids.aftersales_rma_line_id.rma_id).items():
            pickings._aftersales_link_rma(rma, "replacement")

    def _prepare_replacement_procurement_values(self, warehouse, partner, reference):
        """What the procurement of this unit's replacement carries to its moves: the warehouse whose delivery route
        it follows, the delivery address, the RMA's stock reference, the sale line and the unit (docs/rma.md §7)."""
        self.ensure_one()
        return {
            "warehouse_id": warehouse,
            "partner_id": partner.id,
            "reference_ids": reference,
            "company_id": self.company_id,
            "sale_line_id": self.sale_line_id.id,
            "aftersales_rma_line_id": self.id,
        }

    def _process_repair(self):
        """Repair: one Odoo repair order per unit, charged by rule (docs/rma.md §8)."""
        for line in self:
            repair = self.env["repair.order"].create(line._prepare_repair_values())
            line._workflow().write({"repair_id": repair.id})
            repair._action_repair_confirm()

    def _process_vendor_repair(self):
        """Repair by the manufacturer or upstream distributor: a vendor repair of the unit, to send out
        (docs/rma.md §13)."""
        # Vendor repairs are made by the processing only: nobody creates one by hand.
        repairs = self.env["aftersales.vendor.repair"].sudo().create(
            [line._prepare_vendor_repair_values() for line in self]
        ).sudo(False)
        for repair in repairs:
            repair.activity_schedule(
                "mail.mail_activity_data_todo", user_id=repair.user_id.id,
                summary=self.env._("Send the unit to its manufacturer for repair"),
            )

    def _prepare_vendor_repair_values(self):
        """The vendor repair of this received unit; the product's first vendor repairs it unless told otherwise."""
        self.ensure_one()
        rma = self.rma_id
        return {
            "rma_line_id": self.id,
            "partner_id": rma.partner_id.id,
            "company_id": self.company_id.id,
            "user_id": rma.company_id._aftersales_assignee(rma.user_id).id,
            "vendor_id": self.product_id.seller_ids[:1].partner_id.id,
            "item_kind": "warranty" if self.warranty_state == "in_warranty" else "exchange",
        }

    def _prepare_repair_values(self):
        """The repair order of this received unit (docs/rma.md §8)."""
        self.ensure_one()
        receipt_move = self._received_move()
        return {
            "partner_id": self.rma_id.partner_id.id,
            "product_id": self.product_id.id,
            "product_qty": self.quantity,
            "lot_id": self.lot_id.id,
            "picking_id": receipt_move.picking_id.id,
            "product_location_src_id": receipt_move.location_dest_id.id,
            "product_location_dest_id": receipt_move.location_dest_id.id,
            "under_warranty": self.charge_mode == "free",
            "company_id": self.company_id.id,
            "aftersales_rma_line_id": self.id,
            "internal_notes": self.inspection_note,
        }

    def _return_to_customer(self):
        """Return as is, a rejected claim or a finished repair: the received units go back to the customer
        on a return of their receipt (docs/rma.md §7)."""
        for receipt, lines in self.grouped(lambda line: line._received_move().picking_id).items():
            receipt_moves = [line._received_move() for line in lines]
            lines._return_through_wizard(
                receipt, receipt_moves, {"aftersales_rma_id": receipt.aftersales_rma_id.id, "aftersales_rma_role": "return"},
                [line._quantity_to_ship() for line in lines],
            )

    def _process_scrap(self):
        """Scrap with the customer's consent: Odoo's scrap of the received unit, which stays sold
        (docs/rma.md §7)."""
        for line in self:
            scrap = self.env["stock.scrap"].create(line._prepare_scrap_values())
            scrap.do_scrap()
            line._workflow().write({"scrap_id": scrap.id})

    def _prepare_scrap_values(self):
        """The scrap of this received unit."""
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "lot_id": self.lot_id.id,
            "scrap_qty": self.quantity,
            "product_uom_id": self.product_uom_id.id,
            "location_id": self._received_move().location_dest_id.id,
            "company_id": self.company_id.id,
            "origin": self.rma_id.name,
            "aftersales_rma_line_id": self.id,
        }

    # Business rules: repairs ------------------------------------------------------------------

    def _repair_finished(self):
        """Hook of a finished repair: invoiced when chargeable, then back to the customer (docs/rma.md §8)."""
        for line in self.filtered(lambda line: line.charge_mode != "free"):
            line._invoice_repair()
        self._return_to_customer()

    def _invoice_repair(self):
        """Chargeable repair: parts at sale price through the repair's quotation, labour as hours × rate
        (docs/rma.md §8); a quotation the customer accepted is billed as accepted (docs/portal.md §4)."""
        self.ensure_one()
        # Prices come from the pricelist and the labour rate, not from the user: sales rights are not needed.
        repair_sudo = self.sudo().repair_id
        if not repair_sudo.sale_order_id:
            repair_sudo._create_sale_order()
        order_sudo = repair_sudo.sale_order_id
        # A quotation the customer already accepted on the portal is billed as quoted (docs/portal.md §4).
        if order_sudo.state in ("draft", "sent"):
            labour = self.env["aftersales.repair.charge"]._prepare_labour_line_values(
                self.company_id, self.repair_hours
            ) if self.charge_mode == "full" else {}
            if labour:
                order_sudo.env["sale.order.line"].create({**labour, "order_id": order_sudo.id})
            if order_sudo.currency_id.is_zero(order_sudo.amount_total):
                order_sudo._action_cancel()
                return
            order_sudo.action_confirm()
        if not any(order_sudo.order_line.mapped("qty_to_invoice")):
            return
        invoice_sudo = order_sudo._create_invoices(final=True)
        as_workflow(invoice_sudo).write({"aftersales_rma_id": self.rma_id.id})
        invoice_sudo.action_post()

    # Business rules: cancellation -------------------------------------------------------------

    def _done_documents(self):
        """Documents that already moved goods or money."""
        documents = self.move_ids.filtered(lambda m: m.state == "done").picking_id.mapped("name")
        documents += self.repair_id.filtered(lambda r: r.state == "done").mapped("name")
        documents += self.scrap_id.filtered(lambda s: s.state == "done").mapped("name")
        documents += self.rma_id.sudo().account_move_ids.filtered(lambda m: m.state == "posted").mapped("name")
        return sorted(set(documents))

    def _cancel_documents(self):
        """Cancel what is still open: transfers, repairs, draft invoices."""
        self.move_ids.picking_id.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
        self.repair_id.filtered(lambda r: r.state not in ("done", "cancel")).action_repair_cancel()
        self.rma_id.sudo().account_move_ids.filtered(lambda m: m.state == "draft").button_cancel()
