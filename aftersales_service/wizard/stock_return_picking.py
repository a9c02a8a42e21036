from odoo import fields, models


class StockReturnPickingLine(models.TransientModel):
    _inherit = "stock.return.picking.line"

    aftersales_rma_line_id = fields.Many2one("aftersales.rma.line", string="RMA Line")

    def _prepare_move_default_values(self, new_picking):
        vals = super()._prepare_move_default_values(new_picking)
        # A return copies the returned move: only the RMA's own returns belong to an RMA line.
        vals["aftersales_rma_line_id"] = self.aftersales_rma_line_id.id
        return vals


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _prepare_picking_default_values_based_on(self, picking):
        vals = super()._prepare_picking_default_values_based_on(picking)
        # A return copies the returned transfer: the RMA's own returns set their link and role themselves.
        vals.update(aftersales_rma_id=False, aftersales_rma_role=False)
        if self.env.context.get("aftersales_return_location_id"):
            vals["location_dest_id"] = self.env.context["aftersales_return_location_id"]
        return vals
