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
    aftersales_defective_location_id = fields.Many2one(
        "stock.location",
        string="Defective Parts Location",
        check_company=True,
        domain="[('usage', '=', 'internal'), ('company_id', '=', company_id)]",
        help="Parts our technicians remove on site come back here.",
    )
    aftersales_onsite_repair_type_id = fields.Many2one(
        "stock.picking.type",
        string="On-Site Repair Type",
        check_company=True,
        domain="[('code', '=', 'repair_operation'), ('company_id', '=', company_id)]",
        help="Repairs made at the customer's: parts from the technician's van, removed parts to the defective parts.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        warehouses = super().create(vals_list)
        warehouses._aftersales_create_rma_locations()
        warehouses._aftersales_create_field_service()
        return warehouses

    def _aftersales_create_rma_locations(self):
        """Every warehouse keeps returned units apart from sellable stock, in an RMA location of its own
        (docs/rma.md §3)."""
        for warehouse in self.filtered(lambda warehouse: not warehouse.aftersales_rma_location_id):
            warehouse.aftersales_rma_location_id = self.env["stock.location"].create(
                warehouse._prepare_aftersales_location_values(self.env._("RMA"))
            )

    def _prepare_aftersales_location_values(self, name):
        """An internal location of the warehouse, apart from its sellable stock: RMA, defective parts."""
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

    def _aftersales_create_field_service(self):
        """Every warehouse gets a defective parts location and an on-site repair operation sending removed parts
        there (docs/field-service.md §5)."""
        for warehouse in self:
            if not warehouse.aftersales_defective_location_id:
                warehouse.aftersales_defective_location_id = self.env["stock.location"].create(
                    warehouse._prepare_aftersales_location_values(self.env._("Defective Parts"))
                )
            if not warehouse.aftersales_onsite_repair_type_id:
                warehouse.aftersales_onsite_repair_type_id = self.env["stock.picking.type"].create(
                    warehouse._prepare_aftersales_onsite_repair_type_values()
                )

    def _prepare_aftersales_onsite_repair_type_values(self):
        self.ensure_one()
        return {
            "name": self.env._("On-Site Repairs"),
            "code": "repair_operation",
            "sequence_code": "OSR",
            "warehouse_id": self.id,
            "company_id": self.company_id.id,
            "default_location_src_id": self.lot_stock_id.id,
            "default_location_dest_id": self._get_production_location().id,
            "default_remove_location_dest_id": self.aftersales_defective_location_id.id,
            "default_recycle_location_dest_id": self.lot_stock_id.id,
            "use_create_lots": False,
            "use_existing_lots": True,
        }

    def _aftersales_onsite_repair_type(self):
        """The operation of on-site repairs (docs/field-service.md §5)."""
        self.ensure_one()
        if not self.aftersales_onsite_repair_type_id:
            raise UserError(self.env._(
                "%(warehouse)s has no on-site repair operation: choose one in the warehouse's settings.",
                warehouse=self.name,
            ))
        return self.aftersales_onsite_repair_type_id
