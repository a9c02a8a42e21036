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
