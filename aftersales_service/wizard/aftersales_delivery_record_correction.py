from odoo import api, fields, models


class AftersalesDeliveryRecordCorrection(models.TransientModel):
    """A manager's correction of a unit's warranty terms, with its reason (docs/delivery-records.md §2)."""

    _name = "aftersales.delivery.record.correction"
    _description = "Correct the Warranty Terms of a Delivery Record"

    record_id = fields.Many2one("aftersales.delivery.record", string="Unit", required=True, readonly=True)
    company_id = fields.Many2one(related="record_id.company_id")
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, check_company=True, domain="[('parent_id', '=', False)]"
    )
    product_id = fields.Many2one("product.product", required=True, check_company=True)
    lot_id = fields.Many2one(
        "stock.lot", string="Lot/Serial Number", check_company=True, domain="[('product_id', '=', product_id)]"
    )
    quantity = fields.Float(digits="Product Unit", required=True)
    delivery_date = fields.Date(required=True)
    promised_date = fields.Date()
    warranty_policy_id = fields.Many2one("aftersales.warranty.policy", check_company=True)
    warranty_months = fields.Integer(string="Warranty (Months)")
    channel_extension_months = fields.Integer(string="Channel Extension (Months)")
    warranty_start_date = fields.Date(required=True)
    reason = fields.Text(required=True, help="Why the terms are corrected; written to the unit's chatter.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        record = self.env["aftersales.delivery.record"].browse(values.get("record_id"))
        if record:
            values.update(record._fields_to_correct())
        return values

    def action_apply(self):
        """Write the corrected terms and the reason (docs/delivery-records.md §2)."""
        self.ensure_one()
        terms = self.record_id._fields_to_correct()
        self.record_id._correct_terms(
            {name: self._fields[name].convert_to_write(self[name], self) for name in terms}, self.reason
        )
        return {"type": "ir.actions.act_window_close"}
