from datetime import timedelta

from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestRecallVisits(DispatchCase):
    """A recall remedied on site: one free visit per customer and site, the units remedied when the technician
    checks out with the work done (docs/recalls.md §7)."""

    def test_on_site_remedies_make_one_free_visit_per_site_and_remedy_the_units(self):
        self.spare_part.standard_price = 50.0
        self.labour.standard_price = 30.0
        self._units(["RV-1", "RV-2"])
        self._units(["RV-3"], partner=self.distributor)
        # Out of warranty: a recall repairs it free all the same.
        records = self.env["aftersales.delivery.record"].search([("lot_id.name", "in", ["RV-1", "RV-2", "RV-3"])])
        records.sudo()._workflow().write({"warranty_end_date": self.company._aftersales_today() - timedelta(days=1)})
        recall = self.env["aftersales.recall"].with_user(self.manager).create({
            "title": "Fan guard check", "product_ids": [Command.set(self.motor.ids)], "serial_ranges": "RV-1-RV-3",
            "remedy": "repair_on_site",
        })
        recall.action_find_units()
        recall.action_approve()
        recall.with_user(self.dispatcher).action_create_remedies()
        orders = recall.dispatch_order_ids
        self.assertEqual(len(orders), 2, "one visit per customer and site")
        self.assertEqual(recall.dispatch_count, 2)
        self.assertEqual(set(orders.mapped("origin")), {"recall"})
        acme = orders.filtered(lambda order: order.partner_id == self.customer)
        self.assertEqual(set(acme.line_ids.lot_id.mapped("name")), {"RV-1", "RV-2"})
        self.assertEqual(acme.line_ids.mapped("warranty_state"), ["expired", "expired"])
        self.assertEqual((acme.charge_mode, acme.state), ("free", "draft"), "free, for the dispatcher to plan")
        self.assertEqual(set(recall.unit_ids.mapped("state")), {"scheduled"})
        with Form(acme.with_user(self.dispatcher)) as order_form:
            order_form.technician_id = self.technician
            order_form.appointment_start = self._tomorrow_at(9)
            order_form.appointment_end = self._tomorrow_at(11)
        acme.with_user(self.dispatcher).action_schedule()
        acme.with_user(self.dispatcher).action_dispatch()
        self._visit(acme, parts=[(self.spare_part, 1)], labour_hours=2.0)
        self.assertEqual(acme.state, "done")
        self.assertEqual(acme.amount_total, 0.0, "nothing is charged for recall work")
        self.env.flush_all()
        costs = self.env["aftersales.warranty.cost"].search([("partner_id", "=", self.customer.id)])
        by_kind = {kind: sum(costs.filtered(lambda cost, kind=kind: cost.kind == kind).mapped("amount"))
                   for kind in ("visit_labour", "visit_parts")}
        self.assertEqual(by_kind, {"visit_labour": 60.0, "visit_parts": 100.0},
                         "2 hours at the labour product's cost, a part per unit at cost: what the visit did not charge")
        acme_units = recall.unit_ids.filtered(lambda unit: unit.dispatch_order_id == acme)
        self.assertEqual(set(acme_units.mapped("state")), {"remedied"})
        self.assertAlmostEqual(recall.completion, 200.0 / 3, places=1)
        record = acme.line_ids.delivery_record_id[0]
        timeline = self.env["aftersales.unit.history"]._prepare_timeline(record, portal=True)
        by_label = {entry["label"]: entry for entry in timeline}
        self.assertEqual(by_label["Visit"]["url"], f"/my/visits/{acme.id}", "the unit's history shows the visit")
        self.assertIn("Repair on site", by_label)
        self.assertNotIn("Recall", by_label, "the customer was not told of the recall")
        backend = self.env["aftersales.unit.history"]._prepare_timeline(record)
        self.assertIn((recall.name, "Remedied"), [(entry["name"], entry["state"]) for entry in backend])
