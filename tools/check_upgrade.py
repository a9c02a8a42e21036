#!/usr/bin/env python3
"""Upgrade a database made by an earlier aftersales_service, field service included, to the addons of this checkout,
and check that nothing is lost (docs/README.md, the addons).

Installs aftersales_service as it was at the commit ``--from`` (taken from git) with its demo data, plans one more
visit with that code, notes the field-service records, settings, groups and external ids, updates
aftersales_service with this checkout's code, then checks that aftersales_field_service got installed by that update
and owns the same records under the same ids.

Run by tools/test, on a throw-away database ``--database`` (Odoo creates it when it does not exist; tools/test makes
it from a template holding the Odoo addons ours depend on): never point it at a database you want to keep.

Usage: tools/check_upgrade.py --config ODOO_CONF --database DB --from COMMIT
Prints what differs and exits with status 1 when something does; Odoo's logs go to standard error.
"""

import argparse
import configparser
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
IDS = ROOT / "aftersales_service" / "migrations" / "19.0.1.5.0" / "field_service_xmlids.txt"
# What the field service holds: every row of its tables, its settings and who belongs to its groups.
SNAPSHOT = {
    "visits": "SELECT id, name, state, partner_id, technician_id, appointment_start FROM aftersales_dispatch_order",
    "visited units": "SELECT id, order_id, delivery_record_id, repair_id FROM aftersales_dispatch_line",
    "technicians": "SELECT id, user_id, van_location_id, certificate_number FROM aftersales_technician",
    "commissioning checks": "SELECT id, order_id, name, result FROM aftersales_commissioning_check",
    "reschedules": "SELECT id, order_id, reason FROM aftersales_dispatch_reschedule",
    "installed units": "SELECT id, installed_on, installation_order_id FROM aftersales_delivery_record "
                       "WHERE installed_on IS NOT NULL",
    "settings": "SELECT id, aftersales_travel_product_id, aftersales_trial_hours, "
                "aftersales_warranty_from_installation FROM res_company",
    "warehouses": "SELECT id, aftersales_defective_location_id, aftersales_onsite_repair_type_id FROM stock_warehouse",
    "group members": """SELECT d.name, r.uid FROM res_groups_users_rel r
                          JOIN ir_model_data d ON d.model = 'res.groups' AND d.res_id = r.gid
                         WHERE d.name IN ('group_aftersales_technician', 'group_aftersales_dispatcher')""",
    "external ids": "SELECT name, model, res_id FROM ir_model_data WHERE name IN %(names)s "
                    "AND module LIKE 'aftersales%%'",
}
# External ids of what a later version removed on purpose: the commissioning checklist setting became checks per
# service type (aftersales_field_service 19.0.1.1.0).
RETIRED = {
    "field_res_company__aftersales_commissioning_checklist",
    "field_res_config_settings__aftersales_commissioning_checklist",
}
# A visit planned with the earlier code, besides those of the demo data.
PLAN_VISIT = """
from datetime import datetime, time, timedelta
record = env.ref("aftersales_service.dispatch_demo_textile_unit").delivery_record_id
start = datetime.combine(env.company._aftersales_today() + timedelta(days=2), time(9))
order = env["aftersales.dispatch.order"].create({
    "partner_id": record.partner_id.id, "technician_id": env.ref("aftersales_service.technician_zhang").id,
    "appointment_start": start, "appointment_end": start + timedelta(hours=2),
    "line_ids": [(0, 0, {"delivery_record_id": record.id})],
})
order.action_schedule()
env.company.aftersales_commissioning_checklist = "Earthing\\n\\nGuards refitted"
env.cr.commit()
print("planned", order.name)
"""


def odoo(config, database, *args, command=(), addons_path=None, stdin=None):
    """Run Odoo (its ``command``, by default the server) on ``database`` with ``args``; stop on any error."""
    command = [sys.executable, "-m", "odoo", *command, "-c", config, "-d", database, "--log-level=warn", *args]
    if addons_path:
        command.append(f"--addons-path={addons_path}")
    result = subprocess.run(command, input=stdin, text=True, capture_output=True, check=False)
    sys.stderr.write(result.stdout + result.stderr)
    if result.returncode or " ERROR " in result.stderr or " CRITICAL " in result.stderr:
        sys.exit(f"odoo {' '.join(args)} failed on {database} (log above)")
    return result.stdout


