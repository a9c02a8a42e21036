from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    aftersales_replacement_warranty = fields.Selection(
        related="company_id.aftersales_replacement_warranty", readonly=False
    )
    aftersales_labour_product_id = fields.Many2one(related="company_id.aftersales_labour_product_id", readonly=False)
    aftersales_vendor_chase_days_exchange = fields.Integer(
        related="company_id.aftersales_vendor_chase_days_exchange", readonly=False
    )
    aftersales_vendor_chase_days_warranty = fields.Integer(
        related="company_id.aftersales_vendor_chase_days_warranty", readonly=False
    )
    aftersales_vendor_notice_days = fields.Integer(related="company_id.aftersales_vendor_notice_days", readonly=False)
    aftersales_repair_days = fields.Integer(related="company_id.aftersales_repair_days", readonly=False)
    aftersales_repair_days_missing_parts = fields.Integer(
        related="company_id.aftersales_repair_days_missing_parts", readonly=False
    )
    aftersales_complaint_manager_id = fields.Many2one(
        related="company_id.aftersales_complaint_manager_id", readonly=False
    )
    aftersales_return_visit_days = fields.Integer(related="company_id.aftersales_return_visit_days", readonly=False)
    aftersales_responsible_id = fields.Many2one(related="company_id.aftersales_responsible_id", readonly=False)
    aftersales_survey_campaign = fields.Boolean(related="company_id.aftersales_survey_campaign", readonly=False)
    aftersales_survey_month = fields.Integer(related="company_id.aftersales_survey_month", readonly=False)
    aftersales_satisfied_score = fields.Integer(related="company_id.aftersales_satisfied_score", readonly=False)
    aftersales_complaint_deduction = fields.Integer(related="company_id.aftersales_complaint_deduction", readonly=False)
    aftersales_serious_complaint_deduction = fields.Integer(
        related="company_id.aftersales_serious_complaint_deduction", readonly=False
    )
    aftersales_portal_max_files = fields.Integer(related="company_id.aftersales_portal_max_files", readonly=False)
    aftersales_portal_unit_choices = fields.Integer(related="company_id.aftersales_portal_unit_choices", readonly=False)
    aftersales_portal_link_hours = fields.Integer(related="company_id.aftersales_portal_link_hours", readonly=False)
    aftersales_return_instructions = fields.Html(related="company_id.aftersales_return_instructions", readonly=False)
    aftersales_quarantine_location_id = fields.Many2one(
        related="company_id.aftersales_quarantine_location_id", readonly=False
    )
    aftersales_warning_ratio = fields.Float(related="company_id.aftersales_warning_ratio", readonly=False)
    aftersales_warning_min_units = fields.Integer(related="company_id.aftersales_warning_min_units", readonly=False)
    aftersales_warning_baseline_months = fields.Integer(
        related="company_id.aftersales_warning_baseline_months", readonly=False
    )
    aftersales_warning_months = fields.Integer(related="company_id.aftersales_warning_months", readonly=False)
