import base64
from datetime import datetime, time, timedelta

from odoo.tests import Form, new_test_user

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.tests.common import PNG, RmaCase


class DispatchCase(RmaCase):
    """A dispatcher, two technicians with their vans, and units of the customer to visit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dispatcher = new_test_user(
            cls.env, "as_dispatcher", groups="aftersales_field_service.group_aftersales_dispatcher", tz="UTC"
        )
        cls.tech_user = new_test_user(cls.env, "as_technician", groups="aftersales_field_service.group_aftersales_technician")
        cls.other_tech_user = new_test_user(
            cls.env, "as_technician_2", groups="aftersales_field_service.group_aftersales_technician"
        )
        cls.van = cls.env["stock.location"].create({
            "name": "Van 1", "usage": "internal", "location_id": cls.warehouse.view_location_id.id,
        })
        today = cls.company._aftersales_today()
        qualification = {
            "certificate_number": "CERT-1", "certificate_expiry": today.replace(year=today.year + 1),
            "evaluation_date": today, "evaluation_passed": True, "skill_ids": [(6, 0, cls.categ_motors.ids)],
        }
        cls.technician = cls.env["aftersales.technician"].create(
            {"user_id": cls.tech_user.id, "van_location_id": cls.van.id, **qualification}
        )
        cls.other_technician = cls.env["aftersales.technician"].create(
            {"user_id": cls.other_tech_user.id, **qualification}
        )
        cls.env["stock.quant"]._update_available_quantity(cls.spare_part, cls.van, 5.0)
        cls.travel = cls.env.ref("aftersales_field_service.product_travel_fee")
        cls.travel.list_price = 80.0

    def _plan(self, units, start=None, technician=None, **values):
        """A visit to ``units`` typed in by the dispatcher, scheduled and dispatched."""
        start = start or self._tomorrow_at(9)
        with Form(self.env["aftersales.dispatch.order"].with_user(self.dispatcher)) as order_form:
            order_form.partner_id = units.partner_id
            order_form.technician_id = technician or self.technician
            order_form.appointment_start = start
            order_form.appointment_end = start + timedelta(hours=2)
            for name, value in values.items():
                setattr(order_form, name, value)
            for unit in units:
                with order_form.line_ids.new() as line:
                    line.delivery_record_id = unit
        order = order_form.record
        order.action_schedule()
        order.action_dispatch()
        return order.with_env(self.env)

    def _plan_from(self, complaint, start=None):
        """The visit a complaint calls for, planned by the dispatcher from its button, scheduled and dispatched."""
        start = start or self._tomorrow_at(9)
        action = complaint.with_user(self.dispatcher).action_create_dispatch()
        orders = self.env["aftersales.dispatch.order"].with_user(self.dispatcher).with_context(**action["context"])
        with Form(orders) as order_form:
            order_form.technician_id = self.technician
            order_form.appointment_start = start
            order_form.appointment_end = start + timedelta(hours=2)
        order = order_form.record
        order.action_schedule()
        order.action_dispatch()
        return order.with_env(self.env)

    def _on_site(self, units, **plan):
        """A visit to ``units`` planned for tomorrow, its technician arrived."""
        order = self._plan(units, **plan).with_user(self.tech_user)
        order.action_check_in()
        return order

    def _report(self, order, fault_found="Worn winding", outcome="fixed"):
        """The technician writes the work report on the visit's form."""
        with Form(order.with_user(self.tech_user)) as order_form:
            order_form.fault_found = fault_found
            order_form.outcome = outcome
        return order

    def _tomorrow_at(self, hour):
        return datetime.combine(self.company._aftersales_today() + timedelta(days=1), time(hour))

    def _visit(self, order, parts=(), signature=True, **report):
        """The technician checks in, repairs every unit on site with ``parts`` (product, quantity) from the van,
        reports and has the customer sign, then checks out."""
        order = order.with_user(self.tech_user)
        order.action_check_in()
        for line in order.line_ids:
            action = line.action_repair_on_site()
            if parts:
                with Form(self.env["repair.order"].with_user(self.tech_user).browse(action["res_id"])) as repair_form:
                    for product, quantity in parts:
                        with repair_form.move_ids.new() as move:
                            move.product_id = product
                            move.product_uom_qty = quantity
        with Form(order) as order_form:
            order_form.fault_found = report.pop("fault_found", "Worn winding")
            order_form.work_done = report.pop("work_done", "Winding replaced")
            order_form.outcome = report.pop("outcome", "fixed")
            for name, value in report.items():
                setattr(order_form, name, value)
            if signature:
                order_form.signed_by = "Li Wei"
                order_form.signature = base64.b64encode(PNG)
            else:
                order_form.signature_refusal = "Not authorised to sign"
        order.action_check_out()
        return order.with_env(self.env)