def snapshot(database, names):
    with psycopg2.connect(dbname=database) as connection, connection.cursor() as cr:
        taken = {}
        for kind, query in SNAPSHOT.items():
            cr.execute(query + " ORDER BY 1, 2", {"names": names})
            taken[kind] = cr.fetchall()
        cr.execute("SELECT module, count(*) FROM ir_model_data WHERE name IN %s AND module LIKE 'aftersales%%' "
                   "GROUP BY module", [names])
        modules = dict(cr.fetchall())
        # The addons the database has, not those merely known (the manufacturing bridge without manufacturing).
        cr.execute("SELECT name, state FROM ir_module_module WHERE name LIKE 'aftersales%%' AND state <> 'uninstalled'")
        states = dict(cr.fetchall())
    return taken, modules, states


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True, help="Odoo configuration file of this checkout")
    parser.add_argument("--database", required=True, help="the throw-away database to create")
    parser.add_argument("--from", dest="commit", required=True, help="the commit of the earlier aftersales_service")
    args = parser.parse_args()
    names = tuple(line.strip() for line in IDS.read_text().splitlines() if line.strip())

    config = configparser.ConfigParser()
    config.read(args.config)
    with tempfile.TemporaryDirectory() as earlier:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.commit, "aftersales_service"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", earlier], input=archive, check=True)
        addons = [path if Path(path).resolve() != ROOT else earlier
                  for path in config["options"]["addons_path"].split(",")]
        addons_path = ",".join(addons)
        odoo(args.config, args.database, "-i", "aftersales_service", "--with-demo", "--stop-after-init",
             addons_path=addons_path)
        odoo(args.config, args.database, "--no-http", command=["shell"], addons_path=addons_path, stdin=PLAN_VISIT)
    before, modules, _states = snapshot(args.database, names)
    if list(modules) != ["aftersales_service"] or len(before["visits"]) < 5:
        sys.exit(f"the earlier version did not make the records to upgrade: {modules}, {len(before['visits'])} visits")

    odoo(args.config, args.database, "-u", "aftersales_service", "--stop-after-init")
    after, modules, states = snapshot(args.database, names)
    problems = [f"{name} is {state} after the update" for name, state in states.items() if state != "installed"]
    if set(states) != {"aftersales_service", "aftersales_field_service"}:
        problems.append(f"addons after the update: {states}")
    if list(modules) != ["aftersales_field_service"]:
        problems.append(f"the external ids of the field service belong to {modules}")
    problems += [f"{kind} changed: {before[kind]} became {after[kind]}"
                 for kind in SNAPSHOT if kind != "external ids" and before[kind] != after[kind]]
    with psycopg2.connect(dbname=args.database) as connection, connection.cursor() as cr:
        # The complaint's company_tz became customer_tz (19.0.1.6.0): no kept e-mail may read the old field.
        cr.execute("SELECT count(*) FROM mail_template WHERE body_html::text LIKE '%%object.company_tz%%'")
        if cr.fetchone()[0]:
            problems.append("a mail template still reads a complaint's company_tz")
        # The commissioning checklist setting became checks per service type (aftersales_field_service 19.0.1.1.0):
        # the company that had changed its own keeps it.
        cr.execute("SELECT array_agg(name->>'en_US' ORDER BY sequence) FROM aftersales_check_template "
                   "WHERE company_id IS NOT NULL AND service_type = 'installation'")
        if cr.fetchone()[0] != ["Earthing", "Guards refitted"]:
            problems.append("the company's own commissioning checklist was not kept")
    lost = {xmlid for xmlid in set(before["external ids"]) - set(after["external ids"]) if xmlid[0] not in RETIRED}
    if lost:
        problems.append(f"external ids lost or pointing elsewhere after the update: {sorted(lost)}")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"upgrade from {args.commit[:10]}: {len(after['visits'])} visits, {len(after['technicians'])} technicians and "
          f"{len(before['external ids'])} external ids kept, now of aftersales_field_service")


if __name__ == "__main__":
    main()
