from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.misc import format_date
from odoo.tools.safe_eval import safe_eval

from ..selections import RMA_STATES
from .common import AftersalesCase, RmaCase

# Documents a many2one of ours points to that are never created from another document's form, besides our numbered
# documents.
DOCUMENTS = {"sale.order", "aftersales.delivery.record", "stock.lot", "product.product", "repair.order", "stock.picking"}


@tagged("post_install", "-at_install")
class TestScreens(AftersalesCase):
    """What a coordinator sees on the screens is right and behaves as in Odoo's own apps."""

    documents = DOCUMENTS

    def _documents(self):
        """The documents never created from another document's form: ours numbered, and :attr:`documents`."""
        return self.documents | set(self.env.registry["aftersales.document.mixin"]._inherit_children)

    def _kanban_columns(self, model):
        """The columns of the model's kanban by state, as the web client asks for them: (state, folded)."""
        result = self.env[model].with_context(read_group_expand=True).web_read_group(
            [], ["state"], ["__count"], auto_unfold=True, unfold_read_specification={"id": {}}
        )
        return [(group["state"], "__records" not in group) for group in result["groups"]]

    def test_kanban_columns_follow_the_workflow_with_empty_stages_and_finished_ones_folded(self):
        for model, folded in (
            ("aftersales.rma", {"done", "cancel"}),
            ("aftersales.complaint", {"closed", "cancel"}),
            ("aftersales.return.visit", {"done", "cancel"}),
            ("aftersales.survey", {"done", "cancel"}),
        ):
            with self.subTest(model=model):
                states = [value for value, _label in self.env[model]._fields["state"].selection]
                self.assertEqual(
                    self._kanban_columns(model), [(state, state in folded) for state in states], model
                )

    def _hidden(self, model, view_type, xpath, **values):
        """Whether the nodes at ``xpath`` of the model's default ``view_type`` view are hidden for a record of
        ``values``, as the web client evaluates their ``invisible``."""
        arch = etree.fromstring(self.env[model].get_view(view_type=view_type)["arch"])
        nodes = arch.xpath(xpath)
        self.assertTrue(nodes, xpath)
        return [bool(safe_eval(node.get("invisible") or "False", values)) for node in nodes]

    def test_nothing_is_shown_before_there_is_something_to_show(self):
        ribbon = "//widget[@name='web_ribbon'][@title='Warranty Expired']"
        new = {"under_warranty": False, "warranty_end_date": False}
        self.assertEqual(self._hidden("aftersales.delivery.record", "form", ribbon, **new), [True], "a new record")
        expired = {"under_warranty": False, "warranty_end_date": date(2020, 1, 31)}
        self.assertEqual(self._hidden("aftersales.delivery.record", "form", ribbon, **expired), [False])
        for view_type, xpath in (("form", "//group[@string='Score']"),
                                 ("list", "//field[@name='score' or @name='base_score' or @name='deduction' "
                                          "or @name='satisfied']")):
            with self.subTest(view_type=view_type):
                hidden = self._hidden("aftersales.survey", view_type, xpath, state="draft", is_answered=False)
                self.assertTrue(all(hidden), "a draft survey has no score before its answers")
                for state in ("draft", "done"):
                    self.assertFalse(any(self._hidden("aftersales.survey", view_type, xpath, state=state, is_answered=True)))

    def test_years_print_without_a_thousands_separator(self):
        views = self.env["ir.ui.view"].search([
            ("model", "in", ["aftersales.survey", "aftersales.survey.campaign"]), ("type", "in", ["form", "list"]),
        ])
        shown = 0
        for view in views:
            arch = etree.fromstring(self.env[view.model].get_view(view.id)["arch"])
            for node in arch.iter("field"):
                if node.get("name") in ("campaign_year", "year"):
                    shown += 1
                    self.assertEqual(
                        safe_eval(node.get("options", "{}")).get("enable_formatting"), False, view.xml_id
                    )
        self.assertGreaterEqual(shown, 3)

    def _editable_many2ones(self, node, model, editable=True):
        """The many2one fields to documents that a user can edit in the arch ``node`` of ``model``."""
        for child in node:
            field = model._fields.get(child.get("name")) if child.tag == "field" else None
            if field and field.type in ("one2many", "many2many"):
                # A card only shows its record: its form, or the list's own row when editable, changes it.
                for subview in child:
                    yield from self._editable_many2ones(
                        subview, self.env[field.comodel_name], editable and child.get("readonly") not in ("1", "True")
                        and (subview.tag == "form" or subview.tag == "list" and bool(subview.get("editable"))),
                    )
                continue
            if field and field.type == "many2one" and field.comodel_name in self._documents() and editable and (
                child.get("readonly") not in ("1", "True") and not (field.readonly and not child.get("readonly"))
            ):
                yield model._name, child
            yield from self._editable_many2ones(child, model, editable)

    def test_many2ones_to_documents_offer_no_create(self):
        views = self.env["ir.ui.view"].search([
            ("type", "=", "form"), ("inherit_id", "=", False), ("model", "like", "aftersales."),
        ])
        checked = 0
        for view in views:
            arch = etree.fromstring(self.env[view.model].get_view(view.id)["arch"])
            for model, node in self._editable_many2ones(arch, self.env[view.model]):
                checked += 1
                self.assertTrue(
                    safe_eval(node.get("options", "{}")).get("no_create"), f"{view.xml_id}: {model}.{node.get('name')}"
                )
        self.assertGreaterEqual(checked, 10)


