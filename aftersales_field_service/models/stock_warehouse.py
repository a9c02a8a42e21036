from odoo import fields, models
from odoo.exceptions import UserError


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    # Fields -----------------------------------------------------------------------------------

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

    # Business rules ---------------------------------------------------------------------------

    def _aftersales_setup(self):
        res = super()._aftersales_setup()
        self._aftersales_create_field_service()
        return res

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
