from odoo import api, fields, models
from odoo.exceptions import UserError


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    aftersales_rma_location_id = fields.Many2one(
        "stock.location",
        string="RMA Location",
        check_company=True,
        domain="[('usage', '=', 'internal'), ('company_id', '=', company_id)]",
        help="Returned units wait here, apart from sellable stock, until they are repaired, sent back or scrapped.",
    )
    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        warehouses._aftersales_setup()
        return warehouses

    def _aftersales_setup(self):
        """What a warehouse needs for after-sales, at its creation and at every installation or update of the
        module: an RMA location (docs/rma.md §3). Addons add what they need."""
        self._aftersales_create_rma_locations()

    def _aftersales_create_rma_locations(self):
        """Every warehouse keeps returned units apart from sellable stock, in an RMA location of its own
        (docs/rma.md §3)."""
        for warehouse in self.filtered(lambda warehouse: not warehouse.aftersales_rma_location_id):
            warehouse.aftersales_rma_location_id = self.env["stock.location"].create(
                warehouse._prepare_aftersales_location_values(self.env._("RMA"))
            )

    def _prepare_aftersales_location_values(self, name):
        """An internal location of the warehouse, apart from its sellable stock."""
        self.ensure_one()
        return {
            "name": name,
            "usage": "internal",
            "location_id": self.view_location_id.id,
            "company_id": self.company_id.id,
        }

    def _aftersales_rma_location(self):
        """Where returned units wait: a replacement never ships the faulty unit (docs/rma.md §3)."""
        self.ensure_one()
        if not self.aftersales_rma_location_id:
            raise UserError(self.env._(
                "%(warehouse)s has no RMA location: choose one in the warehouse's settings.", warehouse=self.name
            ))
        return self.aftersales_rma_location_id
