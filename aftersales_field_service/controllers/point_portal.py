from werkzeug.urls import url_encode

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.http import request

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
from odoo.addons.aftersales_service.controllers.portal import ERROR_KEY  # pylint: disable=import-error,no-name-in-module
from odoo.addons.portal.controllers.portal import pager as portal_pager  # pylint: disable=import-error,no-name-in-module

from .portal import AftersalesFieldServicePortal

# The printed settlement a point downloads; the report may not be installed yet (docs/service-network.md §5).
SETTLEMENT_REPORT = "aftersales_field_service.action_report_service_settlement"
# The home's tiles of the network and what each counts.
POINT_COUNTERS = ("aftersales_point_visit_count", "aftersales_point_settlement_count", "aftersales_service_point_count")


class AftersalesServicePointPortal(AftersalesFieldServicePortal):
    """The portal of the service network (docs/service-network.md §5): the technicians of an outsourced point make
    their visits on it — confirm the appointment, check in, write the report, have the customer sign, check out —
    and read their point's settlements; customers find the approved points covering their region.

    Nothing of a request is trusted: the technician is the signed-in user, every visit or settlement a request names
    is read again as that user among their own, and the visit's model decides every step with its own guards, as the
    portal user; only its final write lifts the rights.
    """

    # Home -------------------------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if not any(counter in counters for counter in POINT_COUNTERS):
            return values
        technicians = self._aftersales_point_technicians()
        if "aftersales_point_visit_count" in counters:
            values["aftersales_point_visit_count"] = request.env["aftersales.dispatch.order"].search_count(
                self._aftersales_point_visit_domain(technicians)
            ) if technicians else 0
        if "aftersales_point_settlement_count" in counters:
            values["aftersales_point_settlement_count"] = request.env["aftersales.service.settlement"].search_count(
                self._aftersales_point_settlement_domain(technicians)
            ) if technicians else 0
        if "aftersales_service_point_count" in counters:
            values["aftersales_service_point_count"] = request.env["aftersales.service.point"].sudo().search_count(
                self._aftersales_covering_domain()
            )
        return values

    # Shared -----------------------------------------------------------------------------------

    def _aftersales_point_technicians(self):
        """The signed-in portal user as technician of an outsourced point: whom the point's pages are for; nobody
        else, not even an internal user."""
        user = request.env.user
        technicians = request.env["aftersales.technician"]
        if not user.share or user._is_public():
            return technicians
        # Who works for which point is the network's own record, which portal users do not read.
        return technicians.sudo().search([("user_id", "=", user.id), ("service_point_id.kind", "=", "outsourced")])

    def _aftersales_point_visit_domain(self, technicians):
        """The visits the technicians make, as technician or helper, once planned."""
        # The helpers of a visit are no field portal users read: the visits they help on are found with rights
        # lifted, as a subquery of the user's own search, which their record rules still judge.
        helped = request.env["aftersales.dispatch.order"].sudo()._search(Domain("helper_ids", "in", technicians.ids))
        return Domain("state", "!=", "draft") & (
            Domain("technician_id", "in", technicians.ids) | Domain("id", "in", helped)
        )

    def _aftersales_point_settlement_domain(self, technicians):
        """The confirmed settlements of the technicians' points."""
        return Domain("point_id", "in", technicians.service_point_id.ids) & Domain("state", "=", "confirmed")

    def _aftersales_point_visit(self, order_id):
        """The visit a request names, read again as the signed-in user among the visits they make; nothing when it
        is not one of them (another point's, ours, a customer's, a draft)."""
        technicians = self._aftersales_point_technicians()
        orders = request.env["aftersales.dispatch.order"]
        if not technicians:
            return orders
        return orders.search(Domain("id", "=", order_id) & self._aftersales_point_visit_domain(technicians), limit=1)

    def _aftersales_point_settlement(self, settlement_id):
        """The settlement a request names, read again as the signed-in user among their point's confirmed ones."""
        technicians = self._aftersales_point_technicians()
        settlements = request.env["aftersales.service.settlement"]
        if not technicians:
            return settlements
        return settlements.search(
            Domain("id", "=", settlement_id) & self._aftersales_point_settlement_domain(technicians), limit=1
        )

    def _aftersales_point_list(self, model, domain, url, page, sortby, sortings):
        """Values of a paged list of the point's documents, read as the signed-in user."""
        documents = request.env[model]
        sortby = sortby if sortby in sortings else next(iter(sortings))
        pager = portal_pager(
            url=url, total=documents.search_count(domain), page=page, step=self._items_per_page,
            url_args={"sortby": sortby},
        )
        records = documents.search(domain, order=sortings[sortby]["order"], limit=self._items_per_page,
                                   offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update({
            "documents": records.sudo(), "pager": pager, "default_url": url, "sortby": sortby,
            "searchbar_sortings": sortings, "error": request.session.pop(ERROR_KEY, None),
        })
        return values

    def _aftersales_point_redirect(self, url, message=None, error=None):
        """Back to a page of the point with what to tell: a message code in the link, a refusal in the session."""
        if error:
            request.session[ERROR_KEY] = error
        return request.redirect(f"{url}?{url_encode({'message': message})}" if message else url)

    def _aftersales_point_refused(self):
        """A visit or settlement that is not the user's: back to their visits, told the same whatever it is."""
        return self._aftersales_point_redirect("/my/point/visits", error=request.env._("This visit is not yours."))

    def _aftersales_point_act(self, order_id, act, message):
        """A step of the visit posted from its page: the visit read again as the technician, then the model's own
        guarded step on it, rights lifted for the write only; back to the page with the model's refusal, if any."""
        order = self._aftersales_point_visit(order_id)
        if not order:
            return self._aftersales_point_refused()
        url = f"/my/point/visits/{order.id}"
        try:
            with request.env.cr.savepoint():
                act(order.sudo())
        except (UserError, AccessError) as error:
            return self._aftersales_point_redirect(url, error=self._aftersales_error(error))
        return self._aftersales_point_redirect(url, message=message)

    # Service point visits ---------------------------------------------------------------------

    def _aftersales_point_visit_sortings(self):
        return {
            "date": {"label": request.env._("Appointment"), "order": "appointment_start desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
            "state": {"label": request.env._("Status"), "order": "state, appointment_start desc, id desc"},
        }

    @http.route(["/my/point/visits", "/my/point/visits/page/<int:page>"], type="http", auth="user", website=True,
                readonly=True)
    def portal_point_visits(self, page=1, sortby=None, **_kw):
        technicians = self._aftersales_point_technicians()
        if not technicians:
            return request.redirect("/my")
        values = self._aftersales_point_list(
            "aftersales.dispatch.order", self._aftersales_point_visit_domain(technicians), "/my/point/visits", page,
            sortby, self._aftersales_point_visit_sortings(),
        )
        values["page_name"] = "aftersales_point_visits"
        return request.render("aftersales_field_service.portal_point_visits", values)

    @http.route(["/my/point/visits/<int:order_id>"], type="http", auth="user", website=True, readonly=True)
    def portal_point_visit(self, order_id, message=None, **_kw):
        order = self._aftersales_point_visit(order_id)
        if not order:
            return self._aftersales_point_refused()
        order_sudo = order.sudo()
        outcomes = order_sudo._fields["outcome"]._description_selection(request.env)
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "aftersales_point_visit",
            "visit": order_sudo,
            "message": message,
            "error": request.session.pop(ERROR_KEY, None),
            "can_confirm": order_sudo._point_portal_can_confirm(),
            # Only an installation ends installed and accepted.
            "outcomes": [(key, label) for key, label in outcomes
                         if key != "installed" or order_sudo.service_type == "installation"],
        })
        return request.render("aftersales_field_service.portal_point_visit", values)

    @http.route(["/my/point/visits/<int:order_id>/confirm"], type="http", auth="user", website=True, methods=["POST"])
    def portal_point_visit_confirm(self, order_id, **_kw):
        return self._aftersales_point_act(order_id, lambda order_sudo: order_sudo._point_portal_confirm(), "confirmed")

    @http.route(["/my/point/visits/<int:order_id>/check_in"], type="http", auth="user", website=True, methods=["POST"])
    def portal_point_visit_check_in(self, order_id, **_kw):
        return self._aftersales_point_act(order_id, lambda order_sudo: order_sudo.action_check_in(), "checked_in")

    @http.route(["/my/point/visits/<int:order_id>/report"], type="http", auth="user", website=True, methods=["POST"])
    def portal_point_visit_report(self, order_id, **post):
        """The work report: the report's fields of the form, nothing else of what was posted."""
        names = request.env["aftersales.dispatch.order"]._point_portal_report_fields
        values = {name: post[name] for name in names if name in post}
        return self._aftersales_point_act(
            order_id, lambda order_sudo: order_sudo._point_portal_report(values), "reported"
        )

    @http.route(["/my/point/visits/<int:order_id>/sign"], type="jsonrpc", auth="user", website=True)
    def portal_point_visit_sign(self, order_id, name=None, signature=None):
        """The customer signs on the technician's tablet: the portal's signature form posts here."""
        order = self._aftersales_point_visit(order_id)
        if not order:
            return {"error": request.env._("This visit is not yours.")}
        try:
            with request.env.cr.savepoint():
                order.sudo()._point_portal_sign(name, signature)
        except (UserError, AccessError, ValueError, TypeError) as error:
            return {"error": self._aftersales_error(error)}
        return {"force_refresh": True, "redirect_url": f"/my/point/visits/{order.id}?message=signed"}

    @http.route(["/my/point/visits/<int:order_id>/check_out"], type="http", auth="user", website=True,
                methods=["POST"])
    def portal_point_visit_check_out(self, order_id, **_kw):
        return self._aftersales_point_act(order_id, lambda order_sudo: order_sudo.action_check_out(), "checked_out")

    # Service point settlements ----------------------------------------------------------------

    def _aftersales_point_settlement_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date_to desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name desc"},
        }

    def _aftersales_point_bill(self, settlement_sudo):
        """The settlement's vendor bill, when Odoo's invoice portal shows it to the signed-in user."""
        bill_sudo = settlement_sudo.bill_id
        if bill_sudo.state != "posted" or not request.env["account.move"].browse(bill_sudo.id).has_access("read"):
            return request.env["account.move"]
        return bill_sudo

    @http.route(["/my/point/settlements", "/my/point/settlements/page/<int:page>"], type="http", auth="user",
                website=True, readonly=True)
    def portal_point_settlements(self, page=1, sortby=None, **_kw):
        technicians = self._aftersales_point_technicians()
        if not technicians:
            return request.redirect("/my")
        values = self._aftersales_point_list(
            "aftersales.service.settlement", self._aftersales_point_settlement_domain(technicians),
            "/my/point/settlements", page, sortby, self._aftersales_point_settlement_sortings(),
        )
        values["page_name"] = "aftersales_point_settlements"
        return request.render("aftersales_field_service.portal_point_settlements", values)

    @http.route(["/my/point/settlements/<int:settlement_id>"], type="http", auth="user", website=True, readonly=True)
    def portal_point_settlement(self, settlement_id, **_kw):
        settlement = self._aftersales_point_settlement(settlement_id)
        if not settlement:
            return request.redirect("/my/point/settlements")
        settlement_sudo = settlement.sudo()
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "aftersales_point_settlement",
            "settlement": settlement_sudo,
            # The point's visits on it, whoever of the point made them.
            "lines": settlement_sudo.line_ids,
            "bill": self._aftersales_point_bill(settlement_sudo),
            "printable": bool(request.env.ref(SETTLEMENT_REPORT, raise_if_not_found=False)),
            "error": request.session.pop(ERROR_KEY, None),
        })
        return request.render("aftersales_field_service.portal_point_settlement", values)

    @http.route(["/my/point/settlements/<int:settlement_id>/pdf"], type="http", auth="user", website=True,
                readonly=True)
    def portal_point_settlement_pdf(self, settlement_id, **_kw):
        settlement = self._aftersales_point_settlement(settlement_id)
        if not settlement:
            return request.redirect("/my/point/settlements")
        if not request.env.ref(SETTLEMENT_REPORT, raise_if_not_found=False):
            return self._aftersales_point_redirect(
                f"/my/point/settlements/{settlement.id}",
                error=request.env._("The settlement cannot be printed yet."),
            )
        return self._aftersales_report(settlement.sudo(), "pdf", SETTLEMENT_REPORT, download=True)

    # Service points of the customer's region --------------------------------------------------

    def _aftersales_covering_domain(self):
        """The approved points covering the signed-in user's company's region, among the user's companies."""
        customer = request.env.user.partner_id.commercial_partner_id
        points = request.env["aftersales.service.point"]
        return Domain(points._covering_domain(customer)) & Domain("company_id", "in", request.env.user.company_ids.ids)

    def _aftersales_point_card(self, point_sudo):
        """What a customer reads of a point: its name, kind, address, phone, e-mail and the services it offers;
        nothing of its review, rates, stock or people."""
        partner_sudo = point_sudo.partner_id
        lines = partner_sudo._display_address(without_company=True).splitlines()
        return {
            "name": point_sudo.name,
            "kind": dict(point_sudo._fields["kind"]._description_selection(request.env)).get(point_sudo.kind),
            "address": [line for line in (line.strip(" ,") for line in lines) if line],
            "phone": partner_sudo.phone,
            "email": partner_sudo.email,
            "services": point_sudo.service_types,
        }

    @http.route(["/my/service-points", "/my/service-points/page/<int:page>"], type="http", auth="user", website=True,
                readonly=True)
    def portal_service_points(self, page=1, **_kw):
        # The network's points are ours: read with rights lifted, only what a customer reads of them leaves here.
        points_sudo = request.env["aftersales.service.point"].sudo()
        domain = self._aftersales_covering_domain()
        pager = portal_pager(
            url="/my/service-points", total=points_sudo.search_count(domain), page=page, step=self._items_per_page,
        )
        found = points_sudo.search(domain, order="name, id", limit=self._items_per_page, offset=pager["offset"])
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "aftersales_service_points",
            "points": [self._aftersales_point_card(point_sudo) for point_sudo in found],
            "pager": pager,
        })
        return request.render("aftersales_field_service.portal_service_points", values)
