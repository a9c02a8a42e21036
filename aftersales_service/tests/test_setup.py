from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .. import uninstall_hook
from .common import RmaCase

# What the module keeps in the database beside its models' tables: the monthly figures' functions, triggers and table
# of differences, with the views reading it (docs/delivery-records.md §5).
BESIDE_THE_ORM = """
    SELECT 'function ' || proname FROM pg_proc WHERE proname LIKE 'aftersales\\_%'
 UNION ALL
    SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgname LIKE 'aftersales\\_%'
 UNION ALL
    SELECT 'relation ' || relname FROM pg_class WHERE relname LIKE 'aftersales\\_delivery\\_month%'
"""


@tagged("post_install", "-at_install")
class TestSetup(RmaCase):
    """docs/README.md: what installation, a new company and a new warehouse set up for after-sales."""

    DOCUMENTS = ("aftersales.rma", "aftersales.complaint", "aftersales.return.visit", "aftersales.survey")

    def test_installation_gave_every_company_and_warehouse_what_it_needs(self):
        labour = self.env.ref("aftersales_service.product_repair_labour")
        for company in self.env["res.company"].search([]):
            self.assertEqual(company.aftersales_labour_product_id, labour, company.name)
            self.assertEqual(
                set(self.env["ir.sequence"].search([("company_id", "=", company.id)]).mapped("code")) & set(self.DOCUMENTS),
                set(self.DOCUMENTS), company.name,
            )
        for warehouse in self.env["stock.warehouse"].search([]):
            self.assertEqual(warehouse.aftersales_rma_location_id.usage, "internal", warehouse.name)

    def test_uninstalling_drops_what_the_database_keeps_beside_the_orm(self):
        """The uninstall hook, in a savepoint rolled back; tools/test also uninstalls a copy of its database for real
        (tools/check_uninstall.py)."""
        self.env.cr.execute(BESIDE_THE_ORM)
        made = {name for name, in self.env.cr.fetchall()}
        self.assertGreaterEqual(made, {
            "function aftersales_delivery_month_records_changed", "function aftersales_delivery_month_lines_changed",
            "function aftersales_delivery_month_lines_insert", "function aftersales_delivery_month_lines_delete",
            "trigger aftersales_delivery_record_month_insert", "trigger aftersales_rma_line_month_update",
            "relation aftersales_delivery_month_delta", "relation aftersales_delivery_month",
        })
        with self.env.cr.savepoint(flush=False) as savepoint:
            uninstall_hook(self.env)
            self.env.cr.execute(BESIDE_THE_ORM)
            self.assertEqual(self.env.cr.fetchall(), [])
            savepoint.rollback()

    def test_a_new_company_and_its_warehouse_are_set_up_when_created(self):
        company = self.env["res.company"].create({"name": "Fourth Plant Co"})
        self.assertEqual(company.aftersales_labour_product_id, self.env.ref("aftersales_service.product_repair_labour"))
        sequences = self.env["ir.sequence"].sudo().search([("company_id", "=", company.id)])
        self.assertEqual(set(sequences.mapped("code")) & set(self.DOCUMENTS), set(self.DOCUMENTS))
        self.assertTrue(self.env["aftersales.warranty.policy"].search([("company_id", "=", company.id), ("scope", "=", "company")]))
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", company.id)])
        self.assertTrue(warehouse.aftersales_rma_location_id)
        self.assertEqual(warehouse.aftersales_rma_location_id.company_id, company)
        second = self.env["stock.warehouse"].create({"name": "Fourth Plant East", "code": "FPE", "company_id": company.id})
        self.assertNotEqual(second.aftersales_rma_location_id, warehouse.aftersales_rma_location_id)
        rma = self.env["aftersales.rma"].with_company(company).create({
            "partner_id": self.env["res.partner"].create({"name": "Fourth customer", "company_id": company.id}).id,
            "company_id": company.id,
        })
        self.assertTrue(rma.name.startswith("RMA/"), "numbered by the company's own sequence")

    def test_numbers_start_again_every_year(self):
        company = self.env["res.company"].create({"name": "Fifth Plant Co"})
        customer = self.env["res.partner"].create({"name": "Fifth customer", "company_id": company.id})
        names = []
        for year in (2026, 2026, 2027):
            with freeze_time(datetime(year, 6, 1)):
                names.append(self.env["aftersales.rma"].create({"partner_id": customer.id, "company_id": company.id}).name)
        self.assertEqual(names, ["RMA/2026/00001", "RMA/2026/00002", "RMA/2027/00001"])
        company.resource_calendar_id.tz = "Asia/Shanghai"
        # 31 December 23:30 UTC is already 1 January in Shanghai: the new year's number.
        with freeze_time(datetime(2027, 12, 31, 23, 30)):
            rma = self.env["aftersales.rma"].create({"partner_id": customer.id, "company_id": company.id})
        self.assertEqual(rma.name, "RMA/2028/00001")

    def test_the_number_carries_the_year_of_the_documents_own_date(self):
        """docs/README.md, numbering: the claim date of an RMA, the day a complaint came in, in the company's time
        zone; the day of creation for documents without such a date."""
        company = self.env["res.company"].create({"name": "Seventh Plant Co"})
        company.resource_calendar_id.tz = "Asia/Shanghai"
        customer = self.env["res.partner"].create({"name": "Seventh customer", "company_id": company.id})
        documents = {"partner_id": customer.id, "company_id": company.id}
        with freeze_time(datetime(2027, 1, 5, 3, 0)):
            late_claim = self.env["aftersales.rma"].create(dict(documents, date="2026-12-20"))
            claim = self.env["aftersales.rma"].create(dict(documents))
            complaints = self.env["aftersales.complaint"].create([
                # 17:00 UTC on 31 December is already 1 January in Shanghai.
                dict(documents, date_received=datetime(2026, 12, 31, 17, 0)),
                dict(documents, date_received=datetime(2026, 12, 31, 15, 0)),
            ])
            visit = self.env["aftersales.return.visit"].create(
                dict(documents, complaint_id=complaints[1].id, date_planned="2026-12-28")
            )
        self.assertEqual((late_claim.name, claim.name), ("RMA/2026/00001", "RMA/2027/00001"))
        self.assertEqual(complaints.mapped("name"), ["CPL/2027/00001", "CPL/2026/00001"])
        self.assertEqual(visit.name, "RV/2027/00001", "a planned day is not the visit's own date")

    def test_each_company_numbers_its_documents_whatever_company_the_user_works_in(self):
        first, second = self.env["res.company"].create([{"name": "Eighth Plant Co"}, {"name": "Ninth Plant Co"}])
        customer = self.env["res.partner"].create({"name": "Shared customer"})
        # The user works in the first company and enters documents of both.
        env = self.env(context={"allowed_company_ids": [first.id, second.id]})
        self.assertEqual(env.company, first)
        with freeze_time(datetime(2026, 6, 1)):
            names = [
                env["aftersales.rma"].create({"partner_id": customer.id, "company_id": company.id}).name
                for company in (second, first, second)
            ]
        self.assertEqual(names, ["RMA/2026/00001", "RMA/2026/00001", "RMA/2026/00002"])

    def test_a_missing_mail_template_is_an_error_not_a_silent_no_email(self):
        self.env.ref("aftersales_service.mail_template_rma_confirmed").unlink()
        with self.assertRaisesRegex(ValueError, "mail_template_rma_confirmed"):
            self.env["res.company"]._aftersales_setup_all()
        order, lots = self._sell_and_deliver(["SET-1"])
        rma = self._new_rma(order, lots)
        with self.assertRaisesRegex(ValueError, "mail_template_rma_confirmed"):
            rma.with_user(self.manager).action_confirm()

    def test_the_companys_time_zone_follows_its_calendar(self):
        company = self.env["res.company"].create({"name": "Sixth Plant Co"})
        company.resource_calendar_id.tz = "Asia/Shanghai"
        self.assertEqual(company._aftersales_tz().zone, "Asia/Shanghai")
        company.resource_calendar_id.tz = "Europe/Paris"
        self.assertEqual(company._aftersales_tz().zone, "Europe/Paris", "looked up again when it changes")
        company.resource_calendar_id = self.env["resource.calendar"].create({"name": "Lima", "tz": "America/Lima"})
        self.assertEqual(company._aftersales_tz().zone, "America/Lima")

    def test_the_companys_time_zone_is_read_when_needed_not_kept(self):
        """docs/security.md §6: a change that reaches the database without our code hearing of it (an import in SQL,
        a restored table) counts as soon as it is read."""
        company = self.env["res.company"].create({"name": "Tenth Plant Co"})
        company.resource_calendar_id.tz = "Asia/Shanghai"
        self.assertEqual(company._aftersales_tz().zone, "Asia/Shanghai")
        self.env.flush_all()
        self.env.cr.execute("UPDATE resource_calendar SET tz = 'Europe/Paris' WHERE id = %s", [company.resource_calendar_id.id])
        self.env.invalidate_all()
        self.assertEqual(company._aftersales_tz().zone, "Europe/Paris")
        # Without a working calendar, the company partner's.
        company.write({"resource_calendar_id": False})
        company.partner_id.tz = "America/Lima"
        self.assertEqual(company._aftersales_tz().zone, "America/Lima")
        company.partner_id.tz = "Africa/Nairobi"
        self.assertEqual(company._aftersales_tz().zone, "Africa/Nairobi")
