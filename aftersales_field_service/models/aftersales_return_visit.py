from odoo import fields, models


class AftersalesReturnVisit(models.Model):
    _inherit = "aftersales.return.visit"
    _frozen_fields = ("dispatch_order_id",)

    # Fields -----------------------------------------------------------------------------------

    dispatch_order_id = fields.Many2one(
        "aftersales.dispatch.order", string="Visit", index="btree_not_null", check_company=True, readonly=True,
        ondelete="restrict",
    )
    can_plan_visit = fields.Boolean(compute="_compute_can")

    # A return visit follows one document, an on-site visit being one more kind (docs/satisfaction.md §1).
    _one_source = models.Constraint(
        "CHECK (num_nonnulls(rma_id, repair_id, complaint_id, dispatch_order_id) = 1)",
        "A return visit follows exactly one RMA, repair, complaint or on-site visit.",
    )
    _one_planned_per_dispatch_order = models.UniqueIndex(
        "(dispatch_order_id) WHERE state = 'planned'", "This visit already has a planned return visit."
    )

    # Computes ---------------------------------------------------------------------------------

    def _compute_can(self):
        res = super()._compute_can()
        for visit in self:
            visit.can_plan_visit = visit.state in ("planned", "done")
        return res

    # Actions ----------------------------------------------------------------------------------

    def action_plan_visit(self):
        """What the customer said calls for a technician: a visit of the unit asked about
        (docs/field-service.md §1)."""
        self.ensure_one()
        self._check_can("can_plan_visit")
        units = self.env["aftersales.delivery.record"].search(
            [("lot_id", "=", self.lot_id.id), ("partner_id", "=", self.partner_id.commercial_partner_id.id)], limit=1,
        ) if self.lot_id else self.env["aftersales.delivery.record"]
        return self.env["aftersales.dispatch.order"]._action_plan(
            "return_visit", self, units, call_subject=self.outcome,
        )
