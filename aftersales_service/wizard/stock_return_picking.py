from odoo import fields, models


class StockReturnPickingLine(models.TransientModel):
    _inherit = "stock.return.picking.line"

    aftersales_rma_line_id = fields.Many2one("aftersales.rma.line", string="RMA Line")

    def _prepare_move_default_values(self, new_picking):
        vals = super()._prepare_move_default_values(new_picking)
        if self.aftersales_rma_line_id:
            vals["aftersales_rma_line_id"] = self.aftersales_rma_line_id.id
        return vals


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    def _prepare_picking_default_values_based_on(self, picking):
        vals = super()._prepare_picking_default_values_based_on(picking)
        if self.env.context.get("aftersales_return_location_id"):
            vals["location_dest_id"] = self.env.context["aftersales_return_location_id"]
        return vals
