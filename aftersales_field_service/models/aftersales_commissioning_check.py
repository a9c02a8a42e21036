from odoo import api, fields, models
from odoo.exceptions import UserError

from ..selections import CHECK_RESULTS


class AftersalesCommissioningCheck(models.Model):
    """One check of an installation's commissioning and its result (docs/field-service.md §10)."""

    _name = "aftersales.commissioning.check"
    _description = "Commissioning Check"
    _inherit = ["aftersales.protected.fields.mixin"]
    _order = "order_id, sequence, id"
    _frozen_fields = ("order_id",)
    # The checklist is the plan's; its results are recorded on site; the visit over, it is the acceptance's record
    # (docs/field-service.md §10).
    _locked_fields = {"can_record": ("result", "note"), "can_edit_checklist": ("name", "sequence")}

    # Fields -----------------------------------------------------------------------------------

    order_id = fields.Many2one("aftersales.dispatch.order", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True)
    result = fields.Selection(CHECK_RESULTS)
    note = fields.Char()
    can_record = fields.Boolean(related="order_id.can_edit_report")
    can_edit_checklist = fields.Boolean(compute="_compute_can_edit_checklist")

    # Computes ---------------------------------------------------------------------------------

    @api.depends("order_id.state")
    def _compute_can_edit_checklist(self):
        """Checks are added, renamed, reordered and removed until the visit is over: the checks of a visit done or
        closed, an accepted installation's among them, stay as they were recorded (docs/field-service.md §10)."""
        for check in self:
            check.can_edit_checklist = check.order_id.state not in ("done", "closed")

    # CRUD -------------------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_only_while_the_visit_is_open(self):
        """The checks of a visit that is over are kept (docs/field-service.md §10)."""
        kept = self.filtered(lambda check: not check.can_edit_checklist)
        if kept:
            raise UserError(self.env._(
                "%(orders)s: the visit is over, its commissioning checks are kept as they were recorded.",
                orders=", ".join(kept.order_id.mapped("name")),
            ))
