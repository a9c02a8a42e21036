from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from .common import RmaCase

# The tables a refused call must leave as they were: ours, and the stock and accounting documents ours create.
WATCHED_TABLES = (
    "aftersales_rma", "aftersales_rma_line", "aftersales_complaint", "aftersales_delivery_record",
    "aftersales_corrective_action", "aftersales_survey", "aftersales_survey_line", "aftersales_return_visit",
    "aftersales_satisfaction_level", "repair_order", "stock_picking", "stock_move", "stock_move_line",
    "account_move", "account_move_line",
)


@tagged("post_install", "-at_install")
class TestBadInput(RmaCase):
    """Bad input as a user types it in a form, or a JSON-RPC script or an import sends it: refused with the
    right error and message, and nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._stock_serials(cls.motor, ["BI-X1", "BI-X2", "BI-X3", "BI-Y1"])
        cls.order = cls._delivered_order(cls.customer, cls.motor, 3.0)
        cls.order._create_invoices().action_post()
        cls.lots = cls.order.picking_ids.move_line_ids.lot_id.sorted("name")
        cls.other_order = cls._delivered_order(cls.distributor, cls.motor, 1.0)
        cls.other_lot = cls.other_order.picking_ids.move_line_ids.lot_id
        cls.bearing_lot = cls._stock_quantity(cls.bearing, 3.0, "BI-L1")
        cls.bearing_order = cls._delivered_order(cls.customer, cls.bearing, 3.0)
        cls.stray_lot = cls._stock_serials(cls.motor, ["BI-STRAY"])
        cls.level = cls.env.ref("aftersales_service.satisfaction_level_satisfied")
        cls.quality = cls.env.ref("aftersales_service.department_quality")
        cls.stock_manager = new_test_user(cls.env, "bi_stock_manager", groups="stock.group_stock_manager")
        cls.accountant = new_test_user(cls.env, "bi_accountant", groups="account.group_account_manager")

    @classmethod
    def _delivered_order(cls, partner, product, quantity):
        """A confirmed order of ``quantity`` ``product`` from stock, delivered in full."""
        order = cls.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": quantity})],
        })
        order.action_confirm()
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        return order

    # The refusal -------------------------------------------------------------------------------

    def _snapshot(self):
        """Rows (count and content) of the watched tables and the stock on hand per product."""
        self.env.flush_all()
        snapshot = {}
        for table in WATCHED_TABLES:
            self.env.cr.execute(SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM %s t",
                SQL.identifier(table),
            ))
            snapshot[table] = self.env.cr.fetchone()
        self.env.cr.execute("SELECT product_id, sum(quantity) FROM stock_quant GROUP BY product_id ORDER BY product_id")
        snapshot["stock_quant"] = self.env.cr.fetchall()
        return snapshot

    @contextmanager
    def assertRefused(self, error, message):
        """The block is refused with exactly ``error`` (not a subclass nor a parent class), its message matching
        ``message``; once the request's transaction is rolled back, nothing of it remains."""
        before = self._snapshot()
        with self.assertRaisesRegex(error, message) as caught, self.env.cr.savepoint():
            yield caught
        self.assertIs(type(caught.exception), error, caught.exception)
        after = self._snapshot()
        self.assertEqual([name for name, rows in before.items() if after[name] != rows], [], "nothing written")

    # Fixtures ----------------------------------------------------------------------------------

    def _record(self, lot):
        return self._records(lot_id=lot.id)

    def _enter_rma(self, partner, lines=(), user=None, **values):
        """An RMA typed in its form: the customer, then ``values``, then one line per dict of field values,
        set in their order."""
        with Form(self.env["aftersales.rma"].with_user(user or self.coordinator)) as rma_form:
            rma_form.partner_id = partner
            for name, value in values.items():
                setattr(rma_form, name, value)
            for line_values in lines:
                with rma_form.line_ids.new() as line:
                    for name, value in line_values.items():
                        setattr(line, name, value)
        return rma_form.record.with_env(self.env)

    def _send_rma(self, partner, lines, **values):
        """An RMA sent by a JSON-RPC script or an import: one create with its lines."""
        return self.env["aftersales.rma"].with_user(self.coordinator).create(dict(
            values, partner_id=partner.id, line_ids=[Command.create(line) for line in lines]
        ))

    def _enter_complaint(self, **values):
        with Form(self.env["aftersales.complaint"].with_user(self.coordinator)) as form:
            form.partner_id = self.customer
            for name, value in values.items():
                setattr(form, name, value)
        return form.record.with_env(self.env)

    def _validated_survey(self):
        with Form(self.env["aftersales.survey"].with_user(self.coordinator)) as survey_form:
            survey_form.partner_id = self.customer
        survey = survey_form.record.with_env(self.env)
        survey.line_ids.with_user(self.coordinator).level_id = self.level
        survey.with_user(self.coordinator).action_done()
        return survey

    def _inspected_rma(self, lot, **findings):
        rma = self._new_rma(self.order, lot)
        self._approve_and_receive(rma)
        self._inspect(rma, [findings])
        return rma

    # Cases -------------------------------------------------------------------------------------

    def test_01_unit_of_another_customer(self):
        with self.assertRefused(ValidationError, "Motor / BI-Y1 was delivered to another customer, not to Acme Motors"):
            self._enter_rma(self.customer, [{"delivery_record_id": self._record(self.other_lot)}])
        with self.assertRefused(ValidationError, "^BI-Y1 was delivered to another customer, not to Acme Motors Ltd"):
            self._send_rma(self.customer, [{"product_id": self.motor.id, "lot_id": self.other_lot.id}])
        with self.assertRefused(ValidationError, f"^{self.other_order.name} is not of Acme Motors Ltd"):
            self._enter_rma(self.customer, sale_order_id=self.other_order)

        rma = self._enter_rma(self.customer, [{"lot_id": self.lots[0]}])
        with self.assertRefused(ValidationError, "BI-X1 was delivered to another customer, not to East Coast"):
            with Form(rma.with_user(self.coordinator)) as rma_form:
                rma_form.partner_id = self.distributor
        self.assertEqual(rma.partner_id, self.customer)

    def test_02_lot_of_another_product(self):
        with self.assertRefused(ValidationError, "BI-STRAY is a number of YX-90 Motor, not of Bearing Kit"):
            self._enter_rma(self.customer, [{"product_id": self.bearing, "lot_id": self.stray_lot}])
        with self.assertRefused(ValidationError, "BI-X1 is a number of YX-90 Motor, not of Bearing Kit"):
            self._enter_complaint(lot_id=self.lots[0], product_id=self.bearing)

    def test_03_more_than_delivered(self):
        with self.assertRefused(ValidationError, r"BI-L1: 5\.0 asked back, but only 3\.0 of 3\.0 delivered"):
            self._enter_rma(self.customer, [{"lot_id": self.bearing_lot, "quantity": 5.0}])

        with self.assertRefused(ValidationError, r"BI-L1: 5\.0 asked back, but only 3\.0 of 3\.0 delivered"):
            self._send_rma(self.customer, [{
                "product_id": self.bearing.id, "lot_id": self.bearing_lot.id, "quantity": 5.0,
                "delivery_record_id": self._record(self.bearing_lot).id,
            }])

        first = self._enter_rma(self.customer, [{"lot_id": self.bearing_lot, "quantity": 2.0}])
        self.assertEqual(first.line_ids.delivery_record_id, self._record(self.bearing_lot))
        with self.assertRefused(ValidationError, r"BI-L1: 2\.0 asked back, but only 1\.0 of 3\.0 delivered"):
            self._enter_rma(self.customer, [{"lot_id": self.bearing_lot, "quantity": 2.0}])

        with self.assertRefused(ValidationError, "A serial number is returned one unit at a time"):
            self._enter_rma(self.customer, [{"lot_id": self.lots[0], "quantity": 2.0}])
        for quantity in (0.0, -1.0):
            with self.subTest(quantity=quantity):
                with self.assertRefused(ValidationError, "The quantity to return must be positive"):
                    self._enter_rma(self.customer, [{"lot_id": self.bearing_lot, "quantity": quantity}])

    def test_04_claim_and_proof_dates(self):
        delivered = self._record(self.lots[0]).delivery_date
        with self.assertRefused(ValidationError, f"BI-X1 cannot be claimed on {delivered - timedelta(days=1)}: "
                                                 f"it was delivered on {delivered}"):
            self._enter_rma(self.customer, [{"lot_id": self.lots[0]}], date=delivered - timedelta(days=1))

        claim = date.today()
        with self.assertRefused(ValidationError, "The proof of purchase cannot be dated after the claim date"):
            self._enter_rma(self.customer, [
                {"product_id": self.motor, "lot_id": self.stray_lot, "proof_date": claim + timedelta(days=1)},
            ], date=claim)
        rma = self._enter_rma(
            self.customer, [{"product_id": self.motor, "lot_id": self.stray_lot, "proof_date": claim}], date=claim
        )
        with self.assertRefused(ValidationError, "The proof of purchase cannot be dated after the claim date"):
            rma.with_user(self.coordinator).date = claim - timedelta(days=1)
        self.assertEqual(rma.date, claim)

    def test_05_negative_repair_hours(self):
        rma = self._inspected_rma(self.lots[1], cause="misuse")
        self.assertEqual((rma.line_ids.decision, rma.line_ids.charge_mode), ("repair", "full"))
        with self.assertRefused(ValidationError, "Labour hours cannot be negative"):
            with Form(rma.with_user(self.coordinator)) as rma_form, rma_form.line_ids.edit(0) as line:
                line.repair_hours = -2.0
        with self.assertRefused(ValidationError, "Labour hours cannot be negative"):
            rma.line_ids.with_user(self.coordinator).write({"repair_hours": -0.5})
        self.assertEqual(rma.line_ids.repair_hours, 0.0)

    def test_06_complaint_intake(self):
        with self.assertRefused(ValidationError, "A complaint cannot be received in the future"):
            self._enter_complaint(date_received=fields.Datetime.now() + timedelta(days=1))
        with self.assertRefused(ValidationError, "^BI-Y1 was not delivered to Acme Motors Ltd"):
            self._enter_complaint(lot_id=self.other_lot)
        with self.assertRefused(ValidationError, "BI-Y1 was not delivered to Acme Motors Ltd"):
            self.env["aftersales.complaint"].with_user(self.coordinator).create({
                "partner_id": self.customer.id, "delivery_record_id": self._record(self.other_lot).id,
            })

    def test_07_workflow_fields_are_not_written_directly(self):
        rma = self._enter_rma(self.customer, [{"lot_id": self.lots[0]}])
        for label, values in (("State", {"state": "confirmed"}), ("Approved By", {"approved_by_id": self.manager.id})):
            with self.subTest(field=label):
                with self.assertRefused(UserError, f"^{label} of Return Merchandise Authorization cannot be written"):
                    rma.with_user(self.coordinator).write(values)
        self.assertEqual((rma.state, rma.approved_by_id), ("draft", self.env["res.users"]))
        with self.assertRefused(UserError, "A new Return Merchandise Authorization cannot start with State"):
            self._send_rma(self.customer, [{"product_id": self.motor.id, "lot_id": self.lots[0].id}], state="done")

        complaint = self._enter_complaint()
        with self.assertRefused(UserError, "^Responded On of Customer Complaint and Feedback cannot be written"):
            complaint.with_user(self.coordinator).write({"first_response_date": fields.Datetime.now()})
        self.assertFalse(complaint.first_response_date)

        with Form(self.env["aftersales.survey"].with_user(self.coordinator)) as survey_form:
            survey_form.partner_id = self.customer
        survey = survey_form.record.with_env(self.env)
        with self.assertRefused(UserError, "^State of Customer Satisfaction Survey cannot be written directly"):
            survey.with_user(self.coordinator).write({"state": "done"})
        self.assertEqual(survey.state, "draft")

    def test_08_second_click(self):
        rma = self._enter_rma(self.customer, [{"lot_id": self.lots[0]}])
        rma.with_user(self.manager).action_confirm()
        self.assertEqual(len(rma.picking_ids), 1)
        with self.assertRefused(UserError, "not possible while Approved"):
            rma.with_user(self.manager).action_confirm()
        self.assertEqual(len(rma.picking_ids), 1, "no second receipt")

        complaint = self._enter_complaint()
        complaint.with_user(self.coordinator).action_acknowledge()
        with self.assertRefused(UserError, "not possible while Acknowledged"):
            complaint.with_user(self.coordinator).action_acknowledge()

        survey = self._validated_survey()
        with self.assertRefused(UserError, "not possible while Validated"):
            survey.with_user(self.coordinator).action_done()

    def test_09_deleting_records_that_must_stay(self):
        rma = self._inspected_rma(self.lots[1], cause="misuse")
        self._decide_and_process(rma)
        self.assertEqual(rma.state, "processed")
        with self.assertRefused(UserError, "came back or are on an RMA: their delivery records are kept"):
            self._record(self.lots[1]).with_user(self.manager).unlink()
        with self.assertRefused(UserError, "The repair of an open RMA cannot be deleted"):
            rma.repair_ids.with_user(self.stock_user).unlink()
        with self.assertRefused(UserError, "Only draft or cancelled RMAs can be deleted"):
            rma.with_user(self.coordinator).unlink()

        returned = self._inspected_rma(self.lots[0], cause="no_fault", product_used=True)
        self._decide_and_process(returned)
        self.assertEqual((returned.state, returned.line_ids.decision), ("processed", "return_as_is"))
        back_to_customer = returned.picking_ids.filtered(lambda p: p.aftersales_rma_role == "return")
        self.assertEqual(back_to_customer.state, "assigned")
        with self.assertRefused(UserError, "A transfer of an open RMA cannot be deleted; cancel the RMA instead"):
            back_to_customer.with_user(self.stock_manager).unlink()

        refunded = self._inspected_rma(self.lots[2], cause="transport")
        self._decide_and_process(refunded)
        self.assertEqual(refunded.state, "done")
        credit_note = refunded.account_move_ids.with_user(self.accountant)
        credit_note.button_draft()
        with self.assertRefused(UserError, "A credit note or invoice of an open RMA cannot be deleted"):
            credit_note.unlink()

        survey = self._validated_survey()
        self.assertEqual(survey.line_ids.level_id, self.level)
        with self.assertRefused(UserError, "Customers answered with these levels: archive them"):
            self.level.with_user(self.manager).unlink()

        complaint = self._enter_complaint()
        complaint.with_user(self.coordinator).action_investigate()
        with Form(complaint.with_user(self.coordinator)) as complaint_form:
            complaint_form.responsibility = "department"
            complaint_form.department_id = self.quality
            complaint_form.verified = True
            complaint_form.resolution = "<p>Unit exchanged.</p>"
            with complaint_form.action_ids.new() as action:
                action.name = "Re-machine the batch of seats"
                action.date_deadline = date.today() + timedelta(days=7)
        complaint.with_user(self.coordinator).action_resolve()
        with self.assertRefused(UserError, f"{complaint.name} is resolved and caused by us: its last corrective"):
            complaint.action_ids.with_user(self.manager).unlink()

    def test_10_overrides_are_a_managers_call(self):
        rma = self._inspected_rma(self.lots[1], cause="misuse")
        with self.assertRefused(AccessError, r"\(Unusable through customer misuse: no return\.\) and only an After"):
            with Form(rma.with_user(self.coordinator)) as rma_form, rma_form.line_ids.edit(0) as line:
                line.decision = "refund"
        self.assertEqual(rma.line_ids.decision, "repair")
        with self.assertRefused(AccessError, "Only an After-Sales manager can set Override Reason"):
            self._send_rma(self.customer, [
                {"product_id": self.motor.id, "lot_id": self.lots[0].id, "override_reason": "Goodwill"},
            ])

    def test_11_locked_and_out_of_range(self):
        rma = self._enter_rma(self.customer, [{"lot_id": self.lots[0]}])
        rma.with_user(self.manager).action_confirm()
        with self.assertRefused(UserError, "^YX-90 Motor BI-X2: Lot/Serial Number, Product, RMA can no longer"):
            rma.with_user(self.coordinator).write({
                "line_ids": [Command.create({"product_id": self.motor.id, "lot_id": self.lots[1].id})],
            })

        survey = self._validated_survey()
        answer = survey.line_ids[0]
        with self.assertRefused(UserError, f"^{answer.name}: Level can no longer be changed at this stage"):
            answer.with_user(self.coordinator).level_id = self.env.ref("aftersales_service.satisfaction_level_neutral")
        with self.assertRefused(ValidationError, "The survey period cannot end before it starts"):
            with Form(self.env["aftersales.survey"].with_user(self.coordinator)) as survey_form:
                survey_form.partner_id = self.distributor
                survey_form.period_end = survey_form.period_start - timedelta(days=1)
        with self.assertRefused(ValidationError, "A satisfaction coefficient lies between 0 and 1"):
            self.level.with_user(self.manager).coefficient = 1.5

        complaint = self._enter_complaint(date_received=fields.Datetime.now() - timedelta(days=3))
        complaint.with_user(self.coordinator).action_investigate()
        with self.assertRefused(ValidationError, "The due date of Check the seats is before the complaint was"):
            with Form(complaint.with_user(self.coordinator)) as complaint_form:
                with complaint_form.action_ids.new() as action:
                    action.name = "Check the seats"
                    action.date_deadline = date.today() - timedelta(days=5)

    def test_12_holes_found_by_this_module(self):
        # The receipt of an approved RMA, deleted by a stock manager: Odoo cancels its moves first.
        rma = self._new_rma(self.order, self.lots[2])
        rma.with_user(self.manager).action_confirm()
        with self.assertRefused(UserError, "A transfer of an open RMA cannot be deleted"):
            rma.picking_ids.with_user(self.stock_manager).unlink()
        self.assertEqual(rma.state, "confirmed")
        # A unit we delivered, sent without its delivery record: the record's quantities and dates must hold.
        with self.assertRefused(ValidationError, "BI-L1 was delivered to Acme Motors Ltd: choose its delivery record"):
            self._send_rma(self.customer, [{"product_id": self.bearing.id, "lot_id": self.bearing_lot.id, "quantity": 5}])
        # A serial we have no record of, on two open RMAs.
        self._send_rma(self.customer, [{"product_id": self.motor.id, "lot_id": self.stray_lot.id}])
        with self.assertRefused(ValidationError, "BI-STRAY is already claimed on RMA/"):
            self._send_rma(self.customer, [{"product_id": self.motor.id, "lot_id": self.stray_lot.id}])
        # A claim in the future; a service on an RMA line.
        with self.assertRefused(ValidationError, "cannot be claimed in the future"):
            self._send_rma(self.customer, [], date=fields.Date.today() + timedelta(days=30))
        with self.assertRefused(ValidationError, "is not goods"):
            self._send_rma(self.customer, [{"product_id": self.extension_service.id}])
        # A complaint whose delivery record is another unit than its serial or product.
        for values in ({"lot_id": self.lots[1].id}, {"product_id": self.bearing.id}):
            with self.subTest(values=values):
                with self.assertRefused(ValidationError, "is another unit than the serial number or product given"):
                    self.env["aftersales.complaint"].with_user(self.coordinator).create({
                        "partner_id": self.customer.id, "delivery_record_id": self._record(self.lots[0]).id, **values,
                    })

    def test_13_a_claim_typed_late_in_the_evening_is_of_the_companys_day(self):
        self.company.resource_calendar_id.tz = "UTC"
        self.coordinator.tz = "Asia/Tokyo"
        # 23:30 UTC: already tomorrow in Tokyo, still today for the company.
        with freeze_time(datetime.combine(fields.Date.today(), time(23, 30))):
            order, _lots = self._sell_and_deliver(["BI-EVENING"])
            lots = self._records(sale_order_id=order.id).lot_id
            rma = self._enter_rma(self.customer, [{"lot_id": lots}])
            self.assertEqual(rma.date, fields.Date.today())
