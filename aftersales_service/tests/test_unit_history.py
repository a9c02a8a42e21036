from odoo.tests import tagged

from .common import RmaCase


@tagged("post_install", "-at_install")
class TestUnitHistory(RmaCase):
    """One timeline per unit, following the customer's machine across replacements, in a fixed number of queries
    (docs/recalls.md §1)."""

    def _labels(self, record, portal=False):
        return [(entry["label"], entry["name"]) for entry in
                self.env["aftersales.unit.history"]._prepare_timeline(record, portal=portal)]

    def test_the_replacement_carries_the_history_of_the_unit_it_replaced(self):
        order, lots = self._sell_and_deliver(["H-1"])
        original = self._records(sale_order_id=order.id)
        original.write({"acceptance_date": original.delivery_date, "accepted_by": "Li Wei"})
        complaint = self.env["aftersales.complaint"].create({
            "partner_id": self.customer.id, "subject": "Hums", "delivery_record_id": original.id,
        })
        self._stock_serials(self.motor, ["H-2"])
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "nonconformity"}])
        self._decide_and_process(rma, [{"decision": "replace"}])
        self._ship(rma, "replacement")
        replacement = self._records(replaced_record_id=original.id)
        labels = self._labels(replacement)
        for entry in [("Delivered", original.picking_id.name), ("Accepted", "Li Wei"), ("Complaint", complaint.name),
                      ("Return", rma.name), ("Replacement of", "H-1")]:
            self.assertIn(entry, labels)
        self.assertIn(("Replaced by", "H-2"), self._labels(original), "the replaced unit points to its replacement")
        html = replacement.service_history
        self.assertIn(f"/odoo/aftersales.rma/{rma.id}", html, "each entry opens its document")
        self.assertIn(rma.name, original.lot_id.aftersales_service_history, "the serial number shows it too")

    def test_the_portal_shows_the_customers_own_documents_and_not_our_notes(self):
        other = self.env["res.partner"].create({"name": "Previous Owner", "is_company": True})
        record = self._units(["H-3"], partner=other)
        record.message_post(body="Checked the invoice with sales", subtype_xmlid="mail.mt_note")
        self.env["aftersales.complaint"].create({"partner_id": other.id, "subject": "Old", "delivery_record_id": record.id})
        record._workflow().write({"partner_id": self.customer.id})
        ours = self.env["aftersales.complaint"].create(
            {"partner_id": self.customer.id, "subject": "New", "delivery_record_id": record.id}
        )
        backend = self._labels(record)
        self.assertIn(("Note", ""), backend)
        portal = self._labels(record, portal=True)
        self.assertNotIn(("Note", ""), portal)
        self.assertEqual([name for label, name in portal if label == "Complaint"], [ours.name])
        timeline = self.env["aftersales.unit.history"]._prepare_timeline(record, portal=True)
        self.assertIn(f"/my/complaints/{ours.id}", [entry["url"] for entry in timeline])

    def test_the_history_is_read_in_a_fixed_number_of_queries(self):
        short = self._units(["H-4"])
        long = self._units(["H-5"])
        for record, count in ((short, 1), (long, 8)):
            for index in range(count):
                self.env["aftersales.complaint"].create(
                    {"partner_id": self.customer.id, "subject": f"Noise {index}", "delivery_record_id": record.id}
                )
                record.message_post(body=f"Note {index}")
        history = self.env["aftersales.unit.history"]
        history._prepare_timeline(long)  # the labels of the states, read once for the server
        queries = []
        for record in (short, long):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            timeline = history._prepare_timeline(record)
            queries.append((len(timeline), self.cr.sql_log_count - before))
        (short_entries, short_queries), (long_entries, long_queries) = queries
        self.assertEqual((short_entries, long_entries), (3, 17))
        self.assertEqual(short_queries, long_queries, "as many queries for 17 entries as for 3")
        self.assertLessEqual(long_queries, 2)
