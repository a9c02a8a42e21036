from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command

from ..selections import VENDOR_ITEM_KINDS, VENDOR_REPAIR_STATES, VENDOR_TEST_RESULTS


class AftersalesVendorRepair(models.Model):
    """A returned unit repaired by its manufacturer or upstream distributor: sent out, chased, received back, tested,
    then returned to the customer or, unrepairable, scrapped with the customer's consent (docs/rma.md §13)."""

    _name = "aftersales.vendor.repair"
    _description = "Repair by the Manufacturer"
    _inherit = ["aftersales.document.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _aftersales_sequence = ("aftersales.vendor.repair", "VR/%(year)s/")
    _aftersales_mail_templates = {"delayed": "aftersales_service.mail_template_vendor_repair_delayed"}
    _check_company_auto = True
    _folded_states = ("returned", "scrapped")
    _workflow_fields = (
        "state", "sent_on", "received_on", "tested_on", "last_chased", "customer_notified", "out_picking_id",
        "in_picking_id",
    )
    _frozen_fields = ("rma_line_id", "partner_id")
    _locked_fields = {
        "can_edit_shipment": ("vendor_id", "item_kind", "expected_back", "vendor_reference"),
        "can_record_test": ("test_result", "test_note"),
        "can_decide_unrepaired": ("customer_consent",),
    }

    # Fields -----------------------------------------------------------------------------------

    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self._default_user(), tracking=True,
        check_company=True, index=True,
    )
    rma_line_id = fields.Many2one(
        "aftersales.rma.line", string="Returned Unit", required=True, readonly=True, index=True, check_company=True,
        ondelete="restrict",
    )
    rma_id = fields.Many2one(related="rma_line_id.rma_id", string="RMA", store=True, index=True)
    product_id = fields.Many2one(related="rma_line_id.product_id", store=True)
    lot_id = fields.Many2one(related="rma_line_id.lot_id", store=True, string="Lot/Serial Number")
    vendor_id = fields.Many2one(
        "res.partner", string="Repaired By", tracking=True, check_company=True,
        help="The manufacturer or upstream distributor who repairs the unit.",
    )
    item_kind = fields.Selection(
        VENDOR_ITEM_KINDS, string="Kind", default="warranty", required=True, tracking=True,
        help="Exchange items are chased every few days, warranty items every week (settings).",
    )
    vendor_reference = fields.Char(tracking=True, help="The vendor's repair or RMA number.")
    expected_back = fields.Date(tracking=True)
    remaining_parts = fields.Text(
        help="Parts of the unit kept here while it is away (accessories, cables, mounts), labelled with the label "
        "below.",
    )
    parts_label = fields.Char(compute="_compute_parts_label", help="Written on the parts kept here.")
    state = fields.Selection(
        VENDOR_REPAIR_STATES, group_expand=True, default="draft", required=True, readonly=True, copy=False, tracking=True,
        index=True,
    )
    sent_on = fields.Date(readonly=True, copy=False, tracking=True)
    received_on = fields.Date(string="Back On", readonly=True, copy=False, tracking=True)
    tested_on = fields.Date(readonly=True, copy=False)
    test_result = fields.Selection(VENDOR_TEST_RESULTS, copy=False, tracking=True)
    test_note = fields.Text(string="Test Record", copy=False)
    customer_consent = fields.Boolean(
        string="Customer Agrees to Scrap", copy=False, tracking=True,
        help="An unrepairable unit is scrapped only with the customer's consent; otherwise it goes back as it is.",
    )
    last_chased = fields.Date(readonly=True, copy=False)
    customer_notified = fields.Boolean(readonly=True, copy=False)
    out_picking_id = fields.Many2one("stock.picking", string="Sent With", readonly=True, copy=False)
    in_picking_id = fields.Many2one("stock.picking", string="Received With", readonly=True, copy=False)
    days_away = fields.Integer(compute="_compute_days_away")

    can_edit_shipment = fields.Boolean(compute="_compute_can")
    can_send = fields.Boolean(compute="_compute_can")
    can_receive = fields.Boolean(compute="_compute_can")
    can_record_test = fields.Boolean(compute="_compute_can")
    can_return = fields.Boolean(compute="_compute_can")
    can_decide_unrepaired = fields.Boolean(compute="_compute_can")
    can_scrap = fields.Boolean(compute="_compute_can")

    _one_open_per_unit = models.UniqueIndex(
        "(rma_line_id) WHERE state NOT IN ('returned', 'scrapped')",
        "This unit is already away for repair.",
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("name", "lot_id", "product_id")
    def _compute_parts_label(self):
        for repair in self:
            repair.parts_label = " / ".join(filter(None, [repair.name, repair.lot_id.name or repair.product_id.name]))

    @api.depends("sent_on", "received_on")
    def _compute_days_away(self):
        for repair in self:
            end = repair.received_on or repair.company_id._aftersales_today()
            repair.days_away = repair.sent_on and (end - repair.sent_on).days

    @api.depends("state", "test_result", "customer_consent")
    def _compute_can(self):
        """What can be done with the repair now: the buttons shown and the actions' own guards (docs/rma.md §13)."""
        for repair in self:
            state = repair.state
            repair.can_edit_shipment = state in ("draft", "sent")
            repair.can_send = state == "draft"
            repair.can_receive = state == "sent"
            repair.can_record_test = state == "received"
            repair.can_decide_unrepaired = state in ("received", "tested")
            repair.can_return = state == "tested"
            repair.can_scrap = state == "tested" and repair.test_result == "failed" and repair.customer_consent

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("rma_line_id", "partner_id")
    def _check_unit(self):
        """A vendor repair is the processing of a unit decided for it, received and of its RMA's customer
        (docs/rma.md §13)."""
        for repair in self:
            line = repair.rma_line_id
            if line.decision != "vendor_repair" or not line._received_move():
                raise ValidationError(self.env._(
                    "%(unit)s was not received and decided for a repair by its manufacturer.", unit=line.display_name,
                ))
            if repair.partner_id != line.rma_id.partner_id:
                raise ValidationError(self.env._("A vendor repair is for the customer of its RMA."))

    # Actions ----------------------------------------------------------------------------------

    def action_send(self):
        """The unit leaves for the vendor on a real delivery from the RMA location (docs/rma.md §13)."""
        self._start_locked_transition("can_send")
        for repair in self:
            if not repair.vendor_id:
                raise UserError(self.env._("%(repair)s: choose who repairs the unit.", repair=repair.name))
            picking = repair._transfer(repair._unit_location(), repair.vendor_id.property_stock_supplier, "outgoing")
            today = repair.company_id._aftersales_today()
            repair._workflow().write({"state": "sent", "sent_on": today, "last_chased": today, "out_picking_id": picking.id})

    def action_receive(self):
        """The unit is back from the vendor, in the RMA location again (docs/rma.md §13)."""
        self._start_locked_transition("can_receive")
        for repair in self:
            picking = repair._transfer(repair.vendor_id.property_stock_supplier, repair._unit_location(), "incoming")
            repair._workflow().write({
                "state": "received", "received_on": repair.company_id._aftersales_today(), "in_picking_id": picking.id,
            })
        self.activity_unlink(["mail.mail_activity_data_todo"])

    def action_record_test(self):
        """The unit is tested on its return: repaired, or the vendor could not repair it (docs/rma.md §13)."""
        self._start_transition("can_record_test")
        untested = self.filtered(lambda repair: not repair.test_result or not (repair.test_note or "").strip())
        if untested:
            raise UserError(self.env._(
                "%(repairs)s: record the test and its result first.", repairs=", ".join(untested.mapped("name"))
            ))
        for company, repairs in self.grouped("company_id").items():
            repairs._workflow().write({"state": "tested", "tested_on": company._aftersales_today()})

    def action_return(self):
        """Back to the customer through the RMA's own return, repaired or as it is (docs/rma.md §7, §13)."""
        self._start_locked_transition("can_return").write({"state": "returned"})
        # The return is the RMA's, whatever the coordinator may do on its transfers.
        self.sudo().rma_line_id._return_to_customer()

    def action_scrap(self):
        """Unrepairable, and the customer agreed: Odoo's scrap of the unit (docs/rma.md §7, §13)."""
        self._start_locked_transition(
            "can_scrap", self.env._("A unit is scrapped only when the vendor could not repair it and the customer agreed.")
        ).write({"state": "scrapped"})
        lines_sudo = self.sudo().rma_line_id
        lines_sudo._process_scrap()
        lines_sudo.rma_id._complete_settled()

    def action_view_transfers(self):
        self.ensure_one()
        return self._action_documents("stock.picking", self.out_picking_id | self.in_picking_id, self.env._("Transfers"))

    # Business rules ---------------------------------------------------------------------------

    def _unit_location(self):
        """Where the returned unit waits: the destination of its RMA receipt."""
        return self.rma_line_id._received_move().location_dest_id

    def _transfer(self, source, destination, code):
        """A real transfer of the unit, validated at once: the one serial, lot or quantity of the RMA line."""
        self.ensure_one()
        line = self.rma_line_id
        warehouse = source.warehouse_id or destination.warehouse_id
        picking_type = warehouse.out_type_id if code == "outgoing" else warehouse.in_type_id
        if code == "outgoing" and line.lot_id and line.product_uom_id.compare(
            self.env["stock.quant"]._get_available_quantity(line.product_id, source, lot_id=line.lot_id, strict=True),
            line.quantity,
        ) < 0:
            self._refuse_missing_unit(source)
        picking = self.env["stock.picking"].create(self._prepare_transfer_values(picking_type, source, destination))
        picking.action_confirm()
        move = picking.move_ids
        if line.lot_id:
            line._set_own_lot_on(move)
        else:
            picking.action_assign()
        if move.product_uom.compare(move.quantity, move.product_uom_qty) < 0:
            self._refuse_missing_unit(source)
        move.picked = True
        picking.with_context(skip_backorder=True, cancel_backorder=True).button_validate()
        return picking

    def _refuse_missing_unit(self, location):
        raise UserError(self.env._(
            "%(unit)s is not where it should be (%(location)s).",
            unit=self.rma_line_id.display_name, location=location.display_name,
        ))

    def _prepare_transfer_values(self, picking_type, source, destination):
        self.ensure_one()
        line = self.rma_line_id
        return {
            "picking_type_id": picking_type.id,
            "partner_id": self.vendor_id.id,
            "location_id": source.id,
            "location_dest_id": destination.id,
            "origin": self.name,
            "company_id": self.company_id.id,
            "move_ids": [Command.create({
                "product_id": line.product_id.id,
                "product_uom_qty": line.quantity,
                "product_uom": line.product_uom_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "company_id": self.company_id.id,
            })],
        }

    @api.model
    def _cron_chase(self):
        """Every day: the vendor is chased every few days for exchange items, every week for warranty items, with a
        to-do for the responsible; the customer hears once when the repair passes the company's days
        (docs/rma.md §13)."""
        away = self.search([("state", "=", "sent")])
        for repair in away:
            company = repair.company_id
            today = company._aftersales_today()
            interval = (company.aftersales_vendor_chase_days_exchange if repair.item_kind == "exchange"
                        else company.aftersales_vendor_chase_days_warranty)
            if repair.last_chased + timedelta(days=interval) <= today:
                repair.activity_schedule(
                    "mail.mail_activity_data_todo", date_deadline=today, user_id=repair.user_id.id,
                    summary=self.env._("Ask %(vendor)s how the repair goes", vendor=repair.vendor_id.name),
                )
                repair._workflow().write({"last_chased": today})
            if not repair.customer_notified and repair.sent_on + timedelta(
                days=company.aftersales_vendor_notice_days
            ) <= today:
                repair._notify_customer("delayed")
                repair._workflow().write({"customer_notified": True})
