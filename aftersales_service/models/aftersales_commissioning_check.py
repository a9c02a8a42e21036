from odoo import fields, models

from ..selections import CHECK_RESULTS


class AftersalesCommissioningCheck(models.Model):
    """One check of an installation's commissioning and its result (docs/field-service.md §10)."""

    _name = "aftersales.commissioning.check"
    _description = "Commissioning Check"
    _inherit = ["aftersales.protected.fields.mixin"]
    _order = "order_id, sequence, id"
    _frozen_fields = ("order_id",)
    # The checklist is the plan's; its results are recorded on site (docs/field-service.md §10).
    _locked_fields = {"can_record": ("result", "note")}

    order_id = fields.Many2one("aftersales.dispatch.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True)
    result = fields.Selection(CHECK_RESULTS)
    note = fields.Char()
    can_record = fields.Boolean(related="order_id.can_edit_report")
