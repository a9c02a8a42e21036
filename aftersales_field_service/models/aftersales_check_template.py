from odoo import api, fields, models

from ..selections import SERVICE_TYPES


class AftersalesCheckTemplate(models.Model):
    """One check of the checklist a visit of a service type gets when it is scheduled (docs/field-service.md §4).
    Checks without a company are shared by every company, and changed only by a user of every company
    (docs/security.md §3)."""

    _name = "aftersales.check.template"
    _description = "Checklist Item"
    _inherit = ["aftersales.shared.record.mixin"]
    _order = "service_type, sequence, id"

    # Fields -----------------------------------------------------------------------------------

    name = fields.Char(string="Check", required=True, translate=True)
    service_type = fields.Selection(SERVICE_TYPES, required=True, index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: every company's, unless a company has its own list for the service type."
    )
    active = fields.Boolean(default=True)

    # Business rules ---------------------------------------------------------------------------

    @api.model
    def _for_visit(self, service_type, company):
        """The checklist of a service type: the company's own when it has one, else the shared one
        (docs/field-service.md §4)."""
        return self._own_or_shared([("service_type", "=", service_type)], company, ["name", "sequence"])
