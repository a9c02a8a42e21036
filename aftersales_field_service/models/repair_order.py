from odoo import api, fields, models
from odoo.exceptions import UserError


class RepairOrder(models.Model):
    _inherit = "repair.order"

    # Fields -----------------------------------------------------------------------------------

    aftersales_dispatch_line_id = fields.Many2one(
        "aftersales.dispatch.line", string="Visited Unit", index="btree_not_null", readonly=True, copy=False
    )
    aftersales_dispatch_order_id = fields.Many2one(
        related="aftersales_dispatch_line_id.order_id", string="Dispatch Order", store=True, index="btree_not_null"
    )

    # Computes ---------------------------------------------------------------------------------

    @api.depends("aftersales_rma_line_id.charge_mode", "aftersales_dispatch_line_id.charge_mode")
    def _compute_aftersales_charge_mode(self):
        """An on-site repair follows the charge rule of the visited unit (docs/field-service.md §5)."""
        res = super()._compute_aftersales_charge_mode()
        for repair in self.filtered("aftersales_dispatch_line_id"):
            repair.aftersales_charge_mode = repair.aftersales_dispatch_line_id.charge_mode
        return res

    # CRUD -------------------------------------------------------------------------------------

    @api.ondelete(at_uninstall=False)
    def _unlink_except_aftersales_visit(self):
        """The repair of a visit is part of the visit's record: it goes only with a cancelled visit
        (docs/security.md §4)."""
        if any(repair_sudo.aftersales_dispatch_order_id.state not in (False, "cancel") for repair_sudo in self.sudo()):
            raise UserError(self.env._(
                "The repair of a visit is kept with it: only the repairs of a cancelled visit can be deleted."
            ))

    # Business rules ---------------------------------------------------------------------------

    def _aftersales_workflow_fields(self):
        """An on-site repair's visit is set by the visit only (docs/security.md §2)."""
        return super()._aftersales_workflow_fields() | {"aftersales_dispatch_line_id", "aftersales_dispatch_order_id"}

    def _aftersales_followed_alone(self):
        """An on-site repair is followed with its visit, when the dispatcher closes it (docs/field-service.md §7)."""
        return super()._aftersales_followed_alone().filtered(lambda repair: not repair.aftersales_dispatch_line_id)
