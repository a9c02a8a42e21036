"""Who may read, write, create and delete each after-sales record, and which fields nobody writes directly.

Every check goes through the ORM as a JSON-RPC client would: ``with_user(...).read/search/create/write/unlink``.
"""
from collections import namedtuple
from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import RmaCase, core_links, guarded_models

ROLES = ("portal", "customer", "internal", "stock", "user", "manager", "other")
ROLE_GROUPS = {
    "portal": "base.group_portal",  # of another customer
    "customer": "base.group_portal",  # a contact of the records' customer
    "internal": "base.group_user",
    "stock": "stock.group_stock_user",
    "user": "aftersales_service.group_aftersales_user",
    "manager": "aftersales_service.group_aftersales_manager",
    "other": "aftersales_service.group_aftersales_manager",  # of a second company only
}
OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}

# What each role may do (r)ead, (w)rite, (c)reate, (u)nlink on a record of our company, per the access
# rights (security/ir.model.access.csv) and the multi-company record rules (security/aftersales_security.xml).
# "… shared" rows are records without company, which every company's users see and only a user of every company
# changes (here no manager has every company).
MATRIX = {
    # subject                                portal customer internal stock  user    manager  other
    "aftersales.delivery.record":           ("",    "r",     "",      "",    "rw",   "rwcu",  ""),
    "aftersales.warranty.policy":           ("",    "",      "",      "",    "r",    "rwcu",  ""),
    "aftersales.document.type":             ("",    "",      "",      "",    "r",    "rwcu",  "rwcu"),
    "aftersales.department":                ("",    "",      "",      "",    "r",    "rwcu",  "rwcu"),
    "aftersales.rma.reason":                ("r",   "r",     "",      "",    "r",    "rwcu",  "rwcu"),
    "aftersales.rma":                       ("",    "r",     "",      "",    "rwcu", "rwcu",  ""),
    "aftersales.rma.line":                  ("",    "r",     "",      "",    "rwcu", "rwcu",  ""),
    "aftersales.return.rate.report":        ("",    "",      "",      "",    "r",    "r",     ""),
    "aftersales.delivery.month":            ("",    "",      "",      "",    "r",    "r",     ""),
    "aftersales.complaint":                 ("",    "r",     "",      "",    "rwcu", "rwcu",  ""),
    "aftersales.sla.policy":                ("",    "",      "",      "",    "r",    "rwcu",  ""),
    "aftersales.sla.policy shared":         ("",    "",      "",      "",    "r",    "r",     "r"),
    "aftersales.corrective.action":         ("",    "",      "",      "",    "rwc",  "rwcu",  ""),
    "aftersales.return.visit":              ("",    "",      "",      "",    "rwc",  "rwcu",  ""),
    "aftersales.survey":                    ("",    "r",     "",      "",    "rwc",  "rwcu",  ""),
    "aftersales.survey.line":               ("",    "r",     "",      "",    "rwc",  "rwcu",  ""),
    "aftersales.survey.item":               ("",    "",      "",      "",    "r",    "rwcu",  ""),
    "aftersales.survey.item shared":        ("",    "",      "",      "",    "r",    "r",     "r"),
    "aftersales.satisfaction.level":        ("r",   "r",     "",      "",    "r",    "rwcu",  "rwcu"),
    "aftersales.follow.up":                 ("",    "",      "",      "",    "",     "r",     "r"),
    "aftersales.vendor.repair":             ("",    "",      "",      "",    "rw",   "rw",    ""),
    "aftersales.recall":                    ("",    "",      "",      "",    "rw",   "rwcu",  ""),
    "aftersales.recall.unit":               ("",    "r",     "",      "",    "rw",   "rw",    ""),
    "aftersales.recall.notice":             ("",    "r",     "",      "",    "r",    "r",     ""),
    "aftersales.quality.alert":             ("",    "",      "",      "",    "rw",   "rw",    ""),
    "aftersales.warranty.cost":             ("",    "",      "",      "",    "",     "r",     ""),
}

# A record of the subject, the minimal values a client creates one with, and a harmless change to it.
Subject = namedtuple("Subject", "record create write")


