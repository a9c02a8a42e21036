#!/usr/bin/env python3
"""Build, once and committed, the web client's and the portal's asset bundles that the browser tests load.

A browser test works in a transaction rolled back at its end: the bundles its browser asked for are built again by
the next one, some ten seconds of each tour. Run by tools/test on the suite's database before the copies of its
workers are made; the tests then find the bundles as a database in use has them. A bundle missing from the list is
only built by the test that asks for it.

Usage: tools/build_assets.py --config ODOO_CONF --database DB
"""

import argparse

import odoo
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import config

# What the tours load: the web client, its print styles, its tests, the bus worker, the emoji picker, and the
# portal's pages with their chatter and the tests' bundle as those pages call it.
BUNDLES = (
    ("web.assets_web", ("js", "css")),
    ("web.assets_web_print", ("css",)),
    ("web.assets_tests", ("js",)),
    ("web.__assets_tests_call__", ("js",)),
    ("bus.websocket_worker_assets", ("js",)),
    ("web.assets_emoji", ("js",)),
    ("web.assets_frontend", ("css",)),
    ("web.assets_frontend_minimal", ("js",)),
    ("web.assets_frontend_lazy", ("js",)),
    ("portal.assets_chatter", ("js", "css")),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    args = parser.parse_args()
    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    with Registry(args.database).cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        for name, kinds in BUNDLES:
            bundle = env["ir.qweb"]._get_asset_bundle(name, css="css" in kinds, js="js" in kinds, assets_params={})
            for kind in kinds:
                getattr(bundle, kind)()


if __name__ == "__main__":
    main()
