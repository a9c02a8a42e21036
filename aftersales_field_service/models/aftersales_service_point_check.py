from odoo import api, fields, models
from odoo.exceptions import UserError

from ..selections import CHECK_RESULTS


class AftersalesServicePointCheck(models.Model):
    """One check of a point's on-site qualification review and its result (docs/service-network.md §2)."""

    _name = "aftersales.service.point.check"
    _description = "Service Point Review Check"
    _inherit = ["aftersales.protected.fields.mixin"]
    _order = "point_id, sequence, id"
    _frozen_fields = ("point_id",)
    _locked_fields = {"can_edit": ("name", "sequence", "result", "note")}

    # Fields -----------------------------------------------------------------------------------

    point_id = fields.Many2one("aftersales.service.point", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="point_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Check", required=True)
    result = fields.Selection(CHECK_RESULTS)
    note = fields.Char()
    can_edit = fields.Boolean(related="point_id.can_edit_review")

    # CRUD -------------------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_only_under_review(self):
        """The review's checks are kept as they were recorded (docs/service-network.md §2)."""
        if not all(self.mapped("can_edit")):
            raise UserError(self.env._("The checks of a review done are kept as they were recorded."))
