#!/usr/bin/env python3
"""Uninstall the after-sales addons from a database, one after the other, and check that nothing of them is left in
PostgreSQL: after each, no table of a model it defined and no column of a field it added, and every check and unique
constraint of the addons still installed in place; after the last, no table,
view, sequence or index, no function, no trigger and no column named after the addons (aftersales_*).

Run by tools/test on a copy of its freshly installed database. The uninstall commits: never point it at a
database you want to keep.

Usage: tools/check_uninstall.py --config ODOO_CONF --database DB [--module NAME ...]
Prints what is left and exits with status 1 when something is; Odoo's log goes to standard error.
"""

import argparse
import sys

import odoo
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import config

# The addons, extensions first: each is uninstalled while those it depends on stay.
MODULES = ("aftersales_mrp", "aftersales_field_service", "aftersales_service")
# The check and unique constraints and the indexes the installed after-sales addons declare that PostgreSQL does not
# have.
MISSING_CONSTRAINTS = """
    SELECT c.name FROM ir_model_constraint c JOIN ir_module_module m ON m.id = c.module
     WHERE m.name LIKE 'aftersales%%' AND m.state = 'installed' AND c.type IN ('u', 'i')
       AND NOT EXISTS (SELECT 1 FROM pg_constraint p WHERE p.conname = c.name)
       AND NOT EXISTS (SELECT 1 FROM pg_class i WHERE i.relname = c.name AND i.relkind = 'i')
"""
# The tables and columns of the models and fields a module defined (alone: not those other modules also define), and
# the tables of its many2many fields.
OWN_COLUMNS = """
    WITH own AS (
        SELECT d.model, d.res_id FROM ir_model_data d
         WHERE d.model IN ('ir.model', 'ir.model.fields')
         GROUP BY d.model, d.res_id HAVING array_agg(DISTINCT d.module) = ARRAY[%(module)s]::varchar[]
    )
    SELECT replace(m.model, '.', '_'), NULL FROM ir_model m JOIN own ON own.model = 'ir.model' AND own.res_id = m.id
     WHERE NOT m.transient
    UNION ALL
    SELECT replace(f.model, '.', '_'), f.name FROM ir_model_fields f
      JOIN own ON own.model = 'ir.model.fields' AND own.res_id = f.id
     WHERE f.store AND f.ttype NOT IN ('one2many', 'many2many')
    UNION ALL
    SELECT f.relation_table, NULL FROM ir_model_fields f
      JOIN own ON own.model = 'ir.model.fields' AND own.res_id = f.id
     WHERE f.ttype = 'many2many' AND f.relation_table IS NOT NULL
"""
# What the module leaves behind, per kind: the catalog query listing it (names like aftersales_*).
LEFTOVERS = {
    "relations": """SELECT c.relname || ' (' || c.relkind::text || ')' FROM pg_class c
                      JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = current_schema() AND c.relname LIKE 'aftersales\\_%'""",
    "functions": """SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = current_schema() AND p.proname LIKE 'aftersales\\_%'""",
    "triggers": "SELECT tgname || ' on ' || tgrelid::regclass FROM pg_trigger WHERE tgname LIKE 'aftersales\\_%'",
    "columns": """SELECT table_name || '.' || column_name FROM information_schema.columns
                   WHERE table_schema = current_schema() AND column_name LIKE 'aftersales\\_%'""",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    parser.add_argument("--database", required=True, help="a throw-away database with the addons installed")
    parser.add_argument("--module", action="append", dest="modules",
                        help="an addon to uninstall, extensions first (default: %s)" % ", ".join(MODULES))
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    odoo.netsvc.init_logger()

    found = {}
    for module in args.modules or MODULES:
        found.update({f"{module}: {kind}": names for kind, names in uninstall(args.database, module).items() if names})
    with Registry(args.database).cursor() as cr:
        for kind, query in LEFTOVERS.items():
            cr.execute(query)
            found[kind] = sorted(name for name, in cr.fetchall())
    found = {kind: names for kind, names in found.items() if names}
    if found:
        for kind, names in found.items():
            print(f"uninstall left {kind}: {', '.join(names)}")
        sys.exit(1)
    print(f"uninstall: nothing of {', '.join(args.modules or MODULES)} is left in {args.database}")


def uninstall(database, module):
    """Uninstall ``module``: what is left of it, per kind."""
    with Registry(database).cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        installed = env["ir.module.module"].search([("name", "=", module), ("state", "=", "installed")])
        if not installed:
            sys.exit(f"{module} is not installed in {database}")
        cr.execute(OWN_COLUMNS, {"module": module})
        own = cr.fetchall()
        if not own:
            sys.exit(f"{module} defines no model or field in {database}: nothing to check")
        installed.button_immediate_uninstall()

    with Registry(database).cursor() as cr:
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [module])
        left = {"module state": [state for state, in cr.fetchall() if state != "uninstalled"]}
        cr.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()")
        columns = set(cr.fetchall())
        tables = {table for table, _column in columns}
        left["tables"] = sorted(table for table, column in own if column is None and table in tables)
        left["columns"] = sorted(f"{table}.{column}" for table, column in own if (table, column) in columns)
        cr.execute(MISSING_CONSTRAINTS)
        left["constraints of the addons still installed, missing"] = sorted(name for name, in cr.fetchall())
    return left


if __name__ == "__main__":
    main()
