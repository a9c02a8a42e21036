import base64
import shutil
import uuid
from contextlib import closing, contextmanager

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import api, sql_db
from odoo.modules.registry import Registry
from odoo.service import db
from odoo.exceptions import UserError
from odoo.fields import Command, Domain
from odoo.tests import BaseCase, Form, TransactionCase, get_db_name, new_test_user
from odoo.tools import SQL, config
from odoo.tools.safe_eval import safe_eval


class AftersalesCase(TransactionCase):
    """Customers, tracked products and stock, and the user-driven sale → delivery flow."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        # The company, and the companies a test creates (their calendars take the creating user's time zone),
        # work on UTC unless a test says otherwise: their day is then the tests' date.today(), at any hour the suite
        # runs (the module reads every day in the company's time zone).
        cls.env.user.tz = "UTC"
        cls.company.resource_calendar_id.tz = "UTC"
        cls.warehouse = cls.env["stock.warehouse"].search([("company_id", "=", cls.company.id)], limit=1)
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.env.user.group_ids += cls.env.ref("stock.group_production_lot")
        cls.customer = cls.env["res.partner"].create({"name": "Acme Motors Ltd", "is_company": True})
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Li Wei", "parent_id": cls.customer.id, "type": "delivery"}
        )
        cls.distributor = cls.env["res.partner"].create(
            {"name": "East Coast Distribution", "is_company": True, "aftersales_channel": "distributor"}
        )
        cls.categ_motors = cls.env["product.category"].create({"name": "Motors"})
        cls.categ_small_motors = cls.env["product.category"].create(
            {"name": "Small Motors", "parent_id": cls.categ_motors.id}
        )
        cls.motor = cls._create_product("YX-90 Motor", "serial", cls.categ_small_motors)
        cls.bearing = cls._create_product("Bearing Kit", "lot", cls.categ_motors)
        cls.cable = cls._create_product("Power Cable", "none", cls.env["product.category"].create({"name": "Accessories"}))
        cls.extension_service = cls.env["product.product"].create(
            {
                "name": "Extended Warranty +12 months",
                "type": "service",
                "list_price": 80.0,
                "aftersales_warranty_extension_months": 12,
            }
        )
        cls.stock_user = new_test_user(
            cls.env, "as_stock_user", groups="stock.group_stock_user,sales_team.group_sale_salesman_all_leads"
        )
        cls.default_policy = cls.env["aftersales.warranty.policy"].search(
            [("company_id", "=", cls.company.id), ("scope", "=", "company")]
        )

    @classmethod
    def _create_product(cls, name, tracking, categ):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "tracking": tracking,
                "categ_id": categ.id,
                "list_price": 100.0,
            }
        )

    @classmethod
    def _stock_serials(cls, product, names):
        """Put one unit of each serial number in stock; return the lots."""
        lots = cls.env["stock.lot"].create(
            [{"name": name, "product_id": product.id, "company_id": cls.company.id} for name in names]
        )
        for lot in lots:
            cls.env["stock.quant"]._update_available_quantity(product, cls.stock_location, 1.0, lot_id=lot)
        return lots

    @classmethod
    def _stock_quantity(cls, product, quantity, lot_name=None):
        lot = lot_name and cls.env["stock.lot"].create(
            {"name": lot_name, "product_id": product.id, "company_id": cls.company.id}
        )
        cls.env["stock.quant"]._update_available_quantity(
            product, cls.stock_location, quantity, lot_id=lot or None
        )
        return lot

    def _sell(self, partner, lines, commitment_date=None):
        """Create and confirm a sale order through its form; ``lines`` are (product, quantity)."""
        with Form(self.env["sale.order"]) as order_form:
            order_form.partner_id = partner
            if commitment_date:
                order_form.commitment_date = commitment_date
            for product, quantity in lines:
                with order_form.order_line.new() as line:
                    line.product_id = product
                    line.product_uom_qty = quantity
        order = order_form.record
        order.action_confirm()
        return order

    def _validate(self, picking, user=None):
        """Pick everything reserved and validate as ``user`` (a warehouse user by default)."""
        picking = picking.with_user(user or self.stock_user)
        picking.move_ids.picked = True
        action = picking.button_validate()
        self.assertIs(action, True, "validation should not ask for a wizard")
        self.assertEqual(picking.state, "done")
        return picking

    def _deliver(self, order, user=None):
        """Validate the order's outgoing pickings until nothing is left to ship."""
        pickings = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        for picking in pickings.sorted("id"):
            self._validate(picking, user)
        return pickings

    @classmethod
    def _save_action_form(cls, action, env=None):
        """Save the new record's form that ``action`` opens, as the user of ``env`` clicks Save."""
        model = (env or cls.env)[action["res_model"]].with_context(**action.get("context", {}))
        return Form(model).save().with_env(cls.env)

    def _run_follow_ups(self):
        """What the scheduler does once a transition is committed: the queued customer e-mails are posted, the
        return visits planned."""
        # The job commits each batch: it runs on a cursor whose commits stay inside the test's transaction, after the
        # transition's own commit (its writes all in the database). Whoever the scheduler runs as: here the
        # administrator, without superuser rights.
        self.env.flush_all()
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            self.env(cr=cr, user=self.env.ref("base.user_admin"))["aftersales.follow.up"]._cron_run()

    def _speak(self, lang):
        """Activate ``lang`` with the after-sales addons' translations into it."""
        self.env["res.lang"]._activate_lang(lang)
        addons = self.env["ir.module.module"].search([("name", "like", "aftersales_%"), ("state", "=", "installed")])
        self.env["ir.module.module"]._load_module_terms(addons.mapped("name"), [lang], overwrite=True)

    def _records(self, **domain):
        return self.env["aftersales.delivery.record"].search([(key, "=", value) for key, value in domain.items()])

    def _picker(self, model, field, typed="", user=None, **form_values):
        """What the many2one ``field`` of a ``model`` form offers when ``typed`` is typed in it: its own domain with
        the form's ``form_values``, searched by name as the web client searches."""
        form_values = {"company_id": self.company.id, **form_values}
        domain = safe_eval(self.env[model].fields_get([field], ["domain"])[field]["domain"] or "[]", form_values)
        comodel = self.env[self.env[model]._fields[field].comodel_name].with_user(user or self.env.user)
        found = comodel.web_name_search(typed, {"display_name": {}}, domain=domain)
        return comodel.browse([record["id"] for record in found]).with_env(self.env)

    def _opened_list(self, action, user):
        """What ``user`` sees when the window ``action`` (an xmlid or an action's values) opens: the records, and the
        facets of its search view's defaults. The web client's way: a filter's facet OR-s the default filters of its
        group (between separators), facets are AND-ed, a field's default is a facet of its own."""
        if isinstance(action, str):
            action = self.env["ir.actions.act_window"]._for_xml_id(action)
        model = self.env[action["res_model"]].with_user(user)
        today = self.company._aftersales_today()
        values = {"uid": user.id, "context_today": lambda: today, "relativedelta": relativedelta}
        context = action.get("context") or {}
        context = safe_eval(context, values) if isinstance(context, str) else context
        defaults = {
            key.removeprefix("search_default_"): value for key, value in context.items()
            if key.startswith("search_default_") and value
        }
        view_id = action.get("search_view_id") and action["search_view_id"][0]
        facets, group = [], []
        for node in [*etree.fromstring(model.get_view(view_id, "search")["arch"]), etree.Element("separator")]:
            name = node.get("name")
            if node.tag == "filter" and name in defaults and node.get("domain"):
                group.append((node.get("string"), Domain(safe_eval(node.get("domain"), values))))
            elif node.tag == "field" and name in defaults:
                facets.append(([node.get("string") or model._fields[name].string, defaults[name]],
                               Domain(name, node.get("operator") or "=", defaults[name])))
            elif node.tag != "filter" and group:
                facets.append(([label for label, _domain in group], Domain.OR(domain for _label, domain in group)))
                group = []
        domain = action.get("domain") or []
        domain = Domain(safe_eval(domain, values) if isinstance(domain, str) else domain)
        records = model.search(Domain.AND([domain] + [facet_domain for _labels, facet_domain in facets]))
        return records.with_env(self.env), [labels for labels, _domain in facets]

    def _return(self, picking, quantities):
        """Return goods through the standard return wizard; ``quantities`` maps product → quantity."""
        wizard = Form(self.env["stock.return.picking"].with_context(active_id=picking.id, active_model="stock.picking"))
        for index in range(len(wizard.product_return_moves)):
            with wizard.product_return_moves.edit(index) as line:
                line.quantity = quantities.get(line.product_id, 0.0)
        action = wizard.save().action_create_returns()
        return self.env["stock.picking"].browse(action["res_id"])


