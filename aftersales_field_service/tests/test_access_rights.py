"""Who may read, write, create and delete each field-service record, and what technicians and dispatchers may do
on the after-sales records.

Every check goes through the ORM as a JSON-RPC client would, as in aftersales_service's own access tests.
"""
from datetime import timedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import tagged

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.tests import test_access_rights
from odoo.addons.aftersales_service.tests.test_access_rights import ROLE_GROUPS, Subject

FIELD_SERVICE_ROLES = {
    "technician": "aftersales_field_service.group_aftersales_technician",  # sent on the visits below
    "dispatcher": "aftersales_field_service.group_aftersales_dispatcher",
}
# What technicians and dispatchers may do on the after-sales records.
BASE_MATRIX = {
    # subject                                tech   disp
    "aftersales.delivery.record":           ("r",   "rw"),
    "aftersales.warranty.policy":           ("",    "r"),
    "aftersales.document.type":             ("r",   "r"),
    "aftersales.department":                ("",    "r"),
    "aftersales.rma.reason":                ("",    "r"),
    "aftersales.rma":                       ("",    "rwcu"),
    "aftersales.rma.line":                  ("",    "rwcu"),
    "aftersales.return.rate.report":        ("",    "r"),
    "aftersales.delivery.month":            ("r",   "r"),
    "aftersales.complaint":                 ("",    "rwcu"),
    "aftersales.sla.policy":                ("",    "r"),
    "aftersales.sla.policy shared":         ("",    "r"),
    "aftersales.corrective.action":         ("",    "rwc"),
    "aftersales.return.visit":              ("",    "rwc"),
    "aftersales.survey":                    ("",    "rwc"),
    "aftersales.survey.line":               ("",    "rwc"),
    "aftersales.survey.item":               ("",    "r"),
    "aftersales.survey.item shared":        ("",    "r"),
    "aftersales.satisfaction.level":        ("r",   "r"),
    "aftersales.follow.up":                 ("",    ""),
    "aftersales.vendor.repair":             ("",    "rw"),
    "aftersales.recall":                    ("",    "rw"),
    "aftersales.recall.unit":               ("",    "rw"),
    "aftersales.recall.notice":             ("",    "r"),
    "aftersales.quality.alert":             ("",    "rw"),
    "aftersales.warranty.cost":             ("",    ""),
}
# The field-service records, for every role.
MATRIX = {
    # subject                                portal customer internal stock  tech   user    disp    manager  other
    "aftersales.technician":                ("",    "",      "",      "",    "r",   "r",    "r",    "rwcu",  ""),
    "aftersales.dispatch.order":            ("",    "r",     "",      "",    "rw",  "rw",   "rwcu", "rwcu",  ""),
    "aftersales.dispatch.line":             ("",    "",      "",      "",    "rw",  "rw",   "rwcu", "rwcu",  ""),
    "aftersales.dispatch.reschedule":       ("",    "r",     "",      "",    "r",   "r",    "r",    "r",     ""),
    "aftersales.commissioning.check":       ("",    "r",     "",      "",    "rw",  "rw",   "rwcu", "rwcu",  ""),
    "aftersales.check.template":            ("",    "",      "",      "",    "",    "",     "r",    "rwcu",  ""),
    "aftersales.check.template shared":     ("",    "",      "",      "",    "",    "",     "r",    "r",     "r"),
    "aftersales.service.point":             ("",    "",      "",      "",    "r",   "r",    "r",    "rwcu",  ""),
    "aftersales.service.point.rate":        ("",    "",      "",      "",    "",    "",     "r",    "rwcu",  ""),
    "aftersales.service.point.band":        ("",    "",      "",      "",    "",    "",     "r",    "rwcu",  ""),
    "aftersales.service.point.check":       ("",    "",      "",      "",    "",    "",     "r",    "rwcu",  ""),
    "aftersales.service.point.document":    ("",    "",      "",      "",    "",    "",     "r",    "rwcu",  ""),
    "aftersales.service.point.evaluation":  ("",    "",      "",      "",    "",    "",     "r",    "rwcu",  ""),
    "aftersales.service.point.summary":     ("",    "",      "",      "",    "",    "",     "r",    "rwcu",  ""),
    "aftersales.service.settlement":        ("",    "",      "",      "",    "",    "",     "r",    "rwcu",  ""),
    "aftersales.service.settlement.line":   ("",    "",      "",      "",    "",    "",     "r",    "r",     ""),
    "aftersales.training.session":          ("",    "",      "",      "",    "r",   "r",    "r",    "rwcu",  ""),
    "aftersales.training.attendee":         ("",    "",      "",      "",    "r",   "r",    "r",    "rwcu",  ""),
}
ALL_ROLES = ("portal", "customer", "internal", "stock", "technician", "user", "dispatcher", "manager", "other")