def model_of(subject):
    return subject.partition(" ")[0]


class AccessRightsCase(RmaCase):
    """The access matrix of the models of :attr:`modules`: what each role of :attr:`role_groups` may do on a record
    of each subject (``{subject: {role: operations}}``); addons extend it with their roles and models."""

    modules = ("aftersales_service",)
    role_groups = ROLE_GROUPS
    matrix = {subject: dict(zip(ROLES, rights)) for subject, rights in MATRIX.items()}

    # Helpers ----------------------------------------------------------------------------------

    @contextmanager
    def _undone(self):
        """Run an operation that must succeed, then roll it back: every role meets the same records."""
        with self.env.cr.savepoint() as savepoint:
            yield
            self.env.flush_all()
            savepoint.rollback()

    def _attempt(self, op, subject, user):
        """Do ``op`` on the subject's record as ``user``; reading reads every field the user may see, as an
        export does."""
        fixture = self.subjects[subject]
        record = fixture.record.with_user(user)
        if op == "r":
            record.read(self._readable_fields(record))
        elif op == "w":
            record.write(fixture.write)
        elif op == "c":
            self.assertTrue(record.browse().create(fixture.create).exists())
        else:
            record.unlink()
            self.assertFalse(fixture.record.exists())

    def _readable_fields(self, record):
        """The fields of ``record`` its user may see, all of which an export reads."""
        return list(record.fields_get(attributes=["type"]))

    def _check_matrix(self, op):
        for subject, rights in self.matrix.items():
            for role, ops in rights.items():
                with self.subTest(subject=subject, role=role, operation=OPERATIONS[op]):
                    if op in ops:
                        with self._undone():
                            self._attempt(op, subject, self.users[role])
                    else:
                        with self.assertRaises(AccessError, msg=f"{role} must not {OPERATIONS[op]} {subject}"):
                            self._attempt(op, subject, self.users[role])

    def _finds(self, subject, user):
        """Whether a search of ``user`` finds the subject's record (a search refused counts as not found)."""
        record = self.subjects[subject].record
        try:
            return bool(record.with_user(user).with_context(active_test=False).search_count([("id", "=", record.id)]))
        except AccessError:
            return False

    def _may_write(self, role, record):
        """Whether ``role`` may write ``record``: as the matrix says for our models, as the core's rights say for
        the core models we extend."""
        if role in self.matrix.get(record._name, {}):
            return "w" in self.matrix[record._name][role]
        return record.with_user(self.users[role]).has_access("write")

    def _value_unlike(self, record, fname):
        """A value of ``fname`` other than ``record``'s, as a client would send it."""
        field, value = record._fields[fname], record[fname]
        if field.type == "boolean":
            return not value
        if field.type in ("integer", "float", "monetary"):
            return (value or 0) + 1
        if field.type in ("char", "text", "html"):
            return f"{value or ''} changed"
        if field.type == "date":
            return (value or fields.Date.today()) + timedelta(days=1)
        if field.type == "datetime":
            return (value or fields.Datetime.now()) + timedelta(hours=1)
        if field.type == "selection":
            return next(key for key, _label in field._description_selection(self.env) if key != value)
        if field.type in ("many2one", "many2many"):
            other = self.env[field.comodel_name].with_context(active_test=False).search(
                [("id", "not in", value._origin.ids)], limit=1
            )
            self.assertTrue(other, f"no other {field.comodel_name} to set {record._name}.{fname} to")
            return other.id if field.type == "many2one" else [Command.set(other.ids)]
        raise NotImplementedError(f"no value for a {field.type} field ({record._name}.{fname})")

    def _assert_guarded(self, call, model, fname, value):
        """``call({fname: value})`` is refused by the protected-fields guard, which names the field: not an access
        error, not a constraint."""
        with self.assertRaises(UserError) as caught:
            call({fname: value})
        self.assertIs(type(caught.exception), UserError, f"{model}.{fname}: {caught.exception}")
        self.assertIn(self.env[model]._fields[fname]._description_string(self.env), caught.exception.args[0])

    # Records ----------------------------------------------------------------------------------

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Second Plant Co"})
        customer_contact = cls.env["res.partner"].create({"name": "Customer's buyer", "parent_id": cls.customer.id})
        cls.users = {
            role: new_test_user(cls.env, f"acc_{role}", groups=group, **(
                {"company_id": cls.other_company.id, "company_ids": [Command.set(cls.other_company.ids)]}
                if role == "other" else {"partner_id": customer_contact.id} if role == "customer" else {}
            ))
            for role, group in cls.role_groups.items()
        }
        cls._setup_records()
        cls.subjects = cls._prepare_subjects()
        cls.guarded = cls._prepare_guarded()
        cls.core_links = cls._prepare_core_links()

    @classmethod
    def _setup_records(cls):
        """The documents the subjects are taken from."""
        cls._setup_rmas()
        cls._setup_complaint_and_satisfaction()

    @classmethod
    def _setup_rmas(cls):
        """One delivered and invoiced order; its units on a draft, an approved, a received and a processed RMA
        (repair, scrap and refund), and one unit on no RMA at all."""
        serials = [
            "AR-FREE", "AR-DRAFT", "AR-APPROVED", "AR-RECEIVED", "AR-REPAIR", "AR-SCRAP", "AR-REFUND", "AR-VISIT",
            "AR-VENDOR",
        ]
        cls._stock_serials(cls.motor, serials)
        order = cls.env["sale.order"].create({
            "partner_id": cls.customer.id,
            "order_line": [Command.create({"product_id": cls.motor.id, "product_uom_qty": len(serials)})],
        })
        order.action_confirm()
        order.picking_ids.move_ids.picked = True
        order.picking_ids.with_user(cls.users["stock"]).button_validate()
        order._create_invoices().action_post()
        records = {record.lot_id.name: record for record in cls._records_of(order)}
        cls.free_record = records["AR-FREE"]
        cls.visit_record = records["AR-VISIT"]
        cls.draft_rma = cls._rma(records["AR-DRAFT"])
        cls.approved_rma = cls._rma(records["AR-APPROVED"], approve=True)
        cls.received_rma = cls._rma(records["AR-RECEIVED"], approve=True, receive=True)
        cls.processed_rma = cls._rma(
            records["AR-REPAIR"] | records["AR-SCRAP"] | records["AR-REFUND"] | records["AR-VENDOR"], approve=True,
            receive=True,
        )
        cls._process(cls.processed_rma, {
            "AR-REPAIR": {"cause": "misuse", "decision": "repair", "repair_hours": 1.0},
            "AR-SCRAP": {"cause": "wear", "decision": "scrap", "customer_consent": True},
            "AR-REFUND": {"cause": "nonconformity", "decision": "refund"},
            "AR-VENDOR": {"cause": "wear", "decision": "vendor_repair"},
        })
        cls.repair = cls.processed_rma.repair_ids
        cls.credit_note = cls.processed_rma.account_move_ids

    @classmethod
    def _records_of(cls, order):
        return cls.env["aftersales.delivery.record"].search([("sale_order_id", "=", order.id)])

    @classmethod
    def _rma(cls, records, approve=False, receive=False):
        """The RMA an After-Sales user starts from delivery records, approved by a manager, received by the
        warehouse."""
        user_env = cls.env(user=cls.users["user"])
        rma = cls._save_action_form(records.with_env(user_env).action_create_rma(), user_env)
        if approve:
            rma.with_user(cls.users["manager"]).action_confirm()
        if receive:
            receipt = rma.picking_ids.with_user(cls.users["stock"])
            receipt.move_ids.picked = True
            receipt.button_validate()
        return rma

    @classmethod
    def _process(cls, rma, findings):
        """Inspect, decide and process as an After-Sales user; ``findings`` are the line values per serial."""
        rma = rma.with_user(cls.users["user"])
        for line in rma.line_ids:
            line.write({key: value for key, value in findings[line.lot_id.name].items() if key != "decision"})
        rma.action_inspection_done()
        for line in rma.line_ids:
            line.decision = findings[line.lot_id.name]["decision"]
        rma.action_decide()
        rma.action_process()

    @classmethod
    def _setup_complaint_and_satisfaction(cls):
        as_user = cls.users["user"]
        cls.complaint = cls.env["aftersales.complaint"].with_user(as_user).create({
            "partner_id": cls.customer.id, "description": "<p>The motor hums.</p>",
        })
        cls.action = cls.env["aftersales.corrective.action"].with_user(as_user).create({
            "complaint_id": cls.complaint.id, "name": "Check the winding line", "date_deadline": fields.Date.today(),
        })
        cls.visit = cls.env["aftersales.return.visit"].with_user(as_user).create({
            "partner_id": cls.customer.id, "rma_id": cls.processed_rma.id,
        })
        cls.survey = cls.env["aftersales.survey"].with_user(as_user).create({"partner_id": cls.customer.id})
        recalls = cls.env["aftersales.recall"].with_user(cls.users["manager"])
        cls.recall = recalls.create({"title": "Winding check", "product_ids": [Command.set(cls.motor.ids)]})
        cls.running_recall = recalls.create({
            "title": "Terminal box check", "product_ids": [Command.set(cls.motor.ids)],
            "serial_ranges": "AR-VISIT, AR-FREE",
        })
        cls.running_recall.action_find_units()
        cls.running_recall.action_approve()
        # Told twice: the customer has two notices.
        cls.running_recall.with_user(as_user)._notify_units(cls.running_recall.unit_ids[0])
        cls.running_recall.with_user(as_user).action_notify()
        cls.alert = cls.env["aftersales.quality.alert"].sudo()._workflow().create({
            "product_id": cls.motor.id, "cohort": fields.Date.today().replace(day=1), "delivered_qty": 10,
            "failed_qty": 3, "rma_line_ids": [Command.set(cls.processed_rma.line_ids[:1].ids)],
        }).with_env(cls.env)

    @classmethod
    def _prepare_subjects(cls):
        """A record of each subject of the matrix, with the values to create one and a change to write."""
        env, company, customer = cls.env, cls.company.id, cls.customer.id
        category = env["product.category"].create
        today = fields.Date.today()
        # Records of the company that no flow uses: archived.
        company_sla = env["aftersales.sla.policy"].create({"name": "Plant 1 key accounts", "company_id": company,
                                                           "active": False})
        company_item = env["aftersales.survey.item"].create({"name": "Plant 1 packaging", "weight": 10,
                                                             "company_id": company, "active": False})
        return {
            "aftersales.delivery.record": Subject(
                cls.free_record,
                {"company_id": company, "partner_id": customer, "product_id": cls.cable.id},
                {"acceptance_note": "Crate opened in front of the driver"},
            ),
            "aftersales.warranty.policy": Subject(
                env["aftersales.warranty.policy"].create({
                    "name": "Gearboxes", "company_id": company, "categ_id": category({"name": "Gearboxes"}).id,
                }),
                {"name": "Pumps", "company_id": company, "categ_id": category({"name": "Pumps"}).id},
                {"note": "Oil changes are the customer's."},
            ),
            "aftersales.document.type": Subject(
                env["aftersales.document.type"].create({"name": "Test certificate"}),
                {"name": "Packing list"},
                {"description": "Signed by the inspector."},
            ),
            "aftersales.department": Subject(
                env["aftersales.department"].create({"name": "Field service"}),
                {"name": "Purchasing"},
                {"name": "Field service team"},
            ),
            "aftersales.rma.reason": Subject(
                env["aftersales.rma.reason"].create({"name": "Damaged in transit"}),
                {"name": "Ordered by mistake"},
                {"description": "The carton was crushed."},
            ),
            "aftersales.rma": Subject(
                cls.draft_rma,
                {"company_id": company, "partner_id": customer},
                {"priority": "1"},
            ),
            "aftersales.rma.line": Subject(
                cls.draft_rma.line_ids,
                {"rma_id": cls.draft_rma.id, "product_id": cls.cable.id, "quantity": 1.0},
                {"sequence": 5},
            ),
            "aftersales.return.rate.report": Subject(
                env["aftersales.return.rate.report"].search([("company_id", "=", company)], limit=1),
                {"company_id": company, "product_id": cls.cable.id},
                {"delivered_qty": 1.0},
            ),
            "aftersales.delivery.month": Subject(
                env["aftersales.delivery.month"].search([("company_id", "=", company)], limit=1),
                {"company_id": company, "product_id": cls.cable.id},
                {"delivered_qty": 1.0},
            ),
            "aftersales.complaint": Subject(
                cls.complaint,
                {"company_id": company, "partner_id": customer},
                {"root_cause": "Loose winding"},
            ),
            "aftersales.sla.policy": Subject(
                company_sla,
                {"name": "Plant 1 distributors", "company_id": company, "active": False},
                {"sequence": 30},
            ),
            "aftersales.sla.policy shared": Subject(
                env.ref("aftersales_service.sla_policy_default"),
                {"name": "Key accounts"},
                {"sequence": 30},
            ),
            "aftersales.corrective.action": Subject(
                cls.action,
                {"complaint_id": cls.complaint.id, "name": "Train the winders", "date_deadline": today},
                {"name": "Check the winding line twice"},
            ),
            "aftersales.return.visit": Subject(
                cls.visit,
                {"company_id": company, "partner_id": customer, "rma_id": cls.received_rma.id},
                {"outcome": "Runs quietly since the repair."},
            ),
            "aftersales.survey": Subject(
                cls.survey,
                {"company_id": company, "partner_id": customer},
                {"comments": "Deliveries were on time."},
            ),
            "aftersales.survey.line": Subject(
                cls.survey.line_ids[0],
                {"survey_id": cls.survey.id, "name": "Installation support"},
                {"level_id": env.ref("aftersales_service.satisfaction_level_satisfied").id},
            ),
            "aftersales.survey.item": Subject(
                company_item,
                {"name": "Plant 1 documentation", "weight": 5, "company_id": company, "active": False},
                {"sequence": 99},
            ),
            "aftersales.survey.item shared": Subject(
                env.ref("aftersales_service.survey_item_packaging"),
                {"name": "Documentation", "weight": 5},
                {"sequence": 99},
            ),
            "aftersales.satisfaction.level": Subject(
                env["aftersales.satisfaction.level"].create({"name": "Delighted", "coefficient": 1.0}),
                {"name": "Indifferent", "coefficient": 0.5},
                {"sequence": 99},
            ),
            "aftersales.vendor.repair": Subject(
                cls.processed_rma.vendor_repair_ids,
                cls.approved_rma.line_ids._prepare_vendor_repair_values(),
                {"remaining_parts": "Terminal box cover"},
            ),
            "aftersales.recall": Subject(
                cls.recall,
                {"company_id": company, "title": "Seal check"},
                {"cost_freight": 120.0},
            ),
            "aftersales.recall.unit": Subject(
                cls.running_recall.unit_ids[0],
                {"recall_id": cls.running_recall.id, "company_id": company, "product_id": cls.motor.id},
                {"decline_reason": "Busy season"},
            ),
            "aftersales.quality.alert": Subject(
                cls.alert,
                {"company_id": company, "product_id": cls.cable.id, "cohort": today},
                {"note": "<p>Supplier changed the seal.</p>"},
            ),
            "aftersales.warranty.cost": Subject(
                env["aftersales.warranty.cost"].search([("company_id", "=", company)], limit=1),
                {"company_id": company, "product_id": cls.cable.id},
                {"amount": 1.0},
            ),
            # Written by the workflow and the customer's portal requests only.
            "aftersales.recall.notice": Subject(
                cls.running_recall.notice_ids[0],
                {"recall_id": cls.running_recall.id, "company_id": company, "partner_id": customer},
                {"message_main_attachment_id": False},
            ),
            # Queued by the workflow in sudo, sent by the scheduler: nobody writes the queue.
            "aftersales.follow.up": Subject(
                env["aftersales.follow.up"].search([("res_id", "=", cls.processed_rma.id)], limit=1),
                {"kind": "email", "res_model": "aftersales.rma", "res_id": cls.processed_rma.id, "user_id": env.uid,
                 "template_id": env.ref("aftersales_service.mail_template_rma_decided").id},
                {"res_id": cls.received_rma.id},
            ),
        }
    @classmethod
    def _prepare_guarded(cls):
        """A record of every model of :attr:`modules` the protected-fields mixin guards."""
        return {model: cls.subjects[model].record for model in guarded_models(cls.env, cls.modules) if model in cls.matrix}

    @classmethod
    def _prepare_core_links(cls):
        """A record of each core model linked to our documents, with the fields only our workflow writes on it:
        the links, and the turnaround of a repair computed from them. {model: (record, field names)}"""
        receipt = cls.processed_rma.picking_ids.filtered(lambda picking: picking.aftersales_rma_role == "receipt")
        return {
            "stock.picking": (receipt, ("aftersales_rma_id", "aftersales_rma_role")),
            "stock.move": (receipt.move_ids[0], ("aftersales_rma_line_id",)),
            "stock.scrap": (cls.processed_rma.line_ids.scrap_id, ("aftersales_rma_line_id",)),
            "repair.order": (cls.repair, (
                "aftersales_rma_line_id", "aftersales_rma_id", "aftersales_deadline", "aftersales_returned_date",
                "aftersales_returned_late",
            )),
            "account.move": (cls.credit_note, ("aftersales_rma_id",)),
            "account.move.line": (cls.credit_note.line_ids.filtered("aftersales_rma_line_id"), ("aftersales_rma_line_id",)),
        }


