from werkzeug.urls import url_encode

from odoo import http
from odoo.fields import Domain
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import content_disposition, request

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
from odoo.addons.portal.controllers.portal import (  # pylint: disable=import-error,no-name-in-module
    CustomerPortal, pager as portal_pager,
)

# The documents a customer follows on the portal: the counter of their tile and their model (docs/portal.md §1).
PORTAL_DOCUMENTS = {
    "aftersales_unit_count": "aftersales.delivery.record",
    "aftersales_rma_count": "aftersales.rma",
    "aftersales_complaint_count": "aftersales.complaint",
    "aftersales_survey_count": "aftersales.survey",
}
# Where a refused request's message waits for the page it returns to: never in the URL, where anybody could
# write one.
ERROR_KEY = "aftersales_portal_error"
# The documents whose photos the portal shows through signed links (docs/portal.md §7).
PHOTO_MODELS = ("aftersales.rma", "aftersales.complaint")


class AftersalesCustomerPortal(CustomerPortal):
    """The customer's after-sales pages: units, returns, complaints and surveys (docs/portal.md).

    Every page starts from the signed-in customer or from a document checked with its token; every id a form
    posts is re-read by the model as the portal user, and only the model's final write lifts the rights.
    """

    # Home -------------------------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        customer = request.env.user.partner_id.commercial_partner_id
        for counter, model in self._aftersales_portal_documents().items():
            if counter in counters:
                documents = request.env[model]
                values[counter] = documents.search_count(self._aftersales_domain(model, customer)) if (
                    documents.has_access("read")
                ) else 0
        return values

    def _aftersales_portal_documents(self):
        """The counter of each tile of the customer's home and the model it counts; addons add theirs."""
        return dict(PORTAL_DOCUMENTS)

    def _aftersales_domain(self, model, customer):
        """The customer's own documents of ``model``: cancelled ones are not followed, units that came back to us
        for good are not listed (docs/portal.md §1, §2)."""
        if model == "aftersales.delivery.record":
            return [("partner_id", "=", customer.id), ("qty_with_customer", ">", 0)]
        return [("partner_id", "=", customer.id), ("state", "!=", "cancel")]

    # Shared -----------------------------------------------------------------------------------

    def _aftersales_document(self, model, document_id, access_token=None):
        """The document the request names, checked with the visitor's rights or its token, for the final write
        as the visitor with rights lifted (never as the superuser: what they upload stays theirs); nothing when
        the visitor may not see it."""
        try:
            checked = self._document_check_access(model, document_id, access_token=access_token)
        except (AccessError, MissingError):
            return request.env[model]
        return request.env[model].sudo().browse(checked.id)

    def _aftersales_list(self, model, url, page, sortby, sortings, search_domain=None, search=None):
        """Values of a paged list of the customer's documents."""
        customer = request.env.user.partner_id.commercial_partner_id
        documents = request.env[model]
        sortby = sortby if sortby in sortings else next(iter(sortings))
        domain = Domain(self._aftersales_domain(model, customer)) & Domain(search_domain or Domain.TRUE)
        pager = portal_pager(
            url=url, total=documents.search_count(domain), page=page, step=self._items_per_page,
            url_args={"sortby": sortby, "search": search or ""},
        )
        records = documents.search(
            domain, order=sortings[sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update({
            "documents": records.sudo(), "pager": pager, "default_url": url, "sortby": sortby,
            "searchbar_sortings": sortings, "search": search or "",
        })
        return values

    def _aftersales_list_page(self, model, url, page, sortby, sortings, page_name, template):
        """A paged list of the customer's documents, remembered for the pager of their pages."""
        values = self._aftersales_list(model, url, page, sortby, sortings)
        values["page_name"] = page_name
        request.session[f"my_{page_name}_history"] = values["documents"].ids[:100]
        return request.render(template, values)

    def _aftersales_page(self, document_sudo, access_token, history_key, values, **params):
        """Values of a document's page, with its chatter (and the e-mail link's signature of the customer,
        ``pid`` and ``hash``), the pager through the customer's list and the message of a request just refused."""
        values = {**self._prepare_portal_layout_values(), **values, "error": request.session.pop(ERROR_KEY, None)}
        signature = {key: params[key] for key in ("pid", "hash") if params.get(key)}
        return self._get_page_view_values(document_sudo, access_token, values, history_key, False, **signature)

    def _aftersales_redirect(self, document, access_token, message=None, error=None):
        """Back to the document's page, with the visitor's token and what to tell them."""
        if error:
            request.session[ERROR_KEY] = error
        params = {key: value for key, value in (("access_token", access_token), ("message", message)) if value}
        return request.redirect(f"{document.access_url}?{url_encode(params)}")

    def _aftersales_report(self, document_sudo, report_type, report_ref, download):
        """The customer's copy of ``document_sudo``, printed in the language the visitor reads the portal in
        (docs/portal.md §4)."""
        request.update_context(aftersales_report_lang=request.env.lang)
        return self._show_report(model=document_sudo, report_type=report_type, report_ref=report_ref, download=download)

    def _aftersales_units(self, ids):
        """The signed-in customer's units among ``ids``."""
        customer = request.env.user.partner_id.commercial_partner_id
        ids = [int(unit_id) for unit_id in ids if str(unit_id).isdigit()]
        return request.env["aftersales.delivery.record"].search([("id", "in", ids), ("partner_id", "=", customer.id)])

    def _aftersales_uploads(self, name):
        """The files posted in the form field ``name``: ``(file name, bytes)``."""
        return [(upload.filename, upload.read()) for upload in request.httprequest.files.getlist(name)]

    def _aftersales_error(self, error):
        """The message a refused request shows: the model's own words."""
        return error.args[0] if error.args else str(error)

    # Units ------------------------------------------------------------------------------------

    def _aftersales_unit_sortings(self):
        return {
            "date": {"label": request.env._("Delivered On"), "order": "delivery_date desc, id desc"},
            "warranty": {"label": request.env._("Warranty End"), "order": "warranty_end_date desc, id desc"},
            "product": {"label": request.env._("Product"), "order": "product_id, delivery_date desc, id desc"},
        }

    @http.route(["/my/units", "/my/units/page/<int:page>"], type="http", auth="user", website=True, readonly=True)
    def portal_my_units(self, page=1, sortby=None, search=None, **_kw):
        records = request.env["aftersales.delivery.record"]
        values = self._aftersales_list(
            records._name, "/my/units", page, sortby, self._aftersales_unit_sortings(),
            search_domain=records._portal_search_domain(search), search=search,
        )
        values.update({
            "page_name": "aftersales_units",
            # A cancelled or closed recall asks nothing more of the customer.
            "recall_notices": request.env["aftersales.recall.notice"].search([
                ("partner_id", "=", request.env.user.partner_id.commercial_partner_id.id), ("state", "=", "sent"),
            ]).sudo().filtered("can_acknowledge"),
            "open_documents": values["documents"]._portal_open_documents(),
            "searchbar_inputs": {"serial": {"input": "serial", "label": request.env._("Search in Serial Numbers")}},
            "search_in": "serial",
        })
        return request.render("aftersales_service.portal_my_units", values)

    @http.route(["/my/units/<int:record_id>"], type="http", auth="user", website=True, readonly=True)
    def portal_my_unit(self, record_id, **_kw):
        record_sudo = self._aftersales_document("aftersales.delivery.record", record_id)
        if not record_sudo:
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "aftersales_unit",
            "record": record_sudo,
            "warranty": record_sudo._portal_warranty(),
            "timeline": request.env["aftersales.unit.history"].sudo()._prepare_timeline(record_sudo, portal=True),
            "recall_units": record_sudo._portal_recalls(),
            "returnable": record_sudo._returnable_quantity(),
        })
        return request.render("aftersales_service.portal_my_unit", values)

    # RMAs -------------------------------------------------------------------------------------

    def _aftersales_rma_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, date desc"},
        }

    @http.route(["/my/rmas", "/my/rmas/page/<int:page>"], type="http", auth="user", website=True, readonly=True)
    def portal_my_rmas(self, page=1, sortby=None, **_kw):
        return self._aftersales_list_page(
            "aftersales.rma", "/my/rmas", page, sortby, self._aftersales_rma_sortings(),
            "aftersales_rmas", "aftersales_service.portal_my_rmas",
        )

    @http.route(["/my/rmas/<int:rma_id>"], type="http", auth="public", website=True, readonly=True)
    def portal_my_rma(self, rma_id, access_token=None, report_type=None, download=False, message=None, **kwargs):
        rma_sudo = self._aftersales_document("aftersales.rma", rma_id, access_token)
        if not rma_sudo:
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            if not rma_sudo.can_print_authorization:
                return self._aftersales_redirect(rma_sudo, access_token, error=request.env._(
                    "The return authorization is printed once the return is approved."
                ))
            return self._aftersales_report(rma_sudo, report_type, "aftersales_service.action_report_rma_authorization", download)
        values = self._aftersales_page(rma_sudo, access_token, "my_aftersales_rmas_history", {
            "page_name": "aftersales_rma", "rma": rma_sudo, "documents": rma_sudo._portal_documents(),
            "photos": rma_sudo._portal_photos(), "message": message,
        }, **kwargs)
        return request.render("aftersales_service.portal_my_rma", values)

    @http.route(["/my/rmas/<int:rma_id>/shipment"], type="http", auth="public", website=True, methods=["POST"])
    def portal_rma_shipment(self, rma_id, access_token=None, carrier=None, tracking_ref=None, **_kw):
        """The customer's shipment of the units: carrier and tracking number (docs/portal.md §4)."""
        return self._aftersales_respond(
            "aftersales.rma", rma_id, access_token,
            lambda rma_sudo: rma_sudo._portal_give_shipment(carrier, tracking_ref),
        )

    @http.route(["/my/rmas/<int:rma_id>/transfer/<int:picking_id>"], type="http", auth="public", website=True,
                readonly=True)
    def portal_my_rma_transfer(self, rma_id, picking_id, access_token=None, **_kw):
        """The slip of a receipt or delivery of the RMA: the transfer must be one the RMA shows."""
        rma_sudo = self._aftersales_document("aftersales.rma", rma_id, access_token)
        if not rma_sudo:
            return request.redirect("/my")
        documents = rma_sudo._portal_documents()
        picking_sudo = (documents["receipts"] | documents["deliveries"]).filtered(lambda p: p.id == picking_id)
        if not picking_sudo:
            return request.redirect("/my")
        pdf = request.env["ir.actions.report"].sudo().with_company(picking_sudo.company_id)._render_qweb_pdf(
            "stock.action_report_delivery", picking_sudo.ids
        )[0]
        return request.make_response(pdf, headers=[
            ("Content-Type", "application/pdf"), ("Content-Length", len(pdf)),
            ("Content-Disposition", content_disposition(f"{picking_sudo.name.replace('/', '_')}.pdf")),
        ])

    @http.route(["/my/rmas/new"], type="http", auth="user", website=True, methods=["GET"], readonly=True)
    def portal_rma_new(self, **_kw):
        records = self._aftersales_units(request.httprequest.args.getlist("unit_ids"))
        return request.render("aftersales_service.portal_rma_new", self._aftersales_rma_form_values(records))

    def _aftersales_rma_form_values(self, records, error=None, posted=None):
        records_sudo = records.sudo()
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "aftersales_rma_new",
            "units": [(record_sudo, record_sudo._returnable_quantity()) for record_sudo in records_sudo],
            "reasons": request.env["aftersales.rma.reason"].search([]),
            "products": request.env["product.product"].sudo().search(
                [("sale_ok", "=", True), ("type", "=", "consu"),
                 ("company_id", "in", [False, request.env.company.id])], limit=200,
            ),
            "error": error,
            "posted": posted or {},
            "max_files": request.env.company.aftersales_portal_max_files,
        })
        return values

    @http.route(["/my/rmas/new"], type="http", auth="user", website=True, methods=["POST"])
    def portal_rma_submit(self, **post):
        """A return request: the units ticked, each with its quantity; or a unit we have no record of."""
        record_ids = [int(key[5:]) for key in post if key.startswith("unit_") and key[5:].isdigit()]
        units = [{"record_id": record_id, "quantity": post.get(f"qty_{record_id}")} for record_id in record_ids]
        if post.get("other_product_id"):
            units.append({
                "product_id": post.get("other_product_id"), "serial": post.get("other_serial"),
                "quantity": post.get("other_quantity") or 1, "proof_date": post.get("other_proof_date"),
            })
        try:
            with request.env.cr.savepoint():
                rma = request.env["aftersales.rma"]._portal_request(
                    units, reason_id=post.get("reason_id"), description=post.get("description"),
                    photos=self._aftersales_uploads("photos"), proofs=self._aftersales_uploads("proofs"),
                )
        except UserError as error:
            return request.render("aftersales_service.portal_rma_new", self._aftersales_rma_form_values(
                self._aftersales_units(record_ids), error=self._aftersales_error(error), posted=post,
            ))
        return self._aftersales_redirect(rma, None, message="sent")

    # Complaints -------------------------------------------------------------------------------

    def _aftersales_complaint_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date_received desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, date_received desc"},
        }

    @http.route(["/my/complaints", "/my/complaints/page/<int:page>"], type="http", auth="user", website=True,
                readonly=True)
    def portal_my_complaints(self, page=1, sortby=None, **_kw):
        return self._aftersales_list_page(
            "aftersales.complaint", "/my/complaints", page, sortby, self._aftersales_complaint_sortings(),
            "aftersales_complaints", "aftersales_service.portal_my_complaints",
        )

    @http.route(["/my/complaints/<int:complaint_id>"], type="http", auth="public", website=True, readonly=True)
    def portal_my_complaint(self, complaint_id, access_token=None, message=None, **kwargs):
        complaint_sudo = self._aftersales_document("aftersales.complaint", complaint_id, access_token)
        if not complaint_sudo:
            return request.redirect("/my")
        values = self._aftersales_page(complaint_sudo, access_token, "my_aftersales_complaints_history", {
            "page_name": "aftersales_complaint", "complaint": complaint_sudo, "photos": complaint_sudo._portal_photos(),
            "message": message,
        }, **kwargs)
        return request.render("aftersales_service.portal_my_complaint", values)

    @http.route(["/my/complaints/new"], type="http", auth="user", website=True, methods=["GET"], readonly=True)
    def portal_complaint_new(self, unit_id=None, **_kw):
        return request.render("aftersales_service.portal_complaint_new", self._aftersales_complaint_form_values(
            posted={"record_id": unit_id},
        ))

    def _aftersales_complaint_form_values(self, error=None, posted=None):
        posted = posted or {}
        unit = self._aftersales_units([posted.get("record_id") or 0])
        complaints = request.env["aftersales.complaint"]
        values = self._prepare_portal_layout_values()
        customer = request.env.user.partner_id.commercial_partner_id
        values.update({
            "page_name": "aftersales_complaint_new",
            "unit": unit.sudo(),
            # Without a unit chosen on its page, the customer picks one of those still with them (the latest first).
            "units": unit or request.env["aftersales.delivery.record"].search(
                [("partner_id", "=", customer.id), ("qty_with_customer", ">", 0)],
                order="delivery_date desc, id desc", limit=request.env.company.aftersales_portal_unit_choices,
            ).sudo(),
            "kinds": complaints._fields["kind"]._description_selection(request.env),
            "dimensions": complaints._fields["dimension"]._description_selection(request.env),
            "error": error,
            "posted": posted,
            "max_files": request.env.company.aftersales_portal_max_files,
        })
        return values

    @http.route(["/my/complaints/new"], type="http", auth="user", website=True, methods=["POST"])
    def portal_complaint_submit(self, **post):
        try:
            with request.env.cr.savepoint():
                complaint = request.env["aftersales.complaint"]._portal_submit(
                    post, photos=self._aftersales_uploads("photos")
                )
        except UserError as error:
            return request.render("aftersales_service.portal_complaint_new", self._aftersales_complaint_form_values(
                error=self._aftersales_error(error), posted=post,
            ))
        return self._aftersales_redirect(complaint, None, message="sent")

    def _aftersales_respond(self, model, document_id, access_token, respond):
        """A customer's answer on a document's page (a resolution, an appointment, a visit's order), checked
        against the document's state by the model; back to the page with the model's refusal, if any."""
        document_sudo = self._aftersales_document(model, document_id, access_token)
        if not document_sudo:
            return request.redirect("/my")
        try:
            with request.env.cr.savepoint():
                respond(document_sudo)
        except (UserError, AccessError) as error:
            return self._aftersales_redirect(document_sudo, access_token, error=self._aftersales_error(error))
        return self._aftersales_redirect(document_sudo, access_token, message="answered")

    @http.route(["/my/complaints/<int:complaint_id>/confirm"], type="http", auth="public", website=True,
                methods=["POST"])
    def portal_complaint_confirm(self, complaint_id, access_token=None, note=None, **_kw):
        return self._aftersales_respond(
            "aftersales.complaint", complaint_id, access_token,
            lambda complaint_sudo: complaint_sudo._portal_confirm_resolved((note or "").strip()),
        )

    @http.route(["/my/complaints/<int:complaint_id>/reopen"], type="http", auth="public", website=True,
                methods=["POST"])
    def portal_complaint_reopen(self, complaint_id, access_token=None, comment=None, **_kw):
        return self._aftersales_respond(
            "aftersales.complaint", complaint_id, access_token,
            lambda complaint_sudo: complaint_sudo._portal_not_solved(comment),
        )

    # Surveys ----------------------------------------------------------------------------------

    def _aftersales_survey_sortings(self):
        return {"year": {"label": request.env._("Newest"), "order": "campaign_year desc, id desc"}}

    @http.route(["/my/surveys", "/my/surveys/page/<int:page>"], type="http", auth="user", website=True,
                readonly=True)
    def portal_my_surveys(self, page=1, sortby=None, **_kw):
        return self._aftersales_list_page(
            "aftersales.survey", "/my/surveys", page, sortby, self._aftersales_survey_sortings(),
            "aftersales_surveys", "aftersales_service.portal_my_surveys",
        )

    @http.route(["/my/surveys/<int:survey_id>"], type="http", auth="public", website=True, readonly=True)
    def portal_my_survey(self, survey_id, access_token=None, message=None, **kwargs):
        survey_sudo = self._aftersales_document("aftersales.survey", survey_id, access_token)
        if not survey_sudo:
            return request.redirect("/my")
        values = self._aftersales_page(survey_sudo, access_token, "my_aftersales_surveys_history", {
            "page_name": "aftersales_survey", "survey": survey_sudo, "message": message,
            "levels": request.env["aftersales.satisfaction.level"].sudo().search([]),
        }, **kwargs)
        return request.render("aftersales_service.portal_my_survey", values)

    @http.route(["/my/surveys/<int:survey_id>/answer"], type="http", auth="public", website=True, methods=["POST"])
    def portal_survey_answer(self, survey_id, access_token=None, comments=None, **post):
        survey_sudo = self._aftersales_document("aftersales.survey", survey_id, access_token)
        if not survey_sudo:
            return request.redirect("/my")
        answers = {key[6:]: value for key, value in post.items() if key.startswith("level_")}
        try:
            with request.env.cr.savepoint():
                survey_sudo._portal_answer(answers, comments)
        except UserError as error:
            return self._aftersales_redirect(survey_sudo, access_token, error=self._aftersales_error(error))
        return self._aftersales_redirect(survey_sudo, access_token, message="answered")

    # Recalls ----------------------------------------------------------------------------------

    @http.route(["/my/recalls/<int:notice_id>"], type="http", auth="public", website=True, readonly=True)
    def portal_my_recall(self, notice_id, access_token=None, message=None, **kwargs):
        notice_sudo = self._aftersales_document("aftersales.recall.notice", notice_id, access_token)
        if not notice_sudo:
            return request.redirect("/my")
        values = self._aftersales_page(notice_sudo, access_token, "my_aftersales_recalls_history", {
            "page_name": "aftersales_recall", "notice": notice_sudo, "message": message,
        }, **kwargs)
        return request.render("aftersales_service.portal_my_recall", values)

    @http.route(["/my/recalls/<int:notice_id>/acknowledge"], type="http", auth="public", website=True,
                methods=["POST"])
    def portal_recall_acknowledge(self, notice_id, access_token=None, **_kw):
        notice_sudo = self._aftersales_document("aftersales.recall.notice", notice_id, access_token)
        if not notice_sudo:
            return request.redirect("/my")
        try:
            with request.env.cr.savepoint():
                notice_sudo._portal_acknowledge()
        except UserError as error:
            return self._aftersales_redirect(notice_sudo, access_token, error=self._aftersales_error(error))
        return self._aftersales_redirect(notice_sudo, access_token, message="acknowledged")

    @http.route(["/my/recalls/<int:notice_id>/sites"], type="http", auth="public", website=True, methods=["POST"])
    def portal_recall_sites(self, notice_id, access_token=None, **post):
        notice_sudo = self._aftersales_document("aftersales.recall.notice", notice_id, access_token)
        if not notice_sudo:
            return request.redirect("/my")
        reports = {}
        for key, value in post.items():
            kind, _sep, unit_id = key.partition("_")
            if kind in ("user", "address") and unit_id.isdigit():
                name, address = reports.get(int(unit_id), ("", ""))
                reports[int(unit_id)] = (value, address) if kind == "user" else (name, value)
        try:
            with request.env.cr.savepoint():
                notice_sudo._portal_report_sites(reports)
        except UserError as error:
            return self._aftersales_redirect(notice_sudo, access_token, error=self._aftersales_error(error))
        return self._aftersales_redirect(notice_sudo, access_token, message="sites")

    # Photos -----------------------------------------------------------------------------------

    @http.route(["/my/aftersales/photo/<string:model>/<int:attachment_id>/<int:expiry>/<string:signature>"],
                type="http", auth="public", readonly=True)
    def portal_aftersales_photo(self, model, attachment_id, expiry, signature, **_kw):
        """A photo of a document, through the signed and expiring link its page gave (docs/portal.md §7)."""
        if model not in PHOTO_MODELS:
            raise request.not_found()
        attachment_sudo = request.env[model]._portal_photo_check(attachment_id, expiry, signature)
        if not attachment_sudo:
            raise request.not_found()
        return request.env["ir.binary"]._get_stream_from(attachment_sudo).get_response(
            as_attachment=attachment_sudo.mimetype == "application/pdf"
        )
