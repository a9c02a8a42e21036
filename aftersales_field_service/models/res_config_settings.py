from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aftersales_travel_product_id = fields.Many2one(related="company_id.aftersales_travel_product_id", readonly=False)
    aftersales_trial_hours = fields.Integer(related="company_id.aftersales_trial_hours", readonly=False)
    aftersales_escort_hours = fields.Integer(related="company_id.aftersales_escort_hours", readonly=False)
    aftersales_warranty_from_installation = fields.Boolean(
        related="company_id.aftersales_warranty_from_installation", readonly=False
    )
    aftersales_settlement_product_id = fields.Many2one(
        related="company_id.aftersales_settlement_product_id", readonly=False
    )
    aftersales_document_notice_days = fields.Integer(related="company_id.aftersales_document_notice_days", readonly=False)
    aftersales_certificate_notice_days = fields.Integer(
        related="company_id.aftersales_certificate_notice_days", readonly=False
    )
    aftersales_summary_due_days = fields.Integer(related="company_id.aftersales_summary_due_days", readonly=False)
