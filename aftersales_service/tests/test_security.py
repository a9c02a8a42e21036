from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestSecurity(AftersalesCase):
    """SPEC 7: after-sales user and manager groups, multi-company isolation, no portal access."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Second Plant Co"})
        cls.as_user = new_test_user(cls.env, "as_user", groups="aftersales_service.group_aftersales_user")
        cls.as_manager = new_test_user(cls.env, "as_manager", groups="aftersales_service.group_aftersales_manager")
        cls.other_manager = new_test_user(
            cls.env, "as_other_manager", groups="aftersales_service.group_aftersales_manager",
            company_id=cls.other_company.id, company_ids=[(6, 0, cls.other_company.ids)],
        )
        cls.internal = new_test_user(cls.env, "as_internal", groups="base.group_user")
        cls.portal = new_test_user(cls.env, "as_portal", groups="base.group_portal")
        cls._stock_serials(cls.motor, ["SN-S1"])
        order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id,
            "order_line": [(0, 0, {"product_id": cls.motor.id, "product_uom_qty": 1})],
        })
        order.action_confirm()
        order.picking_ids.move_ids.picked = True
        order.picking_ids.with_user(cls.stock_user).button_validate()
        cls.record = cls.env["aftersales.delivery.record"].search([("sale_order_id", "=", order.id)])

    def test_warehouse_user_without_after_sales_group_still_creates_records(self):
        self.assertEqual(len(self.record), 1, "validated by a warehouse user without after-sales rights")
        self.assertFalse(self.stock_user.has_group("aftersales_service.group_aftersales_user"))
        with self.assertRaises(AccessError):
            self.record.with_user(self.stock_user).read(["lot_id"])

    def test_warehouse_admin_shipping_someone_elses_order_creates_its_records(self):
        salesman_own_docs = new_test_user(
            self.env, "as_own_docs", groups="stock.group_stock_manager,sales_team.group_sale_salesman"
        )
        self._stock_serials(self.motor, ["SN-OWN"])
        order = self._sell(self.customer, [(self.motor, 1)])
        self.assertNotEqual(order.user_id, salesman_own_docs)
        picking = order.picking_ids.with_user(salesman_own_docs)
        picking.move_ids.picked = True
        self.env.invalidate_all()
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(self._records(sale_order_id=order.id).lot_id.name, "SN-OWN")

    def test_user_reads_records_and_records_acceptance_but_cannot_create_or_delete(self):
        record = self.record.with_user(self.as_user)
        self.assertEqual(record.lot_id.name, "SN-S1")
        self.assertTrue(record.sale_order_id.name, "the order behind a unit is readable")
        self.assertEqual(record.sale_line_id.product_id, self.motor)
        record.write({"accepted_by": "Chen", "acceptance_date": date.today(), "lateness_reason": "Fog"})
        self.assertEqual(self.record.accepted_by, "Chen")
        with self.assertRaises(AccessError):
            self.env["aftersales.delivery.record"].with_user(self.as_user).create({
                "partner_id": self.customer.id, "product_id": self.motor.id, "quantity": 1,
            })
        with self.assertRaises(AccessError):
            record.unlink()
        check = self.env["aftersales.delivery.record"].with_user(self.as_user).check_warranty(lot="SN-S1")
        self.assertEqual(check["record"], self.record)

    def test_policies_are_read_only_for_users_and_editable_by_managers(self):
        policy = self.default_policy.with_user(self.as_user)
        self.assertEqual(policy.duration_months, 12)
        with self.assertRaises(AccessError):
            policy.write({"duration_months": 24})
        with self.assertRaises(AccessError):
            self.env["aftersales.warranty.policy"].with_user(self.as_user).create(
                {"name": "Mine", "categ_id": self.categ_motors.id}
            )
        self.default_policy.with_user(self.as_manager).write({"duration_months": 24})
        created = self.env["aftersales.warranty.policy"].with_user(self.as_manager).create(
            {"name": "Motors", "categ_id": self.categ_motors.id}
        )
        self.assertEqual(created.company_id, self.company)

    def test_manager_can_record_a_legacy_delivery(self):
        with Form(self.env["aftersales.delivery.record"].with_user(self.as_manager)) as legacy:
            legacy.partner_id = self.distributor
            legacy.product_id = self.motor
            legacy.delivery_date = date(2025, 1, 10)
        legacy = legacy.record
        self.assertEqual(legacy.warranty_policy_id, self.default_policy)
        self.assertEqual((legacy.warranty_months, legacy.channel_extension_months), (12, 4))
        self.assertEqual(legacy.warranty_start_date, date(2025, 1, 10))
        self.assertEqual(legacy.warranty_end_date, date(2026, 5, 9))

    def test_other_company_sees_nothing_of_ours(self):
        records = self.env["aftersales.delivery.record"].with_user(self.other_manager)
        self.assertFalse(records.search([("id", "=", self.record.id)]))
        with self.assertRaises(AccessError):
            self.record.with_user(self.other_manager).read(["lot_id"])
        self.assertFalse(
            self.env["aftersales.warranty.policy"].with_user(self.other_manager).search([("id", "=", self.default_policy.id)])
        )
        check = records.check_warranty(lot="SN-S1", on_date=date.today())
        self.assertNotEqual(check["record"], self.record)

    def test_delivery_in_another_company_uses_that_companys_policy(self):
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", self.other_company.id)], limit=1)
        customer = self.env["res.partner"].create({"name": "Plant Two Customer", "company_id": self.other_company.id})
        picking = self.env["stock.picking"].with_company(self.other_company).create({
            "picking_type_id": warehouse.out_type_id.id,
            "partner_id": customer.id,
            "move_ids": [(0, 0, {
                "product_id": self.cable.id,
                "product_uom_qty": 2.0,
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": self.customer_location.id,
            })],
        })
        self.env["stock.quant"]._update_available_quantity(self.cable, warehouse.lot_stock_id, 2.0)
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()
        record = self.env["aftersales.delivery.record"].with_user(self.other_manager).search(
            [("picking_id", "=", picking.id)]
        )
        self.assertEqual(record.company_id, self.other_company)
        self.assertEqual(record.warranty_policy_id.company_id, self.other_company)
        self.assertEqual(record.warranty_policy_id.scope, "company")

    def test_users_without_the_group_and_portal_users_have_no_access(self):
        for user in (self.internal, self.portal):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.record.with_user(user).read(["lot_id"])
                with self.assertRaises(AccessError):
                    self.env["aftersales.warranty.policy"].with_user(user).search([])
                with self.assertRaises(AccessError):
                    self.env["aftersales.warranty.check.wizard"].with_user(user).create({"lot_name": "SN-S1"})

    def test_smart_button_fields_are_hidden_from_users_without_the_group(self):
        partner_fields = self.env["res.partner"].with_user(self.internal).fields_get(["aftersales_delivery_count"])
        self.assertFalse(partner_fields, "the count is restricted to after-sales users")
        self.assertEqual(self.customer.with_user(self.as_user).aftersales_delivery_count, 1)

    def test_shared_configuration_is_changed_by_a_user_of_every_company_only(self):
        """SLA policies and survey items without company serve every company: a company's manager reads them and
        keeps records of their own company; only a manager of every company changes the shared ones."""
        group_manager = new_test_user(
            self.env, "as_group_manager", groups="aftersales_service.group_aftersales_manager",
            company_ids=[(6, 0, self.env["res.company"].search([]).ids)],
        )
        shared = {
            self.env.ref("aftersales_service.sla_policy_default"): {"name": "Key accounts"},
            self.env.ref("aftersales_service.survey_item_packaging"): {"name": "Documentation", "weight": 5},
        }
        for manager in (self.as_manager, self.other_manager):
            for record, values in shared.items():
                record = record.with_user(manager)
                own_company = {"company_id": manager.company_id.id}
                refused = {
                    "write": lambda record=record: record.write({"sequence": 99}),
                    "archive": lambda record=record: record.write({"active": False}),
                    "take": lambda record=record, own=own_company: record.write(own),
                    "translate": lambda record=record: record.update_field_translations("name", {"en_US": "Mine"}),
                    "delete": record.unlink,
                    "create": lambda record=record, values=values: record.create(values),
                }
                for operation, call in refused.items():
                    with self.subTest(manager=manager.login, model=record._name, operation=operation), \
                            self.assertRaisesRegex(AccessError, "shared by every company"), self.env.cr.savepoint():
                        call()
                self.assertTrue(record.active)
                self.assertEqual(record.read(["name", "sequence"])[0]["sequence"], record.sudo().sequence)
                own = record.create(dict(values, **own_company))
                own.write({"sequence": 99})
                with self.assertRaisesRegex(AccessError, "shared by every company"), self.env.cr.savepoint():
                    own.write({"company_id": False})
                self.assertEqual(own.company_id, manager.company_id)
                own.unlink()
        for record, values in shared.items():
            with self.subTest(model=record._name):
                record = record.with_user(group_manager)
                record.write({"sequence": 99})
                self.assertEqual(record.sequence, 99)
                record.create(values).unlink()
                own = record.create(dict(values, company_id=self.other_company.id))
                own.write({"company_id": False})
                self.assertFalse(own.company_id)
