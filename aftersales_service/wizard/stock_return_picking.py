from odoo import fields, models

from ..models.aftersales_protected_fields_mixin import in_workflow


class StockReturnPickingLine(models.TransientModel):
    _inherit = "stock.return.picking.line"

    aftersales_rma_line_id = fields.Many2one("aftersales.rma.line", string="RMA Line")

    def _prepare_move_default_values(self, new_picking):
        vals = super()._prepare_move_default_values(new_picking)
        # A return copies the returned move: only the RMA's own returns, made by its workflow, belong to an RMA line
        # (docs/security.md §2).
        vals["aftersales_rma_line_id"] = in_workflow(self.env) and self.aftersales_rma_line_id.id
        return vals


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _prepare_picking_default_values_based_on(self, picking):
        vals = super()._prepare_picking_default_values_based_on(picking)
        # A return copies the returned transfer: only the RMA's own returns, made by its workflow, belong to an RMA,
        # with the link, role and location the workflow gives (docs/security.md §2).
        vals.update(aftersales_rma_id=False, aftersales_rma_role=False)
        if in_workflow(self.env):
            vals.update(self.env.context.get("aftersales_return_values") or {})
        return vals
