from odoo.tests import tagged

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.tests.common import AftersalesCase


@tagged("post_install", "-at_install")
class TestFieldServiceSetup(AftersalesCase):
    """docs/field-service.md §5: what installation, a new company and a new warehouse set up for visits."""

    def _assert_ready(self, company):
        self.assertEqual(company.aftersales_travel_product_id, self.env.ref("aftersales_field_service.product_travel_fee"))
        self.assertTrue(self.env["ir.sequence"].sudo().search_count(
            [("code", "=", "aftersales.dispatch.order"), ("company_id", "=", company.id)]
        ), company.name)
        for warehouse in self.env["stock.warehouse"].search([("company_id", "=", company.id)]):
            self.assertEqual(warehouse.aftersales_defective_location_id.usage, "internal", warehouse.name)
            repair_type = warehouse.aftersales_onsite_repair_type_id
            self.assertEqual(repair_type.code, "repair_operation", warehouse.name)
            self.assertEqual(repair_type.default_remove_location_dest_id, warehouse.aftersales_defective_location_id)

    def test_installation_gave_every_company_and_warehouse_what_visits_need(self):
        for company in self.env["res.company"].search([]):
            self._assert_ready(company)

    def test_a_new_company_and_its_warehouses_are_set_up_when_created(self):
        company = self.env["res.company"].create({"name": "Fifth Plant Co"})
        self.env["stock.warehouse"].create({"name": "Fifth Plant East", "code": "FIE", "company_id": company.id})
        self.assertEqual(len(self.env["stock.warehouse"].search([("company_id", "=", company.id)])), 2)
        self._assert_ready(company)
