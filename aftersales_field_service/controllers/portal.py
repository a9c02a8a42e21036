from werkzeug.urls import url_encode

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
from odoo.addons.aftersales_service.controllers.portal import (  # pylint: disable=import-error,no-name-in-module
    AftersalesCustomerPortal,
)


class AftersalesFieldServicePortal(AftersalesCustomerPortal):
    """The customer's service visits: appointments to confirm or move, reports to sign, opinions to give
    (docs/portal.md §9)."""

    # Home -------------------------------------------------------------------------------------

    def _aftersales_portal_documents(self):
        return {**super()._aftersales_portal_documents(), "aftersales_visit_count": "aftersales.dispatch.order"}

    # Service visits ---------------------------------------------------------------------------

    def _aftersales_visit_sortings(self):
        return {
            "date": {"label": request.env._("Appointment"), "order": "appointment_start desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
        }

    @http.route(["/my/visits", "/my/visits/page/<int:page>"], type="http", auth="user", website=True, readonly=True)
    def portal_my_visits(self, page=1, sortby=None, **_kw):
        return self._aftersales_list_page(
            "aftersales.dispatch.order", "/my/visits", page, sortby, self._aftersales_visit_sortings(),
            "aftersales_visits", "aftersales_field_service.portal_my_visits",
        )

    @http.route(["/my/visits/<int:order_id>"], type="http", auth="public", website=True, readonly=True)
    def portal_my_visit(self, order_id, access_token=None, report_type=None, download=False, message=None, **kwargs):
        order_sudo = self._aftersales_document("aftersales.dispatch.order", order_id, access_token)
        # A visit still being planned is the dispatcher's, even from a link (docs/portal.md §9).
        if not order_sudo or order_sudo.state == "draft":
            return request.redirect("/my")
        if report_type in ("pdf", "html", "text"):
            return self._aftersales_report(
                order_sudo, report_type, "aftersales_field_service.action_report_dispatch_order", download
            )
        values = self._aftersales_page(order_sudo, access_token, "my_aftersales_visits_history", {
            "page_name": "aftersales_visit", "visit": order_sudo, "message": message,
            "levels": request.env["aftersales.satisfaction.level"].sudo().search([]),
        }, **kwargs)
        return request.render("aftersales_field_service.portal_my_visit", values)

    @http.route(["/my/visits/<int:order_id>/confirm"], type="http", auth="public", website=True, methods=["POST"])
    def portal_visit_confirm(self, order_id, access_token=None, **_kw):
        return self._aftersales_respond(
            "aftersales.dispatch.order", order_id, access_token, lambda order_sudo: order_sudo._portal_confirm_appointment(),
        )

    @http.route(["/my/visits/<int:order_id>/reschedule"], type="http", auth="public", website=True, methods=["POST"])
    def portal_visit_reschedule(self, order_id, access_token=None, reason=None, wished_start=None, wished_end=None,
                                **_kw):
        return self._aftersales_respond(
            "aftersales.dispatch.order", order_id, access_token,
            lambda order_sudo: order_sudo._portal_ask_reschedule(reason, wished_start, wished_end),
        )

    @http.route(["/my/visits/<int:order_id>/opinion"], type="http", auth="public", website=True, methods=["POST"])
    def portal_visit_opinion(self, order_id, access_token=None, level_id=None, comment=None, **_kw):
        return self._aftersales_respond(
            "aftersales.dispatch.order", order_id, access_token,
            lambda order_sudo: order_sudo._portal_opinion(level_id, comment),
        )

    @http.route(["/my/visits/<int:order_id>/sign"], type="jsonrpc", auth="public", website=True)
    def portal_visit_sign(self, order_id, access_token=None, name=None, signature=None):
        """The portal's signature form posts here: the answer tells the form what to show."""
        access_token = access_token or request.httprequest.args.get("access_token")
        order_sudo = self._aftersales_document("aftersales.dispatch.order", order_id, access_token)
        if not order_sudo:
            return {"error": request.env._("This visit is not yours to sign.")}
        try:
            with request.env.cr.savepoint():
                order_sudo._portal_sign(name, signature)
        except (UserError, ValueError, TypeError) as error:
            return {"error": self._aftersales_error(error)}
        query = url_encode({key: value for key, value in (("access_token", access_token), ("message", "signed")) if value})
        return {"force_refresh": True, "redirect_url": f"{order_sudo.access_url}?{query}"}