class RmaCase(AftersalesCase):
    """Invoiced and delivered orders, and an RMA driven through its form and buttons."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, "as_rma_manager", groups="aftersales_service.group_aftersales_manager,account.group_account_readonly",
        )
        cls.coordinator = new_test_user(cls.env, "as_rma_user", groups="aftersales_service.group_aftersales_user")
        cls.motor.write({"list_price": 1000.0, "invoice_policy": "delivery"})
        cls.bearing.write({"list_price": 40.0, "invoice_policy": "delivery"})
        cls.spare_part = cls._create_product("Winding Kit", "none", cls.categ_motors)
        cls.spare_part.list_price = 150.0
        cls.labour = cls.env.ref("aftersales_service.product_repair_labour")
        cls.labour.list_price = 60.0

    def _sales_tax(self, products, percent=13.0):
        """A sales tax of ``percent`` on ``products``, in place of the company's default one."""
        tax = self.env["account.tax"].create({"name": f"VAT {percent:g}%", "amount": percent, "type_tax_use": "sale"})
        products.taxes_id = tax
        return tax

    def _sell_and_deliver(self, serials, discount=0.0, invoice=True, partner=None):
        """An order of one serial-tracked motor per serial, delivered and (by default) invoiced."""
        lots = self._stock_serials(self.motor, serials)
        order = self._sell(partner or self.customer, [(self.motor, len(serials))])
        order.order_line.discount = discount
        self._deliver(order)
        if invoice:
            order._create_invoices().action_post()
        return order, lots

    def _units(self, serials, partner=None):
        """Delivered and invoiced motors of ``partner`` (the customer by default): their delivery records."""
        order, _lots = self._sell_and_deliver(serials, partner=partner)
        return self._records(sale_order_id=order.id).sorted(lambda record: record.lot_id.name)

    def _stock_serial_in(self, lot):
        return self.env["stock.quant"]._get_available_quantity(self.motor, self.stock_location, lot_id=lot, strict=True)

    def _new_rma(self, order, lots, user=None):
        """An RMA typed in by a coordinator: customer, order, then one line per serial."""
        with Form(self.env["aftersales.rma"].with_user(user or self.coordinator)) as rma_form:
            rma_form.partner_id = order.partner_id.commercial_partner_id
            rma_form.sale_order_id = order
            rma_form.reason_id = self.env.ref("aftersales_service.rma_reason_defect")
            for lot in lots:
                with rma_form.line_ids.new() as line:
                    line.lot_id = lot
        return rma_form.record.with_env(self.env)

    def _approve_and_receive(self, rma):
        rma.with_user(self.manager).action_confirm()
        for receipt in rma.picking_ids.filtered(lambda p: p.aftersales_rma_role == "receipt"):
            self._validate(receipt)
        self.assertEqual(rma.state, "received")

    def _inspect(self, rma, findings, user=None):
        """Record ``findings`` (a list of dicts, one per line) through the RMA form, then close inspection."""
        with Form(rma.with_user(user or self.coordinator)) as rma_form:
            for index, values in enumerate(findings):
                with rma_form.line_ids.edit(index) as line:
                    for name, value in values.items():
                        setattr(line, name, value)
        rma.with_user(user or self.coordinator).action_inspection_done()

    def _decide_and_process(self, rma, decisions=None, user=None):
        """Keep the proposed decisions unless ``decisions`` says otherwise, confirm them and process."""
        user = user or self.coordinator
        if decisions:
            with Form(rma.with_user(user)) as rma_form:
                for index, values in enumerate(decisions):
                    with rma_form.line_ids.edit(index) as line:
                        for name, value in values.items():
                            setattr(line, name, value)
        rma.with_user(user).action_decide()
        rma.with_user(user).action_process()

    def _finish_repair(self, line, parts=()):
        """The technician adds ``parts`` (product, quantity) and ends the repair."""
        repair = line.repair_id
        with Form(repair) as repair_form:
            for product, quantity in parts:
                with repair_form.move_ids.new() as move:
                    move.product_id = product
                    move.product_uom_qty = quantity
        repair.action_repair_start()
        repair.move_ids.picked = True
        repair.action_repair_end()
        return repair

    def _transfers(self, rma, role):
        """The transfers of ``rma`` in ``role`` (receipt, replacement, return...)."""
        return rma.picking_ids.filtered(lambda picking: picking.aftersales_rma_role == role)

    def _quantity_at(self, lot, location):
        """How many of the motor ``lot`` is at ``location``."""
        return sum(self.env["stock.quant"]._gather(self.motor, location, lot_id=lot, strict=True).mapped("quantity"))

    def _ship(self, rma, role):
        pickings = self._transfers(rma, role).filtered(lambda picking: picking.state != "done")
        for picking in pickings:
            self._validate(picking)
        return pickings


