from odoo import api, fields, models


class AftersalesRecallUnit(models.Model):
    _inherit = "aftersales.recall.unit"
    _workflow_fields = ("dispatch_order_id",)

    # Fields -----------------------------------------------------------------------------------

    dispatch_order_id = fields.Many2one(
        "aftersales.dispatch.order", string="Visit", index="btree_not_null", readonly=True, check_company=True,
    )

    # Business rules ---------------------------------------------------------------------------

    def _create_on_site_remedies(self):
        """One visit per customer and site for the units remedied on site, free and marked with the recall, for the
        dispatcher to plan (docs/recalls.md §7, docs/field-service.md §1)."""
        made = super()._create_on_site_remedies()
        orders = self.env["aftersales.dispatch.order"]
        for (recall, customer, site), units in self.grouped(
            lambda unit: (unit.recall_id, unit.partner_id, unit.site_partner_id)
        ).items():
            order = orders._workflow().create(recall._prepare_dispatch_values(customer, site, units))
            today = recall.company_id._aftersales_today()
            units._workflow().write({"state": "scheduled", "scheduled_on": today, "dispatch_order_id": order.id})
            recall._unit_started()
            made |= units
        return made

    def _prepare_remedy_reset_values(self):
        return {**super()._prepare_remedy_reset_values(), "dispatch_order_id": False}

    @api.model
    def _visits_cancelled(self, orders):
        """Hook of recall visits cancelled: their units wait again for a remedy (docs/recalls.md §7)."""
        if orders:
            self.search([("dispatch_order_id", "in", orders.ids), ("state", "=", "scheduled")])._remedy_cancelled()

    @api.model
    def _visits_done(self, orders):
        """Hook of recall visits checked out with the work done: their units are remedied (docs/recalls.md §7)."""
        if orders:
            self.search([("dispatch_order_id", "in", orders.ids)])._remedy_done()
