"""docs/security.md §2: the screens show the locks the models enforce.

A field that a ``can_*`` boolean locks (``_locked_fields``) is read-only in a screen exactly when that boolean is
false: its ``readonly`` expression reads the model's booleans and nothing else. A field only the workflow writes
(``_workflow_fields``, ``_frozen_fields``, and the links of core models to our documents) is read-only on a saved
record. Each form, and each list edited in place, is read as the web client gets it (``get_view``: the views of every
installed addon applied), with the lists and forms its one2many and many2many fields edit in place.
"""
import ast
import itertools

from lxml import etree

from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from .common import core_links, guarded_models

ALWAYS = ("1", "True", "true")
SUBVIEWS = ("list", "form", "kanban")


def always(expression):
    """Whether a view attribute is true whatever the record: ``readonly="1"``, ``invisible="True"``."""
    return (expression or "").strip() in ALWAYS


def names_of(expression):
    """The names a view expression reads."""
    return {node.id for node in ast.walk(ast.parse(expression.strip(), mode="eval")) if isinstance(node, ast.Name)}


@tagged("post_install", "-at_install")
class TestViewLocks(TransactionCase):
    """The screens of the models of :attr:`modules` against the locks of those models."""

    modules = ("aftersales_service",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Someone in every internal group sees every element of the screens.
        outside = cls.env.ref("base.group_portal") | cls.env.ref("base.group_public")
        groups = cls.env["res.groups"].search([]).filtered(lambda group: not group.all_implied_ids & outside)
        cls.viewer = new_test_user(cls.env, "as_view_locks", group_ids=groups.ids)
        cls.links = core_links(cls.env, cls.modules)

    # Helpers ----------------------------------------------------------------------------------

    def _protected(self, model):
        """The fields of ``model`` only the workflow writes once the record is saved."""
        if hasattr(model, "_field_locks"):
            return model._protected("_workflow_fields") | model._protected("_frozen_fields")
        return {fname for name, fname in self.links if name == model._name}

    def _screens(self, model):
        """The forms of ``model``, and its lists edited in place, as the web client gets them."""
        views = self.env["ir.ui.view"].search([
            ("model", "=", model._name), ("type", "in", ("form", "list")), ("mode", "=", "primary"),
        ])
        for view in views:
            arch = etree.fromstring(model.with_user(self.viewer).get_view(view.id, view.type)["arch"])
            if arch.tag == "form" or arch.get("editable"):
                yield view, arch

    def _editable_fields(self, model, parent):
        """(model, node) of each field ``parent`` lets the user edit, and of the lists and forms its x2many fields edit
        in place; what is never shown is left out."""
        for node in parent.iterchildren(tag=etree.Element):
            if node.tag != "field":
                yield from self._editable_fields(model, node)
                continue
            if always(node.get("invisible")) or always(node.get("column_invisible")):
                continue
            yield model, node
            field = model._fields[node.get("name")]
            if self._readonly_when_saved(model, node) is True:
                continue
            for subview in node.iterchildren(*SUBVIEWS):
                # A list not edited in place opens its records' own form; a kanban shows them.
                if subview.tag == "form" or subview.get("editable"):
                    yield from self._editable_fields(self.env[field.comodel_name], subview)

    def _readonly_when_saved(self, model, node):
        """Whether the field of ``node`` is read-only on a saved record: the field's own ``readonly`` unless the view
        says otherwise; None when the view's expression reads more than the record's id."""
        expression = node.get("readonly")
        if expression is None:
            return model._fields[node.get("name")].readonly
        if names_of(expression) - {"id"}:
            return None
        return bool(safe_eval(expression, {"id": 1}))

    def _assert_lock(self, model, node, can_fields):
        """The ``readonly`` expression of ``node`` is true exactly when one of ``can_fields`` is false."""
        expression = node.get("readonly")
        expected = " or ".join(f"not {can_field}" for can_field in sorted(can_fields))
        self.assertTrue(expression, f"{model._name}.{node.get('name')}: no readonly expression, {expected!r} expected")
        self.assertEqual(names_of(expression), set(can_fields), f"{model._name}.{node.get('name')}: {expression!r}")
        for values in itertools.product((True, False), repeat=len(can_fields)):
            context = dict(zip(sorted(can_fields), values))
            self.assertEqual(bool(safe_eval(expression, context)), not all(values),
                             f"{model._name}.{node.get('name')}: {expression!r} with {context}")

    # Tests ------------------------------------------------------------------------------------

    def test_screens_show_the_locks_of_the_models(self):
        ours = guarded_models(self.env, self.modules)
        linked = {name for name, _fname in self.links}
        checked = set()
        for name in sorted(ours | linked):
            for view, arch in self._screens(self.env[name]):
                for model, node in self._editable_fields(self.env[name], arch):
                    fname = node.get("name")
                    locks = model._field_locks() if hasattr(model, "_field_locks") else {}
                    can_fields = {can_field for can_field, fnames in locks.items() if fname in fnames}
                    with self.subTest(view=view.xml_id, model=model._name, field=fname):
                        if fname in self._protected(model):
                            self.assertIs(self._readonly_when_saved(model, node), True,
                                          f"only the workflow writes {model._name}.{fname}: {node.get('readonly')!r}")
                        elif can_fields:
                            checked.add(model._name)
                            self._assert_lock(model, node, can_fields)
        # Every model with locks is met on a screen: none escapes the check.
        self.assertLessEqual({name for name in ours if self.env[name]._field_locks()}, checked)
