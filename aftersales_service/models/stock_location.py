from odoo import models


class StockLocation(models.Model):
    _inherit = "stock.location"

    # Business rules ---------------------------------------------------------------------------

    def _is_outgoing(self):
        """A warehouse's RMA location takes customers' units back: it is never a way out of the company
        (docs/rma.md §11). Answered without Odoo's look-up of the inter-company transit location, which a sale
        line's delivered quantity would otherwise make once for every unit of the line that came back."""
        self.ensure_one()
        if self.usage == "internal" and self.warehouse_id.aftersales_rma_location_id == self:
            return False
        return super()._is_outgoing()
