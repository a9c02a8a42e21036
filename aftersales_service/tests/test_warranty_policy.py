from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestWarrantyPolicy(AftersalesCase):
    """SPEC 2: which policy applies, for how long, frozen at delivery."""

    def _policy(self, name, months, product=None, categ=None, extension=4):
        with Form(self.env["aftersales.warranty.policy"]) as policy:
            policy.name = name
            policy.duration_months = months
            policy.channel_extension_months = extension
            if product:
                policy.product_tmpl_id = product.product_tmpl_id
            if categ:
                policy.categ_id = categ
        return policy.record

    def _deliver_one(self, partner, product, serial, on=None):
        self._stock_serials(product, [serial])
        order = self._sell(partner, [(product, 1)])
        with freeze_time(on or datetime.now()):
            self._deliver(order)
        return self._records(sale_order_id=order.id)

    def test_company_default_is_twelve_months(self):
        self.assertEqual(self.default_policy.duration_months, 12)
        record = self._deliver_one(self.customer, self.motor, "SN-P0", on=datetime(2026, 1, 15, 9))
        self.assertEqual(record.warranty_policy_id, self.default_policy)
        self.assertEqual((record.warranty_months, record.channel_extension_months), (12, 0))
        self.assertEqual(record.warranty_end_date, date(2027, 1, 14))

    def test_precedence_product_then_nearest_category_then_default(self):
        parent_policy = self._policy("Motors", 24, categ=self.categ_motors)
        self.assertEqual(parent_policy.scope, "category")
        record = self._deliver_one(self.customer, self.motor, "SN-P1")
        self.assertEqual(record.warranty_policy_id, parent_policy, "a parent category policy covers sub-categories")

        child_policy = self._policy("Small motors", 15, categ=self.categ_small_motors)
        record = self._deliver_one(self.customer, self.motor, "SN-P2")
        self.assertEqual(record.warranty_policy_id, child_policy, "the nearest category wins")

        product_policy = self._policy("YX-90", 18, product=self.motor)
        self.assertEqual(product_policy.scope, "product")
        record = self._deliver_one(self.customer, self.motor, "SN-P3")
        self.assertEqual(record.warranty_policy_id, product_policy, "a product policy wins over categories")
        self.assertEqual(record.warranty_months, 18)

        self._stock_quantity(self.cable, 1.0)
        order = self._sell(self.customer, [(self.cable, 1)])
        self._deliver(order)
        self.assertEqual(self._records(sale_order_id=order.id).warranty_policy_id, self.default_policy)

    def test_distributors_and_agents_get_the_extension(self):
        self._policy("YX-90", 12, product=self.motor, extension=4)
        agent = self.env["res.partner"].create({"name": "Agent Li", "is_company": True, "aftersales_channel": "agent"})
        distributor_shop = self.env["res.partner"].create({"name": "Shop", "parent_id": self.distributor.id})
        self.assertEqual(distributor_shop.aftersales_channel, "distributor", "contacts follow their company")
        start = datetime(2026, 2, 10, 9)
        for partner, serial, extension, end in (
            (self.customer, "SN-X1", 0, date(2027, 2, 9)),
            (distributor_shop, "SN-X2", 4, date(2027, 6, 9)),
            (agent, "SN-X3", 4, date(2027, 6, 9)),
        ):
            with self.subTest(partner=partner.name):
                record = self._deliver_one(partner, self.motor, serial, on=start)
                self.assertEqual(record.channel_extension_months, extension, partner.name)
                self.assertEqual(record.warranty_end_date, end, partner.name)

    def test_channel_change_after_delivery_leaves_records_unchanged(self):
        record = self._deliver_one(self.distributor, self.motor, "SN-CHAN", on=datetime(2026, 2, 10, 9))
        self.assertEqual(record.warranty_end_date, date(2027, 6, 9))
        self.distributor.aftersales_channel = "end_customer"
        self.assertEqual((record.channel_extension_months, record.warranty_end_date), (4, date(2027, 6, 9)))

    def test_end_date_arithmetic_at_month_ends(self):
        end_date = self.env["aftersales.warranty.policy"]._warranty_end_date
        cases = [
            (date(2026, 1, 15), 12, date(2027, 1, 14)),
            (date(2025, 1, 31), 1, date(2025, 2, 28)),
            (date(2024, 1, 31), 1, date(2024, 2, 29)),
            (date(2024, 1, 30), 1, date(2024, 2, 29)),
            (date(2024, 1, 29), 1, date(2024, 2, 28)),
            (date(2024, 2, 29), 12, date(2025, 2, 28)),
            (date(2024, 2, 29), 48, date(2028, 2, 28)),
            (date(2025, 3, 31), 1, date(2025, 4, 30)),
            (date(2025, 12, 31), 2, date(2026, 2, 28)),
            (date(2025, 1, 1), 16, date(2026, 4, 30)),
        ]
        for start, months, expected in cases:
            with self.subTest(start=start, months=months):
                self.assertEqual(end_date(start, months), expected, f"{start} + {months} months")

    def test_end_date_from_a_delivery_on_january_31(self):
        self._policy("Monthly", 1, product=self.motor)
        record = self._deliver_one(self.customer, self.motor, "SN-J31", on=datetime(2024, 1, 31, 9))
        self.assertEqual(record.warranty_end_date, date(2024, 2, 29))

    def test_policy_change_after_delivery_leaves_records_unchanged(self):
        policy = self._policy("YX-90", 12, product=self.motor)
        record = self._deliver_one(self.customer, self.motor, "SN-CH1", on=datetime(2026, 3, 1, 9))
        self.assertEqual(record.warranty_end_date, date(2027, 2, 28))

        with Form(policy) as form:
            form.duration_months = 36
            form.channel_extension_months = 10
        self.assertEqual((record.warranty_months, record.warranty_end_date), (12, date(2027, 2, 28)))
        policy.action_archive()
        self.assertEqual(record.warranty_policy_id, policy)
        self.assertEqual(record.warranty_end_date, date(2027, 2, 28))

        later = self._deliver_one(self.customer, self.motor, "SN-CH2", on=datetime(2026, 3, 1, 9))
        self.assertEqual(later.warranty_policy_id, self.default_policy, "the archived policy no longer applies")

    def test_every_company_keeps_a_default_policy(self):
        company = self.env["res.company"].create({"name": "Third Plant Co"})
        default = self.env["aftersales.warranty.policy"].search([("company_id", "=", company.id)])
        self.assertEqual((default.scope, default.duration_months, default.channel_extension_months), ("company", 12, 4))
        with self.assertRaisesRegex(ValidationError, "needs an active company default"), self.env.cr.savepoint():
            self.default_policy.action_archive()
        with self.assertRaisesRegex(UserError, "cannot be deleted"), self.env.cr.savepoint():
            self.default_policy.unlink()
        self.assertTrue(self.default_policy.exists().active)

    def test_bad_months_are_refused_and_write_nothing(self):
        policies = self.env["aftersales.warranty.policy"]
        count = policies.search_count([])
        for months, extension, message in (
            (0, 4, "at least one month"),
            (-6, 4, "at least one month"),
            (12, -1, "cannot be negative"),
        ):
            with self.subTest(months=months, extension=extension):
                with self.assertRaisesRegex(ValidationError, message), self.env.cr.savepoint():
                    self._policy("Bad", months, product=self.motor, extension=extension)
        self.assertEqual(policies.search_count([]), count)
        with self.assertRaisesRegex(ValidationError, "at least one month"), self.env.cr.savepoint():
            self.default_policy.duration_months = 0
        self.default_policy.invalidate_recordset()
        self.assertEqual(self.default_policy.duration_months, 12)

    def test_two_active_policies_for_one_scope_are_refused(self):
        self._policy("Motors", 24, categ=self.categ_motors)
        policies = self.env["aftersales.warranty.policy"]
        count = policies.search_count([])
        with self.assertRaisesRegex(ValidationError, "same scope"), self.env.cr.savepoint():
            self._policy("Motors again", 18, categ=self.categ_motors)
        with self.assertRaisesRegex(ValidationError, "same scope"), self.env.cr.savepoint():
            policies.create({"name": "Second default", "company_id": self.company.id})
        self.assertEqual(policies.search_count([]), count)

        other_company = self.env["res.company"].create({"name": "Other Co"})
        policies.create({"name": "Motors", "company_id": other_company.id, "categ_id": self.categ_motors.id})
        archived = policies.create({"name": "Old", "categ_id": self.categ_small_motors.id, "active": False})
        self.assertFalse(archived.active, "an archived twin does not count")
        self._policy("Small", 6, categ=self.categ_small_motors)

    def test_product_and_category_together_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "not both"):
            self.env["aftersales.warranty.policy"].create({
                "name": "Both", "product_tmpl_id": self.motor.product_tmpl_id.id, "categ_id": self.categ_motors.id,
            })

    def test_extended_warranty_product_must_be_a_service(self):
        with self.assertRaisesRegex(ValidationError, "Only a service product"):
            self.motor.aftersales_warranty_extension_months = 12
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.extension_service.aftersales_warranty_extension_months = -1
