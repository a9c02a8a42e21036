from datetime import timedelta

from odoo import api, fields, models


class RepairOrder(models.Model):
    _inherit = "repair.order"

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
    aftersales_charge_mode = fields.Selection(related="aftersales_rma_line_id.charge_mode", string="Charge")
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

    def _action_repair_confirm(self):
        res = super()._action_repair_confirm()
        self._aftersales_note_parts_availability()
        return res

    def _aftersales_note_parts_availability(self):
        """Parts availability when the repair is confirmed decides the turnaround (SPEC 3, [003] 四.3)."""
        for repair in self.filtered("aftersales_rma_line_id"):
            repair.aftersales_parts_missing = repair.parts_availability_state not in ("available", False)

    @api.depends(
        "aftersales_parts_missing",
        "aftersales_rma_line_id.receipt_date",
        "company_id.aftersales_repair_days",
        "company_id.aftersales_repair_days_missing_parts",
    )
    def _compute_aftersales_deadline(self):
        """Turnaround: back with the customer 7 days after receipt, 15 when parts are missing (SPEC 3)."""
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
            repair.aftersales_returned_date = returns and max(returns.mapped("date")).date()
            repair.aftersales_returned_late = bool(
                repair.aftersales_returned_date
                and repair.aftersales_deadline
                and repair.aftersales_returned_date > repair.aftersales_deadline
            )

    @api.depends_context("tz")
    @api.depends("aftersales_deadline", "aftersales_returned_date")
    def _compute_aftersales_is_late(self):
        today = fields.Date.context_today(self)
        for repair in self:
            repair.aftersales_is_late = bool(
                repair.aftersales_deadline and (repair.aftersales_returned_date or today) > repair.aftersales_deadline
            )

    def _search_aftersales_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        late = [
            "|",
            ("aftersales_returned_late", "=", True),
            "&", ("aftersales_returned_date", "=", False), ("aftersales_deadline", "<", today),
        ]
        return late if (operator == "=") == value else ["!", *late]

    def action_repair_done(self):
        res = super().action_repair_done()
        # The technician ends the repair; the RMA moves on whatever the technician may do on RMAs.
        for repair in self.filtered("aftersales_rma_line_id"):
            repair.sudo().with_company(repair.company_id).aftersales_rma_line_id._repair_finished()
        return res
