from odoo import api, models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # CRUD -------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        # A line added to a done return changes what came back (docs/delivery-records.md §4).
        self.env["aftersales.delivery.record"]._returns_changed(lines.filtered(lambda line: line.state == "done"))
        return lines

    def write(self, vals):
        if not {"quantity", "lot_id", "product_uom_id"} & vals.keys():
            return super().write(vals)
        # Editing a done return changes what came back, of the lot it had and of the lot it gets
        # (docs/delivery-records.md §4).
        done = self.filtered(lambda line: line.state == "done")
        records = self.env["aftersales.delivery.record"]
        before = records._returned_records(done)
        result = super().write(vals)
        records._returns_changed(done, before)
        return result
