from odoo import models


class StockRule(models.Model):
    _inherit = "stock.rule"

    def _get_custom_move_fields(self):
        """The moves a replacement's procurement makes carry the unit they replace; the next steps of the route copy
        it (docs/rma.md §7)."""
        return super()._get_custom_move_fields() + ["aftersales_rma_line_id"]
