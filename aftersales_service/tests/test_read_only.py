"""docs/README.md, read-only entry points: what a replica may serve writes nothing.

Odoo's tests serve a read-only request (a route marked ``readonly``, or a JSON-RPC call of a method marked
``@api.readonly``) on a read-only transaction, as a replica would: a write there fails, and Odoo logs a warning
before running the request again on a read/write cursor. Each test makes the requests as the user would and
expects no such warning.
"""
from contextlib import contextmanager

from odoo.tests import HttpCase, tagged

from .common import PNG, PortalCase


class ReadOnlyCase(PortalCase, HttpCase):
    """Requests of the after-sales users and customers that a replica may serve, and the documents they read."""

    def setUp(self):
        super().setUp()
        self.unit, self.other_unit = self._units(["RO-1", "RO-2"])
        self.rma = self.env["aftersales.rma"].with_user(self.portal_user)._portal_request(
            [{"record_id": self.unit.id, "quantity": 1}], reason_id=self.reason.id, photos=[("unit.png", PNG)],
        ).with_user(self.manager)
        self.rma.action_confirm()
        self.complaint = self.env["aftersales.complaint"].create({
            "partner_id": self.customer.id, "subject": "Noise", "resolution": "<p>Bearing replaced.</p>",
        })
        self.complaint.action_acknowledge()
        self.complaint.action_resolve()
        self.survey = self.env["aftersales.survey"].create({"partner_id": self.customer.id})

    @contextmanager
    def _read_only(self, user):
        """Requests made as ``user`` (a visitor when None) that must run on their read-only transaction."""
        self.authenticate(user.login if user else None, user.login if user else None)
        with self.assertNoLogs("odoo.http", "WARNING"):
            yield

    def _call(self, model, method, *args, **kwargs):
        """A method called as the web client calls it; it must be marked read-only (docs/README.md, read-only
        entry points) for Odoo to serve it on a read-only transaction."""
        self.assertTrue(
            any(getattr(getattr(cls, method, None), "_readonly", False) for cls in type(self.env[model]).mro()),
            f"{model}.{method} is not marked @api.readonly",
        )
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs,
        })

    def _open(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200, url)
        return response

    def _check_reports(self, module, documents, portal_documents):
        """Every report of ``module`` on ``documents`` (model: record) printed by a manager, and the customer's
        ``portal_documents`` printed from their pages, on read-only transactions."""
        reports = self.env["ir.actions.report"].search([("model", "like", "aftersales.%"),
                                                        ("report_name", "like", f"{module}.%")])
        printed = set()
        with self._read_only(self.manager):
            for report in reports.filtered(lambda report: report.model in documents):
                self._open(f"/report/html/{report.report_name}/{documents[report.model].id}")
                printed.add(report.model)
        self.assertEqual(printed, set(documents))
        with self._read_only(self.portal_user):
            for document in portal_documents:
                self._open(f"{document.access_url}?report_type=html")


@tagged("post_install", "-at_install")
class TestReadOnlyEntryPoints(ReadOnlyCase):

    def test_the_warranty_check_is_read_only(self):
        with self._read_only(self.coordinator):
            answer = self._call("aftersales.delivery.record", "check_warranty", lot="RO-2")
            self.assertEqual(answer["state"], "in_warranty")
            self.assertEqual(self._call("aftersales.delivery.record", "check_warranty", lot="RO-404")["state"],
                             "not_ours")

    def test_the_overview_figures_are_read_only(self):
        with self._read_only(self.coordinator):
            overview = self._call("aftersales.overview", "get_overview")
        self.assertEqual(
            next(tile["count"] for tile in overview["rma_states"] if tile["key"] == "confirmed"),
            self.env["aftersales.rma"].search_count([("state", "=", "confirmed")]),
        )

    def test_the_portal_counters_lists_and_pages_are_read_only(self):
        photo = self.rma._portal_photos()
        with self._read_only(self.portal_user):
            counters = self.make_jsonrpc_request("/my/counters", {"counters": [
                "aftersales_unit_count", "aftersales_rma_count", "aftersales_complaint_count",
                "aftersales_survey_count",
            ]})
            self.assertEqual((counters["aftersales_unit_count"], counters["aftersales_rma_count"]), (2, 1))
            for url in ("/my/units", f"/my/units/{self.unit.id}", "/my/rmas", self.rma.access_url,
                        "/my/complaints", self.complaint.access_url, "/my/surveys", self.survey.access_url,
                        "/my/rmas/new", "/my/complaints/new",
                        f"/my/complaints/new?unit_id={self.unit.id}"):
                with self.subTest(url=url):
                    self._open(url)
            self.assertEqual(self._open(self.rma.sudo()._portal_photo_url(photo)).content, PNG)
        # A visitor with the document's link, made by the e-mail that carried it.
        token = self.complaint._portal_ensure_token()
        with self._read_only(None):
            self.assertIn(self.complaint.name, self._open(f"{self.complaint.access_url}?access_token={token}").text)

    def test_our_reports_are_read_only(self):
        self._check_reports("aftersales_service", {
            "aftersales.rma": self.rma, "aftersales.complaint": self.complaint, "aftersales.survey": self.survey,
        }, [self.rma])
