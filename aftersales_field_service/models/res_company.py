from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # Fields -----------------------------------------------------------------------------------

    aftersales_travel_product_id = fields.Many2one(
        "product.product",
        string="Travel Fee Product",
        domain="[('type', '=', 'service')]",
        help="Service product of the travel fee of a chargeable visit; its sales price is the default fee.",
    )
    aftersales_trial_hours = fields.Integer(
        string="Full-Load Trial Run (Hours)", default=72,
        help="How long an installed unit runs at full load before the customer accepts it.",
    )
    aftersales_escort_hours = fields.Integer(
        string="Escort Period (Hours)", default=48,
        help="How long our technician stays available on site after the hand-over.",
    )
    aftersales_warranty_from_installation = fields.Boolean(
        string="Warranty from Installation",
        help="For products that need installation, the warranty starts on the day the customer accepts the "
        "installation instead of the delivery day.",
    )
    # Constraints ------------------------------------------------------------------------------

    @api.constrains("aftersales_trial_hours", "aftersales_escort_hours")
    def _check_aftersales_installation_settings(self):
        """Trial run and escort period are zero hours or more (docs/field-service.md §10)."""
        if any(company.aftersales_trial_hours < 0 or company.aftersales_escort_hours < 0 for company in self):
            raise ValidationError(self.env._("The trial run and the escort period last zero hours or more."))

    # Business rules ---------------------------------------------------------------------------

    def _aftersales_setup(self):
        """A company that sends technicians also charges their travel (docs/field-service.md §5)."""
        res = super()._aftersales_setup()
        travel = self.env.ref("aftersales_field_service.product_travel_fee")
        self.filtered(lambda company: not company.aftersales_travel_product_id).aftersales_travel_product_id = travel
        return res