@tagged("post_install", "-at_install")
class TestCreateRma(RmaCase):
    """Create RMA opens a prefilled form: nothing is saved and no number taken until the user saves."""

    def test_create_rma_from_an_order_opens_an_unsaved_form_numbered_on_save(self):
        order, lots = self._sell_and_deliver(["SCR-1", "SCR-2"])
        coordinator = self.env(user=self.coordinator)
        rmas = self.env["aftersales.rma"].search([])
        self.assertIn(
            "action_create_aftersales_rma",
            coordinator["sale.order"].get_view(self.env.ref("sale.view_order_form").id)["arch"],
        )
        action = order.with_env(coordinator).action_create_aftersales_rma()
        self.assertNotIn("res_id", action)
        self.assertEqual(self.env["aftersales.rma"].search([]), rmas, "nothing saved, no number taken")
        rma = self._save_action_form(action, coordinator)
        self.assertEqual(rma.name[:4], "RMA/")
        self.assertEqual((rma.partner_id, rma.sale_order_id, rma.state), (self.customer, order, "draft"))
        self.assertEqual(rma.line_ids.lot_id, lots)
        self.assertEqual(rma.line_ids.delivery_record_id, self._records(sale_order_id=order.id))
        undelivered = self._sell(self.customer, [(self.motor, 1)])
        self.assertFalse(undelivered.with_env(coordinator).can_create_aftersales_rma)
        with self.assertRaisesRegex(UserError, "delivered no unit"):
            undelivered.with_env(coordinator).action_create_aftersales_rma()


@tagged("post_install", "-at_install")
class TestComplaintScreens(AftersalesCase):

    def _visible_header_buttons(self, record):
        """The header buttons of the record's form that its values leave visible."""
        arch = etree.fromstring(record.get_view(view_type="form")["arch"])
        values = {name: record[name] for name in record._fields if name.startswith("can_") or name == "state"}
        return [
            button.get("name") for button in arch.find("header").iter("button")
            if not safe_eval(button.get("invisible", "False"), values)
        ]

    def test_a_new_complaint_shows_only_its_next_steps_and_offers_rma_and_repair_in_the_action_menu(self):
        complaint = self.env["aftersales.complaint"].create({
            "partner_id": self.customer.id, "product_id": self.motor.id, "onsite_required": False,
        })
        self.assertEqual(
            self._visible_header_buttons(complaint),
            ["action_acknowledge", "action_investigate", "action_wait_customer", "action_cancel"],
        )
        toolbar = complaint.get_views([(False, "form")], {"toolbar": True})["views"]["form"]["toolbar"]
        server_actions = (
            self.env.ref("aftersales_service.action_aftersales_complaint_create_rma")
            | self.env.ref("aftersales_service.action_aftersales_complaint_create_repair")
        )
        self.assertLessEqual(set(server_actions.ids), {action["id"] for action in toolbar["action"]})
        complaint.action_cancel()
        server_action = self.env.ref("aftersales_service.action_aftersales_complaint_create_rma")
        with self.assertRaises(UserError):
            server_action.with_context(active_model=complaint._name, active_id=complaint.id).run()


