from odoo import fields, models


class AftersalesRma(models.Model):
    _inherit = "aftersales.rma"

    # Fields -----------------------------------------------------------------------------------

    can_plan_visit = fields.Boolean(compute="_compute_can")

    # Computes ---------------------------------------------------------------------------------

    def _compute_can(self):
        res = super()._compute_can()
        for rma in self:
            rma.can_plan_visit = rma.state in ("draft", "confirmed")
        return res

    # Actions ----------------------------------------------------------------------------------

    def action_plan_visit(self):
        """Assess the return or exchange at the customer's: a visit for the RMA's units (docs/field-service.md §1)."""
        self.ensure_one()
        self._check_can("can_plan_visit")
        return self.env["aftersales.dispatch.order"]._action_plan(
            "rma", self, self.line_ids.delivery_record_id, service_type="assessment",
        )
