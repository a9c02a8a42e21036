#!/usr/bin/env python3
"""Uninstall aftersales_service from a database and check that nothing of it is left in PostgreSQL: no table,
view, sequence or index, no function, no trigger and no column named after the module (aftersales_*).

Run by tools/test on a copy of its freshly installed database. The uninstall commits: never point it at a
database you want to keep.

Usage: tools/check_uninstall.py --config ODOO_CONF --database DB
Prints what is left and exits with status 1 when something is; Odoo's log goes to standard error.
"""

import argparse
import sys

import odoo
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import config

MODULE = "aftersales_service"
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
    parser.add_argument("--database", required=True, help="a throw-away database with the module installed")
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    odoo.netsvc.init_logger()

    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        module = env["ir.module.module"].search([("name", "=", MODULE), ("state", "=", "installed")])
        if not module:
            sys.exit(f"{MODULE} is not installed in {args.database}")
        module.button_immediate_uninstall()

    with Registry(args.database).cursor() as cr:
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", [MODULE])
        left = {"module state": [state for state, in cr.fetchall() if state != "uninstalled"]}
        for kind, query in LEFTOVERS.items():
            cr.execute(query)
            left[kind] = sorted(name for name, in cr.fetchall())
    found = {kind: names for kind, names in left.items() if names}
    if found:
        for kind, names in found.items():
            print(f"uninstall left {kind}: {', '.join(names)}")
        sys.exit(1)
    print(f"uninstall: nothing of {MODULE} is left in {args.database}")


if __name__ == "__main__":
    main()
