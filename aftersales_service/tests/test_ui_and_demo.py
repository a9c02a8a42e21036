import os
import re
from datetime import date

from odoo.tests import new_test_user, tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestUiAndDemo(AftersalesCase):
    """The views an after-sales user opens load, and the demo database is useful at once."""

    def test_every_window_of_the_app_loads_for_an_after_sales_user(self):
        user = new_test_user(self.env, "as_ui_user", groups="aftersales_service.group_aftersales_user")
        manager = new_test_user(self.env, "as_ui_manager", groups="aftersales_service.group_aftersales_manager")
        root = self.env.ref("aftersales_service.menu_aftersales_root")
        menus = self.env["ir.ui.menu"].search([("id", "child_of", root.id), ("action", "!=", False)])
        self.assertGreaterEqual(len(menus), 4)
        for someone in (user, manager):
            with self.subTest(user=someone.login):
                visible = self.env["ir.ui.menu"].with_user(someone)._visible_menu_ids()
                for menu in menus.filtered(lambda m: m.id in visible):
                    if menu.action._name == "ir.actions.client":
                        # The overview: its figures are read by aftersales.overview (test_screens.TestOverview).
                        self.assertEqual(menu.action.tag, "aftersales_overview", menu.complete_name)
                        continue
                    views = [(False, mode) for mode in menu.action.view_mode.split(",")]
                    result = self.env[menu.action.res_model].with_user(someone).get_views(views)
                    self.assertEqual(set(result["views"]), {mode for _view, mode in views}, menu.complete_name)
        for model, view in (
            ("res.partner", "base.view_partner_form"),
            ("sale.order", "sale.view_order_form"),
            ("stock.picking", "stock.view_picking_form"),
            ("stock.lot", "stock.view_production_lot_form"),
        ):
            with self.subTest(view=view):
                arch = self.env[model].with_user(user).get_view(self.env.ref(view).id)["arch"]
                self.assertIn("action_view_aftersales_deliveries", arch, model)
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        self.assertIn(root.id, visible)
        self.assertNotIn(self.env.ref("aftersales_service.menu_aftersales_config").id, visible)

    def test_demo_database_holds_units_in_and_out_of_warranty(self):
        open_order = self.env.ref("aftersales_service.so_pump_works_open", raise_if_not_found=False)
        if not open_order:
            self.skipTest("demo data not loaded")
        records = self.env["aftersales.delivery.record"].search(
            [("sale_order_id.partner_id", "in", [
                self.env.ref("aftersales_service.partner_pump_works").id,
                self.env.ref("aftersales_service.partner_east_coast").id,
                self.env.ref("aftersales_service.partner_textile").id,
                self.env.ref("aftersales_service.partner_agent_zhang").id,
            ])]
        )
        today = date.today()
        self.assertGreaterEqual(len(records), 20)
        self.assertTrue(records.filtered(lambda r: r.warranty_end_date >= today), "some units are in warranty")
        self.assertTrue(records.filtered(lambda r: r.warranty_end_date < today), "some units are expired")
        self.assertTrue(records.filtered("is_late"))
        self.assertTrue(records.filtered("is_accepted"))
        self.assertTrue(records.filtered("extended_warranty_months"))
        self.assertGreater(min(records.mapped("delivery_date")), date(today.year - 2, today.month, 1))
        self.assertEqual(open_order.picking_ids.state, "assigned", "one order is ready to be delivered")

    def test_demo_company_is_a_chinese_manufacturer(self):
        if not self.env.ref("aftersales_service.so_pump_works_open", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        company = self.env.ref("base.main_company")
        self.assertEqual((company.name, company.city, company.country_id.code), ("Qilu Motor Works Co., Ltd.", "Zibo", "CN"))
        # The suite sets the company's working hours to UTC; its administrator keeps the demo's time zone.
        self.assertEqual(self.env.ref("base.user_admin").tz, "Asia/Shanghai", "its users work in Chinese time")

    def test_demo_database_holds_rmas_in_every_state(self):
        if not self.env.ref("aftersales_service.rma_demo_done", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        for state in ("draft", "confirmed", "received", "inspected", "decided", "processed", "done", "cancel"):
            with self.subTest(state=state):
                rma = self.env.ref(f"aftersales_service.rma_demo_{'cancelled' if state == 'cancel' else state}")
                self.assertEqual(rma.state, state, rma.name)
        done = self.env.ref("aftersales_service.rma_demo_done")
        self.assertEqual(done.account_move_ids.filtered(lambda m: m.move_type == "out_refund").state, "posted")
        self.assertTrue(self.env.ref("aftersales_service.rma_demo_processed").repair_ids)

    def test_demo_database_holds_complaints_in_every_state_and_overdue_ones(self):
        if not self.env.ref("aftersales_service.complaint_demo_closed", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        expected = {
            "new": "new", "at_risk": "new", "overdue": "investigating", "waiting": "acknowledged",
            "resolved": "resolved", "closed": "closed", "cancelled": "cancel", "return_visit": "new",
        }
        for name, state in expected.items():
            with self.subTest(complaint=name):
                self.assertEqual(self.env.ref(f"aftersales_service.complaint_demo_{name}").state, state, name)
        self.assertEqual(self.env.ref("aftersales_service.complaint_demo_overdue").sla_state, "breached")
        self.assertEqual(self.env.ref("aftersales_service.complaint_demo_at_risk").sla_state, "at_risk")
        self.assertTrue(self.env.ref("aftersales_service.complaint_demo_waiting").sla_paused)
        self.assertTrue(self.env.ref("aftersales_service.complaint_demo_return_visit").escalated_date)
        self.assertTrue(self.env.ref("aftersales_service.complaint_demo_closed").customer_confirmation)
        self.assertTrue(self.env.ref("aftersales_service.corrective_action_demo_timer").is_overdue)

    def test_demo_work_goes_to_real_people_not_to_the_system(self):
        if not self.env.ref("aftersales_service.rma_demo_done", raise_if_not_found=False):
            self.skipTest("demo data not loaded")
        system = self.env.ref("base.user_root")
        for model in ("aftersales.rma", "aftersales.complaint", "aftersales.return.visit", "aftersales.survey",
                      "aftersales.corrective.action"):
            with self.subTest(model=model):
                documents = self.env[model].search([])
                self.assertTrue(documents, model)
                self.assertFalse(documents.filtered(lambda document: document.user_id == system), model)
        self.assertFalse(self.env["mail.activity"].search([
            ("res_model", "like", "aftersales."), ("user_id", "=", system.id),
        ]))

    def test_simplified_chinese_translation_is_loaded_for_answers_and_labels(self):
        self._speak("zh_CN")
        records = self.env["aftersales.delivery.record"].with_context(lang="zh_CN")
        result = records.check_warranty(lot="NO-SUCH-SERIAL")
        self.assertEqual(result["state"], "not_ours")
        self.assertIn("NO-SUCH-SERIAL", result["reason"])
        self.assertNotIn("unknown", result["reason"], "the answer is in Chinese")
        description = records.fields_get(["warranty_end_date"])["warranty_end_date"]["string"]
        self.assertEqual(description, "保修截止日期")
        menu = self.env.ref("aftersales_service.menu_aftersales_root").with_context(lang="zh_CN")
        self.assertEqual(menu.name, "售后服务")

    def test_user_facing_texts_carry_no_internal_clause_references(self):
        """Texts a user reads (translatable terms of the code, views, reports, mails) never cite the internal
        procedure clauses such as "[003] 七.1"."""
        clause = re.compile(r"\[00[0-4]\]")
        root = os.path.dirname(os.path.dirname(__file__))
        with open(os.path.join(root, "i18n", "zh_CN.po"), encoding="utf-8") as catalogue:
            terms = [line for line in catalogue if line.startswith(("msgid", "msgstr"))]
        self.assertTrue(terms)
        self.assertFalse([term for term in terms if clause.search(term)])
        for folder in ("views", "reports", "data", "wizard"):
            for name in os.listdir(os.path.join(root, folder)):
                if name.endswith(".xml"):
                    with open(os.path.join(root, folder, name), encoding="utf-8") as document:
                        self.assertFalse(clause.search(document.read()), f"{folder}/{name}")
