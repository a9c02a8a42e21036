from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..selections import CHECK_TEMPLATE_SCOPES, SERVICE_TYPES


class AftersalesCheckTemplate(models.Model):
    """One check of the checklist a visit of a service type gets when it is scheduled (docs/field-service.md §4).
    Checks without a company are shared by every company, and changed only by a user of every company
    (docs/security.md §3)."""

    _name = "aftersales.check.template"
    _description = "Checklist Item"
    _inherit = ["aftersales.shared.record.mixin"]
    _order = "scope, service_type, sequence, id"

    # Fields -----------------------------------------------------------------------------------

    name = fields.Char(string="Check", required=True, translate=True)
    scope = fields.Selection(
        CHECK_TEMPLATE_SCOPES, string="Checklist", required=True, default="visit", index=True,
        help="A visit's checklist, by its service type, or the on-site review of a service point.",
    )
    service_type = fields.Selection(SERVICE_TYPES, index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: every company's, unless a company has its own list for the service type."
    )
    active = fields.Boolean(default=True)

    # Constraints ------------------------------------------------------------------------------

    @api.constrains("scope", "service_type")
    def _check_service_type(self):
        """A visit's check belongs to a service type; a review's to none (docs/service-network.md §2)."""
        if any(bool(check.service_type) != (check.scope == "visit") for check in self):
            raise ValidationError(self.env._("A visit's check has a service type; a service point review's has none."))

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _for_visit(self, service_type, company):
        """The checklist of a service type: the company's own when it has one, else the shared one
        (docs/field-service.md §4)."""
        return self._own_or_shared(
            [("scope", "=", "visit"), ("service_type", "=", service_type)], company, ["name", "sequence"]
        )

    @api.model
    def _for_point_review(self, company):
        """The checklist of a service point's on-site review: the company's own, else the shared one
        (docs/service-network.md §2)."""
        return self._own_or_shared([("scope", "=", "point_review")], company, ["name", "sequence"])
