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


class NetworkCase(DispatchCase):
    """An outsourced service point of Hubei, approved, with its rate card, consignment stock, an internal and a
    portal technician trained, and a second point for isolation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.china = cls.env.ref("base.cn")
        cls.hubei = cls.env.ref("base.state_cn_HB")
        cls.hunan = cls.env.ref("base.state_cn_HN")
        cls.customer.write({"country_id": cls.china.id, "state_id": cls.hubei.id})
        cls.point_partner = cls.env["res.partner"].create({
            "name": "Swift Service Co.", "is_company": True, "country_id": cls.china.id, "state_id": cls.hubei.id,
        })
        cls.point_user = new_test_user(
            cls.env, "as_point_tech", groups="base.group_portal", name="Wu Gang", company_id=cls.company.id,
        )
        cls.point_user.partner_id.parent_id = cls.point_partner
        cls.consignment = cls.env["stock.location"].create({
            "name": "Swift Consignment", "usage": "internal", "location_id": cls.warehouse.view_location_id.id,
        })
        cls.env["stock.quant"]._update_available_quantity(cls.spare_part, cls.consignment, 10.0)
        cls.spare_part.standard_price = 40.0
        cls.point = cls._new_point("Swift Wuhan", cls.point_partner, location=cls.consignment)
        cls.point_technician = cls.env["aftersales.technician"].create({
            "user_id": cls.point_user.id, "service_point_id": cls.point.id, **cls._qualification(),
        })
        # The point's own staff on the back office: no van, its parts come from the point's consignment stock.
        cls.technician.write({"service_point_id": cls.point.id, "van_location_id": False})
        cls._train(cls.point.technician_ids)
        cls._approve(cls.point)
        cls.other_partner = cls.env["res.partner"].create({
            "name": "Delta Repairs", "is_company": True, "country_id": cls.china.id, "state_id": cls.hunan.id,
        })
        cls.other_point = cls._new_point("Delta Changsha", cls.other_partner, states=cls.hunan)
        cls.other_point_user = new_test_user(cls.env, "as_point_tech_2", groups="base.group_portal", name="Sun Li")
        cls.other_point_user.partner_id.parent_id = cls.other_partner
        cls.other_point_technician = cls.env["aftersales.technician"].create({
            "user_id": cls.other_point_user.id, "service_point_id": cls.other_point.id, **cls._qualification(),
        })
        cls._train(cls.other_point_technician)
        cls._approve(cls.other_point)

    @classmethod
    def _qualification(cls):
        today = cls.company._aftersales_today()
        return {
            "certificate_number": "CERT-P", "certificate_expiry": today.replace(year=today.year + 1),
            "evaluation_date": today, "evaluation_passed": True, "skill_ids": [(6, 0, cls.categ_motors.ids)],
        }

    @classmethod
    def _new_point(cls, name, partner, states=None, location=None):
        """An outsourced candidate point as a manager types it: coverage, a rate card of repairs paid by distance
        band, a qualification document valid a year."""
        today = cls.company._aftersales_today()
        return cls.env["aftersales.service.point"].with_user(cls.manager).create({
            "name": name, "kind": "outsourced", "partner_id": partner.id,
            "country_ids": [(6, 0, cls.china.ids)], "state_ids": [(6, 0, (states or cls.hubei).ids)],
            "location_id": location and location.id,
            "rate_ids": [
                (0, 0, {"service_type": "repair", "visit_fee": 100.0, "labour_rate": 50.0, "travel_mode": "km_band",
                        "parts_margin": 10.0}),
                (0, 0, {"service_type": "maintenance", "visit_fee": 60.0, "labour_rate": 40.0, "travel_fee": 20.0}),
            ],
            "band_ids": [
                (0, 0, {"distance_from": 0, "distance_to": 30, "fee": 30.0}),
                (0, 0, {"distance_from": 30, "distance_to": 100, "fee": 70.0}),
            ],
            "document_ids": [(0, 0, {"name": "Business Licence", "number": "BL-1",
                                     "expiry_date": today.replace(year=today.year + 1)})],
        }).with_env(cls.env)

    @classmethod
    def _train(cls, technicians, kind="initial"):
        """A held training of ``technicians``, all passed."""
        session = cls.env["aftersales.training.session"].with_user(cls.manager).create({
            "name": "Motor service basics", "kind": kind, "trainer": "Chen Hua",
            "date": cls.company._aftersales_today(), "hours": 16,
            "attendee_ids": [(0, 0, {"technician_id": technician.id}) for technician in technicians],
        })
        session.attendee_ids.result = "passed"
        session.action_done()
        return session.with_env(cls.env)

    @classmethod
    def _approve(cls, point):
        """The manager reviews the point on site, every check passed, and approves it."""
        point = point.with_user(cls.manager)
        point.action_start_review()
        point.check_ids.result = "pass"
        point.write({"reviewed_by_id": cls.manager.id, "reviewed_on": cls.company._aftersales_today()})
        point.action_approve()

    def _point_visit(self, units, signature=True, parts=(), labour=1.5, distance=42.0, collected=0.0, **report):
        """A visit of the point's internal technician to ``units``, made and checked out: ``distance`` km away,
        ``labour`` hours, parts from the consignment stock, signed or not, ``collected`` paid on site."""
        if collected:
            report.update(fee_collected=collected, fee_receipt_number=f"R-{units[:1].id}-{collected}")
        return self._visit(
            self._plan(units), parts=parts, signature=signature, labour_hours=labour, travel_distance=distance, **report
        )

    def _settle(self, point=None, date=None):
        """The manager prepares the settlement of the month of ``date`` (today) for ``point``."""
        day = date or self.company._aftersales_today()
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        with Form(self.env["aftersales.service.settlement"].with_user(self.manager)) as settlement_form:
            settlement_form.point_id = point or self.point
            settlement_form.date_from = start
            settlement_form.date_to = end
        settlement = settlement_form.record
        settlement.action_collect()
        return settlement.with_env(self.env)
