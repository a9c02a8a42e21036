from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import AftersalesCase


@tagged("post_install", "-at_install")
class TestDeliveryRecord(AftersalesCase):
    """SPEC 1: one delivery record per unit that leaves for a customer."""

    def test_one_record_per_serial_with_order_and_warranty(self):
        lots = self._stock_serials(self.motor, ["SN-A1", "SN-A2", "SN-A3"])
        order = self._sell(self.customer_contact, [(self.motor, 3)])
        picking = self._deliver(order)

        records = self._records(sale_order_id=order.id)
        self.assertEqual(len(records), 3)
        self.assertEqual(records.lot_id, lots)
        self.assertEqual(set(records.mapped("quantity")), {1.0})
        self.assertEqual(records.partner_id, self.customer, "the commercial partner is the customer")
        self.assertEqual(records.delivery_partner_id, self.customer_contact)
        self.assertEqual(records.picking_id, picking)
        self.assertEqual(records.sale_line_id, order.order_line)
        self.assertEqual(records.move_line_id, picking.move_line_ids)
        self.assertEqual(records.warranty_policy_id, self.default_policy)
        self.assertEqual(set(records.mapped("warranty_start_date")), set(records.mapped("delivery_date")))
        self.assertFalse(records.document_type_ids, "documents are recorded at acceptance")
        self.assertEqual(order.order_line.qty_delivered, 3.0)

    def test_rows_inserted_at_validation_equal_what_the_orm_computes(self):
        self._stock_serials(self.motor, ["SN-PARITY"])
        order = self._sell(self.distributor, [(self.motor, 1), (self.extension_service, 1)],
                           commitment_date=datetime(2026, 1, 5, 10))
        picking = order.picking_ids
        picking.move_ids.picked = True
        self.assertFalse(picking.aftersales_delivery_record_ids, "read before validation, kept in cache")
        with freeze_time(datetime(2026, 1, 9, 9)):
            picking.button_validate()
        record = picking.aftersales_delivery_record_ids
        self.assertEqual(len(record), 1, "the cache of the picking's records is refreshed")
        twin = self.env["aftersales.delivery.record"].create({
            name: record[name].id if record._fields[name].type == "many2one" else record[name]
            for name in ("company_id", "partner_id", "delivery_partner_id", "sale_order_id", "sale_line_id",
                         "product_id", "lot_id", "quantity", "delivery_date", "promised_date", "picking_id",
                         "move_id", "move_line_id")
        })
        # Every stored field the insert gives: the computed ones, the warranty terms, the defaults.
        inserted = sorted(record._bulk_insert_fields())
        self.assertEqual(record.read(inserted)[0] | {"id": 0}, twin.read(inserted)[0] | {"id": 0})
        self.assertEqual((record.is_late, record.delay_days, record.extended_warranty_months), (True, 4, 12))
        self.assertEqual(record.warranty_end_date, date(2028, 5, 8), "12 + 4 distributor + 12 extended months")

    def test_every_stored_field_is_inserted_at_delivery_or_left_empty_on_purpose(self):
        self._stock_serials(self.motor, ["SN-COLUMNS"])
        picking = self._deliver(self._sell(self.customer, [(self.motor, 1)]))
        records = self.env["aftersales.delivery.record"]
        [vals] = records._prepare_values_from_move_lines(picking.move_line_ids)
        self.assertEqual(records._bulk_insert_fields() - set(vals), set(),
                         "a stored field the rows leave out would stay empty on every delivered unit")
        record = picking.aftersales_delivery_record_ids
        for name in sorted(records._bulk_insert_left_empty()):
            with self.subTest(field=name):
                self.assertTrue(record._fields[name].store, name)
                self.assertFalse(record._fields[name].default, f"{name}: the insert would not give its default")
                self.assertFalse(record[name], name)

    def test_a_row_leaving_out_a_stored_field_is_refused_before_anything_is_inserted(self):
        self._stock_serials(self.motor, ["SN-LEFT-OUT"])
        picking = self._deliver(self._sell(self.customer, [(self.motor, 1)]))
        records = self.env["aftersales.delivery.record"]
        [vals] = records._prepare_values_from_move_lines(picking.move_line_ids)
        self.env.cr.execute("SELECT last_value FROM aftersales_delivery_record_id_seq")
        last_id = self.env.cr.fetchone()
        for name in sorted(records._bulk_insert_fields()):
            with self.subTest(name), self.assertRaisesRegex(ValueError, f"leave out stored fields: {name}\\."):
                records._insert_rows([vals, {key: value for key, value in vals.items() if key != name}])
        self.env.cr.execute("SELECT last_value FROM aftersales_delivery_record_id_seq")
        self.assertEqual(self.env.cr.fetchone(), last_id, "no row was inserted, not even rolled back")

    def test_validating_twice_creates_no_second_record(self):
        self._stock_serials(self.motor, ["SN-TWICE"])
        order = self._sell(self.customer, [(self.motor, 1)])
        picking = self._deliver(order)
        picking.with_user(self.stock_user).button_validate()
        picking.move_ids.with_user(self.stock_user)._action_done()
        self.assertEqual(len(self._records(sale_order_id=order.id)), 1)

    def test_one_record_per_lot_line_in_product_unit(self):
        self._stock_quantity(self.bearing, 4.0, "LOT-1")
        self._stock_quantity(self.bearing, 6.0, "LOT-2")
        order = self._sell(self.customer, [(self.bearing, 10)])
        self._deliver(order)

        records = self._records(sale_order_id=order.id)
        self.assertEqual(len(records), 2, "one record per lot line")
        by_lot = {record.lot_id.name: record.quantity for record in records}
        self.assertEqual(by_lot, {"LOT-1": 4.0, "LOT-2": 6.0})

    def test_untracked_product_gets_one_record_without_lot(self):
        self._stock_quantity(self.cable, 5.0)
        order = self._sell(self.customer, [(self.cable, 5)])
        self._deliver(order)

        record = self._records(sale_order_id=order.id)
        self.assertEqual(len(record), 1)
        self.assertFalse(record.lot_id)
        self.assertEqual(record.quantity, 5.0)

    def test_partial_delivery_then_backorder(self):
        self._stock_serials(self.motor, ["SN-B1", "SN-B2", "SN-B3"])
        order = self._sell(self.customer, [(self.motor, 3)])
        picking = order.picking_ids.with_user(self.stock_user)
        first_line = picking.move_line_ids[0]
        (picking.move_line_ids - first_line).unlink()
        picking.move_ids.picked = True
        wizard = Form.from_action(self.env, picking.button_validate()).save()
        wizard.with_user(self.stock_user).process()

        self.assertEqual(self._records(sale_order_id=order.id).lot_id, first_line.lot_id,
                         "only the unit that left gets a record")
        backorder = order.picking_ids - picking
        self.assertEqual(backorder.state, "assigned")
        self._validate(backorder)
        self.assertEqual(len(self._records(sale_order_id=order.id)), 3)
        self.assertEqual(self._records(picking_id=backorder.id).lot_id, backorder.move_line_ids.lot_id)

    def test_pick_pack_ship_records_only_when_goods_leave(self):
        self.warehouse.delivery_steps = "pick_pack_ship"
        self._stock_serials(self.motor, ["SN-C1", "SN-C2"])
        order = self._sell(self.customer, [(self.motor, 2)])
        steps = []
        while pending := order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")):
            picking = pending.sorted("id")[0]
            picking.action_assign()
            self._validate(picking)
            is_ship = picking.location_dest_id.usage == "customer"
            steps.append(is_ship)
            self.assertEqual(bool(self._records(sale_order_id=order.id)), is_ship,
                             f"{picking.picking_type_id.name}: records only when the goods leave")
        self.assertEqual(steps, [False, False, True], "pick, pack, then ship")
        records = self._records(sale_order_id=order.id)
        self.assertEqual(len(records), 2)
        self.assertEqual(records.picking_id.location_dest_id, self.customer_location)
        self.assertEqual(order.order_line.qty_delivered, 2.0)

    def test_receipt_and_internal_transfer_create_no_record(self):
        receipt = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.in_type_id.id,
            "partner_id": self.customer.id,
            "move_ids": [(0, 0, {
                "product_id": self.cable.id,
                "product_uom_qty": 4.0,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.stock_location.id,
            })],
        })
        receipt.action_confirm()
        self._validate(receipt)
        internal_dest = self.env["stock.location"].create({"name": "Shelf 9", "location_id": self.stock_location.id})
        internal = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.int_type_id.id,
            "partner_id": self.customer.id,
            "move_ids": [(0, 0, {
                "product_id": self.cable.id,
                "product_uom_qty": 4.0,
                "location_id": self.stock_location.id,
                "location_dest_id": internal_dest.id,
            })],
        })
        internal.action_confirm()
        internal.action_assign()
        self._validate(internal)
        self.assertFalse(self._records(product_id=self.cable.id))

    def test_direct_shipment_from_supplier_to_non_customer_creates_none(self):
        transit = self.env["stock.location"].create({"name": "Carrier hub", "usage": "transit"})
        for destination, expected in ((transit, 0), (self.customer_location, 1)):
            with self.subTest(destination=destination.name):
                shipment = self.env["stock.picking"].create({
                    "picking_type_id": self.warehouse.out_type_id.id,
                    "partner_id": self.customer.id,
                    "location_id": self.env.ref("stock.stock_location_suppliers").id,
                    "location_dest_id": destination.id,
                    "move_ids": [(0, 0, {
                        "product_id": self.cable.id,
                        "product_uom_qty": 1.0,
                        "location_id": self.env.ref("stock.stock_location_suppliers").id,
                        "location_dest_id": destination.id,
                    })],
                })
                shipment.action_confirm()
                shipment.action_assign()
                self._validate(shipment)
                self.assertEqual(len(self._records(picking_id=shipment.id)), expected, destination.name)

    def test_return_wizard_adds_to_qty_returned_of_its_record(self):
        lots = self._stock_serials(self.motor, ["SN-D1", "SN-D2"])
        order = self._sell(self.customer, [(self.motor, 2)])
        picking = self._deliver(order)
        return_picking = self._return(picking, {self.motor: 1.0})
        returned_lot = return_picking.move_line_ids.lot_id
        self.assertIn(returned_lot, lots)
        records = self._records(sale_order_id=order.id)
        self.assertEqual(records.mapped("qty_returned"), [0.0, 0.0], "nothing counts before the receipt is done")

        self._validate(return_picking)
        returned = records.filtered(lambda r: r.lot_id == returned_lot)
        self.assertEqual(returned.qty_returned, 1.0)
        self.assertEqual((records - returned).qty_returned, 0.0)
        self.assertEqual(order.order_line.qty_delivered, 1.0)

    def test_a_unit_returned_and_not_sent_back_is_no_longer_with_the_customer(self):
        self._stock_quantity(self.bearing, 10.0, "LOT-W")
        order = self._sell(self.customer, [(self.bearing, 10)])
        picking = self._deliver(order)
        record = self._records(sale_order_id=order.id)
        self.assertEqual(record.qty_with_customer, 10.0)
        back = self._validate(self._return(picking, {self.bearing: 4.0}))
        self.assertEqual((record.qty_returned, record.qty_with_customer), (4.0, 6.0))
        self._validate(self._return(back, {self.bearing: 1.0}))
        self.assertEqual((record.qty_returned, record.qty_with_customer), (3.0, 7.0), "one was sent back")
        self._validate(self._return(picking, {self.bearing: 6.0}))
        self.assertEqual(record.qty_with_customer, 1.0)

    def test_partial_return_of_a_lot_line(self):
        self._stock_quantity(self.bearing, 10.0, "LOT-R")
        order = self._sell(self.customer, [(self.bearing, 10)])
        picking = self._deliver(order)
        self._validate(self._return(picking, {self.bearing: 3.0}))
        record = self._records(sale_order_id=order.id)
        self.assertEqual((record.quantity, record.qty_returned), (10.0, 3.0))
        self.assertFalse(self._records(picking_id=picking.return_ids.id),
                         "the return itself is not a delivery")

    def test_a_lots_returns_go_to_its_records_in_creation_order(self):
        shelf = self.env["stock.location"].create({"name": "Shelf 2", "location_id": self.stock_location.id})
        lot = self._stock_quantity(self.bearing, 2.0, "LOT-F")
        self.env["stock.quant"]._update_available_quantity(self.bearing, shelf, 2.0, lot_id=lot)
        order = self._sell(self.customer, [(self.bearing, 4)])
        picking = self._deliver(order)
        records = self._records(sale_order_id=order.id).sorted("id")
        self.assertEqual((records.lot_id, records.mapped("quantity")), (lot, [2.0, 2.0]), "one record per move line")
        receipt = self._validate(self._return(picking, {self.bearing: 3.0}))
        self.assertEqual(records.mapped("qty_returned"), [2.0, 1.0])
        # Two of them go back to the customer: the last record gets its unit back first.
        self._validate(self._return(receipt, {self.bearing: 2.0}))
        self.env.invalidate_all()
        self.assertEqual(records.mapped("qty_returned"), [1.0, 0.0])

    def test_a_return_of_goods_without_lot_counts_on_their_record(self):
        self._stock_quantity(self.cable, 5.0)
        order = self._sell(self.customer, [(self.cable, 5)])
        picking = self._deliver(order)
        record = self._records(sale_order_id=order.id)
        self._validate(self._return(picking, {self.cable: 2.0}))
        self.assertEqual((record.qty_returned, record.qty_with_customer), (2.0, 3.0))

    def test_editing_a_done_return_changes_what_came_back(self):
        self._stock_quantity(self.bearing, 10.0, "LOT-E")
        order = self._sell(self.customer, [(self.bearing, 10)])
        picking = self._deliver(order)
        record = self._records(sale_order_id=order.id)
        receipt = self._validate(self._return(picking, {self.bearing: 4.0}))
        self.assertEqual((record.qty_returned, record.qty_with_customer), (4.0, 6.0))
        # The warehouse finds only three were received, unlocks the receipt and corrects its line.
        receipt.action_toggle_is_locked()
        receipt.move_line_ids.quantity = 3.0
        self.assertEqual((record.qty_returned, record.qty_with_customer), (3.0, 7.0))

    def test_correcting_the_serial_of_a_done_return_moves_the_return_to_that_unit(self):
        first, second = self._stock_serials(self.motor, ["SN-C1", "SN-C2"])
        order = self._sell(self.customer, [(self.motor, 2)])
        picking = self._deliver(order)
        records = self._records(sale_order_id=order.id)
        receipt = self._return(picking, {self.motor: 1.0})
        receipt.move_line_ids.lot_id = first
        self._validate(receipt)
        self.assertEqual([(record.lot_id, record.qty_returned) for record in records.sorted("lot_id")], [(first, 1.0), (second, 0.0)])
        receipt.action_toggle_is_locked()
        receipt.move_line_ids.lot_id = second
        self.assertEqual(
            [(record.lot_id, record.qty_returned, record.qty_with_customer) for record in records.sorted("lot_id")],
            [(first, 0.0, 1.0), (second, 1.0, 0.0)],
        )

    def test_delivery_date_is_the_companys_day(self):
        self.company.resource_calendar_id.tz = "Asia/Shanghai"
        self.stock_user.tz = "America/New_York"
        self._stock_serials(self.motor, ["SN-TZ"])
        order = self._sell(self.customer, [(self.motor, 1)], commitment_date=datetime(2026, 3, 31, 17, 0))
        with freeze_time(datetime(2026, 3, 31, 20, 30)):
            self._deliver(order)
        record = self._records(sale_order_id=order.id)
        self.assertEqual(record.delivery_date, date(2026, 4, 1), "20:30 UTC is already April 1st in Shanghai")
        self.assertEqual(record.warranty_start_date, date(2026, 4, 1))
        self.assertEqual(record.promised_date, date(2026, 4, 1), "17:00 UTC is April 1st in Shanghai: not late")
        self.assertFalse(record.is_late)

    def test_promised_date_and_lateness(self):
        self._stock_serials(self.motor, ["SN-L1"])
        order = self._sell(self.customer, [(self.motor, 1)], commitment_date=datetime(2026, 5, 4, 10, 0))
        with freeze_time(datetime(2026, 5, 7, 9, 0)):
            self._deliver(order)
        record = self._records(sale_order_id=order.id)
        self.assertEqual(record.promised_date, date(2026, 5, 4))
        self.assertTrue(record.is_late)
        self.assertEqual(record.delay_days, 3)

        self._stock_serials(self.motor, ["SN-L2"])
        on_time = self._sell(self.customer, [(self.motor, 1)], commitment_date=datetime(2026, 6, 10, 10, 0))
        with freeze_time(datetime(2026, 6, 10, 9, 0)):
            self._deliver(on_time)
        self.assertFalse(self._records(sale_order_id=on_time.id).is_late, "delivered on the promised day")

    def test_acceptance_wizard_writes_every_unit_of_the_delivery(self):
        self._stock_serials(self.motor, ["SN-E1", "SN-E2"])
        order = self._sell(self.customer, [(self.motor, 2)], commitment_date=datetime(2020, 1, 1))
        picking = self._deliver(order)
        test_report = self.env.ref("aftersales_service.document_type_test_report")
        action = picking.action_aftersales_record_acceptance()
        with Form.from_action(self.env, action) as wizard:
            self.assertEqual(len(wizard.record_ids), 2)
            self.assertEqual(set(wizard.document_type_ids.ids), set(self.env["aftersales.document.type"].search(
                [("handed_over_by_default", "=", True)]).ids), "the usual documents are proposed")
            self.assertNotIn(test_report, wizard.document_type_ids)
            self.assertTrue(wizard.has_late_units)
            wizard.accepted_by = "Zhang San"
            wizard.acceptance_note = "Two crates, seals intact"
            wizard.lateness_reason = "Carrier strike"
            wizard.document_type_ids.add(test_report)
        wizard.record.action_apply()

        records = self._records(picking_id=picking.id)
        self.assertEqual(set(records.mapped("accepted_by")), {"Zhang San"})
        self.assertTrue(all(records.mapped("is_accepted")))
        self.assertEqual(records[0].document_type_ids, records[1].document_type_ids)
        self.assertIn(test_report, records[0].document_type_ids)
        self.assertIn(self.env.ref("aftersales_service.document_type_certificate"), records[0].document_type_ids)
        self.assertEqual(set(records.mapped("lateness_reason")), {"Carrier strike"})

    def test_acceptance_refused_for_a_transfer_without_records(self):
        receipt = self.env["stock.picking"].create({
            "picking_type_id": self.warehouse.in_type_id.id,
            "location_id": self.env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": self.stock_location.id,
        })
        wizard = self.env["aftersales.delivery.acceptance"].create({"picking_id": receipt.id, "accepted_by": "X"})
        with self.assertRaisesRegex(UserError, "has no delivery record"):
            wizard.action_apply()

    def test_acceptance_before_delivery_is_refused_and_writes_nothing(self):
        self._stock_serials(self.motor, ["SN-E3"])
        order = self._sell(self.customer, [(self.motor, 1)])
        picking = self._deliver(order)
        record = self._records(picking_id=picking.id)
        wizard = self.env["aftersales.delivery.acceptance"].create({
            "picking_id": picking.id,
            "accepted_by": "Too Early",
            "acceptance_date": date(2000, 1, 1),
        })
        with self.assertRaisesRegex(ValidationError, "cannot be accepted before it was delivered"):
            with self.env.cr.savepoint():
                wizard.action_apply()
        self.assertFalse(record.accepted_by)

    def test_smart_buttons_count_and_open_records(self):
        self._stock_serials(self.motor, ["SN-F1", "SN-F2"])
        order = self._sell(self.customer_contact, [(self.motor, 2)])
        picking = self._deliver(order)
        lot = picking.move_line_ids.lot_id[0]
        for source, field, expected in (
            (order, "sale_order_id", order),
            (self.customer, "partner_id", self.customer),
            (self.customer_contact, "partner_id", self.customer),
            (picking, "picking_id", picking),
            (lot, "lot_id", lot),
        ):
            with self.subTest(source=source.display_name):
                count = 1 if source == lot else 2
                self.assertEqual(source.aftersales_delivery_count, count, source.display_name)
                action = source.action_view_aftersales_deliveries()
                self.assertEqual(action["res_model"], "aftersales.delivery.record")
                self.assertEqual(action["domain"], [(field, "=", expected.id)])
                self.assertEqual(self.env["aftersales.delivery.record"].search_count(action["domain"]), count)

    def test_acceptance_report_renders_units_documents_and_acceptance_block(self):
        self._stock_serials(self.motor, ["SN-PRINT-1"])
        order = self._sell(self.customer, [(self.motor, 1)])
        picking = self._deliver(order)
        self._records(picking_id=picking.id).write({
            "accepted_by": "Wang Wu",
            "acceptance_date": date.today(),
            "document_type_ids": [(4, self.env.ref("aftersales_service.document_type_certificate").id)],
        })
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "aftersales_service.action_report_delivery_acceptance", picking.ids
        )
        html = html.decode()
        for expected in ("Delivery Acceptance Record", "SN-PRINT-1", "Certificate of Conformity", "Wang Wu"):
            with self.subTest(text=expected):
                self.assertIn(expected, html)
