"""The customer portal's pages over HTTP, and in Chromium (static/tests/tours/aftersales_portal_tour.js): who
opens what, with or without a token, and what a forged request achieves (docs/portal.md §7)."""
import re

from lxml import etree

from odoo import http
from odoo.tests import HttpCase, tagged

from .common import PNG, PortalCase

MARKER = "INTERNAL-MARKER-7Q"


@tagged("post_install", "-at_install")
class TestPortalRoutes(PortalCase, HttpCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.unit, cls.spare_unit = cls._deliver_units(["PR-1", "PR-2"], cls.customer)
        cls.rival_unit = cls._deliver_units(["PR-RIVAL"], cls.distributor)
        cls.rma = cls._approved_rma(cls.portal_user, cls.unit)
        cls.rival_rma = cls._approved_rma(cls.rival_user, cls.rival_unit)
        cls.complaint = cls._resolved_complaint(cls.customer)
        cls.rival_complaint = cls._resolved_complaint(cls.distributor)
        cls.survey = cls.env["aftersales.survey"].create({"partner_id": cls.customer.id})
        cls.rival_survey = cls.env["aftersales.survey"].create({"partner_id": cls.distributor.id})

    # Helpers ----------------------------------------------------------------------------------

    def _as(self, user):
        self.authenticate(user.login if user else None, user.login if user else None)

    def _opens(self, url, text):
        """Whether the page at ``url`` shows ``text`` (a refused visitor is sent to /my or the login)."""
        response = self.url_open(url)

        self.assertLess(response.status_code, 500, url)
        return response.status_code == 200 and text in response.text

    def _post(self, url, data=None, files=None):
        return self.url_open(url, data={"csrf_token": http.Request.csrf_token(self), **(data or {})}, files=files)

    # Who opens what ---------------------------------------------------------------------------

    def test_every_page_opens_for_its_customer_or_its_token_only(self):
        documents = [(self.rma, self.rival_rma), (self.complaint, self.rival_complaint), (self.survey, self.rival_survey)]
        for own, rival in documents:
            url, token = own.access_url, own._portal_ensure_token()
            rival._portal_ensure_token()
            with self.subTest(document=own._name):
                self._as(None)
                self.assertFalse(self._opens(url, own.name), "public without token")
                self.assertFalse(self._opens(f"{url}?access_token=wrong-{token}", own.name), "wrong token")
                self.assertFalse(self._opens(f"{url}?access_token={rival.access_token}", own.name), "another's token")
                self.assertTrue(self._opens(f"{url}?access_token={token}", own.name), "right token")
                self._as(self.portal_user)
                self.assertTrue(self._opens(url, own.name), "owner")
                self.assertFalse(self._opens(rival.access_url, rival.name), "another customer's document")
                self._as(self.rival_user)
                self.assertFalse(self._opens(url, own.name), "the other customer")
                own.message_subscribe(self.rival_buyer.ids)
                self.assertFalse(self._opens(url, own.name), "a follower is not the owner")
        unit_url = f"/my/units/{self.unit.id}"
        self._as(None)
        self.assertFalse(self._opens(unit_url, "PR-1"))
        self._as(self.rival_user)
        self.assertFalse(self._opens(unit_url, "PR-1"))
        self._as(self.portal_user)
        self.assertTrue(self._opens(unit_url, "PR-1"))
        self.assertTrue(self._opens("/my/units?search=PR-2", f"/my/units/{self.spare_unit.id}"))
        self.assertFalse(self._opens("/my/units?search=PR-2", f"/my/units/{self.unit.id}\""))
        self.assertFalse(self._opens("/my/units?search=PR-RIVAL", f"/my/units/{self.rival_unit.id}"))

    def test_the_return_authorization_and_slips_are_served_for_the_rmas_own_transfers_only(self):
        # Odoo's tests print reports as HTML: the report's text tells what was served.
        token = self.rma._portal_ensure_token()
        self._as(None)
        self.assertTrue(self._opens(f"{self.rma.access_url}?access_token={token}&report_type=pdf",
                                    "Send the units to"))
        own_receipt = self.rma.picking_ids
        rival_receipt = self.rival_rma.picking_ids
        self.assertTrue(own_receipt and rival_receipt)
        self.assertTrue(self._opens(f"/my/rmas/{self.rma.id}/transfer/{own_receipt.id}?access_token={token}",
                                    own_receipt.name))
        # A customer holding their own RMA's token asks for another customer's delivery slip through it.
        self.assertFalse(self._opens(f"/my/rmas/{self.rma.id}/transfer/{rival_receipt.id}?access_token={token}",
                                     rival_receipt.name))
        self._as(self.rival_user)
        self.assertFalse(self._opens(f"/my/rmas/{self.rma.id}/transfer/{own_receipt.id}", own_receipt.name))
        self.assertFalse(self._opens(f"{self.rma.access_url}?report_type=pdf", "Send the units to"))
        self._as(self.portal_user)
        draft = self.env["aftersales.rma"].with_user(self.portal_user)._portal_request(
            [{"record_id": self.spare_unit.id, "quantity": 1}], reason_id=self.reason.id,
        )
        self.assertFalse(self._opens(f"{draft.access_url}?report_type=pdf", "Send the units to"), "not approved yet")
        self.assertTrue(self._opens(f"{draft.access_url}?report_type=pdf", "printed once the return is approved"))

    def test_cancelled_documents_are_not_listed_but_still_open(self):
        self.complaint._workflow().write({"state": "cancel"})
        self._as(self.portal_user)
        self.assertFalse(self._opens("/my/complaints", self.complaint.name))
        self.assertEqual(self.make_jsonrpc_request("/my/counters", {"counters": ["aftersales_complaint_count"]}),
                         {"aftersales_complaint_count": 0})
        self.assertTrue(self._opens(self.complaint.access_url, self.complaint.name))

    def test_a_unit_that_came_back_for_good_leaves_my_units_and_keeps_its_page(self):
        self._validate(self.rma.picking_ids)
        self._inspect(self.rma, [{"cause": "transport"}])
        self._decide_and_process(self.rma, [{"decision": "refund"}])
        self.assertEqual((self.rma.state, self.unit.qty_with_customer), ("done", 0.0))
        self._as(self.portal_user)
        self.assertFalse(self._opens("/my/units", f"/my/units/{self.unit.id}\""), "refunded: no longer theirs")
        self.assertTrue(self._opens("/my/units", f"/my/units/{self.spare_unit.id}\""))
        self.assertEqual(self.make_jsonrpc_request("/my/counters", {"counters": ["aftersales_unit_count"]}),
                         {"aftersales_unit_count": 1})
        page = self.url_open(f"/my/units/{self.unit.id}").text
        self.assertIn("came back to us for good", page, "its page stays, and no longer says it is covered")
        self.assertNotIn("In warranty.", page)
        self.assertIn(self.rma.name, page, "with its history")

    def test_serials_are_searched_in_any_case_and_without_spaces_around(self):
        self._as(self.portal_user)
        self.assertTrue(self._opens("/my/units?search=%20pr-2%20", f"/my/units/{self.spare_unit.id}"))

    def test_the_return_authorization_prints_in_the_language_of_its_reader(self):
        self._speak("zh_CN")
        self.customer.lang = "en_US"
        self.portal_user.lang = "zh_CN"
        self._as(self.portal_user)
        page = self.url_open(f"{self.rma.access_url}?report_type=html").content.decode()
        self.assertIn("产品寄回地址", page, "the portal user reads Chinese")
        self.assertNotIn("Send the units to", page)
        report = self.env["ir.actions.report"].with_user(self.manager)
        html = report._render_qweb_html("aftersales_service.action_report_rma_authorization", self.rma.ids)[0].decode()
        self.assertIn("Send the units to", html, "the back office prints in the customer's language")
        self.customer.lang = "zh_CN"
        self.portal_user.lang = "en_US"
        html = report._render_qweb_html("aftersales_service.action_report_rma_authorization", self.rma.ids)[0].decode()
        self.assertIn("产品寄回地址", html)
        self._as(self.portal_user)
        page = self.url_open(f"{self.rma.access_url}?report_type=html").content.decode()
        self.assertIn("Send the units to", page)

    def test_signing_in_the_portal_speaks_the_customers_language(self):
        self._speak("zh_CN")
        self.portal_user.lang = "zh_CN"
        # An earlier visit in English left the browser's language cookie on English.
        self.opener.cookies.set("frontend_lang", "en_US", domain="127.0.0.1", path="/")
        login = self.url_open("/web/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        self.url_open("/web/login", data={
            "login": self.portal_user.login, "password": self.portal_user.login, "csrf_token": csrf, "redirect": "/my",
        })
        self.assertIn("索赔日期", self.url_open("/my/rmas").text, "the customer's own language, not the cookie's")

    def test_the_customers_emails_show_in_the_portal_conversation(self):
        for document, key in ((self.rma, "approved"), (self.complaint, "resolved")):
            with self.subTest(model=document._name):
                template = document._mail_template(key)
                email = document.with_context(mail_notify_force_send=False)._post_customer_email(template)
                self.assertEqual(email.subject, template._render_field("subject", document.ids)[document.id])
                self._as(self.portal_user)
                fetched = self.make_jsonrpc_request("/mail/chatter_fetch", {
                    "thread_model": document._name, "thread_id": document.id,
                })
                self.assertIn(email.id, fetched["messages"])

    def test_counters_count_the_customers_own_documents(self):
        self._as(self.portal_user)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": [
            "aftersales_unit_count", "aftersales_rma_count", "aftersales_complaint_count", "aftersales_survey_count",
        ]})
        self.assertEqual(counters, {
            "aftersales_unit_count": 2, "aftersales_rma_count": 1, "aftersales_complaint_count": 1,
            "aftersales_survey_count": 1,
        })

    # Forged requests --------------------------------------------------------------------------

    def test_a_form_naming_another_customers_unit_or_fields_writes_nothing(self):
        self._as(self.portal_user)
        before = self.env["aftersales.rma"].search_count([])
        response = self._post("/my/rmas/new", {
            f"unit_{self.spare_unit.id}": "on", f"qty_{self.spare_unit.id}": "1",
            f"unit_{self.rival_unit.id}": "on", f"qty_{self.rival_unit.id}": "1", "reason_id": self.reason.id,
        })
        self.assertIn("o_aftersales_error", response.text)
        self.assertEqual(self.env["aftersales.rma"].search_count([]), before)
        response = self._post("/my/rmas/new", {
            f"unit_{self.spare_unit.id}": "on", f"qty_{self.spare_unit.id}": "2", "reason_id": self.reason.id,
        })
        self.assertIn("o_aftersales_error", response.text, "more than was delivered")
        self.assertEqual(self.env["aftersales.rma"].search_count([]), before)
        self._post("/my/rmas/new", {
            f"unit_{self.spare_unit.id}": "on", f"qty_{self.spare_unit.id}": "1", "reason_id": self.reason.id,
            "partner_id": self.distributor.id, "state": "done", "company_id": 999, "user_id": self.manager.id,
            "channel": "phone",
        })
        rma = self.env["aftersales.rma"].search([], order="id desc", limit=1)
        self.assertEqual(self.env["aftersales.rma"].search_count([]), before + 1)
        self.assertEqual((rma.partner_id, rma.state, rma.channel), (self.customer, "draft", "portal"))
        self.assertEqual((rma.company_id, rma.user_id), (self.company, self.company.aftersales_responsible_id))

    def test_on_a_phone_my_units_shows_the_serial_and_the_warranty_without_scrolling_sideways(self):
        self._as(self.portal_user)
        table = etree.fromstring(self.url_open("/my/units").text, etree.HTMLParser()).xpath("//table")[0]
        on_a_phone = [
            " ".join(cell.itertext()).strip()
            for cell in table.xpath(".//thead//th")
            if "d-none" not in (cell.get("class") or "").split()
        ]
        self.assertEqual(on_a_phone, ["Select", "Product", "Serial / Lot", "Warranty"])
        for row in table.xpath(".//tbody/tr"):
            shown = [cell for cell in row.xpath("./td") if "d-none" not in (cell.get("class") or "").split()]
            self.assertEqual(len(shown), 4, "each row's cells follow their headings")

    def test_writing_to_us_offers_the_customers_own_units_named_by_product_and_serial(self):
        self._as(self.portal_user)
        page = self.url_open("/my/complaints/new").text
        offered = re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', page)
        self.assertEqual({int(unit_id) for unit_id, _name in offered}, set((self.unit | self.spare_unit).ids),
                         "the customer's own units, not another customer's")
        self.assertIn(f"{self.motor.display_name} / PR-1", [name for _unit_id, name in offered])
        self.assertNotIn(self.unit.picking_id.name, page, "not named by our delivery's reference")
        self.company.aftersales_portal_unit_choices = 1
        self.assertEqual(len(re.findall(r'<option value="\d+"', self.url_open("/my/complaints/new").text)), 1)
        self._post("/my/complaints/new", {"subject": "Hums", "record_id": self.spare_unit.id})
        complaint = self.env["aftersales.complaint"].search([], order="id desc", limit=1)
        self.assertEqual((complaint.subject, complaint.delivery_record_id), ("Hums", self.spare_unit))
        response = self._post("/my/complaints/new", {"subject": "Forged", "record_id": self.rival_unit.id})
        self.assertIn("not yours", response.text)
        self.assertFalse(self.env["aftersales.complaint"].search([("subject", "=", "Forged")]), "nothing written")

    def test_the_customer_is_told_where_to_send_the_units_and_tells_us_the_shipment(self):
        self.rma.picking_ids.picking_type_id.warehouse_id.partner_id.write({"street": "1 Factory Road", "city": "Zibo"})
        self._as(self.portal_user)
        self.assertTrue(self._opens(self.rma.access_url, "1 Factory Road"), "the return address")
        response = self._post(f"{self.rma.access_url}/shipment", {"carrier": " SF Express ", "tracking_ref": " SF123 "})
        self.assertNotIn("o_aftersales_error", response.text)
        self.assertEqual((self.rma.customer_carrier, self.rma.customer_tracking_ref), ("SF Express", "SF123"))
        self.assertIn("SF123", self.rma.message_ids[0].tracking_value_ids.mapped("new_value_char"), "tracked")
        response = self._post(f"{self.rma.access_url}/shipment", {"carrier": "SF Express", "tracking_ref": "  "})
        self.assertIn("Give the tracking number", response.text)
        self._post(f"{self.rival_rma.access_url}/shipment", {"carrier": "Forged", "tracking_ref": "X1"})
        self.assertFalse(self.rival_rma.customer_tracking_ref, "another customer's RMA is not theirs to write")
        self._as(self.rival_user)
        self._post(f"{self.rival_rma.access_url}/shipment", {"tracking_ref": "R-77"})
        self.assertEqual(self.rival_rma.customer_tracking_ref, "R-77")
        for picking in self.rival_rma.picking_ids:
            picking.move_ids.picked = True
            picking.button_validate()
        self.assertEqual(self.rival_rma.state, "received")
        response = self._post(f"{self.rival_rma.access_url}/shipment", {"tracking_ref": "R-78"})
        self.assertIn("not awaited any more", response.text)
        self.assertEqual(self.rival_rma.customer_tracking_ref, "R-77")

    def test_state_changes_are_posted_by_the_complaints_customer(self):
        self._as(self.rival_user)
        url = f"/my/complaints/{self.complaint.id}/confirm"
        for get in (url, f"/my/complaints/{self.complaint.id}/reopen", f"/my/surveys/{self.survey.id}/answer"):
            with self.subTest(url=get):
                self.assertEqual(self.url_open(get).status_code, 405, f"a GET of {get} changes nothing")
        self._post(url)
        self._post(f"/my/complaints/{self.complaint.id}/reopen")
        self.assertEqual(self.complaint.state, "resolved", "another customer answers nothing")
        self._as(self.portal_user)
        response = self.url_open(url, data={"note": "no token"})
        self.assertEqual(response.status_code, 400, "a post without the form's CSRF token is refused")
        self.assertEqual(self.complaint.state, "resolved")
        self._post(f"/my/complaints/{self.complaint.id}/reopen", {"comment": "Still noisy"})
        self.assertEqual(self.complaint.state, "investigating")
        response = self._post(url)
        self.assertIn("not possible while", response.text, "confirmed only while resolved")
        self.assertEqual(self.complaint.state, "investigating")

    def test_a_survey_is_answered_from_the_invitation_link_without_an_account(self):
        self._as(None)
        level = self.env["aftersales.satisfaction.level"].search([], limit=1)
        answers = {f"level_{line.id}": level.id for line in self.survey.line_ids}
        self._post(f"/my/surveys/{self.survey.id}/answer", {"access_token": "wrong", **answers})
        self.assertEqual(self.survey.state, "draft")
        self._post(f"/my/surveys/{self.survey.id}/answer", {
            "access_token": self.survey._portal_ensure_token(), "comments": "By e-mail", **answers,
        })
        self.assertEqual((self.survey.state, self.survey.comments), ("done", "By e-mail"))
        self.assertEqual(self.survey.line_ids.level_id, level)

    # What a page shows ------------------------------------------------------------------------

    def test_no_internal_field_appears_on_any_portal_page(self):
        department = self.env["aftersales.department"].create({"name": f"{MARKER} department"})
        self.complaint._workflow().write({
            "root_cause": f"{MARKER} root cause", "department_id": department.id, "responsibility": "customer",
        })
        self.rma.line_ids._workflow().write({
            "inspection_note": f"{MARKER} inspection", "override_reason": f"{MARKER} override",
            "cause": "misuse", "department_id": department.id,
        })
        self.unit._workflow().write({"lateness_reason": f"{MARKER} lateness"})
        self.rma.message_post(body=f"{MARKER} internal note", subtype_xmlid="mail.mt_note")
        self._as(self.portal_user)
        pages = [
            "/my", "/my/units", f"/my/units/{self.unit.id}", "/my/rmas", self.rma.access_url,
            f"/my/rmas/new?unit_ids={self.spare_unit.id}", "/my/complaints", self.complaint.access_url,
            f"/my/complaints/new?unit_id={self.unit.id}", "/my/surveys", self.survey.access_url,
        ]
        token = self.rma._portal_ensure_token()
        receipt = self.rma.picking_ids
        token_pages = [
            f"{self.rma.access_url}?access_token={token}",
            f"{self.rma.access_url}?access_token={token}&report_type=pdf",
            f"/my/rmas/{self.rma.id}/transfer/{receipt.id}?access_token={token}",
            f"{self.complaint.access_url}?access_token={self.complaint._portal_ensure_token()}",
        ]
        for user, urls in ((self.portal_user, pages), (None, token_pages)):
            self._as(user)
            for url in urls:
                with self.subTest(url=url):
                    response = self.url_open(url)
                    self.assertEqual(response.status_code, 200)
                    self.assertNotIn("/web/login", response.url)
                    self.assertNotIn(MARKER, response.text)
                    self.assertNotIn("Customer Misuse", response.text)

    def test_the_customer_writes_in_the_documents_conversation_and_nobody_else(self):
        post = {"body": "Photos of the plate follow", "message_type": "comment", "subtype_xmlid": "mail.mt_comment"}
        self._as(self.rival_user)
        with self.assertRaises(Exception, msg="the thread is not found for another customer"):
            self.make_jsonrpc_request("/mail/message/post", {
                "thread_model": "aftersales.complaint", "thread_id": self.complaint.id,
                "post_data": dict(post, body="A rival's message"),
            })
        self.assertFalse(self.complaint.message_ids.filtered(lambda message: "rival" in message.body))
        self._as(self.portal_user)
        self.make_jsonrpc_request("/mail/message/post", {
            "thread_model": "aftersales.complaint", "thread_id": self.complaint.id, "post_data": post,
        })
        message = self.complaint.message_ids.filtered(lambda message: "plate follow" in message.body)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.buyer)

    def test_opening_a_page_changes_nothing_and_a_link_cannot_write_on_it(self):
        self._as(self.portal_user)
        rma = self.env["aftersales.rma"].with_user(self.portal_user)._portal_request(
            [{"record_id": self.spare_unit.id, "quantity": 1}], reason_id=self.reason.id,
        ).with_user(self.manager)
        rma.action_confirm()
        rma.sudo().access_token = False
        self.assertTrue(self._opens(rma.access_url, "Return authorization"))
        self.assertFalse(rma.sudo().access_token, "a page view shares nothing: no token is made")
        page = self.url_open(f"{self.complaint.access_url}?error=Call+us+at+555-0100").text
        # What the page says; Odoo's language selector, when several languages are active, repeats the query in
        # its links to the same page in another language.
        said = " ".join(etree.fromstring(page, etree.HTMLParser()).xpath("//body//text()"))
        self.assertNotIn("555-0100", said, "a link cannot put words on our page")

    def test_a_unit_given_to_another_customer_keeps_its_past_to_itself(self):
        self.rival_unit._workflow().write({"partner_id": self.customer.id})
        self._as(self.portal_user)
        for url in ("/my/units", f"/my/units/{self.rival_unit.id}"):
            with self.subTest(url=url):
                self.assertTrue(self._opens(url, "PR-RIVAL"))
                self.assertFalse(self._opens(url, self.rival_rma.name))

    def test_a_visitor_with_a_token_acts_for_the_document_not_as_the_public_user(self):
        self.company.aftersales_responsible_id = self.coordinator
        self._as(None)
        self._post(f"/my/complaints/{self.complaint.id}/confirm", {
            "access_token": self.complaint._portal_ensure_token(), "note": "Fine",
        })
        self.assertEqual(self.complaint.state, "closed")
        self.assertIn(self.customer.name, self.complaint.customer_confirmation)
        follow_up = self.env["aftersales.follow.up"].search([
            ("res_model", "=", "aftersales.complaint"), ("res_id", "=", self.complaint.id),
        ])
        self.assertTrue(follow_up)
        self.assertNotIn(follow_up.user_id, self.env.ref("base.public_user") | self.env.ref("base.user_root"))

    def test_photos_are_served_through_their_signed_link_only(self):
        self._as(self.portal_user)
        page = self.url_open(self.rma.access_url).text
        link = re.search(r'src="(/my/aftersales/photo/[^"]+)"', page).group(1)
        self._as(None)
        response = self.url_open(link)
        self.assertEqual((response.status_code, response.content), (200, PNG))
        self.assertEqual(self.url_open(link[:-4] + "0000").status_code, 404, "a forged signature")
        self.assertEqual(self.url_open(link.replace("aftersales.rma", "ir.attachment")).status_code, 404)

    # In Chromium ------------------------------------------------------------------------------

    def test_tour_rma_request_with_a_photo(self):
        rmas = self.env["aftersales.rma"].search([])
        self.start_tour("/my/units?search=PR-2", "aftersales_portal_rma_request", login=self.portal_user.login)
        rma = self.env["aftersales.rma"].search([]) - rmas
        self.assertEqual(len(rma), 1)
        self.assertEqual((rma.partner_id, rma.channel, rma.state), (self.customer, "portal", "draft"))
        self.assertEqual(rma.line_ids.delivery_record_id, self.spare_unit)
        self.assertEqual(rma.reason_id, self.reason)
        self.assertIn("stops after ten minutes", rma.description)
        self.assertEqual(rma._portal_photos().mapped("name"), ["stopped.png"])
        self.assertEqual(rma._portal_photos().raw, PNG)

    def test_tour_complaint_sent_from_a_unit(self):
        complaints = self.env["aftersales.complaint"].search([])
        self.start_tour(f"/my/units/{self.spare_unit.id}", "aftersales_portal_complaint", login=self.portal_user.login)
        complaint = self.env["aftersales.complaint"].search([]) - complaints
        self.assertEqual(len(complaint), 1)
        self.assertEqual((complaint.partner_id, complaint.channel, complaint.state), (self.customer, "portal", "new"))
        self.assertEqual((complaint.subject, complaint.dimension), ("Motor overheats", "quality"))
        self.assertEqual(complaint.delivery_record_id, self.spare_unit)
        self.assertEqual(complaint.preferred_contact, "Mornings, ask for Wang Fang")
        self.assertTrue(complaint.response_deadline)
        self.assertEqual(complaint._portal_photos().mapped("name"), ["hot.png"])

    def test_tour_resolution_confirmed(self):
        self.start_tour(self.complaint.access_url, "aftersales_portal_confirm_resolution", login=self.portal_user.login)
        self.assertEqual(self.complaint.state, "closed")
        self.assertEqual(self.complaint.customer_confirmation, "On the portal, by Wang Fang: Runs quietly now.")

    def test_tour_survey_answered_on_the_portal_and_from_the_email_link(self):
        self.start_tour(self.survey.access_url, "aftersales_portal_survey", login=self.portal_user.login)
        self.assertEqual((self.survey.state, self.survey.comments), ("done", "Quick service this year."))
        self.assertEqual(len(self.survey.line_ids.level_id), 1)
        rival = self.rival_survey
        self.start_tour(f"{rival.access_url}?access_token={rival._portal_ensure_token()}", "aftersales_portal_survey")
        self.assertEqual(rival.state, "done")
        self.assertIn("Answered on the portal.", " ".join(rival.message_ids.mapped("body")))


@tagged("post_install", "-at_install")
class TestPortalOnAPhone(PortalCase, HttpCase):
    """The customer's portal on a phone-size screen (static/tests/tours/aftersales_portal_tour.js)."""

    browser_size = "390x844"
    touch_enabled = True

    def test_tour_the_customer_gives_the_tracking_number_and_writes_about_a_unit_picked(self):
        unit, other = self._deliver_units(["PR-1", "PR-2"], self.customer)
        rma = self._approved_rma(self.portal_user, unit)
        rma._return_address().street = "1 Return Desk Road"
        self._resolved_complaint(self.customer)
        complaints = self.env["aftersales.complaint"].search([])
        self.start_tour(rma.access_url, "aftersales_portal_phone_shipment_and_message", login=self.portal_user.login)
        self.assertEqual((rma.customer_carrier, rma.customer_tracking_ref), ("SF Express", "SF1234567890"))
        complaint = self.env["aftersales.complaint"].search([]) - complaints
        self.assertEqual((complaint.subject, complaint.partner_id, complaint.channel), ("Noisy bearing", self.customer, "portal"))
        self.assertEqual(complaint.delivery_record_id, other, "the unit picked in the list")
