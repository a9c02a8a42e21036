from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestChecklists(DispatchCase):
    """Each visit gets the checklist of its service type when it is scheduled (docs/field-service.md §4)."""

    def _names(self, order):
        return order.check_ids.sorted("sequence").mapped("name")

    def test_a_repair_visit_gets_the_repair_checklist_and_the_technician_records_it(self):
        order = self._plan(self._units(["CL-1"]))
        self.assertEqual(self._names(order), [
            "Power isolated and locked out before work", "Fault reproduced", "Unit tested under load after the work",
            "Guards refitted and work area cleaned",
        ])
        order.with_user(self.tech_user).action_check_in()
        with Form(order.with_user(self.tech_user)) as order_form:
            with order_form.check_ids.edit(1) as check:
                check.result = "pass"
                check.note = "Hums at start"
        self.assertEqual((order.check_ids[1].result, order.check_ids[1].note), ("pass", "Hums at start"))

    def test_a_visit_of_a_type_without_a_list_gets_none_and_scheduling_again_keeps_the_checks(self):
        order = self._plan(self._units(["CL-2"]), service_type="assessment")
        self.assertFalse(order.check_ids, "no assessment checklist out of the box")
        repair = self._plan(self._units(["CL-3"]))
        repair.check_ids[0].with_user(self.dispatcher).name = "Ask for the lock-out key"
        repair.with_user(self.dispatcher).action_reset()
        repair.with_user(self.dispatcher).action_schedule()
        self.assertEqual(len(repair.check_ids), 4, "the checks are not copied twice")
        self.assertEqual(repair.check_ids.sorted("sequence")[0].name, "Ask for the lock-out key")

    def test_a_company_with_its_own_list_uses_it_instead_of_the_shared_one(self):
        templates = self.env["aftersales.check.template"].with_user(self.manager)
        templates.create({"name": "Customer's permit to work signed", "service_type": "repair",
                          "company_id": self.company.id})
        other = self.env["res.company"].create({"name": "Other Works"})
        self.env["aftersales.check.template"].create({"name": "Not ours", "service_type": "repair", "company_id": other.id})
        order = self._plan(self._units(["CL-4"]))
        self.assertEqual(self._names(order), ["Customer's permit to work signed"])

    def test_the_checks_are_written_in_the_customers_language(self):
        self._speak("zh_CN")
        self.customer.lang = "zh_CN"
        order = self._plan(self._units(["CL-5"]), service_type="installation")
        self.assertIn("接地", self._names(order)[0], "the installation checklist, in Chinese")

    def test_only_a_manager_keeps_the_lists(self):
        templates = self.env["aftersales.check.template"]
        self.assertTrue(templates.with_user(self.dispatcher).search_count([]), "the dispatcher reads them")
        for user in (self.dispatcher, self.tech_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                templates.with_user(user).create({"name": "Mine", "service_type": "repair"})
