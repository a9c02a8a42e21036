from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command, Domain

from ..selections import (
    FINAL_RECALL_UNIT_STATES, ON_SITE_REMEDIES, RECALL_EXCLUSIONS, RECALL_PLACEMENTS, RECALL_UNIT_STATES,
    RETURN_REMEDIES,
)


class AftersalesRecallUnit(models.Model):
    """One unit a recall reaches: at a customer, in our own stock, or left out with the reason; what was done about
    it and when (docs/recalls.md §3, §4)."""

    _name = "aftersales.recall.unit"
    _description = "Unit of a Recall"
    _inherit = ["aftersales.protected.fields.mixin", "aftersales.portal.fields.mixin"]
    _order = "recall_id desc, partner_id, id"
    _check_company_auto = True
    _workflow_fields = (
        "state", "notice_id", "notified_on", "acknowledged_on", "scheduled_on", "remedied_on", "rma_line_id",
        "placement", "exclusion_reason", "progress", "stock_picking_id", "stock_scrap_id",
    )
    _frozen_fields = (
        "recall_id", "company_id", "delivery_record_id", "lot_id", "product_id", "partner_id", "location_id",
        "quantity", "country_id", "state_id",
    )
    _locked_fields = {"can_report_site": ("end_partner_id", "site_partner_id"), "can_set_outcome": ("decline_reason",)}
    _portal_readable_fields = (
        "recall_id", "delivery_record_id", "lot_id", "product_id", "partner_id", "end_partner_id", "site_partner_id",
        "state", "notified_on", "acknowledged_on", "scheduled_on", "remedied_on", "can_report_site", "notice_id",
        "placement",
    )

    # Fields -----------------------------------------------------------------------------------

    recall_id = fields.Many2one("aftersales.recall", required=True, index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    placement = fields.Selection(RECALL_PLACEMENTS, required=True, default="customer", readonly=True)
    exclusion_reason = fields.Selection(RECALL_EXCLUSIONS, string="Left Out Because", readonly=True)
    delivery_record_id = fields.Many2one(
        "aftersales.delivery.record", string="Delivered Unit", index="btree_not_null", readonly=True, check_company=True,
    )
    lot_id = fields.Many2one("stock.lot", string="Lot/Serial Number", index="btree_not_null", readonly=True)
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    quantity = fields.Float(digits="Product Unit", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", index="btree_not_null", readonly=True)
    end_partner_id = fields.Many2one(
        "res.partner", string="End Customer",
        help="Who uses the unit, when the customer is a distributor who reported it.",
    )
    site_partner_id = fields.Many2one("res.partner", string="Site", help="Where the unit is.")
    country_id = fields.Many2one("res.country", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Region", readonly=True)
    location_id = fields.Many2one("stock.location", string="Stock Location", readonly=True)
    state = fields.Selection(RECALL_UNIT_STATES, default="identified", required=True, readonly=True, index=True)
    decline_reason = fields.Text(help="Why the customer declined the remedy, or why they cannot be reached.")
    notice_id = fields.Many2one("aftersales.recall.notice", index="btree_not_null", readonly=True)
    notified_on = fields.Date(readonly=True)
    acknowledged_on = fields.Date(readonly=True)
    scheduled_on = fields.Date(readonly=True)
    remedied_on = fields.Date(readonly=True)
    rma_line_id = fields.Many2one("aftersales.rma.line", string="Return", index="btree_not_null", readonly=True)
    rma_id = fields.Many2one(related="rma_line_id.rma_id", string="RMA")
    stock_picking_id = fields.Many2one("stock.picking", string="Quarantine Transfer", readonly=True)
    stock_scrap_id = fields.Many2one("stock.scrap", string="Scrap", readonly=True)
    # 100 when remedied: its average over a group is the group's completion (docs/recalls.md §6).
    progress = fields.Float(string="Completion (%)", readonly=True, aggregator="avg", digits=(5, 1))
    remediate_by = fields.Date(related="recall_id.remediate_by")
    is_overdue = fields.Boolean(compute="_compute_is_overdue", search="_search_is_overdue", string="Past Due")

    can_report_site = fields.Boolean(compute="_compute_can")
    can_set_outcome = fields.Boolean(compute="_compute_can")
    can_acknowledge = fields.Boolean(compute="_compute_can")
    can_handle_stock = fields.Boolean(compute="_compute_can")

    _one_per_recall = models.UniqueIndex(
        "(recall_id, delivery_record_id) WHERE delivery_record_id IS NOT NULL",
        "A delivered unit is listed once in a recall.",
    )
    _one_stock_line = models.UniqueIndex(
        "(recall_id, lot_id, location_id) WHERE placement = 'stock'",
        "A lot in a stock location is listed once in a recall.",
    )
    _by_recall_state = models.Index("(recall_id, placement, state)")

    # Computes ---------------------------------------------------------------------------------

    @api.depends_context("uid")
    def _compute_display_name(self):
        for unit in self:
            unit_sudo = unit.sudo()
            unit.display_name = " / ".join(
                part for part in (unit_sudo.recall_id.name, unit_sudo.lot_id.name or unit_sudo.product_id.display_name)
                if part
            )

    @api.depends("state", "recall_id.remediate_by", "placement")
    def _compute_is_overdue(self):
        overdue = self.filtered_domain(self._overdue_domain())
        for unit in self:
            unit.is_overdue = unit in overdue

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = self._overdue_domain()
        return domain if (operator == "=") == value else ~domain

    @api.depends("state", "placement", "recall_id.state", "stock_picking_id", "stock_scrap_id")
    def _compute_can(self):
        """What can be done with the unit now (docs/recalls.md §4, §5)."""
        for unit in self:
            running = unit.recall_id.state in ("approved", "in_progress")
            at_customer = unit.placement == "customer"
            unit.can_report_site = running and at_customer and unit.state not in FINAL_RECALL_UNIT_STATES
            unit.can_set_outcome = running and at_customer and unit.state not in ("remedied", "not_applicable")
            unit.can_acknowledge = running and at_customer and unit.state == "notified"
            unit.can_handle_stock = (
                unit.placement == "stock" and unit.recall_id.state != "cancel"
                and not (unit.stock_picking_id or unit.stock_scrap_id)
            )

    # Actions ----------------------------------------------------------------------------------

    def action_unreachable(self):
        self._set_outcome("unreachable")

    def action_declined(self):
        missing = self.filtered(lambda unit: not (unit.decline_reason or "").strip())
        if missing:
            raise UserError(self.env._("Write why the customer declined the remedy first."))
        self._set_outcome("declined")

    def action_not_applicable(self):
        self._set_outcome("not_applicable")

    def action_remedied(self):
        """Remedied without a document of ours: the customer's own fix, checked (docs/recalls.md §4)."""
        self._set_outcome("remedied")

    def _set_outcome(self, state):
        units = self._start_transition("can_set_outcome")
        today = fields.Date.context_today(self)
        units.write({"state": state, "progress": 100.0 if state == "remedied" else 0.0,
                     "remedied_on": today if state == "remedied" else False})
        units.recall_id._unit_started()

    def action_acknowledge(self):
        """The customer knows: from the portal or told to us (docs/recalls.md §5)."""
        self._start_transition("can_acknowledge").write(
            {"state": "acknowledged", "acknowledged_on": fields.Date.context_today(self)}
        )

    def action_quarantine(self):
        """A unit of the recall still in our stock goes to the company's quarantine location (docs/recalls.md §3)."""
        units = self._start_locked_transition("can_handle_stock")
        for unit in units:
            destination = unit.company_id.aftersales_quarantine_location_id
            if not destination:
                raise UserError(self.env._(
                    "Choose the quarantine location of %(company)s in the After-Sales settings first.",
                    company=unit.company_id.name,
                ))
            unit._check_in_place()
            picking = self.env["stock.picking"].create(unit._prepare_quarantine_values(destination))
            picking.action_confirm()
            move = picking.move_ids
            move._do_unreserve()
            move.move_line_ids.unlink()
            self.env["stock.move.line"].create(unit._prepare_move_line_values(move))
            move.picked = True
            picking.with_context(skip_backorder=True, cancel_backorder=True).button_validate()
            unit.stock_picking_id = picking

    def action_scrap(self):
        """A unit of the recall still in our stock is scrapped (docs/recalls.md §3)."""
        units = self._start_locked_transition("can_handle_stock")
        for unit in units:
            unit._check_in_place()
            scrap = self.env["stock.scrap"].create(unit._prepare_scrap_values())
            scrap.do_scrap()
            unit.stock_scrap_id = scrap

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _overdue_domain(self):
        """Units at customers still waiting after their recall's remediate-by date (docs/recalls.md §6)."""
        return Domain([
            ("placement", "=", "customer"),
            ("state", "not in", FINAL_RECALL_UNIT_STATES),
            ("recall_id.state", "in", ("approved", "in_progress")),
            ("recall_id.remediate_by", "<", fields.Date.context_today(self)),
        ])

    def _check_in_place(self):
        """The unit in our stock is all where the recall found it, free: moving it takes nothing below zero."""
        self.ensure_one()
        available = self.env["stock.quant"]._get_available_quantity(
            self.product_id, self.location_id, lot_id=self.lot_id, strict=True,
        )
        if self.product_id.uom_id.compare(available, self.quantity) < 0:
            raise UserError(self.env._(
                "%(unit)s is no longer all in %(location)s, or is reserved.", unit=self.display_name,
                location=self.location_id.display_name,
            ))

    def _prepare_quarantine_values(self, destination):
        self.ensure_one()
        warehouse = self.location_id.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        return {
            "picking_type_id": warehouse.int_type_id.id,
            "location_id": self.location_id.id,
            "location_dest_id": destination.id,
            "origin": self.recall_id.name,
            "company_id": self.company_id.id,
            "move_ids": [Command.create({
                "product_id": self.product_id.id,
                "product_uom_qty": self.quantity,
                "product_uom": self.product_id.uom_id.id,
                "location_id": self.location_id.id,
                "location_dest_id": destination.id,
                "company_id": self.company_id.id,
            })],
        }

    def _prepare_move_line_values(self, move):
        """The move line of ``move`` carrying this unit's own lot, the whole of it."""
        self.ensure_one()
        return {
            "move_id": move.id,
            "picking_id": move.picking_id.id,
            "product_id": self.product_id.id,
            "product_uom_id": move.product_uom.id,
            "lot_id": self.lot_id.id,
            "quantity": move.product_uom_qty,
            "location_id": move.location_id.id,
            "location_dest_id": move.location_dest_id.id,
        }

    def _prepare_scrap_values(self):
        self.ensure_one()
        return {
            "product_id": self.product_id.id,
            "lot_id": self.lot_id.id,
            "scrap_qty": self.quantity,
            "product_uom_id": self.product_id.uom_id.id,
            "location_id": self.location_id.id,
            "origin": self.recall_id.name,
            "company_id": self.company_id.id,
        }

    def _create_remedies(self):
        """The remedy documents of these units still waiting: one RMA per customer for the remedies the units come
        back for; the on-site remedies are the field service's (docs/recalls.md §7). Returns the units given one."""
        waiting = self.filtered(
            lambda unit: unit.placement == "customer" and unit.state in ("identified", "notified", "acknowledged")
        )
        returned = waiting.filtered(lambda unit: unit.recall_id.remedy in RETURN_REMEDIES)
        made = self.browse()
        for (recall, _customer), units in returned.grouped(lambda unit: (unit.recall_id, unit.partner_id)).items():
            made |= units._create_recall_rma(recall)
        return made | waiting.filtered(lambda unit: unit.recall_id.remedy in ON_SITE_REMEDIES)._create_on_site_remedies()

    def _create_on_site_remedies(self):
        """Hook of the on-site remedies, which the field service makes: none without it (docs/recalls.md §7)."""
        return self.browse()

    def _create_recall_rma(self, recall):
        """One approved RMA for these units of one customer, free whatever the warranty and marked as recall work
        (docs/recalls.md §7)."""
        records = self.delivery_record_id
        rma = self.env["aftersales.rma"]._workflow().create(recall._prepare_rma_values(self[0].partner_id, records))
        rma._approve()
        by_record = {line.delivery_record_id: line for line in rma.line_ids}
        today = recall.company_id._aftersales_today()
        for unit in self:
            unit._workflow().write({"state": "scheduled", "scheduled_on": today,
                                    "rma_line_id": by_record[unit.delivery_record_id].id})
        recall._unit_started()
        return self

    @api.model
    def _rma_lines_done(self, lines):
        """Hook of recall RMAs done: the units they brought back are remedied (docs/recalls.md §7)."""
        if lines:
            self.search([("rma_line_id", "in", lines.ids)])._remedy_done()

    @api.model
    def _rma_lines_cancelled(self, lines):
        """Hook of recall RMAs cancelled: their units wait again for a remedy (docs/recalls.md §7)."""
        if lines:
            self.search([("rma_line_id", "in", lines.ids), ("state", "=", "scheduled")])._remedy_cancelled()

    def _remedy_cancelled(self):
        """The units' remedy document was cancelled: back to where they stood before it, free for a new one."""
        for unit in self:
            state = "acknowledged" if unit.acknowledged_on else "notified" if unit.notice_id else "identified"
            unit._workflow().write({"state": state, "scheduled_on": False, **unit._prepare_remedy_reset_values()})

    def _prepare_remedy_reset_values(self):
        """The links to the remedy documents a cancelled remedy clears; addons add theirs."""
        return {"rma_line_id": False}

    def _remedy_done(self):
        """Hook of a remedy document done: its units are remedied (docs/recalls.md §7)."""
        units = self.filtered(lambda unit: unit.state not in FINAL_RECALL_UNIT_STATES)
        if units:
            units._workflow().write(
                {"state": "remedied", "progress": 100.0, "remedied_on": fields.Date.context_today(self)}
            )
