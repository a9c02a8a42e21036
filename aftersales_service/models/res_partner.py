from odoo import api, fields, models

from ..selections import CUSTOMER_CHANNELS
from .aftersales_delivery_mixin import window_action


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "aftersales.delivery.mixin", "aftersales.rma.mixin"]
    _aftersales_delivery_field = "partner_id"
    _aftersales_rma_links = (("aftersales.rma", "partner_id", "id"),)

    aftersales_channel = fields.Selection(
        CUSTOMER_CHANNELS,
        string="Sales Channel",
        default="end_customer",
        help="Distributors and agents get the warranty policy's extension.",
    )
    aftersales_main_customer = fields.Boolean(
        string="Main Customer", help="Surveyed for satisfaction in the yearly campaign."
    )

    aftersales_complaint_count = fields.Integer(
        compute="_compute_aftersales_complaint_count",
        string="Complaint Count",
        groups="aftersales_service.group_aftersales_user",
    )

    def _compute_aftersales_complaint_count(self):
        counts = dict(self.env["aftersales.complaint"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
        ))
        for partner in self:
            partner.aftersales_complaint_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_aftersales_complaints(self):
        self.ensure_one()
        action = window_action(
            self.env, "aftersales_service.action_aftersales_complaint",
            [("partner_id", "=", self.commercial_partner_id.id)],
        )
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def write(self, vals):
        result = super().write(vals)
        if "state_id" in vals:
            self.env["aftersales.complaint"]._customer_region_changed(self)
        return result

    def signup_prepare(self, signup_type="signup"):
        """Partners already prepared for ``signup_type`` are left as they are: a customer e-mail posted by the
        follow-up job writes no customer (docs/README.md, follow-ups)."""
        unprepared = self.filtered(lambda partner: partner.sudo().signup_type != signup_type)
        return super(ResPartner, unprepared).signup_prepare(signup_type=signup_type)

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["aftersales_channel", "aftersales_main_customer"]

    def _aftersales_delivery_key(self):
        return self.commercial_partner_id

    def _aftersales_rma_key(self):
        return self.commercial_partner_id
