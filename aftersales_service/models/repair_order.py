from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..selections import CHARGE_MODES
from .aftersales_protected_fields_mixin import check_frozen


class RepairOrder(models.Model):
    _name = "repair.order"
    _inherit = ["repair.order", "aftersales.return.visit.source"]
    _return_visit_field = "repair_id"

    # Fields -----------------------------------------------------------------------------------

    aftersales_rma_line_id = fields.Many2one(
        "aftersales.rma.line", string="RMA Line", index="btree_not_null", readonly=True, copy=False
    )
    aftersales_rma_id = fields.Many2one(
        related="aftersales_rma_line_id.rma_id", string="RMA", store=True, index="btree_not_null"
    )
    aftersales_complaint_id = fields.Many2one(
        "aftersales.complaint", string="Complaint", index="btree_not_null", check_company=True, copy=False,
        help="The customer feedback this repair was started from.",
    )
    aftersales_charge_mode = fields.Selection(
        CHARGE_MODES, string="Charge", compute="_compute_aftersales_charge_mode", compute_sudo=True,
        help="How the repair is charged: the charge rule of the unit repaired.",
    )
    aftersales_parts_missing = fields.Boolean(
        string="Parts Missing",
        help="Parts had to be procured: the longer turnaround applies. Set when the repair is confirmed.",
    )
    aftersales_deadline = fields.Date(
        string="Return Deadline",
        compute="_compute_aftersales_deadline",
        store=True,
        help="Day the repaired unit must be back with the customer.",
    )
    aftersales_returned_date = fields.Date(
        string="Returned On", compute="_compute_aftersales_returned_date", store=True
    )
    aftersales_returned_late = fields.Boolean(compute="_compute_aftersales_returned_date", store=True)
    aftersales_is_late = fields.Boolean(
        string="Late Return", compute="_compute_aftersales_is_late", search="_search_aftersales_is_late"
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("aftersales_rma_line_id.charge_mode")
    def _compute_aftersales_charge_mode(self):
        """The charge rule of the returned unit repaired (docs/rma.md §8)."""
        for repair in self:
            repair.aftersales_charge_mode = repair.aftersales_rma_line_id.charge_mode

    @api.depends(
        "aftersales_parts_missing",
        "aftersales_rma_line_id.receipt_date",
        "company_id.aftersales_repair_days",
        "company_id.aftersales_repair_days_missing_parts",
    )
    def _compute_aftersales_deadline(self):
        """Turnaround: back with the customer 7 days after receipt, 15 when parts are missing (docs/rma.md §9)."""
        for repair in self:
            received = repair.aftersales_rma_line_id.receipt_date
            days = (
                repair.company_id.aftersales_repair_days_missing_parts
                if repair.aftersales_parts_missing
                else repair.company_id.aftersales_repair_days
            )
            repair.aftersales_deadline = received and received + timedelta(days=days)

    @api.depends("aftersales_rma_line_id.move_ids.state", "aftersales_rma_line_id.move_ids.date", "aftersales_deadline")
    def _compute_aftersales_returned_date(self):
        for repair in self:
            returns = repair.aftersales_rma_line_id._moves_of("return").filtered(lambda m: m.state == "done")
            repair.aftersales_returned_date = returns and repair.company_id._aftersales_date(max(returns.mapped("date")))
            repair.aftersales_returned_late = bool(
                repair.aftersales_returned_date
                and repair.aftersales_deadline
                and repair.aftersales_returned_date > repair.aftersales_deadline
            )

    @api.depends("aftersales_deadline", "aftersales_returned_date")
    def _compute_aftersales_is_late(self):
        for repair in self:
            repair.aftersales_is_late = bool(
                repair.aftersales_deadline
                and (repair.aftersales_returned_date or repair.company_id._aftersales_today()) > repair.aftersales_deadline
            )

    def _search_aftersales_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = self.env.company._aftersales_today()
        late = [
            "|",
            ("aftersales_returned_late", "=", True),
            "&", ("aftersales_returned_date", "=", False), ("aftersales_deadline", "<", today),
        ]
        return late if (operator == "=") == value else ["!", *late]

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("aftersales_complaint_id", "partner_id")
    def _check_aftersales_complaint_customer(self):
        """A repair started from a complaint is for that complaint's customer (docs/complaints.md §4)."""
        for repair in self.filtered("aftersales_complaint_id"):
            customer = repair.aftersales_complaint_id.partner_id.commercial_partner_id
            if repair.partner_id.commercial_partner_id != customer:
                raise ValidationError(self.env._(
                    "%(repair)s is not for %(customer)s, the customer of %(complaint)s.",
                    repair=repair.display_name, customer=customer.name, complaint=repair.aftersales_complaint_id.name,
                ))

    # CRUD -------------------------------------------------------------------------------------

    def write(self, vals):
        check_frozen(self, vals, self._aftersales_workflow_fields())
        # The warranty of an after-sales repair is its unit's charge rule, not a tick of whoever edits it.
        charged = self.filtered("aftersales_charge_mode")
        if charged:
            check_frozen(charged, vals, {"under_warranty"})
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_aftersales_rma(self):
        """The repair of an RMA goes with the RMA: cancel the RMA instead (docs/security.md §4)."""
        if any(repair_sudo.aftersales_rma_id.state not in (False, "cancel") for repair_sudo in self.sudo()):
            raise UserError(self.env._("The repair of an open RMA cannot be deleted; cancel the RMA instead."))

    # Actions ----------------------------------------------------------------------------------

    def action_repair_done(self):
        """The finished repair moves its RMA on; a repair followed alone gets its return visit (docs/rma.md §8,
        docs/satisfaction.md §1)."""
        res = super().action_repair_done()
        done = self.filtered(lambda repair: repair.state == "done")
        # The technician ends the repair; the RMA moves on whatever the technician may do on RMAs.
        for repair in done.filtered("aftersales_rma_line_id"):
            repair.sudo().with_company(repair.company_id).aftersales_rma_line_id._repair_finished()
        done._aftersales_followed_alone()._aftersales_schedule_return_visits()
        return res

    # Business rules ---------------------------------------------------------------------------

    def _aftersales_workflow_fields(self):
        """What only the after-sales workflow writes on a repair: its links to our documents and the turnaround
        computed from them (docs/security.md §2)."""
        return {
            "aftersales_rma_line_id", "aftersales_rma_id", "aftersales_deadline", "aftersales_returned_date",
            "aftersales_returned_late",
        }

    def _aftersales_followed_alone(self):
        """The repairs a return visit follows by themselves: not those of an RMA, which is followed as a whole
        (docs/satisfaction.md §1)."""
        return self.filtered(lambda repair: not repair.aftersales_rma_line_id)

    def _action_repair_confirm(self):
        res = super()._action_repair_confirm()
        self._aftersales_note_parts_availability()
        return res

    def _aftersales_note_parts_availability(self):
        """Parts availability when the repair is confirmed decides the turnaround (docs/rma.md §9)."""
        for repair in self.filtered("aftersales_rma_line_id"):
            repair.aftersales_parts_missing = repair.parts_availability_state not in ("available", False)
