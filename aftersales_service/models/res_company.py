from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    aftersales_replacement_warranty = fields.Selection(
        [("restart", "Restarts at the replacement's delivery"), ("continue", "Continues from the replaced unit")],
        string="Replacement Warranty",
        default="restart",
        required=True,
    )
    aftersales_labour_product_id = fields.Many2one(
        "product.product",
        string="Repair Labour Product",
        domain="[('type', '=', 'service')]",
        default=lambda self: self.env.ref("aftersales_service.product_repair_labour", raise_if_not_found=False),
        help="Service product charged per hour of repair; its sales price is the hourly rate.",
    )
    aftersales_repair_days = fields.Integer(
        string="Repair Turnaround (Days)",
        default=7,
        help="Days from receipt to return when all parts are available.",
    )
    aftersales_repair_days_missing_parts = fields.Integer(
        string="Repair Turnaround, Parts Missing (Days)",
        default=15,
        help="Days from receipt to return when parts have to be procured.",
    )

    aftersales_complaint_manager_id = fields.Many2one(
        "res.users",
        string="Complaint Escalation Manager",
        default=lambda self: self.env.ref("base.user_admin", raise_if_not_found=False),
        help="Gets an activity when a complaint breaches its service level or is escalated.",
    )
    aftersales_return_visit_days = fields.Integer(
        string="Return Visit Delay (Days)",
        default=7,
        help="Days after an RMA, a repair or a complaint closes until the customer is visited or called.",
    )
    aftersales_survey_month = fields.Integer(
        string="Satisfaction Campaign Month",
        default=10,
        help="From this month on (1-12), main customers get their yearly satisfaction survey.",
    )
    aftersales_satisfied_score = fields.Integer(
        string="Basically Satisfied Score",
        default=70,
        help="A survey scoring at least this many points out of 100 means a basically satisfied customer.",
    )

    @api.constrains("aftersales_repair_days", "aftersales_repair_days_missing_parts")
    def _check_aftersales_repair_days(self):
        """Turnaround targets are positive, and never shorter when parts are missing (SPEC 3, [003] 四.3)."""
        for company in self:
            if company.aftersales_repair_days <= 0 or (
                company.aftersales_repair_days_missing_parts < company.aftersales_repair_days
            ):
                raise ValidationError(self.env._(
                    "Repair turnaround days must be positive, and at least as long when parts are missing."
                ))

    @api.constrains("aftersales_return_visit_days")
    def _check_aftersales_return_visit_days(self):
        """The return visit delay cannot be negative (SPEC 5, [002] 4.7)."""
        if any(company.aftersales_return_visit_days < 0 for company in self):
            raise ValidationError(self.env._("The return visit delay cannot be negative."))

    @api.constrains("aftersales_survey_month", "aftersales_satisfied_score")
    def _check_aftersales_survey_settings(self):
        """The campaign month is a month, the satisfied score a share of 100 points (SPEC 5, [002] 5.2)."""
        for company in self:
            if not 1 <= company.aftersales_survey_month <= 12 or not 0 <= company.aftersales_satisfied_score <= 100:
                raise ValidationError(self.env._(
                    "The satisfaction campaign month lies between 1 and 12, the satisfied score between 0 and 100."
                ))
