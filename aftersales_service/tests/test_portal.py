"""The customer portal's rules, held by the models: what a portal user may ask for, see and change
(docs/portal.md). Every call runs as the portal user, as the portal's routes make it."""
import time
from datetime import datetime

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import PDF, PNG, SVG, PortalCase


@tagged("post_install", "-at_install")
class TestPortalRequests(PortalCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.aftersales_responsible_id = cls.coordinator
        cls.portal_rmas = cls.env["aftersales.rma"].with_user(cls.portal_user)
        cls.portal_complaints = cls.env["aftersales.complaint"].with_user(cls.portal_user)

    def _request(self, units, **kwargs):
        kwargs.setdefault("reason_id", self.reason.id)
        return self.portal_rmas._portal_request(units, **kwargs)

    def _count(self, model):
        return self.env[model].search_count([])

    # RMA requests -----------------------------------------------------------------------------

    def test_a_request_is_a_draft_portal_rma_of_the_customer_for_the_responsible(self):
        records = self._units(["PT-1", "PT-2"])
        rma = self._request(
            [{"record_id": record.id, "quantity": "1"} for record in records], description="Both <b>hum</b>.",
            photos=[("hum.png", PNG)],
        ).sudo()
        self.assertEqual((rma.state, rma.channel, rma.partner_id), ("draft", "portal", self.customer))
        self.assertEqual(rma.line_ids.delivery_record_id, records)
        self.assertEqual(rma.sale_order_id, records.sale_order_id)
        self.assertEqual(rma.user_id, self.coordinator, "the company's after-sales responsible, not the customer")
        self.assertIn("&lt;b&gt;hum&lt;/b&gt;", rma.description, "the customer's text is text, not markup")
        self.assertEqual(rma.activity_ids.user_id, self.coordinator)
        photo = rma._portal_photos()
        self.assertEqual((photo.name, photo.mimetype, photo.create_uid), ("hum.png", "image/png", self.portal_user))

    def test_a_unit_of_another_customer_refuses_the_whole_request(self):
        ours = self._units(["PT-OURS"])
        theirs = self._units(["PT-THEIRS"], partner=self.distributor)
        before = self._count("aftersales.rma")
        with self.assertRaises(AccessError):
            self._request([{"record_id": ours.id, "quantity": 1}, {"record_id": theirs.id, "quantity": 1}])
        self.assertEqual(self._count("aftersales.rma"), before)

    def test_no_more_than_can_still_come_back(self):
        self._stock_quantity(self.bearing, 5, lot_name="PT-LOT")
        order = self._sell(self.customer, [(self.bearing, 5)])
        self._deliver(order)
        record = self._records(sale_order_id=order.id)
        with self.assertRaises(ValidationError):
            self._request([{"record_id": record.id, "quantity": 6}])
        self._request([{"record_id": record.id, "quantity": 3}])
        with self.assertRaises(ValidationError, msg="3 are claimed on the open RMA: 2 are left"):
            self._request([{"record_id": record.id, "quantity": 3}])
        with self.assertRaises(ValidationError):
            self._request([{"record_id": record.id, "quantity": -1}])
        self.assertEqual(self._request([{"record_id": record.id, "quantity": 2}]).sudo().line_ids.quantity, 2)

    def test_a_unit_without_delivery_record_needs_a_proof_of_purchase(self):
        self._units(["PT-ELSEWHERE"], partner=self.distributor)
        unit = {"product_id": self.motor.id, "quantity": 1, "proof_date": fields.Date.to_string(fields.Date.today())}
        with self.assertRaises(UserError, msg="no proof attached"):
            self._request([unit])
        with self.assertRaises(UserError, msg="a serial-tracked product without its serial"):
            self._request([unit], proofs=[("invoice.pdf", PDF)])
        refusals = []
        for serial in ("NOT-OURS", "PT-ELSEWHERE"):
            with self.subTest(serial=serial):
                with self.assertRaises(UserError, msg="unknown, or delivered to another customer") as refusal:
                    self._request([dict(unit, serial=serial)], proofs=[("invoice.pdf", PDF)])
                refusals.append(str(refusal.exception).replace(serial, "…"))
        self.assertEqual(refusals[0], refusals[1], "one answer: the portal tells nobody which serials exist")
        for quantity in ("nan", "inf", "two"):
            with self.subTest(quantity=quantity):
                with self.assertRaises(UserError, msg="a clear message, not a server error"):
                    self._request([dict(unit, serial="PT-ELSEWHERE", quantity=quantity)], proofs=[("invoice.pdf", PDF)])
        with self.assertRaises(UserError):
            self._request([dict(unit, proof_date="yesterday")], proofs=[("invoice.pdf", PDF)])
        with self.assertRaises(UserError):
            self._request([{"product_id": "motor", "quantity": 1}], proofs=[("invoice.pdf", PDF)])
        with self.assertRaises(UserError, msg="delivered to another customer, in whatever case it is typed"):
            self._request([dict(unit, serial=" pt-elsewhere ")], proofs=[("invoice.pdf", PDF)])
        lot = self._stock_serials(self.motor, ["PT-BOUGHT-ELSEWHERE"])
        rma = self._request([dict(unit, serial=" pt-bought-elsewhere ")], proofs=[("invoice.pdf", PDF)]).sudo()
        self.assertEqual(rma.line_ids.lot_id, lot)
        self.assertFalse(rma.line_ids.delivery_record_id)
        self.assertEqual(rma.line_ids.proof_date, fields.Date.today())
        self.assertEqual(rma._portal_photos().mimetype, "application/pdf")

    def test_nothing_but_units_quantities_reason_description_and_files_comes_from_the_request(self):
        record = self._units(["PT-WHITELIST"])
        rma = self._request([{
            "record_id": record.id, "quantity": 1, "decision": "refund", "cause": "manufacturing",
            "delivery_record_id": self._units(["PT-OTHER"], partner=self.distributor).id,
        }]).sudo()
        self.assertEqual(rma.line_ids.delivery_record_id, record)
        self.assertFalse(rma.line_ids.decision or rma.line_ids.cause)
        with self.assertRaises(AccessError, msg="a reason that does not exist"):
            self._request([{"record_id": record.id, "quantity": 1}], reason_id=999999)

    def test_uploads_are_few_small_photos_or_pdf_documents(self):
        record = self._units(["PT-UPLOADS"])
        unit = [{"record_id": record.id, "quantity": 1}]
        before = self._count("aftersales.rma")
        with self.assertRaises(UserError, msg="an SVG runs script in a browser"):
            self._request(unit, photos=[("drawing.svg", SVG)])
        with self.assertRaises(UserError):
            self._request(unit, photos=[("page.html", b"<html><script>alert(1)</script></html>")])
        self.company.aftersales_portal_max_files = 2
        with self.assertRaises(UserError):
            self._request(unit, photos=[(f"{index}.png", PNG) for index in range(3)])
        with self.assertRaises(UserError, msg="photos and proofs count together"):
            self._request(unit, photos=[("a.png", PNG), ("b.png", PNG)], proofs=[("invoice.pdf", PDF)])
        with self.assertRaises(UserError, msg="a record id that is not a number"):
            self._request([{"record_id": "1 OR 1=1", "quantity": 1}])
        self.env["ir.config_parameter"].set_param("web.max_file_upload_size", len(PNG) - 1)
        with self.assertRaises(UserError):
            self._request(unit, photos=[("big.png", PNG)])
        self.assertEqual(self._count("aftersales.rma"), before)

    def test_the_public_user_asks_for_nothing(self):
        record = self._units(["PT-PUBLIC"])
        with self.assertRaises(AccessError):
            self.env["aftersales.rma"].with_user(self.env.ref("base.public_user"))._portal_request(
                [{"record_id": record.id, "quantity": 1}], reason_id=self.reason.id,
            )

    # Complaints -------------------------------------------------------------------------------

    def _submit(self, **values):
        values.setdefault("subject", "The motor hums")
        return self.portal_complaints._portal_submit(values)

    def test_a_complaint_sent_on_the_portal_runs_under_the_service_levels(self):
        record = self._units(["PT-HUM"])
        complaint = self._submit(
            record_id=str(record.id), kind="service_request", dimension="quality", description="It hums.",
            preferred_contact="mornings, +86 21 5555", preferred_onsite_start="2026-12-07T09:00",
            preferred_onsite_end="2026-12-07T12:00", state="closed", root_cause="none", partner_id=self.distributor.id,
        ).sudo()
        self.assertEqual((complaint.channel, complaint.partner_id, complaint.state), ("portal", self.customer, "new"))
        self.assertEqual((complaint.delivery_record_id, complaint.lot_id), (record, record.lot_id))
        self.assertEqual(complaint.contact_name, "Wang Fang")
        self.assertFalse(complaint.root_cause)
        self.assertTrue(complaint.response_deadline and complaint.onsite_deadline, "the service levels apply")
        self.assertEqual(complaint.preferred_onsite_start, datetime(2026, 12, 7, 9, 0), "the company works on UTC")
        self.assertEqual(complaint.activity_ids.summary, "Feedback sent on the portal")

    def test_a_complaint_about_another_customers_unit_is_refused(self):
        theirs = self._units(["PT-NOT-MINE"], partner=self.distributor)
        before = self._count("aftersales.complaint")
        with self.assertRaises(AccessError):
            self._submit(record_id=theirs.id)
        with self.assertRaises(UserError):
            self._submit(kind="bribe")
        with self.assertRaises(UserError):
            self._submit(subject=" ")
        with self.assertRaises(ValidationError):
            self._submit(preferred_onsite_start="2026-12-07T12:00", preferred_onsite_end="2026-12-07T09:00")
        with self.assertRaises(UserError):
            self.portal_complaints._portal_submit({"subject": "Drawing"}, photos=[("drawing.svg", SVG)])
        self.company.aftersales_portal_max_files = 1
        with self.assertRaises(UserError):
            self.portal_complaints._portal_submit({"subject": "Photos"}, photos=[("a.png", PNG), ("b.png", PNG)])
        self.assertEqual(self._count("aftersales.complaint"), before)

    def _resolved(self):
        complaint = self.env["aftersales.complaint"].create({
            "partner_id": self.customer.id, "subject": "Noise", "kind": "inquiry",
            "resolution": "<p>Bearing replaced.</p>", "date_received": fields.Datetime.subtract(
                fields.Datetime.now(), days=2,
            ),
        })
        complaint.action_acknowledge()
        complaint.action_resolve()
        return complaint

    def test_confirm_resolved_closes_as_the_closing_wizard_records_it(self):
        complaint = self._resolved()
        complaint.with_user(self.portal_user).sudo()._portal_confirm_resolved("Works fine.")
        self.assertEqual(complaint.state, "closed")
        self.assertEqual(complaint.customer_confirmation, "On the portal, by Wang Fang: Works fine.")
        with self.assertRaises(UserError, msg="answered once"):
            complaint.with_user(self.portal_user).sudo()._portal_confirm_resolved()
        with self.assertRaises(UserError, msg="a closed complaint is not reopened from the portal"):
            complaint.with_user(self.portal_user).sudo()._portal_not_solved("Changed my mind")
        self.assertEqual(complaint.state, "closed")

    def test_not_solved_reopens_with_the_resolution_clock_restarted(self):
        complaint = self._resolved()
        reopened = fields.Datetime.now()
        complaint.with_user(self.portal_user).sudo()._portal_not_solved("Still noisy.")
        self.assertEqual(complaint.state, "investigating")
        self.assertGreaterEqual(complaint.resolution_start, reopened, "the clock runs from the reopening")
        self.assertIn("Still noisy.", " ".join(complaint.message_ids.mapped("body")))
        self.assertEqual(complaint.message_ids[0].author_id, self.buyer)
        with self.assertRaises(UserError, msg="only a resolved complaint is answered"):
            complaint.with_user(self.portal_user).sudo()._portal_not_solved()

    # Surveys ----------------------------------------------------------------------------------

    def test_a_survey_is_answered_once_then_read_only(self):
        survey = self.env["aftersales.survey"].create({"partner_id": self.customer.id})
        levels = self.env["aftersales.satisfaction.level"].search([], limit=2)
        answers = {str(line.id): str(levels[0].id) for line in survey.line_ids}
        portal_survey = survey.with_user(self.portal_user).sudo()
        with self.assertRaises(UserError, msg="an item left out"):
            portal_survey._portal_answer(dict(list(answers.items())[1:]))
        with self.assertRaises(UserError, msg="a line of another survey"):
            portal_survey._portal_answer({**answers, "999999": str(levels[0].id)})
        with self.assertRaises(AccessError, msg="a level that does not exist"):
            portal_survey._portal_answer({**answers, str(survey.line_ids[0].id): "999999"})
        portal_survey._portal_answer(answers, "Keep it up")
        self.assertEqual((survey.state, survey.comments, survey.date), ("done", "Keep it up", fields.Date.today()))
        self.assertEqual(survey.line_ids.level_id, levels[0])
        with self.assertRaises(UserError):
            portal_survey._portal_answer({str(line.id): str(levels[1].id) for line in survey.line_ids})
        self.assertEqual(survey.line_ids.level_id, levels[0])


    def test_the_rma_page_shows_its_own_credit_notes_only(self):
        order, lots = self._sell_and_deliver(["PT-CN-1", "PT-CN-2"])
        rmas = [self._new_rma(order, lot) for lot in lots]
        for rma in rmas:
            self._approve_and_receive(rma)
            self._inspect(rma, [{"cause": "nonconformity"}])
            self._decide_and_process(rma, [{"decision": "refund"}])
        first, second = (rma._portal_documents() for rma in rmas)
        self.assertEqual(first["credit_notes"], rmas[0].account_move_ids)
        self.assertEqual(second["credit_notes"], rmas[1].account_move_ids)
        self.assertFalse(first["credit_notes"] & second["credit_notes"])
        self.assertEqual(first["receipts"], rmas[0].picking_ids.filtered(lambda p: p.aftersales_rma_role == "receipt"))

    # Repair quotations -----------------------------------------------------------------------

    def test_a_repair_quotation_accepted_on_the_portal_is_billed_as_accepted(self):
        order, lots = self._sell_and_deliver(["PT-QUOTE"])
        self._stock_quantity(self.spare_part, 5.0)
        rma = self._new_rma(order, lots)
        self._approve_and_receive(rma)
        self._inspect(rma, [{"cause": "wear"}])
        self._decide_and_process(rma, [{"decision": "repair", "repair_hours": 2.5}])
        line = rma.line_ids
        repair = line.repair_id
        with Form(repair) as repair_form:
            with repair_form.move_ids.new() as move:
                move.product_id = self.spare_part
                move.product_uom_qty = 1
        repair.action_create_sale_order()
        quotation = repair.sale_order_id
        self.assertEqual(rma._portal_documents()["quotations"], quotation)
        # The customer signs and accepts it on Odoo's sale portal.
        quotation.with_user(self.portal_user).sudo().action_confirm()
        self._finish_repair(line)
        invoice = rma.account_move_ids.filtered(lambda move: move.move_type == "out_invoice")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_line_ids.product_id, self.spare_part, "no labour added after acceptance")
        self.assertEqual(quotation.order_line.product_id, self.spare_part)


