from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestRecall(RmaCase):
    """A recall: its scope read as people write serials, the units found from the delivery records, the customers
    told once each, the remedies in bulk and the progress (docs/recalls.md)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Harbin Pumps", "is_company": True, "email": "service@harbin-pumps.example",
             "state_id": cls.env.ref("base.state_cn_HL").id, "country_id": cls.env.ref("base.cn").id}
        )
        cls.customer.email = "service@acme.example"
        cls.recalls = cls.env["aftersales.recall"]

    def _recall(self, **values):
        """A recall a manager writes through its form."""
        with Form(self.recalls.with_user(self.manager)) as recall_form:
            recall_form.title = values.pop("title", "YX-90 winding may overheat")
            recall_form.product_ids.add(self.motor)
            for name, value in values.items():
                setattr(recall_form, name, value)
        return recall_form.record.with_env(self.env)

    def _scoped(self, **values):
        recall = self._recall(**values)
        recall.with_user(self.manager).action_find_units()
        return recall

    def _customer_units(self, recall):
        return recall.unit_ids.filtered(lambda unit: unit.placement == "customer")

    # Scope ------------------------------------------------------------------------------------

    def test_serials_are_read_as_people_write_them(self):
        parse = self.recalls._parse_serial_ranges
        self.assertEqual(parse("A100-A150, A200; b7"), (["A200", "B7"], [("A", 100, 150, 0)]))
        self.assertEqual(parse("SN9-SN10"), ([], [("SN", 9, 10, 0)]), "numbers compare as numbers")
        self.assertEqual(parse("A0100-A0150"), ([], [("A", 100, 150, 4)]), "leading zeros fix the width")
        self.assertEqual(parse("A100-150"), ([], [("A", 100, 150, 0)]), "the second end may leave its prefix out")
        self.assertEqual(parse("SN-100-SN-150"), ([], [("SN-", 100, 150, 0)]), "the dash of the range is found")
        self.assertEqual(parse('"AB-12-CD-34", SN-7'), (["AB-12-CD-34", "SN-7"], []))
        self.assertEqual(parse("“AB-12-CD-35”"), (["AB-12-CD-35"], []), "typographic quotes too")
        self.assertEqual(parse(" ,\n "), ([], []))
        for bad, says in (
            ("A150-A100", "ends before it starts"),
            ("A100-B150", "start alike"),
            ("A010-A1000", "same number of digits"),
            ('"SN-1', "quote is not closed"),
        ):
            with self.subTest(bad=bad), self.assertRaisesRegex(ValidationError, says):
                parse(bad)
        with self.assertRaisesRegex(ValidationError, "ends before it starts"):
            self._recall(serial_ranges="A150-A100")

    def test_a_range_finds_the_units_delivered_in_it_by_number_and_width(self):
        units = self._units(["SN8", "SN9", "SN10", "SN0010"]) | self._units(["SN11"], partner=self.other_customer)
        self._units(["SN12", "SN100"])
        by_serial = {record.lot_id.name: record for record in units}
        recall = self._scoped(serial_ranges="SN9-SN11")
        self.assertEqual(
            set(self._customer_units(recall).delivery_record_id.mapped("lot_id.name")), {"SN9", "SN10", "SN0010", "SN11"},
            "SN9 comes before SN10, and SN0010 is number 10 when the range has no leading zero",
        )
        recall = self._scoped(serial_ranges="SN0009-SN0011")
        self.assertEqual(self._customer_units(recall).delivery_record_id, by_serial["SN0010"],
                         "a range with leading zeros takes serials of its width only")
        recall = self._scoped(serial_ranges="sn8, SN12")
        self.assertEqual(set(self._customer_units(recall).lot_id.mapped("name")), {"SN8", "SN12"})
        unit = self._customer_units(self._scoped(serial_ranges="SN11")).ensure_one()
        self.assertEqual((unit.partner_id, unit.state_id, unit.state),
                         (self.other_customer, self.other_customer.state_id, "identified"))

    def test_delivery_period_and_lot_dates_narrow_the_scope(self):
        old = self._units(["OLD-1"])
        old.sudo()._workflow().write({"delivery_date": fields.Date.today() - timedelta(days=400)})
        new = self._units(["NEW-1"])
        recall = self._scoped(delivered_from=fields.Date.today() - timedelta(days=30))
        self.assertEqual(self._customer_units(recall).delivery_record_id, new)
        recall = self._scoped(lot_created_to=fields.Date.today() - timedelta(days=1))
        self.assertFalse(recall.unit_ids, "no lot was made before today")
        recall = self._scoped(lot_created_from=fields.Date.today(), lot_created_to=fields.Date.today())
        self.assertEqual(self._customer_units(recall).delivery_record_id, old | new)

    def test_units_gone_for_good_are_left_out_and_stock_is_listed_apart(self):
        order, lots = self._sell_and_deliver(["R-1", "R-2", "R-3"])
        replacement = self._stock_serials(self.motor, ["R-9"])
        rma = self._new_rma(order, lots[:2])
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "transport"}, {"cause": "transport"}])
        self._decide_and_process(rma, [{"decision": "refund"}, {"decision": "replace"}])
        self._ship(rma, "replacement")
        self._stock_serials(self.motor, ["R-5"])
        recall = self._scoped(serial_ranges="R-1-R-9")
        delivered = {
            unit.lot_id.name: (unit.placement, unit.exclusion_reason) for unit in recall.unit_ids
            if unit.delivery_record_id
        }
        self.assertEqual(delivered, {
            "R-1": ("excluded", "returned"),  # refunded: it came back for good
            "R-2": ("excluded", "replaced"),
            "R-3": ("customer", False),
            replacement.name: ("customer", False),  # the replacement is the customer's machine now
        })
        stock = recall.unit_ids.filtered(lambda unit: unit.placement == "stock")
        self.assertEqual(set(stock.lot_id.mapped("name")), {"R-1", "R-2", "R-5"}, "what came back is in our stock")
        self.assertEqual(set(stock.mapped("state")), {"not_applicable"})
        self.assertEqual((recall.unit_count, recall.excluded_count, recall.stock_count), (2, 2, 3))

    def test_a_unit_in_our_stock_is_quarantined_or_scrapped_for_real(self):
        quarantine = self.env["stock.location"].create(
            {"name": "Quarantine", "usage": "internal", "location_id": self.warehouse.view_location_id.id}
        )
        lots = self._stock_serials(self.motor, ["Q-1", "Q-2"])
        recall = self._scoped(serial_ranges="Q-1-Q-2")
        stock = recall.unit_ids.sorted(lambda unit: unit.lot_id.name)
        self.assertEqual(stock.mapped("placement"), ["stock", "stock"])
        with self.assertRaisesRegex(UserError, "quarantine location"):
            stock[0].with_user(self.coordinator).action_quarantine()
        self.company.aftersales_quarantine_location_id = quarantine
        stock[0].with_user(self.coordinator).action_quarantine()
        self.assertEqual(self._quantity_at(lots[0], quarantine), 1.0)
        self.assertEqual(self._quantity_at(lots[0], self.stock_location), 0.0)
        quants = self.env["stock.quant"]
        quants._update_available_quantity(self.motor, self.stock_location, -1.0, lot_id=lots[1])
        with self.assertRaisesRegex(UserError, "no longer all in"):
            stock[1].with_user(self.coordinator).action_scrap()
        self.assertFalse(stock[1].stock_scrap_id, "nothing goes below zero")
        quants._update_available_quantity(self.motor, self.stock_location, 1.0, lot_id=lots[1])
        stock[1].with_user(self.coordinator).action_scrap()
        self.assertEqual(stock[1].stock_scrap_id.state, "done")
        self.assertEqual(self._quantity_at(lots[1], self.stock_location), 0.0)
        with self.assertRaisesRegex(UserError, "not possible"):
            stock[0].with_user(self.coordinator).action_scrap()
        recall.with_user(self.manager).action_find_units()
        self.assertFalse(recall.unit_ids, "what is quarantined or scrapped is not listed again")

    # Workflow ---------------------------------------------------------------------------------

    def test_a_manager_approves_and_only_a_manager_sets_the_scope(self):
        self._units(["W-1"])
        recall = self._recall(serial_ranges="W-1")
        with self.assertRaisesRegex(UserError, "Find the units"):
            recall.with_user(self.manager).action_approve()
        recall.with_user(self.coordinator).action_find_units()
        recall.with_user(self.manager).write({"serial_ranges": "W-1, W-9"})
        with self.assertRaisesRegex(UserError, "Find the units"):
            recall.with_user(self.manager).action_approve()
        recall.with_user(self.coordinator).action_find_units()
        with self.assertRaises(AccessError):
            recall.with_user(self.coordinator).action_approve()
        with self.assertRaises(AccessError):
            recall.with_user(self.coordinator).write({"serial_ranges": "W-2"})
        with self.assertRaises(AccessError):
            self.recalls.with_user(self.coordinator).create({"title": "Mine"})
        recall.with_user(self.manager).action_approve()
        self.assertEqual((recall.state, recall.approved_by_id), ("approved", self.manager))
        with self.assertRaisesRegex(UserError, "can no longer be changed"):
            recall.with_user(self.manager).write({"serial_ranges": "W-2"})
        with self.assertRaisesRegex(UserError, "not possible"):
            recall.with_user(self.manager).action_find_units()
        with self.assertRaisesRegex(UserError, "cannot be written directly"):
            recall.unit_ids.with_user(self.coordinator).write({"state": "remedied"})

    def test_each_customer_is_told_once_with_all_their_units(self):
        self._units(["N-1", "N-2"])
        self._units(["N-3"], partner=self.other_customer)
        recall = self._scoped(serial_ranges="N-1-N-3", remediate_by=fields.Date.today() + timedelta(days=30))
        recall.with_user(self.manager).action_approve()
        recall.with_user(self.coordinator).action_notify()
        self.assertEqual(recall.state, "in_progress")
        notices = recall.notice_ids
        self.assertEqual(sorted(notices.partner_id.mapped("name")), ["Acme Motors Ltd", "Harbin Pumps"])
        acme = notices.filtered(lambda notice: notice.partner_id == self.customer)
        self.assertEqual(set(acme.unit_ids.lot_id.mapped("name")), {"N-1", "N-2"})
        self.assertEqual(set(recall.unit_ids.mapped("state")), {"notified"})
        with self.assertRaisesRegex(UserError, "told already"):
            recall.with_user(self.coordinator).action_notify()
        self._run_follow_ups()
        for notice in notices:
            mails = notice.message_ids.filtered(lambda message: message.message_type == "auto_comment")
            self.assertEqual(len(mails), 1, "one e-mail per customer")
            self.assertEqual(mails.partner_ids, notice.partner_id)
        body = acme.message_ids.filtered(lambda message: message.message_type == "auto_comment").body
        self.assertIn("N-1", body)
        self.assertIn("N-2", body)
        self.assertNotIn("N-3", body, "a customer reads only their own units")

    def test_return_remedies_make_one_free_rma_per_customer_and_complete_the_recall(self):
        self._units(["M-1", "M-2"])
        self._units(["M-3"], partner=self.other_customer)
        recall = self._scoped(serial_ranges="M-1-M-3", remedy="return_repair")
        recall.with_user(self.manager).action_approve()
        recall.with_user(self.coordinator).action_create_remedies()
        rmas = recall.unit_ids.rma_id
        self.assertEqual(len(rmas), 2, "one RMA per customer")
        self.assertEqual(set(rmas.mapped("state")), {"confirmed"}, "approved by the recall's approval")
        self.assertEqual(rmas.recall_id, recall)
        acme_rma = rmas.filtered(lambda rma: rma.partner_id == self.customer)
        self.assertEqual(set(acme_rma.line_ids.lot_id.mapped("name")), {"M-1", "M-2"})
        self.assertEqual(set(recall.unit_ids.mapped("state")), {"scheduled"})
        self.assertEqual(recall.state, "in_progress")
        with self.assertRaisesRegex(UserError, "already has its remedy"):
            recall.with_user(self.coordinator).action_create_remedies()
        harbin_rma = rmas - rmas.filtered(lambda rma: rma.partner_id == self.customer)
        harbin_rma.with_user(self.coordinator).action_cancel()
        harbin_unit = recall.unit_ids.filtered(lambda unit: unit.partner_id == self.other_customer)
        self.assertEqual((harbin_unit.state, harbin_unit.rma_line_id), ("identified", self.env["aftersales.rma.line"]),
                         "a cancelled return gives its units back to the recall")
        recall.with_user(self.coordinator).action_create_remedies()
        self.assertEqual(harbin_unit.rma_id.state, "confirmed", "a new return for them")
        rmas = recall.unit_ids.rma_id
        action = recall.action_view_progress()
        self.assertIn(("placement", "=", "customer"), action["domain"], "progress reads the units at customers")
        months = self.env["aftersales.delivery.month"]
        returned = sum(months.search([("product_id", "=", self.motor.id)]).mapped("rma_returned_qty"))
        for receipt in acme_rma.picking_ids.filtered(lambda picking: picking.aftersales_rma_role == "receipt"):
            self._validate(receipt)
        self.assertEqual(acme_rma.line_ids.mapped("qty_received"), [1.0, 1.0])
        self.env.flush_all()
        months.invalidate_model()
        self.assertEqual(sum(months.search([("product_id", "=", self.motor.id)]).mapped("rma_returned_qty")), returned,
                         "recall work is not counted in the return rate")
        # Out of warranty and our customer's misuse: a recall repairs it free all the same.
        self._inspect(acme_rma, [{"cause": "misuse"}, {"cause": "misuse"}])
        self.assertEqual(acme_rma.line_ids.mapped("proposed_decision"), ["repair", "repair"])
        self.assertEqual(acme_rma.line_ids.mapped("charge_mode"), ["free", "free"])
        self.assertFalse(any(acme_rma.line_ids.mapped("refund_allowed")), "a recall for repair allows no refund")
        self._decide_and_process(acme_rma)
        for line in acme_rma.line_ids:
            self._finish_repair(line, [(self.spare_part, 1)])
        self.assertFalse(acme_rma.line_ids.repair_id.sale_order_id, "nothing is quoted for recall work")
        self._ship(acme_rma, "return")
        self.assertEqual(acme_rma.state, "done")
        acme_units = recall.unit_ids.filtered(lambda unit: unit.partner_id == self.customer)
        self.assertEqual(set(acme_units.mapped("state")), {"remedied"})
        self.assertAlmostEqual(recall.completion, 200.0 / 3, places=1)
        harbin = recall.unit_ids - acme_units
        harbin.decline_reason = "Machine dismantled"
        harbin.with_user(self.coordinator).action_not_applicable()
        self.assertEqual(recall.completion, 100.0, "not applicable units do not count")
        recall.with_user(self.coordinator).action_close()
        self.assertEqual(recall.state, "closed")

    def test_closing_with_units_waiting_needs_a_managers_reason(self):
        self._units(["C-1", "C-2"])
        recall = self._scoped(serial_ranges="C-1-C-2", remedy="notice")
        recall.with_user(self.manager).action_approve()
        recall.with_user(self.coordinator).action_notify()
        first, second = recall.unit_ids.sorted(lambda unit: unit.lot_id.name)
        first.with_user(self.coordinator).action_acknowledge()
        first.with_user(self.coordinator).action_remedied()
        with self.assertRaisesRegex(UserError, "Write why"):
            second.with_user(self.coordinator).action_declined()
        with self.assertRaisesRegex(UserError, "still wait"):
            recall.with_user(self.coordinator).action_close()
        with self.assertRaises(AccessError):
            recall.with_user(self.coordinator).write({"close_reason": "Enough"})
        recall.with_user(self.manager).write({"close_reason": "Customer unreachable for months"})
        recall.with_user(self.manager).action_close()
        self.assertEqual((recall.state, recall.completion), ("closed", 50.0))

    def test_units_past_the_date_are_escalated_once_a_day(self):
        self._units(["E-1"])
        recall = self._scoped(serial_ranges="E-1", remediate_by=fields.Date.today() - timedelta(days=1))
        recall.with_user(self.manager).action_approve()
        self.assertEqual(recall.overdue_count, 1)
        self.assertTrue(recall.unit_ids.is_overdue)
        self.recalls._cron_escalate_overdue()
        self.recalls._cron_escalate_overdue()
        self.assertEqual(len(recall.activity_ids), 1)
        self.assertIn("1 units past", recall.activity_ids.summary)

    def test_status_report_prints(self):
        self._units(["P-1"])
        recall = self._scoped(serial_ranges="P-1")
        html = self.env["ir.actions.report"]._render_qweb_html("aftersales_service.report_recall_status", recall.ids)[0]
        self.assertIn(b"Acme Motors Ltd", html)