def guarded_models(env, modules):
    """Every model of ``modules`` whose fields the protected-fields mixin guards: our documents, never a core model."""
    mixin = env.registry["aftersales.protected.fields.mixin"]
    return {name for name, model in env.registry.items()
            if issubclass(model, mixin) and not model._abstract and model._original_module in modules}


def core_links(env, modules):
    """The links ``modules`` add to core models: their stored read-only fields that no compute sets, or that follow
    such a link (a related field). {(model, field name)}"""
    return {
        (name, fname)
        for name, model in env.registry.items()
        if not model._abstract and not model._transient and not model._original_module.startswith("aftersales_")
        for fname, field in model._fields.items()
        if field.store and field.readonly and (field.related or not field.compute)
        and set(field._modules).intersection(modules)
    }


# A photo and a document as a customer's browser would upload them, and a file that is neither.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


class PortalCase(RmaCase):
    """Two customers with a portal user each, and units delivered to both."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.buyer = cls.env["res.partner"].create({
            "name": "Wang Fang", "parent_id": cls.customer.id, "email": "wang.fang@acme.example.com",
        })
        cls.portal_user = new_test_user(
            cls.env, "as_portal", groups="base.group_portal", partner_id=cls.buyer.id, name=cls.buyer.name
        )
        cls.rival_buyer = cls.env["res.partner"].create({"name": "Zhao Lei", "parent_id": cls.distributor.id})
        cls.rival_user = new_test_user(
            cls.env, "as_portal_rival", groups="base.group_portal", partner_id=cls.rival_buyer.id,
            name=cls.rival_buyer.name,
        )
        cls.customer.email = "service@acme.example.com"
        cls.reason = cls.env.ref("aftersales_service.rma_reason_defect")

    @classmethod
    def _deliver_units(cls, serials, partner):
        cls._stock_serials(cls.motor, serials)
        order = cls.env["sale.order"].create({
            "partner_id": partner.id,
            "order_line": [Command.create({"product_id": cls.motor.id, "product_uom_qty": len(serials)})],
        })
        order.action_confirm()
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        return cls.env["aftersales.delivery.record"].search([("sale_order_id", "=", order.id)], order="id")

    @classmethod
    def _approved_rma(cls, user, unit):
        rma = cls.env["aftersales.rma"].with_user(user)._portal_request(
            [{"record_id": unit.id, "quantity": 1}], reason_id=cls.reason.id, photos=[("unit.png", PNG)],
        ).with_user(cls.manager)
        rma.action_confirm()
        return rma.with_env(cls.env)

    @classmethod
    def _resolved_complaint(cls, partner):
        complaint = cls.env["aftersales.complaint"].create({
            "partner_id": partner.id, "subject": f"Noise at {partner.name}", "kind": "inquiry",
            "resolution": "<p>Bearing replaced.</p>",
        })
        complaint.action_acknowledge()
        complaint.action_resolve()
        return complaint


class CommittedCase(BaseCase):
    """Users working in real database transactions of their own, as two browser tabs, RPC clients or workers would:
    what one has done but not committed yet is invisible to the other. They work in a copy of the test database made
    for the class and dropped after it: nothing the class commits stays."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = uuid.uuid4().hex[:8]
        cls.dbname = f"{get_db_name()}_committed_{cls.tag}"
        # Loading the copy's registry would run every module's at-install tests while the suite's flag is on.
        test_enable = config["test_enable"]
        config["test_enable"] = False
        try:
            db.exp_duplicate_database(get_db_name(), cls.dbname)
        finally:
            config["test_enable"] = test_enable
        cls.addClassCleanup(cls._drop_database)
        with cls._transaction() as env:
            cls.ids = cls._prepare(env)

    @classmethod
    def _drop_database(cls):
        """Drop the class's copy of the test database and its files."""
        Registry.delete(cls.dbname)
        sql_db.close_db(cls.dbname)
        with closing(sql_db.db_connect("postgres").cursor()) as cr:
            # A database is dropped outside a transaction, as Odoo's own database manager does.
            cr._cnx.autocommit = True  # pylint: disable=protected-access
            cr.execute(SQL("DROP DATABASE %s", SQL.identifier(cls.dbname)))
        filestore = config.filestore(cls.dbname)
        # Under pytest-xdist every copy of the suite's database shares its files: they stay.
        if filestore != config.filestore(get_db_name()):
            shutil.rmtree(filestore, ignore_errors=True)

    @classmethod
    def _prepare(cls, env):
        """The committed data of the class, as a dict of ids."""
        raise NotImplementedError

    @classmethod
    @contextmanager
    def _transaction(cls, login=None, commit=True, after_commit=True):
        """An environment on a real cursor of its own; committed on exit unless ``commit`` is False. Without
        ``after_commit``, what the transaction asked to run once committed is not run, as when the worker stops right
        after the commit."""
        with closing(sql_db.db_connect(cls.dbname).cursor()) as cr:
            # A lock the code does not ask for would block this single-threaded test: fail instead.
            cr.execute("SET lock_timeout = '5s'")
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            if login:
                user = env["res.users"].search([("login", "=", login)])
                env = api.Environment(cr, user.id, {"allowed_company_ids": user.company_ids.ids})
            yield env
            if commit:
                if not after_commit:
                    cr.postcommit.clear()
                # Real transactions are the point of these tests: the other one sees only what is committed.
                cr.commit()  # pylint: disable=invalid-commit
            else:
                cr.rollback()