@tagged("post_install", "-at_install")
class TestAccessRights(AccessRightsCase):

    # Access rights and record rules -----------------------------------------------------------

    def test_matrix_and_records_cover_every_model(self):
        self.assertEqual(
            [self.draft_rma.state, self.approved_rma.state, self.received_rma.state, self.processed_rma.state],
            ["draft", "confirmed", "received", "processed"],
        )
        ours = {
            name for name, model in self.env.registry.items()
            if model._original_module in self.modules and not model._abstract and not model._transient
        }
        self.assertLessEqual(ours, {model_of(subject) for subject in self.matrix})
        self.assertEqual(set(self.subjects), set(self.matrix))
        for subject, fixture in self.subjects.items():
            self.assertEqual((fixture.record._name, len(fixture.record)), (model_of(subject), 1), subject)
            if "company_id" in fixture.record._fields:
                company = self.env["res.company"] if subject.endswith(" shared") else self.company
                self.assertEqual(fixture.record.company_id, company, subject)
        self.assertEqual(set(self.guarded), guarded_models(self.env, self.modules))
        for model, record in self.guarded.items():
            self.assertEqual((record._name, len(record)), (model, 1), model)
        for model, (record, _fnames) in self.core_links.items():
            self.assertEqual((record._name, len(record)), (model, 1), model)

    def test_read(self):
        self._check_matrix("r")
        for subject, rights in self.matrix.items():
            for role, ops in rights.items():
                with self.subTest(subject=subject, role=role, operation="search"):
                    self.assertEqual(self._finds(subject, self.users[role]), "r" in ops)

    def test_write(self):
        self._check_matrix("w")

    def test_create(self):
        self._check_matrix("c")

    def test_unlink(self):
        self._check_matrix("u")

    # Protected fields -------------------------------------------------------------------------

    def test_workflow_frozen_and_computed_fields_are_written_by_nobody(self):
        for model, record in self.guarded.items():
            writers = [self.env] + [
                self.env(user=self.users[role]) for role in self.role_groups if self._may_write(role, record)
            ]
            # Stored values computed from others (charge, warranty end, quantities received and returned...)
            # are the model's own, as much as its states.
            computed = {name for name in record._computed_fields() if record._fields[name].store}
            protected = record._protected("_workflow_fields") | record._protected("_frozen_fields") | computed
            self.assertTrue(protected, model)
            for env in writers:
                for fname in sorted(protected):
                    with self.subTest(model=model, user=env.user.login, field=fname):
                        value = self._value_unlike(record, fname)
                        self._assert_guarded(record.with_env(env).write, model, fname, value)

    def test_links_of_core_models_are_written_by_the_workflow_only(self):
        """A read-only field is read-only in the forms only: a link of a core model to our documents is refused to a
        write by RPC, whoever sends it, even who may write the record; a copy leaves it behind but for transfers and
        their moves, whose backorders stay on the RMA."""
        declared = {(model, fname) for model, (_record, fnames) in self.core_links.items() for fname in fnames}
        self.assertLessEqual(core_links(self.env, self.modules), declared)
        for model, (record, fnames) in self.core_links.items():
            self.assertNotIsInstance(record, type(self.env["aftersales.protected.fields.mixin"]), model)
            writers = [self.env] + [
                self.env(user=self.users[role]) for role in self.role_groups if self._may_write(role, record)
            ]
            copied = record.copy_data()[0]
            for fname in fnames:
                with self.subTest(model=model, field=fname, operation="copy"):
                    field = record._fields[fname]
                    self.assertTrue(field.readonly)
                    kept = bool(copied.get(fname))
                    self.assertEqual(kept, model in ("stock.picking", "stock.move") and not field.compute)
                    if kept:
                        self.assertEqual(copied[fname], field.convert_to_write(record[fname], record))
                for env in writers:
                    with self.subTest(model=model, user=env.user.login, field=fname):
                        value = self._value_unlike(record, fname)
                        self._assert_guarded(record.with_env(env).write, model, fname, value)

    def test_new_records_start_where_the_workflow_starts(self):
        guarded = guarded_models(self.env, self.modules)
        for subject, rights in self.matrix.items():
            model = self.env[model_of(subject)]
            if model._name not in guarded or not model._protected("_workflow_fields"):
                continue
            create_values = self.subjects[subject].create
            creators = [self.env] + [self.env(user=self.users[role]) for role, ops in rights.items() if "c" in ops]
            for fname in sorted(model._protected("_workflow_fields")):
                # Unlike the default: the guard lets a create give the default, as a form sends it.
                value = self._value_unlike(model.new(model.default_get([fname])), fname)
                for env in creators:
                    with self.subTest(model=model._name, user=env.user.login, field=fname):
                        create = model.with_env(env).create
                        self._assert_guarded(lambda vals, create=create: create({**create_values, **vals}),
                                             model._name, fname, value)

    def test_manager_fields_are_set_by_managers_only(self):
        editable = self._manager_editable()
        self.assertEqual(set(editable), {name for name in guarded_models(self.env, self.modules)
                                         if self.env[name]._protected("_manager_fields")})
        for model, record in editable.items():
            create_values = self.subjects[model].create
            for fname in sorted(record._protected("_manager_fields")):
                value = self._value_unlike(record, fname)
                with self.subTest(model=model, field=fname):
                    with self.assertRaises(AccessError):
                        record.with_user(self.users["user"]).write({fname: value})
                    with self.assertRaises(AccessError):
                        self.env[model].with_user(self.users["user"]).create({**create_values, fname: value})
                    record.with_user(self.users["manager"]).write({fname: value})
                    self.assertEqual(record[fname].ids if record._fields[fname].type == "many2many" else record[fname],
                                     value[0][2] if record._fields[fname].type == "many2many" else value)

    def _manager_editable(self):
        """A record of each model with manager fields, in a state where those fields can be edited."""
        return {"aftersales.rma.line": self.received_rma.line_ids, "aftersales.recall": self.recall}

    # Warehouse ---------------------------------------------------------------------------------

    def test_stock_user_reads_every_field_of_a_repair_of_an_rma(self):
        repair = self.repair.with_user(self.users["stock"])
        names = list(repair.fields_get(attributes=["type"]))
        self.assertIn("aftersales_rma_id", names)
        [values] = repair.read(names)
        self.assertEqual(values["aftersales_rma_id"][0], self.processed_rma.id)

    def test_stock_user_validates_the_receipt_of_an_rma(self):
        receipt = self.approved_rma.picking_ids.with_user(self.users["stock"])
        self.assertEqual(receipt.aftersales_rma_role, "receipt")
        receipt.move_ids.picked = True
        self.assertIs(receipt.button_validate(), True)
        self.assertEqual(receipt.state, "done")
        self.assertEqual(self.approved_rma.state, "received")
