import base64
from datetime import datetime, time, timedelta

from odoo.tests import new_test_user, tagged

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.tests.common import PNG, TwoUsersCase


@tagged("post_install", "-at_install")
class TestDispatchConcurrency(TwoUsersCase):
    """docs/security.md §5, docs/field-service.md §3: two dispatchers (or a dispatcher and the technician's tablet)
    acting on one visit at the same moment."""

    @classmethod
    def _prepare_company(cls, env, company):
        """A visit tomorrow to a delivered motor, with a qualified technician whose van holds two seals."""
        category = env["product.category"].create({"name": f"Motors {cls.tag}"})
        motor = env["product.product"].create({
            "name": f"Motor {cls.tag}", "type": "consu", "is_storable": True, "tracking": "serial",
            "categ_id": category.id, "company_id": company.id,
        })
        seal = env["product.product"].create({
            "name": f"Seal {cls.tag}", "type": "consu", "is_storable": True, "company_id": company.id,
        })
        customer = env["res.partner"].create({"name": f"Customer {cls.tag}", "company_id": company.id})
        _order, unit = cls._deliver(env, company, motor, f"DC-{cls.tag}", customer)
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        van = env["stock.location"].create({
            "name": f"Van {cls.tag}", "usage": "internal", "location_id": warehouse.view_location_id.id,
        })
        env["stock.quant"]._update_available_quantity(seal, van, 2.0)
        technician_user = new_test_user(
            env, f"cc_tech_{cls.tag}", groups="aftersales_field_service.group_aftersales_technician",
            company_id=company.id, company_ids=[(6, 0, company.ids)],
        )
        today = company._aftersales_today()
        technician = env["aftersales.technician"].create({
            "user_id": technician_user.id, "van_location_id": van.id, "certificate_number": "CC",
            "certificate_expiry": today + timedelta(days=365), "evaluation_date": today, "evaluation_passed": True,
            "skill_ids": [(6, 0, category.ids)], "company_id": company.id,
        })
        start = datetime.combine(today + timedelta(days=1), time(9))
        order = env["aftersales.dispatch.order"].create({
            "partner_id": customer.id, "company_id": company.id, "technician_id": technician.id,
            "appointment_start": start, "appointment_end": start + timedelta(hours=2),
            "line_ids": [(0, 0, {"delivery_record_id": unit.id})],
        })
        return {"order": order.id, "seal": seal.id, "van": van.id}

    def _order(self, env):
        return env["aftersales.dispatch.order"].browse(self.ids["order"])

    def test_each_step_of_a_visit_is_taken_once(self):
        self._twice_at_once(lambda env: self._order(env).action_schedule())
        self._twice_at_once(lambda env: self._order(env).action_dispatch())
        self._twice_at_once(lambda env: self._order(env).action_check_in())
        with self._transaction(self.logins[0]) as env:
            order = self._order(env)
            repair = env["repair.order"].browse(order.line_ids.action_repair_on_site()["res_id"])
            repair.move_ids = [(0, 0, {
                "repair_line_type": "add", "product_id": self.ids["seal"], "product_uom_qty": 1,
            })]
            order.write({
                "fault_found": "Seal worn", "work_done": "Seal replaced", "outcome": "fixed",
                "signed_by": "Plant manager", "signature": base64.b64encode(PNG),
            })
        self._twice_at_once(lambda env: self._order(env).action_check_out())
        self._twice_at_once(lambda env: self._order(env).action_close())
        with self._transaction(commit=False) as env:
            order = self._order(env)
            self.assertEqual(order.state, "closed")
            checklist = env["aftersales.check.template"]._for_visit("repair", order.company_id)
            self.assertTrue(checklist)
            self.assertEqual(order.check_ids.mapped("name"), checklist.mapped("name"), "the checklist copied once")
            seal = env["product.product"].browse(self.ids["seal"])
            van = env["stock.location"].browse(self.ids["van"])
            self.assertEqual(env["stock.quant"]._get_available_quantity(seal, van), 1.0, "one seal left the van, once")
            self.assertEqual(order.repair_ids.state, "done")
            visits = env["aftersales.return.visit"].search([("dispatch_order_id", "=", order.id)])
            self.assertEqual(len(visits), 1, "one return visit planned, once the closing was committed")