@tagged("post_install", "-at_install")
class TestOverview(RmaCase):
    """The app's first screen counts what its tiles open."""

    def _tiles(self, user):
        overview = self.env["aftersales.overview"].with_user(user).get_overview()
        return overview, {tile["key"]: tile for tile in overview["rma_states"] + overview["tiles"]}

    def test_overview_counts_what_each_tile_opens_and_is_for_after_sales_users(self):
        order, lots = self._sell_and_deliver(["OV-1", "OV-2"])
        rma = self._new_rma(order, lots[:1])
        overview, tiles = self._tiles(self.coordinator)
        self.assertEqual(
            list(tiles)[:6], ["draft", "confirmed", "received", "inspected", "decided", "processed"], "workflow order"
        )
        for key, tile in tiles.items():
            found, facets = self._opened_list(tile["action"], self.coordinator)
            self.assertEqual(len(found), tile["count"], key)
            label = [self.env["aftersales.rma"]._fields["state"].string, key] if key in dict(RMA_STATES) else [tile["label"]]
            self.assertEqual(facets, [label], "the list says which tile opened it, as a facet the user can remove")
            own = self.env["ir.actions.act_window"].browse(tile["action"]["id"])
            self.assertEqual(tile["action"]["domain"], own.domain, "nothing hidden the user cannot remove")
        self.assertIn(rma, self._opened_list(tiles["draft"]["action"], self.coordinator)[0])
        self.assertEqual(overview["return_rate"]["points"][-1]["value"], 0.0, "this month: 2 delivered, none back")
        self.env["aftersales.complaint"].create({"partner_id": self.customer.id})
        self.assertEqual(self._tiles(self.coordinator)[1]["this_month"]["count"], tiles["this_month"]["count"] + 1)
        with self.assertRaises(AccessError):
            self.env["aftersales.overview"].with_user(self.stock_user).get_overview()

    def test_the_return_rate_tile_leaves_out_the_months_without_deliveries(self):
        first = self.company._aftersales_today().replace(day=1) - relativedelta(months=11)
        with freeze_time(datetime.combine(first, time(9))):
            self._sell_and_deliver(["OV-YEAR"])
        self._sell_and_deliver(["OV-NOW"])
        self.env.flush_all()
        overview, _tiles = self._tiles(self.coordinator)
        delivered = {
            format_date(self.env, month, date_format="MMM yyyy"): quantity
            for month, quantity in self.env["aftersales.return.rate.report"]._read_group(
                [("month", ">=", first)], ["month:month"], ["delivered_qty:sum"]
            )
        }
        self.assertEqual(len(delivered), 12, "the unit delivered a year ago keeps a row in every month since")
        labels = [point["label"] for point in overview["return_rate"]["points"]]
        self.assertEqual(labels, [label for label, quantity in delivered.items() if quantity],
                         "a month without deliveries has no rate: it is left out, not drawn at 0 %")
        self.assertIs(overview["return_rate"]["action"]["context"]["fill_temporal"], False)


@tagged("post_install", "-at_install")
class TestDeliveredUnitsReport(RmaCase):
    """The monthly figures are a report of their own, with its menu, pivot and graph."""

    def _report_readers(self):
        """The users who read the report: after-sales users (addons add theirs)."""
        return self.coordinator

    def _open_report(self, user):
        """The report as its menu opens it for ``user``: the action, its views, then the pivot by product and month
        (its totals, rows, columns and cells at once, as the web client asks)."""
        action = self.env["ir.actions.act_window"].with_user(user)._for_xml_id(
            "aftersales_service.action_aftersales_delivery_month"
        )
        report = self.env[action["res_model"]].with_user(user)
        modes = action["view_mode"].split(",")
        self.assertEqual(set(report.get_views([(False, mode) for mode in [*modes, "search"]])["views"]),
                         {*modes, "search"})
        return report.formatted_read_grouping_sets(
            [], [[], ["product_id"], ["month:month"], ["product_id", "month:month"]],
            ["record_count:sum", "delivered_qty:sum", "rma_returned_qty:sum"],
        )

    def test_its_readers_open_the_report_grouped_by_product_and_month(self):
        order, lots = self._sell_and_deliver(["DU-1", "DU-2"])
        self._approve_and_receive(self._new_rma(order, lots[:1]))
        self.env.flush_all()
        month = self.company._aftersales_today().replace(day=1)
        menu = self.env.ref("aftersales_service.menu_aftersales_delivery_month")
        self.assertEqual(menu.action, self.env.ref("aftersales_service.action_aftersales_delivery_month"))
        for user in self._report_readers():
            with self.subTest(user=user.login):
                # Odoo shows a menu whose action the user may read.
                self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(user)._visible_menu_ids(), user.login)
                cells = self._open_report(user)[3]
                [motor] = [cell for cell in cells if cell["product_id"][0] == self.motor.id
                           and cell["month:month"][0] == month.isoformat()]
                self.assertEqual(
                    (motor["record_count:sum"], motor["delivered_qty:sum"], motor["rma_returned_qty:sum"]),
                    (2, 2.0, 1.0), user.login,
                )
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(self.stock_user)._visible_menu_ids())
        with self.assertRaises(AccessError):
            self._open_report(self.stock_user)

