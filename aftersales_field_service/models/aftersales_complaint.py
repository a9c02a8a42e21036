from odoo import api, fields, models
from odoo.tools import html2plaintext, is_html_empty


class AftersalesComplaint(models.Model):
    _inherit = "aftersales.complaint"

    # Fields -----------------------------------------------------------------------------------

    dispatch_order_ids = fields.One2many("aftersales.dispatch.order", "complaint_id", string="Visits")
    dispatch_count = fields.Integer(compute="_compute_dispatch_count", string="Visit Count")
    can_create_dispatch = fields.Boolean(compute="_compute_can")
    suggested_point_id = fields.Many2one(
        "aftersales.service.point", compute="_compute_suggested_point_id", compute_sudo=True, string="Nearest Point",
        help="The approved service point covering the customer's region.",
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("dispatch_order_ids")
    def _compute_dispatch_count(self):
        for complaint in self:
            complaint.dispatch_count = len(complaint.dispatch_order_ids)

    @api.depends("partner_id.state_id", "partner_id.country_id", "company_id")
    def _compute_suggested_point_id(self):
        """The point to send, by the customer's region (docs/service-network.md §1)."""
        points = self.env["aftersales.service.point"]
        for complaint in self:
            complaint.suggested_point_id = points._suggest(complaint.partner_id, complaint.company_id)

    def _compute_can(self):
        res = super()._compute_can()
        for complaint in self:
            complaint.can_create_dispatch = complaint.can_edit_handling and complaint.onsite_required
        return res

    # Actions ----------------------------------------------------------------------------------

    def action_create_dispatch(self):
        """Plan the visit the complaint calls for: a dispatch order of its customer and unit
        (docs/field-service.md §1)."""
        self.ensure_one()
        self._check_can("can_create_dispatch")
        return self.env["aftersales.dispatch.order"]._action_plan(
            "complaint", self, self.delivery_record_id, **self._prepare_dispatch_values()
        )

    def action_view_dispatch_orders(self):
        self.ensure_one()
        return self._action_documents("aftersales.dispatch.order", self.dispatch_order_ids, self.env._("Visits"))

    # Business rules ---------------------------------------------------------------------------

    def _prepare_dispatch_values(self):
        """What the visit planned for the complaint copies of it: who called and when, the customer's words (the
        subject, then the description), the contact on site and how to reach them, the wished on-site window
        (docs/field-service.md §1)."""
        self.ensure_one()
        words = [self.subject, not is_html_empty(self.description) and html2plaintext(self.description)]
        wished = [fields.Datetime.to_string(value) if value else False
                  for value in (self.preferred_onsite_start, self.preferred_onsite_end)]
        return {
            "caller_name": self.contact_name,
            "call_date": fields.Datetime.to_string(self.date_received),
            "call_subject": "\n".join(word for word in words if word) or False,
            "contact_name": self.contact_name,
            "contact_phone": self.preferred_contact,
            "appointment_start": wished[0],
            "appointment_end": wished[1],
        }
