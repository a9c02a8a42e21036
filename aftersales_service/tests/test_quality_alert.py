from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestQualityAlert(RmaCase):
    """Early warning: a delivery month of a product failing in the field clearly more often than the product's own
    trailing rate raises one alert with its evidence, from which a manager opens a recall (docs/recalls.md §8)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alerts = cls.env["aftersales.quality.alert"]

    def _delivered(self, serials, months_ago):
        records = self._units(serials)
        day = self.company._aftersales_today() - relativedelta(months=months_ago)
        records._workflow().write({"delivery_date": day, "warranty_start_date": day})
        return records

    def _failed_on_rma(self, records, cause="manufacturing"):
        rma = self._new_rma(records.sale_order_id, records.lot_id)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": cause}] * len(records))
        return rma

    def _verified_quality_complaint(self, record):
        complaint = self.env["aftersales.complaint"].create(
            {"partner_id": self.customer.id, "subject": "Leaks", "delivery_record_id": record.id}
        )
        complaint._workflow().write({"verified": True, "dimension": "quality", "responsibility": "department"})
        return complaint

    def _detect(self):
        """The alerts a run of the job raises for the motor of these tests: the database may hold other products."""
        mine = [("product_id", "=", self.motor.id)]
        before = self.alerts.search(mine)
        self.alerts._cron_detect()
        return self.alerts.search(mine) - before

    def test_a_failing_delivery_month_raises_one_alert_with_its_evidence(self):
        baseline = self._delivered([f"QB-{index}" for index in range(20)], months_ago=3)
        complaint = self._verified_quality_complaint(baseline[0])
        cohort = self._delivered([f"QC-{index}" for index in range(5)], months_ago=0)
        self._failed_on_rma(cohort[3:], cause="misuse")  # the customer's fault: no field failure of ours
        self.company.aftersales_warning_min_units = 3
        rma = self._failed_on_rma(cohort[:2])
        self.assertFalse(self._detect(), "two failed units are not enough")
        self.company.aftersales_warning_min_units = 2
        alert = self._detect()
        self.assertEqual(len(alert), 1)
        self.assertEqual(
            (alert.product_id, alert.lot_id, alert.cohort, alert.delivered_qty, alert.failed_qty),
            (self.motor, self.env["stock.lot"], cohort[0].delivery_date.replace(day=1), 5.0, 2.0),
        )
        self.assertEqual((round(alert.rate, 2), round(alert.baseline_rate, 2)), (40.0, 5.0))
        self.assertEqual(alert.rma_line_ids, rma.line_ids)
        self.assertEqual(alert.delivery_record_ids, cohort[:2])
        self.assertTrue(alert.activity_ids, "its responsible is told")
        self.assertNotIn(complaint, alert.complaint_ids, "the baseline's complaint is not this cohort's")
        self.assertFalse(self._detect(), "raised once per product, lot and month")

        with self.assertRaises(AccessError):
            alert.with_user(self.coordinator).action_open_recall()
        action = alert.with_user(self.manager).action_open_recall()
        recall = self.env["aftersales.recall"].browse(action["res_id"])
        self.assertEqual((recall.product_ids, recall.delivered_from, recall.state),
                         (self.motor, alert.cohort, "draft"))
        self.assertEqual((alert.recall_id, alert.state), (recall, "investigating"))
        recall.with_user(self.manager).action_find_units()
        self.assertEqual(recall.unit_ids.delivery_record_id, cohort, "pre-scoped with the failing month")

    def test_the_threshold_is_relative_to_the_products_own_rate(self):
        baseline = self._delivered([f"QR-{index}" for index in range(6)], months_ago=2)
        self._failed_on_rma(baseline[:3])
        cohort = self._delivered([f"QS-{index}" for index in range(6)], months_ago=0)
        self._failed_on_rma(cohort[:4])
        self.company.aftersales_warning_min_units = 3
        alerts = self._detect()
        self.assertEqual(alerts.mapped("cohort"), [baseline[0].delivery_date.replace(day=1)],
                         "66 % against 50 % is not twice the baseline; 50 % against nothing before is")


    def test_a_failing_lot_raises_its_own_alert(self):
        for name in ("QL-A", "QL-B", "QL-C"):
            self._stock_quantity(self.bearing, 10.0, name)
        order = self._sell(self.customer, [(self.bearing, 30)])
        self._deliver(order)
        record = self._records(sale_order_id=order.id, lot_id=self.env["stock.lot"].search([("name", "=", "QL-C")]).id)
        with Form(self.env["aftersales.rma"].with_user(self.coordinator)) as rma_form:
            rma_form.partner_id = self.customer
            rma_form.sale_order_id = order
            with rma_form.line_ids.new() as line:
                line.delivery_record_id = record
                line.quantity = 3
        rma = rma_form.record
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "manufacturing"}])
        mine = [("product_id", "=", self.bearing.id)]
        before = self.alerts.search(mine)
        self.alerts._cron_detect()
        alerts = self.alerts.search(mine) - before
        by_lot = {alert.lot_id.name: alert for alert in alerts}
        self.assertEqual(set(by_lot), {False, "QL-C"}, "the month and the lot")
        self.assertEqual((by_lot["QL-C"].failed_qty, by_lot["QL-C"].delivered_qty, by_lot["QL-C"].baseline_rate),
                         (3.0, 10.0, 0.0))
        self.assertEqual(by_lot["QL-C"].rma_line_ids, rma.line_ids)
