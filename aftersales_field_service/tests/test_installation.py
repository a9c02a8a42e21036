import base64
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.tests.common import PNG

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestInstallation(DispatchCase):
    """Installation and commissioning: the customer's units, the checklist, the trial run, the hand-over and the
    warranty from installation (docs/field-service.md §10)."""

    def _installation(self, units, start=None):
        return self._plan(units, start=start, service_type="installation")

    def _commission(self, order, trial_hours=72, result="passed", training=True, check_result="pass", sign=True):
        """The technician on site records the checks, the trial run and the training; the customer signs."""
        order = order.with_user(self.tech_user)
        if order.state == "dispatched":
            order.action_check_in()
        start = fields.Datetime.now() - timedelta(hours=trial_hours)
        with Form(order) as order_form:
            for index in range(len(order.check_ids)):
                with order_form.check_ids.edit(index) as check:
                    check.result = check_result
            order_form.trial_start = start
            order_form.trial_end = start + timedelta(hours=trial_hours)
            order_form.trial_result = result
            order_form.training_given = training
            order_form.fault_found = "Installed on its foundation, aligned"
            order_form.work_done = "Wired, commissioned, trial run at full load"
            order_form.outcome = "installed"
            if sign:
                order_form.signed_by = "Li Wei"
                order_form.signature = base64.b64encode(PNG)
            else:
                order_form.signature_refusal = "Signs tomorrow"
        return order

    def test_an_installation_is_commissioned_accepted_and_marks_its_units_installed(self):
        units = self._units(["IN-1", "IN-2"])
        order = self._installation(units)
        self.assertEqual(
            order.check_ids.mapped("name"),
            [self.env.ref(f"aftersales_field_service.check_template_install_{index}").name for index in range(1, 7)],
            "the installation checklist comes with the schedule",
        )
        self._commission(order).action_check_out()
        self.assertEqual(order.state, "done")
        self.assertTrue(order.accepted_on)
        self.assertEqual(order.escort_until, order.accepted_on + timedelta(hours=48))
        self.assertEqual(units.mapped("installed_on"), [self.company._aftersales_today()] * 2)
        self.assertEqual(units.installed_by_id, self.tech_user)
        self.assertEqual(units.installation_order_id, order)
        self.assertEqual(units.mapped("warranty_start_date"), units.mapped("delivery_date"),
                         "the warranty runs from delivery unless the company says otherwise")

    def test_acceptance_needs_every_check_the_trial_run_the_training_and_the_signature(self):
        for serial, kwargs, missing in (
            ("IN-3A", {"check_result": "fail"}, "checks not passed"),
            ("IN-3B", {"trial_hours": 71}, "full-load trial run of 72 hours"),
            ("IN-3C", {"result": "failed"}, "full-load trial run of 72 hours"),
            ("IN-3D", {"training": False}, "the training"),
            ("IN-3E", {"sign": False}, "the customer's signature"),
        ):
            with self.subTest(missing=missing):
                unit = self._units([serial])
                order = self._commission(self._installation(unit), **kwargs)
                with self.assertRaisesRegex(UserError, missing):
                    order.action_check_out()
                self.assertEqual(order.state, "on_site", "nothing was written")
                self.assertFalse(unit.installed_on)

    def test_a_unit_is_installed_once_and_not_before_it_is_delivered(self):
        unit = self._units(["IN-4"])
        self._installation(unit)
        with self.assertRaisesRegex(ValidationError, "already on the installation"), self.env.cr.savepoint():
            self._installation(unit)
        yesterday = self._tomorrow_at(9) - timedelta(days=2)
        other = self._units(["IN-5"])
        # Planned the day before yesterday, for yesterday: before the unit left today.
        with self.assertRaisesRegex(UserError, "cannot be installed before they are delivered"), \
                self.env.cr.savepoint(), freeze_time(yesterday - timedelta(days=1)):
            self._installation(other, start=yesterday)
        order = self.env["aftersales.dispatch.order"].search([("line_ids.delivery_record_id", "=", unit.id)])
        self._commission(order).action_check_out()
        with self.assertRaisesRegex(ValidationError, "already installed"), self.env.cr.savepoint():
            self._installation(unit)

    def test_the_warranty_may_start_at_installation_for_products_that_need_it(self):
        self.company.aftersales_warranty_from_installation = True
        self.motor.aftersales_needs_installation = True
        with freeze_time(fields.Date.today() - timedelta(days=20)):
            unit = self._units(["IN-6"])
        self._stock_quantity(self.cable, 1)
        cable_order = self._sell(self.customer, [(self.cable, 1)])
        self._deliver(cable_order)
        cable = self._records(sale_order_id=cable_order.id)
        self.technician.skill_ids |= self.cable.categ_id
        order = self._installation(unit | cable)
        self._commission(order).action_check_out()
        today = self.company._aftersales_today()
        self.assertEqual(unit.warranty_start_date, today, "the motor's warranty starts at the acceptance")
        self.assertEqual(unit.warranty_end_date, unit._warranty_end(today, unit.warranty_months))
        self.assertEqual(cable.warranty_start_date, cable.delivery_date, "a cable needs no installation")

    def test_installed_and_accepted_is_an_installations_outcome_only(self):
        order = self._plan(self._units(["IN-7"])).with_user(self.tech_user)
        order.action_check_in()
        with self.assertRaisesRegex(ValidationError, "Only an installation"):
            order.outcome = "installed"

    def test_the_checklist_is_recorded_on_site_only(self):
        order = self._installation(self._units(["IN-8"]))
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            order.check_ids[0].with_user(self.tech_user).result = "pass"
        order.with_user(self.tech_user).action_check_in()
        order.check_ids[0].with_user(self.tech_user).result = "pass"
        self.assertEqual(order.check_ids[0].result, "pass")
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            order.with_user(self.tech_user).accepted_on = fields.Datetime.now()
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            order.line_ids.delivery_record_id.with_user(self.coordinator).installed_on = fields.Date.today()

    def test_a_unit_whose_installation_failed_is_installed_on_another_visit(self):
        unit = self._units(["IN-9"])
        first = self._installation(unit).with_user(self.tech_user)
        first.action_check_in()
        first.write({"fault_found": "Foundation not ready", "work_done": "Nothing", "outcome": "customer_absent"})
        first.action_check_out()
        second = self._installation(unit)
        self.assertEqual(second.state, "dispatched")

    def test_the_checks_of_an_accepted_installation_stay_as_they_were_recorded(self):
        order = self._installation(self._units(["IN-10"]))
        checks = order.check_ids.with_user(self.dispatcher)
        # While the visit is planned the dispatcher shapes the checklist.
        checks[0].name = "Power supply, earthing and insulation"
        checks.create({"order_id": order.id, "name": "Cooling fan", "sequence": 99})
        checks[-1].unlink()
        self._commission(order).action_check_out()
        self.assertTrue(order.accepted_on)
        recorded = [(check.name, check.sequence, check.result, check.note) for check in order.check_ids]
        for user in (self.tech_user, self.dispatcher, self.manager):
            checks = order.check_ids.with_user(user)
            for values in ({"name": "Nothing to check"}, {"sequence": 1}, {"result": "fail"}, {"note": "Redone"}):
                with self.subTest(user=user.login, values=values), self.assertRaisesRegex(
                    UserError, "can no longer be changed"
                ):
                    checks[0].write(values)
        for user in (self.dispatcher, self.manager):
            checks = order.check_ids.with_user(user)
            with self.subTest(user=user.login), self.assertRaisesRegex(UserError, "can no longer be changed"):
                checks.create({"order_id": order.id, "name": "Added afterwards"})
            with self.subTest(user=user.login), self.assertRaisesRegex(UserError, "its commissioning checks are kept"):
                checks[0].unlink()
        with self.assertRaises(AccessError, msg="technicians never add or remove checks"):
            order.check_ids[0].with_user(self.tech_user).unlink()
        order.with_user(self.dispatcher).action_close()
        self.assertEqual(order.state, "closed")
        with self.assertRaisesRegex(UserError, "its commissioning checks are kept"):
            order.check_ids.with_user(self.manager).unlink()
        self.assertEqual([(check.name, check.sequence, check.result, check.note) for check in order.check_ids], recorded)
