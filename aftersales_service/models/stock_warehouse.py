from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    aftersales_rma_location_id = fields.Many2one(
        "stock.location",
        string="RMA Location",
        check_company=True,
        domain="[('usage', '=', 'internal'), ('company_id', '=', company_id)]",
        help="Returned units wait here, apart from sellable stock, until they are repaired, sent back or scrapped.",
    )

    def _aftersales_rma_location(self):
        """Returned units are kept out of sellable stock: a replacement never ships the faulty unit (SPEC 3)."""
        self.ensure_one()
        if not self.aftersales_rma_location_id:
            self.sudo().aftersales_rma_location_id = self.env["stock.location"].sudo().create({
                "name": self.env._("RMA"),
                "usage": "internal",
                "location_id": self.view_location_id.id,
                "company_id": self.company_id.id,
            })
        return self.aftersales_rma_location_id
