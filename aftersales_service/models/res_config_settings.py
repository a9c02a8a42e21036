from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aftersales_replacement_warranty = fields.Selection(
        related="company_id.aftersales_replacement_warranty", readonly=False
    )
    aftersales_labour_product_id = fields.Many2one(related="company_id.aftersales_labour_product_id", readonly=False)
    aftersales_repair_days = fields.Integer(related="company_id.aftersales_repair_days", readonly=False)
    aftersales_repair_days_missing_parts = fields.Integer(
        related="company_id.aftersales_repair_days_missing_parts", readonly=False
    )
