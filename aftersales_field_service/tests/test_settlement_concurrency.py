from datetime import timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.tests.common import TwoUsersCase


@tagged("post_install", "-at_install")
class TestSettlementConcurrency(TwoUsersCase):
    """docs/service-network.md §5, §7: two managers (or a manager and the monthly job) settling one point at the same
    moment."""

    @classmethod
    def _prepare_company(cls, env, company):
        """An approved outsourced point and one of its visits done and signed this month."""
        motor = env["product.product"].create({
            "name": f"Motor {cls.tag}", "type": "consu", "is_storable": True, "tracking": "serial",
            "company_id": company.id,
        })
        customer = env["res.partner"].create({"name": f"Customer {cls.tag}", "company_id": company.id})
        _order, unit = cls._deliver(env, company, motor, f"SC-{cls.tag}", customer)
        ids = {}
        for key in ("first", "second"):
            partner = env["res.partner"].create({"name": f"Point {key} {cls.tag}", "is_company": True})
            point = env["aftersales.service.point"].create({
                "name": f"Point {key} {cls.tag}", "partner_id": partner.id, "company_id": company.id,
                "rate_ids": [(0, 0, {"service_type": "repair", "visit_fee": 100.0})],
            })
            # The point's approval and the visit's progress are the workflow's: given as they stand, not walked
            # through.
            point._workflow().write({"state": "approved"})
            user = new_test_user(
                env, f"sc_tech_{key}_{cls.tag}", groups="aftersales_field_service.group_aftersales_technician",
                company_id=company.id, company_ids=[(6, 0, company.ids)],
            )
            technician = env["aftersales.technician"].create({
                "user_id": user.id, "service_point_id": point.id, "company_id": company.id,
            })
            order = env["aftersales.dispatch.order"].create({
                "partner_id": customer.id, "company_id": company.id, "technician_id": technician.id,
                "line_ids": [(0, 0, {"delivery_record_id": unit.id})],
            })
            now = env.cr.now().replace(tzinfo=None)
            order._workflow().write({
                "state": "done", "service_point_id": point.id, "checkout_date": now, "signed_on": now,
            })
            ids[key] = {"point": point.id, "order": order.id}
        today = company._aftersales_today()
        return {**ids, "from": str(today.replace(day=1)), "to": str(today.replace(day=1) + timedelta(days=40))}

    def _settle(self, env, key="first"):
        return env["aftersales.service.settlement"]._prepare_for(
            env["aftersales.service.point"].browse(self.ids[key]["point"]), self.ids["from"], self.ids["to"]
        )

    def test_one_settlement_takes_the_visit(self):
        first, second = self.logins
        with self._transaction(first) as env:
            settlement = self._settle(env)
            settlement_id = settlement.id
            self.assertEqual(settlement.line_ids.order_id.id, self.ids["first"]["order"])
            with self._transaction(second, commit=False) as other:
                with self.assertRaisesRegex(UserError, "being settled by someone else"):
                    self._settle(other)
        with self._transaction(second) as other:
            self.assertFalse(self._settle(other), "the visit is on the first settlement")
        self._twice_at_once(
            lambda env: env["aftersales.service.settlement"].browse(settlement_id).action_confirm()
        )
        with self._transaction(commit=False) as env:
            settlement = env["aftersales.service.settlement"].browse(settlement_id)
            self.assertEqual(settlement.state, "confirmed")
            self.assertEqual(env["account.move"].search_count([("ref", "=", settlement.name)]), 1, "billed once")

    def test_the_database_refuses_a_visit_on_two_settlements(self):
        """A second worker whose snapshot predates the first one's commit finds the point free and the visit
        apparently unsettled: its lines are refused by the database, not written twice."""
        first, second = self.logins
        with self._transaction(second, commit=False) as other:
            # The second worker's transaction has started and taken its snapshot.
            other["aftersales.service.point"].browse(self.ids["second"]["point"]).name  # pylint: disable=pointless-statement
            with self._transaction(first) as env:
                self.assertTrue(self._settle(env, "second").line_ids)
            with self.assertRaises(IntegrityError):
                self._settle(other, "second")
                other.flush_all()
        with self._transaction(commit=False) as env:
            lines = env["aftersales.service.settlement.line"].search([("order_id", "=", self.ids["second"]["order"])])
            self.assertEqual(len(lines), 1)
