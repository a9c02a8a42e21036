from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestTours(RmaCase, HttpCase):
    """The coordinator's main paths driven in Chromium (static/tests/tours); each test then checks the records
    its tour made: stock, sale lines, account moves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tour_user = new_test_user(
            cls.env, "as_tour",
            groups="aftersales_service.group_aftersales_manager,stock.group_stock_user,stock.group_production_lot,"
                   "sales_team.group_sale_salesman_all_leads,account.group_account_invoice",
        )

    def test_delivering_an_order_records_its_units_and_the_warranty_check_finds_them(self):
        lots = self._stock_serials(self.motor, ["TOUR-SN-1", "TOUR-SN-2"])
        order = self._sell(self.customer, [(self.motor, 2)])
        delivery = order.picking_ids
        self.assertEqual(delivery.state, "assigned")
        self.start_tour(
            f"/odoo/action-stock.action_picking_tree_all/{delivery.id}", "aftersales_delivery_and_serial_lookup",
            login=self.tour_user.login,
        )
        self.assertEqual(delivery.state, "done")
        self.assertEqual(order.order_line.qty_delivered, 2.0)
        records = self._records(sale_order_id=order.id)
        self.assertEqual(records.lot_id, lots)
        self.assertEqual(records.partner_id, self.customer)

    def test_each_serial_typed_in_the_warranty_check_is_a_new_question(self):
        self._sell_and_deliver(["TOUR-WC-1"])
        self._stock_quantity(self.bearing, 1.0, "TOUR-WC-LOT")
        self._deliver(self._sell(self.distributor, [(self.bearing, 1)]))
        wizards = self.env["aftersales.warranty.check.wizard"].search([])
        self.start_tour("/odoo", "aftersales_warranty_check_each_serial", login=self.tour_user.login)
        wizard = self.env["aftersales.warranty.check.wizard"].search([]) - wizards
        self.assertFalse(wizard, "a check writes nothing")

    def test_rma_from_a_delivery_record_to_its_refund(self):
        order, lots = self._sell_and_deliver(["TOUR-RMA-1", "TOUR-RMA-2"])
        invoice = order.invoice_ids
        record = self._records(lot_id=lots[0].id)
        self.start_tour(
            f"/odoo/action-aftersales_service.action_aftersales_delivery_record/{record.id}", "aftersales_rma_refund",
            login=self.tour_user.login,
        )
        rma = record.rma_line_ids.rma_id
        self.assertEqual(len(rma), 1)
        self.assertEqual((rma.state, rma.approved_by_id), ("done", self.tour_user))
        self.assertEqual(rma.line_ids.lot_id, lots[0])
        self.assertEqual(rma.picking_ids.filtered(lambda p: p.aftersales_rma_role == "receipt").state, "done")
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.motor, rma.line_ids.move_ids.location_dest_id, lot_id=lots[0], strict=True
            ),
            1.0,
            "the unit is back in our stock",
        )
        credit_note = rma.account_move_ids
        self.assertEqual((credit_note.move_type, credit_note.state), ("out_refund", "posted"))
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertAlmostEqual(credit_note.amount_untaxed, 1000.0)
        self.assertEqual((order.order_line.qty_delivered, order.order_line.qty_invoiced), (1.0, 1.0))

    def test_breach_escalated_then_complaint_handled_from_intake_to_closing(self):
        self.company.aftersales_complaint_manager_id = self.tour_user
        late = self.env["aftersales.complaint"].create({
            "partner_id": self.distributor.id, "date_received": fields.Datetime.now() - timedelta(days=3),
        })
        self.env["aftersales.complaint"]._cron_escalate()
        self.assertEqual(late.sla_state, "breached")
        complaints = self.env["aftersales.complaint"].search([])
        late_repairs = self.env["aftersales.overview"].with_user(self.tour_user).get_overview()["tiles"][0]
        self.assertEqual((late_repairs["key"], late_repairs["count"]), ("late_repairs", 0), "the tour opens an empty list")
        self.start_tour("/odoo", "aftersales_complaint_handling", login=self.tour_user.login)
        complaint = self.env["aftersales.complaint"].search([]) - complaints
        self.assertEqual(len(complaint), 1)
        self.assertEqual((complaint.partner_id, complaint.contact_name), (self.customer, "Li Wei"))
        self.assertEqual(complaint.state, "closed")
        self.assertTrue(complaint.first_response_date and complaint.resolved_date and complaint.closed_date)
        self.assertEqual((complaint.responsibility, complaint.company_caused), ("department", True))
        self.assertEqual(complaint.action_ids.mapped("name"), ["Balance every rotor of batch 12"])
        self.assertIn("Li Wei", complaint.customer_confirmation)
        self.assertEqual(late.activity_ids.user_id, self.tour_user, "the escalation is still the manager's")

    def test_campaign_survey_answered_and_validated(self):
        self.customer.aftersales_main_customer = True
        survey = self.env["aftersales.survey"]._launch_campaign(self.company, self.company._aftersales_today().year)
        survey = survey.filtered(lambda s: s.partner_id == self.customer)
        self.assertEqual((survey.state, len(survey.line_ids)), ("draft", 5))
        self.start_tour(
            f"/odoo/action-aftersales_service.action_aftersales_survey/{survey.id}", "aftersales_survey_answered",
            login=self.tour_user.login,
        )
        self.assertEqual(survey.state, "done")
        self.assertEqual(survey.line_ids.level_id.mapped("coefficient"), [1.0, 0.9])
        self.assertAlmostEqual(survey.score, 99.0)
        self.assertTrue(survey.satisfied)

    def test_repair_charged_by_the_rules_and_invoiced(self):
        order, lots = self._sell_and_deliver(["TOUR-REP-1"])
        self._stock_quantity(self.spare_part, 5.0)
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "wear"}])
        self._decide_and_process(rma, [{"decision": "repair", "repair_hours": 2.5}])
        repair = rma.line_ids.repair_id
        self.assertEqual((repair.state, rma.line_ids.charge_mode), ("confirmed", "full"))
        self.start_tour(
            f"/odoo/action-aftersales_service.action_aftersales_rma/{rma.id}", "aftersales_repair_charged",
            login=self.tour_user.login,
        )
        self.assertEqual(repair.state, "done")
        self.assertEqual(repair.move_ids.filtered(lambda m: m.state == "done").product_id, self.spare_part)
        invoice = rma.account_move_ids.filtered(lambda m: m.move_type == "out_invoice")
        self.assertEqual(invoice.state, "posted")
        amounts = {line.product_id: (line.quantity, line.price_subtotal) for line in invoice.invoice_line_ids}
        self.assertEqual(amounts, {self.spare_part: (2.0, 300.0), self.labour: (2.5, 150.0)})
        self.assertEqual(invoice.partner_id, self.customer)
