from odoo import api, fields, models


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "aftersales.delivery.mixin", "aftersales.rma.mixin"]
    _aftersales_delivery_field = "partner_id"

    aftersales_channel = fields.Selection(
        [("end_customer", "End Customer"), ("distributor", "Distributor"), ("agent", "Agent")],
        string="Sales Channel",
        default="end_customer",
        help="Distributors and agents get the warranty policy's extension.",
    )

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["aftersales_channel"]

    def _aftersales_delivery_key(self):
        return self.commercial_partner_id

    def _aftersales_rma_domain(self):
        return [("partner_id", "in", self.commercial_partner_id.ids)]
