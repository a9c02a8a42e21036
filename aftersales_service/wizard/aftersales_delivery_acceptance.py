from odoo import api, fields, models
from odoo.exceptions import UserError


class AftersalesDeliveryAcceptance(models.TransientModel):
    _name = "aftersales.delivery.acceptance"
    _description = "Customer Acceptance of a Delivery"

    picking_id = fields.Many2one("stock.picking", string="Delivery", required=True, readonly=True)
    record_ids = fields.Many2many(
        "aftersales.delivery.record", string="Units", compute="_compute_record_ids"
    )
    accepted_by = fields.Char(required=True)
    acceptance_date = fields.Date(required=True, default=lambda self: self.env.company._aftersales_today())
    acceptance_note = fields.Text(string="Remarks")
    document_type_ids = fields.Many2many(
        "aftersales.document.type",
        string="Documents Handed Over",
        compute="_compute_document_type_ids",
        store=True,
        readonly=False,
    )
    has_late_units = fields.Boolean(compute="_compute_record_ids")
    lateness_reason = fields.Char()

    @api.depends("picking_id")
    def _compute_record_ids(self):
        for wizard in self:
            wizard.record_ids = self.env["aftersales.delivery.record"].search([("picking_id", "=", wizard.picking_id.id)])
            wizard.has_late_units = any(wizard.record_ids.mapped("is_late"))

    @api.depends("record_ids")
    def _compute_document_type_ids(self):
        """Propose the documents already recorded, else those handed over by default (docs/delivery-records.md §3)."""
        defaults = self.env["aftersales.document.type"].search([("handed_over_by_default", "=", True)])
        for wizard in self:
            wizard.document_type_ids = wizard.record_ids.document_type_ids or defaults

    def action_apply(self):
        """Write the acceptance and the documents on every unit of the delivery (docs/delivery-records.md §3)."""
        self.ensure_one()
        if not self.record_ids:
            raise UserError(
                self.env._("%(picking)s has no delivery record: only deliveries to customers are accepted.",
                           picking=self.picking_id.display_name)
            )
        vals = {
            "accepted_by": self.accepted_by,
            "acceptance_date": self.acceptance_date,
            "acceptance_note": self.acceptance_note,
            "document_type_ids": [fields.Command.set(self.document_type_ids.ids)],
        }
        self.record_ids.write(vals)
        if self.lateness_reason:
            self.record_ids.filtered("is_late").write({"lateness_reason": self.lateness_reason})
        return {"type": "ir.actions.act_window_close"}