@tagged("post_install", "-at_install")
class TestFieldServiceAccessRights(test_access_rights.TestAccessRights):

    modules = ("aftersales_field_service",)
    role_groups = {**ROLE_GROUPS, **FIELD_SERVICE_ROLES}
    matrix = {
        **{subject: dict(zip(FIELD_SERVICE_ROLES, rights)) for subject, rights in BASE_MATRIX.items()},
        **{subject: dict(zip(ALL_ROLES, rights)) for subject, rights in MATRIX.items()},
    }

    @classmethod
    def _setup_records(cls):  # pylint: disable=missing-return
        """A technician profile of the technician role, a visit planned for them and cancelled (what a customer
        sees), with its reschedule, and a draft visit of another unit."""
        super()._setup_records()
        today = fields.Date.today()
        cls.technician = cls.env["aftersales.technician"].create({
            "user_id": cls.users["technician"].id, "certificate_expiry": today + timedelta(days=365),
            "evaluation_date": today, "evaluation_passed": True,
        })
        orders = cls.env["aftersales.dispatch.order"].with_user(cls.users["dispatcher"])
        start = fields.Datetime.now() + timedelta(days=1)
        planned = {"partner_id": cls.customer.id, "technician_id": cls.technician.id, "appointment_start": start,
                   "appointment_end": start + timedelta(hours=2), "service_type": "inspection"}
        cls.cancelled_visit = orders.create(planned)
        cls.cancelled_visit.action_schedule()
        cls.cancelled_visit._workflow().write({"check_ids": [Command.create({"name": "Direction of rotation"})]})
        cls.cancelled_visit._reschedule(start, start + timedelta(hours=3), "The customer asked for more time")
        cls.cancelled_visit.action_cancel()
        cls.draft_visit = orders.create({**planned, "line_ids": [Command.create({"delivery_record_id": cls.visit_record.id})]})
        cls._setup_network(today)

    @classmethod
    def _setup_network(cls, today):
        """A candidate point under review with its card, band, check, document, evaluation and summary; a draft
        settlement of it with a line; a planned training of the technician."""
        cls.point_partner = cls.env["res.partner"].create({"name": "Point Co.", "is_company": True})
        cls.point = cls.env["aftersales.service.point"].create({
            "name": "Point under review", "partner_id": cls.point_partner.id, "company_id": cls.company.id,
            "rate_ids": [Command.create({"service_type": "repair", "visit_fee": 100.0})],
            "band_ids": [Command.create({"distance_from": 0, "distance_to": 50, "fee": 30.0})],
            "document_ids": [Command.create({"name": "Business Licence"})],
            "evaluation_ids": [Command.create({"score": 70})],
        })
        cls.point.action_start_review()
        cls.summary = cls.env["aftersales.service.point.summary"].create({
            "point_id": cls.point.id, "date_from": "2026-01-01", "date_to": "2026-03-31", "due_date": "2026-04-15",
        })
        cls.settlement = cls.env["aftersales.service.settlement"].create({
            "point_id": cls.point.id, "date_from": today.replace(day=1), "date_to": today,
        })
        settled = cls.env["aftersales.dispatch.order"].create({"partner_id": cls.customer.id, "service_type": "training"})
        cls.env["aftersales.service.settlement.line"].create({
            "settlement_id": cls.settlement.id, "order_id": settled.id, "visit_fee": 100.0, "company_id": cls.company.id,
        })
        # A point nothing refers to yet, the one deleted; a technician of the manager's, the one trained.
        cls.spare_point = cls.env["aftersales.service.point"].create({
            "name": "Candidate point", "partner_id": cls.point_partner.id, "company_id": cls.company.id,
        })
        cls.trainee = cls.env["aftersales.technician"].create({"user_id": cls.users["manager"].id})
        cls.session = cls.env["aftersales.training.session"].create({
            "name": "Initial", "kind": "initial", "trainer": "Chen Hua", "date": today,
            "attendee_ids": [Command.create({"technician_id": cls.trainee.id})],
        })
        cls.other_session = cls.env["aftersales.training.session"].create(
            {"name": "Refresher", "trainer": "Chen Hua", "date": today}
        )

    @classmethod
    def _prepare_subjects(cls):
        company, customer = cls.company.id, cls.customer.id
        return {
            **super()._prepare_subjects(),
            "aftersales.technician": Subject(
                cls.technician,
                {"user_id": cls.users["dispatcher"].id, "company_id": company},
                {"evaluation_note": "Good with gearboxes"},
            ),
            "aftersales.dispatch.order": Subject(
                cls.cancelled_visit,
                {"partner_id": customer, "company_id": company, "service_type": "training"},
                {"internal_note": "Bring the new manual"},
            ),
            "aftersales.dispatch.line": Subject(
                cls.draft_visit.line_ids,
                {"order_id": cls.draft_visit.id, "delivery_record_id": cls.free_record.id},
                {"note": "Behind the second press"},
            ),
            "aftersales.commissioning.check": Subject(
                cls.cancelled_visit.check_ids.filtered(lambda check: check.name == "Direction of rotation"),
                {"order_id": cls.draft_visit.id, "name": "Earthing"},
                {"sequence": 5},
            ),
            "aftersales.check.template": Subject(
                cls.env["aftersales.check.template"].create(
                    {"name": "Permit to work", "service_type": "repair", "company_id": company}
                ),
                {"name": "Guard rails in place", "service_type": "inspection", "company_id": company},
                {"sequence": 5},
            ),
            "aftersales.check.template shared": Subject(
                cls.env.ref("aftersales_field_service.check_template_inspect_1"),
                {"name": "Guard rails in place", "service_type": "inspection"},
                {"sequence": 5},
            ),
            **cls._prepare_network_subjects(),
            "aftersales.dispatch.reschedule": Subject(
                cls.cancelled_visit.reschedule_ids,
                {"order_id": cls.cancelled_visit.id, "reason": "Forged"},
                {"reason": "Rewritten"},
            ),
        }

    @classmethod
    def _prepare_network_subjects(cls):
        company, point = cls.company.id, cls.point.id
        return {
            "aftersales.service.point": Subject(
                cls.spare_point, {"name": "New point", "partner_id": cls.point_partner.id, "company_id": company},
                {"user_id": cls.users["manager"].id},
            ),
            "aftersales.service.point.rate": Subject(
                cls.point.rate_ids, {"point_id": point, "service_type": "inspection"}, {"visit_fee": 120.0}
            ),
            "aftersales.service.point.band": Subject(
                cls.point.band_ids, {"point_id": point, "distance_from": 50, "distance_to": 90, "fee": 60.0},
                {"fee": 35.0},
            ),
            "aftersales.service.point.check": Subject(
                cls.point.check_ids[:1], {"point_id": point, "name": "Fire extinguisher"}, {"note": "Seen"}
            ),
            "aftersales.service.point.document": Subject(
                cls.point.document_ids, {"point_id": point, "name": "Insurance"}, {"number": "BL-2"}
            ),
            "aftersales.service.point.evaluation": Subject(
                cls.point.evaluation_ids, {"point_id": point, "score": 80}, {"findings": "Quick and clean"}
            ),
            "aftersales.service.point.summary": Subject(
                cls.summary,
                {"point_id": point, "date_from": "2026-04-01", "date_to": "2026-06-30", "due_date": "2026-07-15"},
                {"receivables": 10.0},
            ),
            "aftersales.service.settlement": Subject(
                cls.settlement,
                {"point_id": point, "company_id": company, "date_from": "2026-01-01", "date_to": "2026-01-31"},
                {"user_id": cls.users["manager"].id},
            ),
            "aftersales.service.settlement.line": Subject(
                cls.settlement.line_ids,
                {"settlement_id": cls.settlement.id, "order_id": cls.draft_visit.id, "company_id": company},
                {"visit_fee": 1000.0},
            ),
            "aftersales.training.session": Subject(
                cls.session, {"name": "Pumps", "trainer": "Chen Hua", "date": "2026-12-01", "company_id": company},
                {"need": "New pump range"},
            ),
            "aftersales.training.attendee": Subject(
                cls.session.attendee_ids, {"session_id": cls.other_session.id, "technician_id": cls.trainee.id},
                {"note": "On time"},
            ),
        }

    @classmethod
    def _prepare_core_links(cls):
        """An on-site repair's visit is a link as well, refused on every repair."""
        links = super()._prepare_core_links()
        repair, fnames = links["repair.order"]
        links["repair.order"] = (repair, (*fnames, "aftersales_dispatch_line_id", "aftersales_dispatch_order_id"))
        return links

    def _manager_editable(self):
        return {"aftersales.dispatch.order": self.draft_visit}
