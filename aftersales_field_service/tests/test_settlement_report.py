import io

from odoo.tests import new_test_user, tagged
from odoo.tools import format_amount
from odoo.tools.pdf import PdfReader
from odoo.tools.safe_eval import safe_eval

from .common import NetworkCase

REPORT = "aftersales_field_service.action_report_service_settlement"


@tagged("post_install", "-at_install")
class TestSettlementReport(NetworkCase):
    """The point's settlement statement, 服务网点结算单 (docs/service-network.md §5)."""

    def _confirmed_settlement(self):
        """A signed visit of the point with a part from its consignment stock and a fee collected on site, and an
        unsigned one; the manager settles the month and confirms it."""
        self.signed = self._point_visit(self._units(["REP-1"]), parts=[(self.spare_part, 1)], collected=20.0)
        self.unsigned = self._point_visit(self._units(["REP-2"]), signature=False)
        settlement = self._settle()
        settlement.with_user(self.manager).action_confirm()
        return settlement

    def _amount(self, amount):
        return format_amount(self.env, amount, self.company.currency_id).replace("\xa0", " ")

    def test_the_statement_lists_the_settled_visits_their_amounts_and_the_bill(self):
        settlement = self._confirmed_settlement()
        self.assertEqual(settlement.amount_total, 269.0, "100 + 75 + 70 + 44 - 20")
        pdf, kind = self.env["ir.actions.report"].with_context(force_report_rendering=True)._render_qweb_pdf(
            REPORT, settlement.ids
        )
        self.assertEqual(kind, "pdf")
        text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
        text = text.replace("\xa0", " ")
        for expected in (
            "Service Point Settlement Statement", settlement.name, self.point.name, self.point_partner.name,
            self.signed.name, self.customer.name, self.technician.name, "Confirmed",
            self._amount(100.0), self._amount(75.0), self._amount(70.0), self._amount(44.0), self._amount(20.0),
            self._amount(269.0), settlement.bill_id.display_name, "For the service point",
            "For the after-sales service",
        ):
            self.assertIn(expected, text)
        self.assertNotIn(self.unsigned.name, text, "a visit the customer did not sign is not settled")
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "aftersales.service.settlement", "printed from the settlement")
        self.assertEqual(safe_eval(report.print_report_name, {"object": settlement}), f"Settlement {settlement.name}",
                         "the file is named after the settlement")

    def test_the_statement_prints_in_the_language_of_the_point_or_of_its_portal_reader(self):
        settlement = self._confirmed_settlement()
        self._speak("zh_CN")
        self.point_partner.lang = "zh_CN"
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, settlement.ids)[0].decode()
        self.assertIn("服务网点结算单", html)
        self.assertIn("服务网点（签章）", html)
        self.assertIn(self.signed.name, html)
        self.point_partner.lang = "en_US"
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, settlement.ids)[0].decode()
        self.assertIn("Service Point Settlement Statement", html)
        html = self.env["ir.actions.report"].with_context(aftersales_report_lang="zh_CN")._render_qweb_html(
            REPORT, settlement.ids
        )[0].decode()
        self.assertIn("服务网点结算单", html, "printed from the portal, in the language its reader reads it in")

    def test_an_accountant_prints_the_statement_of_a_bill(self):
        settlement = self._confirmed_settlement()
        accountant = new_test_user(self.env, "as_settlement_accountant", groups="account.group_account_invoice")
        html = self.env["ir.actions.report"].with_user(accountant)._render_qweb_html(REPORT, settlement.ids)[0].decode()
        for expected in (settlement.name, self.point.name, self.signed.name, self.technician.name):
            self.assertIn(expected, html, "the statement names the visits, whatever the accountant may read of them")
