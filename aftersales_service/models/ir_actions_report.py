import lxml.html

from odoo import models

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.base.models.ir_actions_report import _wkhtml

# The margins of a document whose header and footer are printed in its body (millimetres).
BODY_LAYOUT_MARGINS = {"data-report-margin-top": "10", "data-report-margin-bottom": "10", "data-report-header-spacing": "0"}


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _prepare_html(self, html, report_model=False):
        """A PDF engine without the patched Qt (Debian's wkhtmltopdf) prints no header or footer: our documents
        then carry the company's header and footer in their body, above and below each document, so that the
        printed page still names the company and its address (docs/README.md, PDFs)."""
        if _wkhtml().is_patched_qt or not self._is_aftersales_report():
            return super()._prepare_html(html, report_model=report_model)
        return super()._prepare_html(self._headers_in_body(html), report_model=report_model)

    def _is_aftersales_report(self):
        return (self.xml_id or "").startswith("aftersales_")

    def _headers_in_body(self, html):
        """``html`` with each document's header and footer moved into the document's own body, the page numbers
        (which only a header or footer gets) left out, and small page margins."""
        root = lxml.html.fromstring(html, parser=lxml.html.HTMLParser(encoding="utf-8"))
        for article in root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' article ')]"):
            for node, part in ((article.getprevious(), "header"), (article.getnext(), "footer")):
                classes = node.get("class", "").split() if node is not None else []
                if part not in classes:
                    continue
                node.set("class", " ".join(f"o_aftersales_body_{part}" if name == part else name for name in classes))
                for number in node.xpath(".//span[@class='page']/.."):
                    number.getparent().remove(number)
                if part == "header":
                    article.insert(0, node)
                else:
                    article.append(node)
        for name, value in BODY_LAYOUT_MARGINS.items():
            root.set(name, value)
        return lxml.html.tostring(root, encoding="unicode")
