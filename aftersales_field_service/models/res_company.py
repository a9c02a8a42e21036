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
    aftersales_settlement_product_id = fields.Many2one(
        "product.product", string="Settlement Product", domain="[('type', '=', 'service')]",
        help="Service product of the vendor bill lines that pay outsourced service points.",
    )
    aftersales_document_notice_days = fields.Integer(
        string="Document Expiry Notice (Days)", default=30,
        help="A service point's document expiring within this many days gives its responsible a to-do.",
    )
    aftersales_certificate_notice_days = fields.Integer(
        string="Certificate Expiry Notice (Days)", default=30,
        help="A technician's certificate expiring within this many days gives a to-do to renew it.",
    )
    aftersales_summary_due_days = fields.Integer(
        string="Quarterly Summary Due (Days)", default=15,
        help="How many days after a quarter a service point's summary is due.",
    )

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("aftersales_trial_hours", "aftersales_escort_hours")
    def _check_aftersales_installation_settings(self):
        """Trial run and escort period are zero hours or more (docs/field-service.md §10)."""
        if any(company.aftersales_trial_hours < 0 or company.aftersales_escort_hours < 0 for company in self):
            raise ValidationError(self.env._("The trial run and the escort period last zero hours or more."))

    @api.constrains("aftersales_document_notice_days", "aftersales_certificate_notice_days", "aftersales_summary_due_days")
    def _check_aftersales_network_settings(self):
        """Notice periods and the summaries' delay are days, zero or more (docs/service-network.md §7)."""
        if any(min(company.aftersales_document_notice_days, company.aftersales_certificate_notice_days,
                   company.aftersales_summary_due_days) < 0 for company in self):
            raise ValidationError(self.env._("Notice periods and the summaries' delay are zero days or more."))

    # Business rules ---------------------------------------------------------------------------

    def _aftersales_setup(self):
        """A company that sends technicians also charges their travel (docs/field-service.md §5) and pays its
        outsourced service points (docs/service-network.md §5)."""
        res = super()._aftersales_setup()
        travel = self.env.ref("aftersales_field_service.product_travel_fee")
        self.filtered(lambda company: not company.aftersales_travel_product_id).aftersales_travel_product_id = travel
        settlement = self.env.ref("aftersales_field_service.product_service_point_settlement")
        self.filtered(lambda company: not company.aftersales_settlement_product_id).aftersales_settlement_product_id = (
            settlement
        )
        return res

    def _aftersales_home_region(self, partner):
        """A customer an approved point of ours covers is served as in our own region (docs/service-network.md §1)."""
        return super()._aftersales_home_region(partner) or bool(
            self.env["aftersales.service.point"].sudo().search_count(
                [*self.env["aftersales.service.point"]._covering_domain(partner), ("company_id", "=", self.id)], limit=1
            )
        )
