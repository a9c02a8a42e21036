from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.models.aftersales_protected_fields_mixin import as_workflow
from odoo.addons.aftersales_service.models.aftersales_rma_line import VOIDING_CAUSES
from odoo.addons.aftersales_service.selections import CAUSES, CHARGE_MODES, WARRANTY_STATES
CHARGE_INPUTS = {"cause", "customer_processed_parts"}


class AftersalesDispatchLine(models.Model):
    """A unit of the customer the visit is for: its warranty answer and charge rule, known before the technician
    leaves; its diagnosis and on-site repair once there (docs/field-service.md §1, §5)."""

    _name = "aftersales.dispatch.line"
    _description = "Dispatch Order Unit"
    _inherit = ["aftersales.protected.fields.mixin", "aftersales.portal.fields.mixin"]
    _order = "order_id, id"
    _check_company_auto = True
    _portal_readable_fields = (
        "charge_mode", "company_id", "delivery_record_id", "lot_id", "order_id", "partner_id", "product_id",
        "warranty_end_date", "warranty_reason", "warranty_state",
    )
    _frozen_fields = ("order_id",)
    _workflow_fields = ("repair_id", "recall_work")
    _locked_fields = {
        "can_edit_unit": ("delivery_record_id",),
        "can_diagnose": ("cause", "customer_processed_parts"),
    }

    # Fields -----------------------------------------------------------------------------------

    order_id = fields.Many2one("aftersales.dispatch.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="order_id.partner_id")
    delivery_record_id = fields.Many2one(
        "aftersales.delivery.record", string="Unit", required=True, index=True, check_company=True,
        ondelete="restrict", domain="[('partner_id', '=', partner_id), ('qty_with_customer', '>', 0)]",
    )
    product_id = fields.Many2one(related="delivery_record_id.product_id", store=True)
    lot_id = fields.Many2one(related="delivery_record_id.lot_id", store=True, string="Lot/Serial Number")
    warranty_state = fields.Selection(WARRANTY_STATES, string="Warranty", compute="_compute_warranty", store=True)
    warranty_end_date = fields.Date(compute="_compute_warranty", store=True, string="Warranty Until")
    warranty_reason = fields.Char(compute="_compute_warranty", store=True, string="Warranty Answer")
    cause = fields.Selection(CAUSES, help="What the technician found caused the fault.")
    customer_processed_parts = fields.Boolean(
        help="Parts the customer had machined or processed: their material is charged even in warranty."
    )
    charge_mode = fields.Selection(
        CHARGE_MODES, string="Charge", compute="_compute_charge_mode", store=True,
        help="Before the diagnosis, a fault in warranty is expected to be ours.",
    )
    note = fields.Char(string="Remark", help="Where the unit stands, what to bring for it.")
    recall_work = fields.Boolean(
        readonly=True, copy=False, help="The visit remedies this unit for its recall: free whatever the warranty.",
    )
    repair_id = fields.Many2one("repair.order", string="On-Site Repair", readonly=True, copy=False, check_company=True)
    can_edit_unit = fields.Boolean(related="order_id.can_edit_plan")
    can_diagnose = fields.Boolean(related="order_id.can_edit_fees")

    _unit_once = models.UniqueIndex("(order_id, delivery_record_id)", "A unit is listed once per visit.")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("delivery_record_id", "order_id.call_date", "cause")
    def _compute_warranty(self):
        """The warranty on the day of the call, voided by what the technician found (docs/warranty.md §5)."""
        for line in self:
            record = line.delivery_record_id
            if not record or not line.order_id:
                line.warranty_state = line.warranty_end_date = line.warranty_reason = False
                continue
            on_date = line.company_id._aftersales_date(line.order_id.call_date)
            verdict = record._warranty_verdict(on_date, [VOIDING_CAUSES[line.cause]] if line.cause in VOIDING_CAUSES else [])
            line.warranty_state = verdict["state"]
            line.warranty_end_date = verdict["end_date"]
            line.warranty_reason = verdict["reason"]

    @api.depends("warranty_state", "cause", "customer_processed_parts", "recall_work")
    def _compute_charge_mode(self):
        """The charge matrix of repairs; before the diagnosis a fault is taken as ours; a unit the visit remedies
        for a recall is free (docs/field-service.md §5, docs/recalls.md §7)."""
        charge = self.env["aftersales.repair.charge"]._charge_mode_for
        for line in self:
            line.charge_mode = charge(
                line.warranty_state, line.cause or "manufacturing", line.customer_processed_parts,
                recall=line.recall_work,
            )

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("delivery_record_id")
    def _check_unit_with_customer(self):
        """A visit is for units the customer still has: not for those that came back to us for good
        (docs/field-service.md §1)."""
        gone = self.delivery_record_id.filtered(lambda record: not record.qty_with_customer)
        if gone:
            raise ValidationError(self.env._(
                "%(units)s came back to us for good: a visit cannot be planned for them.",
                units=", ".join(gone.mapped("display_name")),
            ))

    @api.constrains("delivery_record_id", "order_id")
    def _check_installation_unit(self):
        """A unit is installed once: not when already installed, not on two open installations
        (docs/field-service.md §10)."""
        lines = self.filtered(lambda line: line.order_id.service_type == "installation")
        for line in lines:
            record = line.delivery_record_id
            if record.installed_on:
                raise ValidationError(self.env._(
                    "%(unit)s was already installed on %(day)s.", unit=record.display_name, day=record.installed_on,
                ))
        others = self.search([
            ("delivery_record_id", "in", lines.delivery_record_id.ids), ("id", "not in", lines.ids),
            ("order_id.service_type", "=", "installation"), ("order_id.state", "not in", ("done", "closed", "cancel")),
        ])
        if others:
            raise ValidationError(self.env._(
                "%(units)s: already on the installation %(orders)s.",
                units=", ".join(others.delivery_record_id.mapped("display_name")),
                orders=", ".join(others.order_id.mapped("name")),
            ))

    # CRUD -------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._drop_override()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if "delivery_record_id" in vals:
            self.order_id._drop_override()
        if CHARGE_INPUTS.intersection(vals):
            self._sync_repair_charge()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_while_planning(self):
        """The units of a visit are chosen while it is planned (docs/field-service.md §1)."""
        if not self.env.su and not all(line.can_edit_unit for line in self):
            raise UserError(self.env._("The units of a visit are changed while it is a draft only."))

    def unlink(self):
        orders = self.order_id
        result = super().unlink()
        orders.exists()._drop_override()
        return result

    # Actions ----------------------------------------------------------------------------------

    def action_repair_on_site(self):
        """Repair the unit where it is: an Odoo repair at the customer's, parts from the technician's van
        (docs/field-service.md §5)."""
        self.ensure_one()
        order = self.order_id
        order._check_can("can_repair")
        if self.repair_id:
            raise UserError(self.env._("%(unit)s already has its on-site repair.", unit=self.delivery_record_id.display_name))
        if not order.technician_id._parts_location():
            raise UserError(self.env._("%(technician)s has no van stock: set it on the technician's profile.",
                                       technician=order.technician_id.name))
        # The technician starts the repair, whatever the technician may do on repairs of the warehouse.
        repair_sudo = self.env["repair.order"].sudo().create(self._prepare_onsite_repair_values())
        repair_sudo._action_repair_confirm()
        self._workflow().write({"repair_id": repair_sudo.id})
        return {
            "type": "ir.actions.act_window", "res_model": "repair.order", "res_id": repair_sudo.id, "view_mode": "form",
            "name": self.env._("On-Site Repair"),
        }

    # Business rules ---------------------------------------------------------------------------

    def _prepare_onsite_repair_values(self):
        """The unit stays at the customer's; parts come from the van, removed parts go to the defective returns
        (docs/field-service.md §5)."""
        self.ensure_one()
        order = self.order_id
        # The van's own warehouse, else the company's.
        warehouse = order.technician_id._parts_location().warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", order.company_id.id)], limit=1
        )
        if not warehouse:
            raise UserError(self.env._("%(company)s has no warehouse for on-site repairs.", company=order.company_id.name))
        customer_location = order.partner_id.with_company(order.company_id).property_stock_customer
        return {
            "partner_id": order.partner_id.id,
            "company_id": order.company_id.id,
            "product_id": self.product_id.id,
            "product_qty": 1 if self.lot_id else self.delivery_record_id.quantity,
            "lot_id": self.lot_id.id,
            "picking_type_id": warehouse._aftersales_onsite_repair_type().id,
            "location_id": order.technician_id._parts_location().id,
            "product_location_src_id": customer_location.id,
            "product_location_dest_id": customer_location.id,
            "under_warranty": self.charge_mode == "free",
            "aftersales_dispatch_line_id": self.id,
            "aftersales_complaint_id": order.complaint_id.id,
            "internal_notes": order.fault_found,
        }

    def _sync_repair_charge(self):
        """The on-site repair is under warranty exactly when the unit's charge rule is free: what the technician
        finds on site decides the repair's prices, until the fee is quoted (docs/field-service.md §5)."""
        for line in self.filtered("repair_id"):
            free = line.charge_mode == "free"
            if line.repair_id.under_warranty != free:
                as_workflow(line.repair_id.sudo()).write({"under_warranty": free})

    def _finish_repairs(self):
        """At check-out the on-site repairs end: their parts leave the van, all of them or none
        (docs/field-service.md §5)."""
        repairs_sudo = self.repair_id.filtered(lambda repair: repair.state not in ("done", "cancel")).sudo()
        repairs_sudo.move_ids.filtered(
            lambda move: move.repair_line_type == "add" and move.state != "cancel"
        )._aftersales_check_van_stock()
        repairs_sudo.filtered(lambda repair: repair.state == "confirmed").action_repair_start()
        repairs_sudo.action_repair_end()

    def _cancel_open_repairs(self):
        """A visit that did not fix the unit leaves its parts in the van: its on-site repairs are cancelled
        (docs/field-service.md §5)."""
        self.repair_id.filtered(lambda repair: repair.state not in ("done", "cancel")).sudo().action_repair_cancel()
