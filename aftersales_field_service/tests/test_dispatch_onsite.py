"""On site: what the van holds and what the customer pays for it (docs/field-service.md §3, §5, §6, §9)."""
from datetime import timedelta
from types import SimpleNamespace

from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestDispatchOnSite(DispatchCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seal = cls._create_product("Shaft Seal", "none", cls.categ_motors)
        cls.seal.list_price = 20.0
        cls.env["stock.quant"]._update_available_quantity(cls.seal, cls.van, 1.0)

    def _repair(self, line, parts):
        """The technician opens the unit's on-site repair and adds ``parts``: (product, demand) or (product, demand,
        quantity used), as typed in the repair's parts list."""
        action = line.with_user(self.tech_user).action_repair_on_site()
        repair = self.env["repair.order"].with_user(self.tech_user).browse(action["res_id"])
        with Form(repair) as repair_form:
            for product, demand, *used in parts:
                with repair_form.move_ids.new() as move:
                    move.product_id = product
                    move.product_uom_qty = demand
                    if used:
                        move.quantity = used[0]
        return repair.with_env(self.env)

    def _report(self, order, **values):
        with Form(order) as order_form:
            order_form.fault_found = "Seal worn"
            order_form.work_done = "Seal replaced"
            order_form.outcome = "fixed"
            order_form.signature_refusal = "Not authorised to sign"
            for name, value in values.items():
                setattr(order_form, name, value)

    def _van_holds(self, product):
        return sum(self.env["stock.quant"]._gather(product, self.van).mapped("quantity"))

    # The van --------------------------------------------------------------------------------------

    def test_the_work_timer_fills_the_labour_hours(self):
        arrival = self._tomorrow_at(10)
        with freeze_time(arrival - timedelta(hours=1)):
            order = self._plan(self._units(["FS-TM-1"]))
        with freeze_time(arrival):
            order = order.with_user(self.tech_user)
            order.action_check_in()
            self.assertFalse(order.can_stop_timer)
            with self.assertRaises(UserError):
                order.action_timer_stop()
            order.action_timer_start()
            with self.assertRaises(UserError):
                order.action_timer_start()
        with freeze_time(arrival + timedelta(minutes=90)):
            order.action_timer_stop()
        self.assertEqual((order.labour_hours, order.timer_start), (1.5, False))
        with freeze_time(arrival + timedelta(hours=2)):
            order.action_timer_start()
        with freeze_time(arrival + timedelta(hours=2, minutes=15)):
            self._report(order)
            order.action_check_out()
        self.assertEqual((order.labour_hours, order.timer_start), (1.75, False), "the check-out stops the timer")
        with self.assertRaises(UserError):
            order.action_timer_start()

    def test_the_parts_picker_offers_the_vans_parts_first_with_their_quantities(self):
        not_in_van = self.env["product.product"].create({"name": "Winding Kit Spare", "type": "consu"})
        products = self.env["product.product"].with_user(self.tech_user).with_context(
            aftersales_parts_location_id=self.van.id
        )
        offered = products.name_search("Winding Kit")
        self.assertEqual(offered[0], (self.spare_part.id, f"{self.spare_part.display_name} (5 in the van)"))
        self.assertIn(not_in_van.id, [product_id for product_id, _label in offered[1:]], "the others follow")
        self.assertEqual(self.env["product.product"].with_user(self.tech_user).name_search("Winding Kit Spare"),
                         [(not_in_van.id, not_in_van.display_name)], "elsewhere, as Odoo offers them")

    def test_on_a_phone_the_parts_cards_show_the_vans_parts_first_page_by_page(self):
        # A product that sorts before the van's parts in Odoo's own order of the cards.
        self.env["product.product"].create([{"name": f"Aa Part {index}", "default_code": f"AA-{index}", "type": "consu"}
                                            for index in range(3)])
        products = self.env["product.product"].with_user(self.tech_user)
        in_van = products.with_context(aftersales_parts_location_id=self.van.id)
        held = in_van._aftersales_held_in_van()
        self.assertGreaterEqual(len(held), 2, "the van holds several parts")
        domain = [("type", "=", "consu")]
        spec = {"display_name": {}, "aftersales_van_quantity": {}}
        order = "is_favorite desc, default_code, name, id"
        total = products.search_count(domain)
        pages = [in_van.web_search_read(domain, spec, offset=offset, limit=2, order=order)
                 for offset in range(0, total, 2)]
        cards = [record for page in pages for record in page["records"]]
        self.assertEqual([page["length"] for page in pages], [total] * len(pages), "the pager counts every product")
        self.assertEqual(len({card["id"] for card in cards}), total, "every product once, over the pages")
        self.assertEqual({card["id"] for card in cards[:len(held)]}, {product.id for product in held},
                         "the van's parts first")
        quantities = {card["id"]: card["aftersales_van_quantity"] for card in cards}
        self.assertEqual(quantities[self.spare_part.id], 5.0, "each card says what the van holds")
        elsewhere = products.web_search_read(domain, spec, offset=0, limit=2, order=order)["records"]
        self.assertNotIn(elsewhere[0]["id"], [product.id for product in held], "elsewhere, Odoo's order")

    def test_the_repair_of_a_visit_is_deleted_with_a_cancelled_visit_only(self):
        order = self._on_site(self._units(["OS-015"]))
        repair = self._repair(order.line_ids, [(self.seal, 1)])
        self._report(order, outcome="waiting_parts")
        order.action_check_out()
        self.assertEqual((order.state, repair.state), ("done", "cancel"))
        with self.assertRaisesRegex(UserError, "only the repairs of a cancelled visit"):
            repair.with_user(self.stock_user).unlink()
        self.assertEqual(order.line_ids.repair_id, repair)

    def test_a_used_quantity_beyond_what_the_van_holds_stops_the_check_out(self):
        order = self._on_site(self._units(["OS-001"]))
        repair = self._repair(order.line_ids, [(self.seal, 1, 3)])
        self._report(order)
        with self.assertRaisesRegex(UserError, r"Not in the van: Shaft Seal \(3 asked, 1 in the van\)"):
            order.action_check_out()
        self.assertEqual(self._van_holds(self.seal), 1.0, "nothing left the van")
        self.assertEqual((order.state, repair.state), ("on_site", "confirmed"))

    def test_a_demand_beyond_what_the_van_holds_stops_the_check_out(self):
        order = self._on_site(self._units(["OS-002"]))
        self._repair(order.line_ids, [(self.seal, 3)])
        self._report(order)
        with self.assertRaisesRegex(UserError, r"Not in the van: Shaft Seal \(3 asked, 1 in the van\)"):
            order.action_check_out()
        self.assertEqual(self._van_holds(self.seal), 1.0)

    def test_parts_another_visit_holds_in_the_van_are_not_there_for_this_one(self):
        first = self._on_site(self._units(["OS-003"]))
        self._repair(first.line_ids, [(self.seal, 1)])
        second = self._on_site(self._units(["OS-004"]))
        self._repair(second.line_ids, [(self.seal, 1)])
        self._report(second)
        with self.assertRaisesRegex(UserError, r"Shaft Seal \(1 asked, 0 in the van\)"):
            second.action_check_out()
        self._report(first)
        first.action_check_out()
        self.assertEqual(self._van_holds(self.seal), 0.0)

    def test_what_the_van_holds_is_used_in_full_and_no_more(self):
        order = self._on_site(self._units(["OS-005"]))
        repair = self._repair(order.line_ids, [(self.spare_part, 1, 3)])
        self._report(order)
        order.action_check_out()
        self.assertEqual(repair.state, "done")
        self.assertEqual(self._van_holds(self.spare_part), 2.0, "the three used left the van")
        self.assertFalse(self.env["stock.quant"].search([("location_id", "=", self.van.id), ("quantity", "<", 0)]))

    def test_a_negative_part_quantity_is_refused(self):
        order = self._on_site(self._units(["OS-006"]))
        with self.assertRaisesRegex(ValidationError, "zero or more"), self.env.cr.savepoint():
            self._repair(order.line_ids, [(self.seal, -2)])
        repair = self._repair(order.line_ids, [])
        with self.assertRaisesRegex(ValidationError, "zero or more"), self.env.cr.savepoint():
            self.env["stock.move"].with_user(self.tech_user).create({
                "repair_id": repair.id, "repair_line_type": "add", "product_id": self.seal.id,
                "product_uom_qty": 1, "product_uom": self.seal.uom_id.id,
            }).product_uom_qty = -2
        self.env.invalidate_all()
        self.assertFalse(repair.move_ids)
        self.assertEqual(order.amount_total, 0.0)

    # The charge ----------------------------------------------------------------------------------

    def test_misuse_found_on_site_charges_the_parts_the_fee_said(self):
        order = self._on_site(self._units(["OS-007"]))
        self.assertEqual(order.line_ids.charge_mode, "free", "in warranty at the call")
        repair = self._repair(order.line_ids, [(self.spare_part, 1)])
        self.assertTrue(repair.under_warranty)
        with Form(order) as order_form:
            with order_form.line_ids.edit(0) as line:
                line.cause = "misuse"
            order_form.labour_hours = 2.0
        self.assertEqual(order.line_ids.charge_mode, "full")
        self.assertFalse(repair.under_warranty, "the repair follows the diagnosis")
        self.assertEqual((order.amount_labour, order.amount_travel, order.amount_parts), (120.0, 80.0, 150.0))
        self._report(order)
        order.action_check_out()
        order.action_create_quotation()
        quotation = order.sale_order_id
        self.assertAlmostEqual(quotation.amount_untaxed, order.amount_total)
        self.assertEqual(quotation.order_line.filtered(lambda sol: sol.product_id == self.spare_part).price_unit, 150.0)
        quotation.action_confirm()
        order.with_user(self.dispatcher).action_close()
        self.assertEqual((order.invoice_ids.state, order.invoice_ids.amount_untaxed), ("posted", 350.0))

    def test_the_fee_and_the_quotation_price_at_the_customers_pricelist(self):
        # Pricelists and discounts shown on the lines: the quotation bills the list price less 10 %, once.
        self.env["res.config.settings"].create({"group_product_pricelist": True, "group_discount_per_so_line": True}).execute()
        self.customer.property_product_pricelist = self.env["product.pricelist"].create({
            "name": "Key accounts -10%", "currency_id": self.company.currency_id.id,
            "item_ids": [(0, 0, {"compute_price": "percentage", "percent_price": 10.0, "applied_on": "3_global"})],
        })
        order = self._on_site(self._units(["OS-PL1"]))
        self._repair(order.line_ids, [(self.spare_part, 1)])
        with Form(order) as order_form:
            with order_form.line_ids.edit(0) as line:
                line.cause = "misuse"
            order_form.labour_hours = 2.0
        # Labour 60 and the part 150 at the customer's 10 % off; the travel fee as typed.
        self.assertEqual((order.amount_labour, order.amount_travel, order.amount_parts), (108.0, 80.0, 135.0))
        self._report(order)
        order.action_check_out()
        order.action_create_quotation()
        quotation = order.sale_order_id
        self.assertEqual(quotation.pricelist_id, self.customer.property_product_pricelist)
        self.assertEqual(set(quotation.order_line.filtered(lambda line: line.product_id != self.travel).mapped("discount")), {10.0})
        self.assertAlmostEqual(quotation.amount_untaxed, order.amount_total)
        quotation.action_confirm()
        order.with_user(self.dispatcher).action_close()
        self.assertEqual(order.invoice_ids.amount_untaxed, 323.0)

    def test_a_quotation_that_bills_another_amount_than_the_fee_does_not_close(self):
        later = fields.Datetime.now() + timedelta(days=3 * 365)
        order = self._on_site(self._units(["OS-008"]), call_date=later)
        self._repair(order.line_ids, [(self.spare_part, 1)])
        order.labour_hours = 1.0
        self._report(order)
        order.action_check_out()
        order.action_create_quotation()
        quotation = order.with_env(self.env).sale_order_id
        quotation.order_line.filtered(lambda sol: sol.product_id == self.spare_part).price_unit = 10.0
        quotation.action_confirm()
        with self.assertRaisesRegex(UserError, r"bills .*150\.00.* fee of .*290\.00"):
            order.with_user(self.dispatcher).action_close()
        self.assertEqual(order.state, "done")
        self.assertFalse(quotation.invoice_ids, "nothing invoiced")

    def test_in_warranty_only_the_customer_processed_part_is_billed(self):
        order = self._on_site(self._units(["OS-009"]))
        repair = self._repair(order.line_ids, [(self.spare_part, 1), (self.seal, 1)])
        with Form(order) as order_form:
            with order_form.line_ids.edit(0) as line:
                line.cause = "manufacturing"
                line.customer_processed_parts = True
        self.assertEqual((order.line_ids.charge_mode, repair.aftersales_charge_mode), ("materials", "materials"))
        self.assertFalse(repair.under_warranty)
        arch = etree.fromstring(repair.with_user(self.tech_user).get_views([(False, "form")])["views"]["form"]["arch"])
        [column] = arch.xpath("//field[@name='move_ids']//field[@name='aftersales_customer_processed']")
        self.assertFalse(
            safe_eval(column.get("column_invisible"), {"parent": SimpleNamespace(aftersales_charge_mode="materials")}),
            "the technician sees the per-part mark",
        )
        with Form(repair.with_user(self.tech_user)) as repair_form:
            with repair_form.move_ids.edit(0) as move:
                self.assertEqual(move.product_id, self.spare_part)
                move.aftersales_customer_processed = True
        self.assertEqual((order.amount_labour, order.amount_travel, order.amount_parts), (0.0, 0.0, 150.0))
        self._report(order)
        order.action_check_out()
        order.action_create_quotation()
        prices = {sol.product_id: sol.price_unit for sol in order.sale_order_id.order_line}
        self.assertEqual(prices, {self.spare_part: 150.0, self.seal: 0.0})
        self.assertAlmostEqual(order.sale_order_id.amount_untaxed, 150.0)

    def test_the_repairs_warranty_flag_is_the_charge_rules(self):
        order = self._on_site(self._units(["OS-010"]))
        repair = self._repair(order.line_ids, [(self.spare_part, 1)])
        with self.assertRaisesRegex(UserError, "Under Warranty"):
            repair.with_user(self.tech_user).under_warranty = False
        self.assertTrue(repair.under_warranty)

    # Planning --------------------------------------------------------------------------------------

    def test_a_window_that_has_ended_is_not_scheduled(self):
        unit = self._units(["OS-011"])
        with self.assertRaisesRegex(UserError, "has already ended"):
            self._plan(unit, start=fields.Datetime.now() - timedelta(hours=3))
        order = self._plan(unit)
        action = order.with_user(self.dispatcher).action_reschedule()
        wizard = Form(self.env[action["res_model"]].with_user(self.dispatcher).with_context(**action["context"]))
        wizard.appointment_start = fields.Datetime.now() - timedelta(days=1, hours=2)
        wizard.appointment_end = fields.Datetime.now() - timedelta(days=1)
        wizard.reason = "Typed the wrong day"
        with self.assertRaisesRegex(UserError, "has already ended"):
            wizard.save().action_reschedule()

    # What the technician reads ---------------------------------------------------------------------

    def test_a_technician_groups_the_delivery_records_by_product_and_month(self):
        self._units(["OS-014"])
        records = self.env["aftersales.delivery.record"].with_user(self.tech_user)
        groups = records.formatted_read_group([], ["product_id", "delivery_date:month"], ["__count", "quantity:sum"])
        self.assertIn(self.motor.id, [group["product_id"][0] for group in groups])