@tagged("post_install", "-at_install")
class TestPortalAccess(PortalCase):
    """What a portal user reads and writes through the ORM, as a JSON-RPC client would."""

    def test_a_customer_reads_their_own_documents_only_and_writes_none(self):
        ours, theirs = self._units(["PA-OURS"]), self._units(["PA-THEIRS"], partner=self.distributor)
        records = self.env["aftersales.delivery.record"].with_user(self.portal_user)
        self.assertEqual(records.search([]), ours)
        with self.assertRaises(AccessError):
            theirs.with_user(self.portal_user).read(["quantity"])
        with self.assertRaises(AccessError):
            ours.with_user(self.portal_user).write({"acceptance_note": "Accepted in full"})
        rma = self._new_rma(theirs.sale_order_id, theirs.lot_id)
        rma.message_subscribe(self.buyer.ids)
        with self.assertRaises(AccessError, msg="following a document does not make it yours"):
            rma.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.env["aftersales.rma"].with_user(self.portal_user).create({"partner_id": self.customer.id})

    def test_a_customer_of_another_company_sees_none_of_ours(self):
        ours = self._units(["PA-COMPANY"])
        other_company = self.env["res.company"].create({"name": "Second Plant Co"})
        contact = self.env["res.partner"].create({"name": "Buyer at the other plant", "parent_id": self.customer.id})
        outsider = new_test_user(
            self.env, "as_portal_other_company", groups="base.group_portal", partner_id=contact.id,
            company_id=other_company.id, company_ids=[fields.Command.set(other_company.ids)],
        )
        records = self.env["aftersales.delivery.record"].with_user(outsider)
        self.assertFalse(records.search([]), "the multi-company rules hold for portal users too")
        with self.assertRaises(AccessError):
            ours.with_user(outsider).read(["quantity"])

    def test_internal_findings_are_hidden_from_customers(self):
        record = self._units(["PA-FINDINGS"])
        complaint = self.env["aftersales.complaint"].create({
            "partner_id": self.customer.id, "root_cause": "Varnish not cured", "responsibility": "department",
        })
        rma = self._new_rma(record.sale_order_id, record.lot_id)
        for document, fname in [(complaint, "root_cause"), (complaint, "responsibility"), (rma.line_ids, "cause"),
                                (rma.line_ids, "override_reason"), (record, "lateness_reason"),
                                (complaint, "activity_ids"), (rma, "can_approve")]:
            with self.subTest(field=fname), self.assertRaises(AccessError):
                document.with_user(self.portal_user).read([fname])
            self.assertNotIn(fname, document.with_user(self.portal_user).fields_get())
        self.assertEqual(complaint.with_user(self.portal_user).read(["name"])[0]["name"], complaint.name)
        self.assertIn("root_cause", complaint.with_user(self.coordinator).fields_get())

    def test_customers_read_the_listed_fields_only(self):
        mixin = self.env.registry["aftersales.portal.fields.mixin"]
        for name in mixin._inherit_children:
            documents = self.env[name]
            with self.subTest(model=name):
                readable = set(documents.with_user(self.portal_user).fields_get())
                listed = documents._portal_readable_names()
                self.assertLessEqual(readable, listed, "the listed fields, no other")
                self.assertTrue(readable, "the customer reads the listed fields")
                hidden = set(documents._fields) - listed
                self.assertTrue(hidden, "what is not listed is hidden")
                self.assertTrue(hidden & set(documents.with_user(self.coordinator).fields_get()), "not from our users")

    def test_a_document_given_to_another_customer_gets_a_new_token(self):
        complaint = self.env["aftersales.complaint"].create({"partner_id": self.customer.id})
        token = complaint._portal_ensure_token()
        complaint.write({"contact_name": "Li"})
        self.assertEqual(complaint.access_token, token)
        complaint.partner_id = self.distributor
        self.assertTrue(complaint.access_token)
        self.assertNotEqual(complaint.access_token, token)

    def test_photo_links_are_signed_for_one_photo_and_expire(self):
        record = self._units(["PA-PHOTO"])
        rma = self.env["aftersales.rma"].with_user(self.portal_user)._portal_request(
            [{"record_id": record.id, "quantity": 1}], reason_id=self.reason.id, photos=[("a.png", PNG)],
        ).sudo()
        photo = rma._portal_photos()
        _path, model, attachment_id, expiry, signature = rma._portal_photo_url(photo).rsplit("/", 4)
        rmas = self.env["aftersales.rma"]
        self.assertEqual(rmas._portal_photo_check(int(attachment_id), int(expiry), signature), photo)
        self.assertEqual(model, "aftersales.rma")
        self.assertFalse(rmas._portal_photo_check(int(attachment_id), int(expiry) + 1, signature), "expiry is signed")
        self.assertFalse(rmas._portal_photo_check(int(attachment_id) + 1, int(expiry), signature))
        self.assertFalse(self.env["aftersales.complaint"]._portal_photo_check(int(attachment_id), int(expiry), signature))
        past = int(time.time()) - 10
        self.assertFalse(rmas._portal_photo_check(photo.id, past, rma._portal_photo_signature(photo.id, past)))
        # A complaint given to another customer drops the links of its former customer.
        complaint = self.env["aftersales.complaint"].with_user(self.portal_user)._portal_submit(
            {"subject": "Scratched housing"}, photos=[("scratch.png", PNG)],
        ).sudo()
        complaint._portal_ensure_token()
        photo = complaint._portal_photos()
        _path, _model, attachment_id, expiry, signature = complaint._portal_photo_url(photo).rsplit("/", 4)
        complaints = self.env["aftersales.complaint"]
        self.assertEqual(complaints._portal_photo_check(photo.id, int(expiry), signature), photo)
        complaint.with_env(self.env).partner_id = self.distributor
        self.assertFalse(complaints._portal_photo_check(photo.id, int(expiry), signature))

    def test_every_customer_email_carries_the_portal_button(self):
        record = self._units(["PA-MAIL"])
        rma = self._new_rma(record.sale_order_id, record.lot_id)
        complaint = self.env["aftersales.complaint"].create({"partner_id": self.customer.id})
        survey = self.env["aftersales.survey"].create({"partner_id": self.customer.id})
        for document in (rma, complaint, survey):
            for key in document._aftersales_mail_templates:
                with self.subTest(model=document._name, email=key):
                    document.with_context(mail_notify_force_send=False)._post_customer_email(
                        document._mail_template(key)
                    )
                    mail = self.env["mail.mail"].search([("model", "=", document._name), ("res_id", "=", document.id)],
                                                        order="id desc", limit=1)
                    self.assertIn("/mail/view?", mail.body_html)
                    self.assertIn(f"res_id={document.id}", mail.body_html)
                    self.assertIn(f"access_token={document.access_token}", mail.body_html)
                    self.assertEqual(mail.recipient_ids, self.customer)