class TwoUsersCase(CommittedCase):
    """Two users acting on one document at the same moment (docs/security.md §5), in the main company of the class's
    database, whose two users are After-Sales managers (and dispatchers, with field service) and warehouse users."""

    @classmethod
    def _prepare(cls, env):
        cls.logins = (f"cc_first_{cls.tag}", f"cc_second_{cls.tag}")
        company = env.company
        if not company.chart_template:
            env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        env = env(context={"allowed_company_ids": company.ids})
        group = "aftersales_service.group_aftersales_manager,stock.group_stock_user,account.group_account_readonly"
        for login in cls.logins:
            new_test_user(env, login, groups=group, company_id=company.id, company_ids=[(6, 0, company.ids)])
        return cls._prepare_company(env, company)

    @classmethod
    def _prepare_company(cls, env, company):
        """The documents of the tests, in ``company``: returns their ids by name."""
        raise NotImplementedError

    @classmethod
    def _deliver(cls, env, company, product, serial, customer):
        """A serial of ``product`` sold to ``customer``, delivered and invoiced: the order and the unit's record."""
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        lot = env["stock.lot"].create({"name": serial, "product_id": product.id, "company_id": company.id})
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, 1.0, lot_id=lot)
        order = env["sale.order"].create({
            "partner_id": customer.id, "company_id": company.id, "warehouse_id": warehouse.id,
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
        })
        order.action_confirm()
        order.picking_ids.move_ids.picked = True
        order.picking_ids.button_validate()
        order._create_invoices().action_post()
        return order, env["aftersales.delivery.record"].search([("lot_id", "=", lot.id)])

    def _twice_at_once(self, action, refused_once_done=True):
        """``action(env)`` run by the two users at the same moment: the first holds its transaction open while the
        second tries and is told; then the first commits and the second tries again, refused or doing nothing (a
        transfer already validated)."""
        first, second = self.logins
        with self._transaction(first) as env:
            action(env)
            with self._transaction(second, commit=False) as other:
                with self.assertRaisesRegex(UserError, "being changed by someone else"):
                    action(other)
        with self._transaction(second) as other:
            if refused_once_done:
                with self.assertRaises(UserError):
                    action(other)
            else:
                action(other)
