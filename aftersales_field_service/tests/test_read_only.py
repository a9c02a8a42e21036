"""docs/README.md, read-only entry points: the field-service requests a replica may serve write nothing."""
from odoo.tests import tagged

# Odoo mounts its addons on odoo.addons at run time, where pylint does not look for them.
# pylint: disable=import-error,no-name-in-module
from odoo.addons.aftersales_service.tests.test_read_only import ReadOnlyCase

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestFieldServiceReadOnly(DispatchCase, ReadOnlyCase):

    def setUp(self):
        super().setUp()
        self.order = self._plan(self.other_unit)

    def test_the_portal_visits_are_read_only(self):
        with self._read_only(self.portal_user):
            counters = self.make_jsonrpc_request("/my/counters", {"counters": ["aftersales_visit_count"]})
            self.assertEqual(counters["aftersales_visit_count"], 1)
            for url in ("/my/visits", self.order.access_url):
                with self.subTest(url=url):
                    self._open(url)

    def test_the_dispatchers_boards_are_read_only(self):
        orders = "aftersales.dispatch.order"
        views = self.env[orders].with_user(self.dispatcher).get_views([(False, "kanban"), (False, "calendar")])
        specification = {
            name: {"fields": {"display_name": {}}} if field["type"] in ("many2one", "one2many", "many2many") else {}
            for name, field in views["models"][orders]["fields"].items()
        }
        with self._read_only(self.dispatcher):
            for groupby in ("technician_id", "state"):
                with self.subTest(groupby=groupby):
                    board = self._call(orders, "web_read_group", [], groupby=[groupby], aggregates=["__count"],
                                       auto_unfold=True, unfold_read_specification=specification)
                    self.assertIn(self.order.id, [record["id"] for group in board["groups"]
                                                  for record in group.get("__records", [])])
            calendar = self._call(orders, "web_search_read", [], specification)
            self.assertIn(self.order.id, [record["id"] for record in calendar["records"]])
        with self._read_only(self.tech_user):
            self._call(orders, "web_search_read", [("technician_id.user_id", "=", self.tech_user.id)], specification)

    def test_our_reports_are_read_only(self):
        self._check_reports("aftersales_field_service", {"aftersales.dispatch.order": self.order}, [self.order])
