from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import NetworkCase


@tagged("post_install", "-at_install")
class TestServiceSettlement(NetworkCase):
    """What an outsourced point is paid, billed once (docs/service-network.md §4, §5)."""

    def test_the_lines_follow_the_rate_card_less_what_was_collected(self):
        far = self._point_visit(self._units(["SET-1"]), parts=[(self.spare_part, 2)], labour=1.5, distance=42.0)
        near = self._point_visit(self._units(["SET-2"]), labour=2.0, distance=10.0, collected=90.0)
        settlement = self._settle()
        lines = {line.order_id: line for line in settlement.line_ids}
        self.assertEqual(set(lines), {far, near})
        # Repair: 100 a visit, 50 an hour, the 30-100 km band 70, parts at cost 40 plus 10 %.
        self.assertRecordValues(lines[far], [{
            "visit_fee": 100.0, "labour_amount": 75.0, "travel_amount": 70.0, "parts_amount": 88.0, "collected": 0.0,
            "amount": 333.0,
        }])
        self.assertRecordValues(lines[near], [{
            "visit_fee": 100.0, "labour_amount": 100.0, "travel_amount": 30.0, "parts_amount": 0.0,
            "collected": 90.0, "amount": 140.0,
        }])
        self.assertEqual(settlement.amount_total, 473.0)
        self.assertEqual(settlement.partner_id, self.point_partner)

    def test_a_visit_without_the_customers_signature_is_left_out_and_listed(self):
        signed = self._point_visit(self._units(["SET-3"]))
        unsigned = self._point_visit(self._units(["SET-4"]), signature=False)
        settlement = self._settle()
        self.assertEqual(settlement.line_ids.order_id, signed)
        self.assertEqual(settlement.unsigned_order_ids, unsigned)

    def test_another_points_visits_and_our_own_are_not_settled(self):
        self._point_visit(self._units(["SET-5"]))
        self.technician.service_point_id = False
        self.technician.van_location_id = self.van
        own = self._visit(self._plan(self._units(["SET-6"])))
        self.assertFalse(own.service_point_id)
        settlement = self._settle()
        self.assertNotIn(own, settlement.line_ids.order_id)
        self.assertFalse(self._settle(self.other_point).line_ids)

    def test_confirming_makes_one_vendor_bill_linked_both_ways(self):
        self._point_visit(self._units(["SET-7"]), parts=[(self.spare_part, 1)], collected=20.0)
        settlement = self._settle().with_user(self.manager)
        settlement.action_confirm()
        bill = settlement.bill_id
        self.assertEqual(settlement.state, "confirmed")
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(bill.partner_id, self.point_partner)
        self.assertEqual(bill.aftersales_settlement_ids, settlement)
        self.assertAlmostEqual(bill.amount_untaxed, settlement.amount_total)
        self.assertEqual(sorted(bill.invoice_line_ids.mapped("price_subtotal")), [-20.0, 44.0, 70.0, 75.0, 100.0])
        with self.assertRaisesRegex(UserError, "not possible"):
            settlement.action_confirm()
        self.assertEqual(len(self.env["account.move"].search([("ref", "=", settlement.name)])), 1)

    def test_a_visit_is_settled_once_and_freed_by_its_cancelled_bill(self):
        order = self._point_visit(self._units(["SET-8"]))
        first = self._settle().with_user(self.manager)
        self.assertFalse(self._settle().line_ids, "A visit on a draft settlement is taken.")
        first.action_confirm()
        self.assertFalse(self._settle().line_ids)
        bill = first.bill_id.with_env(self.env)
        bill.button_cancel()
        self.assertEqual(first.state, "cancel")
        again = self._settle()
        self.assertEqual(again.line_ids.order_id, order)
        with self.assertRaisesRegex(UserError, "prepare a new settlement"):
            bill.button_draft()

    def test_the_database_holds_a_visit_on_one_standing_settlement(self):
        order = self._point_visit(self._units(["SET-9"]))
        first = self._settle()
        second = self._settle()
        with self.assertRaisesRegex(Exception, "aftersales_service_settlement_line_settled_once"), self.cr.savepoint():
            self.env["aftersales.service.settlement.line"].create(
                {"settlement_id": second.id, "order_id": order.id, "company_id": self.company.id})
            self.env.flush_all()
        first.with_user(self.manager).action_cancel()
        self.env.flush_all()
        self.env["aftersales.service.settlement.line"].create(
            {"settlement_id": second.id, "order_id": order.id, "company_id": self.company.id})
        self.env.flush_all()

    def test_lines_and_states_are_the_settlements_own(self):
        self._point_visit(self._units(["SET-10"]))
        settlement = self._settle()
        with self.assertRaises(AccessError):
            settlement.line_ids.with_user(self.manager).write({"visit_fee": 1000.0})
        with self.assertRaises(UserError):
            settlement.with_user(self.manager).write({"state": "confirmed"})
        with self.assertRaises(UserError):
            settlement.with_user(self.manager).write({"point_id": self.other_point.id})
        with self.assertRaisesRegex(UserError, "not possible"):
            settlement.with_user(self.dispatcher).action_confirm()
        with self.assertRaisesRegex(UserError, "Only outsourced"):
            own_point = self.point.copy({"name": "Own", "kind": "own"})
            self.env["aftersales.service.settlement"].create({
                "point_id": own_point.id, "date_from": settlement.date_from, "date_to": settlement.date_to,
            })

    def test_a_missing_rate_stops_the_collection_with_its_reason(self):
        self._point_visit(self._units(["SET-11"]))
        self.point.rate_ids.filtered(lambda rate: rate.service_type == "repair").unlink()
        with self.assertRaisesRegex(UserError, "no rate for Repair"):
            self._settle()

    def test_the_monthly_job_prepares_last_months_drafts_once(self):
        order = self._point_visit(self._units(["SET-12"]))
        last_month = self.company._aftersales_today().replace(day=1) - timedelta(days=3)
        order._workflow().write({"checkout_date": order.checkout_date.replace(
            year=last_month.year, month=last_month.month, day=last_month.day)})
        settlements = self.env["aftersales.service.settlement"]
        settlements._cron_prepare_month()
        settlements._cron_prepare_month()
        drafts = settlements.search([("point_id", "=", self.point.id)])
        self.assertEqual(len(drafts), 1)
        self.assertEqual(drafts.line_ids.order_id, order)
        self.assertEqual(drafts.date_to.month, last_month.month)
        self.assertFalse(settlements.search([("point_id", "=", self.other_point.id)]))

    def test_a_draft_gone_stale_is_collected_again_before_it_is_confirmed(self):
        order = self._point_visit(self._units(["SET-13"]))
        settlement = self._settle().with_user(self.manager)
        self.point.rate_ids.filtered(lambda rate: rate.service_type == "repair").visit_fee = 150.0
        with self.assertRaisesRegex(UserError, "changed since they were collected"):
            settlement.action_confirm()
        self.assertFalse(settlement.bill_id)
        settlement.action_collect()
        self.assertEqual(settlement.line_ids.visit_fee, 150.0)
        order.with_user(self.dispatcher).write({"fee_collected": 10.0, "fee_receipt_number": "R-STALE"})
        with self.assertRaisesRegex(UserError, "changed since they were collected"):
            settlement.action_confirm()
        settlement.action_collect()
        settlement.action_confirm()
        self.assertEqual(settlement.bill_id.amount_untaxed, settlement.amount_total)

    def test_amounts_are_in_cents_and_the_bill_agrees(self):
        self.point.rate_ids.filtered(lambda rate: rate.service_type == "repair").write(
            {"visit_fee": 0.0, "labour_rate": 10.04, "travel_mode": "visit", "travel_fee": 0.0}
        )
        for serial in ("SET-C1", "SET-C2", "SET-C3"):
            self._point_visit(self._units([serial]), labour=0.1)
        settlement = self._settle().with_user(self.manager)
        self.assertEqual(settlement.line_ids.mapped("labour_amount"), [1.0, 1.0, 1.0])
        self.assertEqual(settlement.amount_total, 3.0)
        settlement.action_confirm()
        self.assertEqual(settlement.bill_id.amount_untaxed, 3.0)

    def test_the_bill_is_in_our_currency_and_stays_what_the_settlement_says(self):
        self._point_visit(self._units(["SET-14"]))
        other = self.env["res.currency"].with_context(active_test=False).search(
            [("id", "!=", self.company.currency_id.id)], limit=1)
        settlement = self._settle().with_user(self.manager)
        settlement.with_context(default_currency_id=other.id, default_ref="Forged").action_confirm()
        bill = settlement.bill_id.with_env(self.env)
        self.assertEqual(bill.currency_id, self.company.currency_id)
        self.assertEqual(bill.ref, settlement.name)
        bill.invoice_date = self.company._aftersales_today()
        bill.action_post()
        bill.button_draft()
        bill.invoice_line_ids[0].price_unit += 100.0
        with self.assertRaisesRegex(UserError, "make them agree"):
            bill.action_post()

    def test_an_accountant_reads_the_settlement_and_only_the_points_staff_on_the_portal(self):
        self._point_visit(self._units(["SET-15"]))
        settlement = self._settle().with_user(self.manager)
        settlement.action_confirm()
        accountant = new_test_user(self.env, "as_net_accountant", groups="account.group_account_invoice")
        self.assertEqual(settlement.with_user(accountant).web_read({"name": {}, "amount_total": {}})[0]["name"],
                         settlement.name)
        self.assertEqual(self.env["aftersales.service.settlement"].with_user(self.point_user).search([]), settlement)
        contact = new_test_user(self.env, "as_point_buyer", groups="base.group_portal")
        contact.partner_id.parent_id = self.point_partner
        self.assertFalse(self.env["aftersales.service.settlement"].with_user(contact).search([]))
        self.assertFalse(self.env["aftersales.service.settlement.line"].with_user(contact).search([]))
