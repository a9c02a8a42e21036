"""P11: the service network's monthly settlements, at the volume of 50 outsourced points after a busy month.

Builds, valid: with the ORM, 50 outsourced service points, each with its rate card (repairs: a fee per visit, labour
per hour, travel by three distance bands and a parts margin; maintenance: a fee, labour and travel per visit), a
qualification document, a consignment stock location holding three spare parts, and one or two technicians (a portal
user of the point's company at each point, an internal user as well at every other one), all trained (one initial
training held, every attendee passed), each point reviewed on site (every check passed) and approved by a manager
through the workflow; then, by SQL inserts of consistent rows as P7 does, 10,000 visits of the points' technicians
done or closed last month (checked out on a day inside the month; a quarter maintenance, the rest repairs; labour,
distance and the fee collected on site varied), 5% of them not signed by the customer. The 350 repair visits of one in
32 repaired their unit on site with parts of the point's consignment stock: their units (lot and delivery record) and
unit lines are inserted by SQL, their repairs made with the ORM as a check-out makes them (confirmed, started, ended:
the parts' moves done out of the consignment stock).
Measured, rolled back at the end, as the monthly job and a manager do it: (a) the job preparing last month's draft
settlements of the 50 points (``_cron_prepare_month`` as the scheduler's superuser, without its commits); (b) a
manager confirming each of them, its vendor bill created; (c) both again at a tenth of the visits (1,000; every point
still has visits of each kind), to show that the queries per point do not grow with the visits. Then (d) a point's
portal technician's list of visits, /my/point/visits, over HTTP as P6 measures the customer's pages: the network and
the visits committed to a throw-away database, an Odoo HTTP server started on it (the configuration's http_port, no
workers, no cron), the technician signed in; the first request after the registry caches are cleared is cold, then
the median of five more (--repeat) with the SQL queries the server logs; first at a tenth of the visits, then topped up
to all of them (the technician's 20, then 200 visits; the portal's pages list 80).
Targets: (a) <= 10 s; (b) <= 30 s; (c) no more queries per point at the full volume than at a tenth; (d) <= 150 ms
warm, the same queries at both volumes.

The portal database keeps the data: give it a throw-away copy (benchmarks/run does, and drops it).
"""

# A benchmark reports on standard output.
# pylint: disable=print-used

import re
import tempfile
from contextlib import contextmanager
from datetime import timedelta

import odoo
from odoo import api, fields
from odoo.fields import Command
from odoo.modules.registry import Registry

from common import PortalServer, environment, measure, median, parse_args, vacuum

POINTS, VISITS = 50, 10_000
PARTS_EVERY, UNSIGNED_EVERY = 32, 20  # one visit of a point's in 32 used consignment parts; one in 20 was not signed
PREPARE_TARGET, CONFIRM_TARGET, PORTAL_TARGET = 10.0, 30.0, 0.150
PORTAL_PAGE = "/my/point/visits"
PORTAL_TECHNICIAN = 1  # the portal technician of the second point, its only one: all its visits are theirs
PASSWORD = "p11-point-benchmark"


# The network, its visits and its settlements -----------------------------------------------------

def last_month(env):
    """The period the monthly job settles: last month, as it reckons it."""
    today = fields.Date.context_today(env["aftersales.service.settlement"])
    date_to = today.replace(day=1) - timedelta(days=1)
    return date_to.replace(day=1), date_to


def network(env):
    """The 50 approved outsourced points, their technicians and a manager; returns what the measures use."""
    today = env.company._aftersales_today()
    users = env["res.users"].with_context(no_reset_password=True)
    manager = users.create({
        "name": "P11 manager", "login": "p11.manager@example.com",
        "group_ids": [Command.set([env.ref("aftersales_service.group_aftersales_manager").id])],
    })
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    companies = env["res.partner"].create([
        {"name": f"P11 service company {i:02d}", "is_company": True} for i in range(POINTS)
    ])
    locations = env["stock.location"].create([
        {"name": f"P11 consignment {i:02d}", "usage": "internal", "location_id": warehouse.view_location_id.id}
        for i in range(POINTS)
    ])
    points = env["aftersales.service.point"].with_user(manager).create([{
        "name": f"P11 point {i:02d}", "kind": "outsourced", "partner_id": company.id, "location_id": location.id,
        "rate_ids": [
            Command.create({"service_type": "repair", "visit_fee": 80.0 + 10 * (i % 5), "labour_rate": 40.0 + 5 * (i % 4),
                            "travel_mode": "km_band", "parts_margin": 10.0 + i % 3 * 5}),
            Command.create({"service_type": "maintenance", "visit_fee": 50.0, "labour_rate": 35.0, "travel_fee": 20.0}),
        ],
        "band_ids": [
            Command.create({"distance_from": 0, "distance_to": 30, "fee": 30.0}),
            Command.create({"distance_from": 30, "distance_to": 80, "fee": 60.0 + i % 2 * 10}),
            Command.create({"distance_from": 80, "distance_to": 1000, "fee": 120.0}),
        ],
        "document_ids": [Command.create({"name": "Business Licence", "number": f"BL-P11-{i:02d}",
                                         "expiry_date": today + timedelta(days=365)})],
    } for i, (company, location) in enumerate(zip(companies, locations))]).with_env(env)
    # The points' staff: a portal user of each point's company, and an internal technician at every other point.
    contacts = env["res.partner"].create([
        {"name": f"P11 point technician {i:02d}", "parent_id": company.id, "email": f"p11.point.{i}@example.com"}
        for i, company in enumerate(companies)
    ])
    portal_users = users.create([
        {"name": contact.name, "login": contact.email, "partner_id": contact.id,
         "group_ids": [Command.set([env.ref("base.group_portal").id])]}
        for contact in contacts
    ])
    internal_users = users.create([
        {"name": f"P11 technician {i:02d}", "login": f"p11.technician.{i}@example.com",
         "group_ids": [Command.set([env.ref("aftersales_field_service.group_aftersales_technician").id])]}
        for i in range(0, POINTS, 2)
    ])
    qualification = {"certificate_expiry": today + timedelta(days=365), "evaluation_date": today,
                     "evaluation_passed": True}
    technicians = env["aftersales.technician"].create(
        [{"user_id": user.id, "service_point_id": point.id, **qualification}
         for user, point in zip(portal_users, points)]
        + [{"user_id": user.id, "service_point_id": point.id, **qualification}
           for user, point in zip(internal_users, points[::2])]
    )
    # Their initial training, held and passed; then each point reviewed on site and approved by the manager.
    session = env["aftersales.training.session"].with_user(manager).create({
        "name": "P11 initial training", "kind": "initial", "trainer": "P11 trainer", "date": today, "hours": 16,
        "attendee_ids": [Command.create({"technician_id": technician.id}) for technician in technicians],
    })
    session.attendee_ids.result = "passed"
    session.action_done()
    managed = points.with_user(manager)
    managed.action_start_review()
    managed.check_ids.result = "pass"
    managed.write({"reviewed_by_id": manager.id, "reviewed_on": today})
    managed.action_approve()
    assert set(points.mapped("state")) == {"approved"}, points.mapped("state")
    # Three spare parts on every point's shelf.
    category = env["product.category"].create({"name": "P11 motors"})
    parts = env["product.product"].create([
        {"name": f"P11 spare part {i}", "type": "consu", "is_storable": True, "standard_price": price,
         "categ_id": category.id}
        for i, price in enumerate((12.5, 40.0, 95.0))
    ])
    quants = env["stock.quant"].sudo()
    for location in locations:
        for part in parts:
            quants._update_available_quantity(part, location, 50.0)
    unit_product = env["product.product"].create(
        {"name": "P11 motor", "type": "consu", "is_storable": True, "tracking": "serial", "categ_id": category.id}
    )
    return {
        "manager": manager, "points": points, "parts": parts, "unit_product": unit_product, "category": category,
        "technicians": technicians, "portal_users": portal_users,
        "customers": env["res.partner"].create([{"name": f"P11 customer {i}", "is_company": True} for i in range(100)]),
    }


def visits(env, data, start, stop):
    """Last month's visits from ``start`` to ``stop`` (fractions of the 10,000), their units and on-site repairs with
    consignment parts; returns the number of visits with consignment parts in all."""
    date_from, _date_to = last_month(env)
    points, technicians = data["points"], data["technicians"]
    # Visit n goes to point n % 50 and, at a point with two technicians, to each in turn.
    first = {technician.service_point_id.id: technician for technician in technicians[:POINTS]}
    second = {technician.service_point_id.id: technician for technician in technicians[POINTS:]}
    staff = [(first[point.id], second.get(point.id, first[point.id])) for point in points]
    product = data["unit_product"]
    params = {
        "company": env.company.id, "start": int(VISITS * start), "stop": int(VISITS * stop), "admin": env.user.id,
        "points": points.ids,
        "first": [a.id for a, _b in staff], "second": [b.id for _a, b in staff],
        "first_users": [a.user_id.id for a, _b in staff], "second_users": [b.user_id.id for _a, b in staff],
        "customers": data["customers"].ids, "month": date_from, "parts_every": PARTS_EVERY,
        "unsigned_every": UNSIGNED_EVERY, "product": product.id, "category": data["category"].id,
        "policy": env["aftersales.warranty.policy"]._match_products(product, env.company)[product].id,
    }
    cr = env.cr
    # Visit n is the (n / 50)th of point n % 50; what varies from visit to visit goes by that rank, so that every
    # point has visits of each kind at both scales: a maintenance one in four, a fee collected on site one in ten, one
    # not signed in twenty, consignment parts on one in 32 (the third of each 32, a repair, signed). Checked out on a
    # day of the month away from its edges, whatever the time zone; labour from half an hour to four hours, 0 to 150 km
    # away (the three bands).
    cr.execute("""
        INSERT INTO aftersales_dispatch_order (
            name, company_id, partner_id, user_id, origin, call_date, service_type, state, technician_id,
            technician_user_id, service_point_id, appointment_start, appointment_end, appointment_confirmed, charge_mode,
            labour_hours, travel_distance, travel_fee, fee_collected, fee_receipt_number, onsite_deadline, checkin_date,
            checkout_date, outcome, fault_found, work_done, signed_by, signed_on, signature_refusal, onsite_met,
            first_time_fix, arrival_hours, closed_date, create_uid, write_uid, create_date, write_date)
        SELECT 'P11DSP/' || n, %(company)s, (%(customers)s)[1 + n %% 100], %(admin)s, 'call', start - interval '1 day',
               CASE WHEN rank %% 4 = 3 THEN 'maintenance' ELSE 'repair' END,
               CASE WHEN rank %% 10 = 1 THEN 'done' ELSE 'closed' END,
               CASE WHEN rank %% 2 = 1 THEN (%(second)s)[point] ELSE (%(first)s)[point] END,
               CASE WHEN rank %% 2 = 1 THEN (%(second_users)s)[point] ELSE (%(first_users)s)[point] END,
               (%(points)s)[point], start, start + interval '2 hours', TRUE, 'full', hours, distance, 0,
               CASE WHEN rank %% 10 = 3 THEN 30 ELSE 0 END, CASE WHEN rank %% 10 = 3 THEN 'P11R/' || n END,
               start + interval '2 hours', start + interval '15 minutes',
               start + interval '15 minutes' + hours * interval '1 hour', 'fixed', 'Worn part', 'Part replaced',
               CASE WHEN signed THEN 'Customer ' || n END,
               CASE WHEN signed THEN start + interval '15 minutes' + hours * interval '1 hour' END,
               CASE WHEN NOT signed THEN 'Not authorised to sign' END, 100, 100, 24.25,
               CASE WHEN rank %% 10 = 1 THEN NULL ELSE start + interval '1 day' END, %(admin)s, %(admin)s, now(), now()
          FROM (SELECT n, rank, 1 + n %% 50 AS point, rank %% %(unsigned_every)s <> %(unsigned_every)s - 1 AS signed,
                       %(month)s::date + (1 + n %% 26) + (8 + n %% 5) * interval '1 hour' AS start,
                       0.5 * (1 + n %% 8) AS hours, (n * 37) %% 150 + (n %% 10) / 10.0 AS distance
                  FROM generate_series(%(start)s, %(stop)s - 1) n, LATERAL (SELECT n / 50 AS rank) ranked) visit
    """, params)
    # The units of the visits that used consignment parts: one each, repaired on site.
    cr.execute("""
        INSERT INTO stock_lot (name, product_id, company_id, create_date, write_date)
        SELECT 'P11-' || substr(name, 8), %(product)s, %(company)s, now(), now()
          FROM aftersales_dispatch_order
         WHERE name LIKE 'P11DSP/%%' AND substr(name, 8)::int / 50 %% %(parts_every)s = 2
           AND substr(name, 8)::int BETWEEN %(start)s AND %(stop)s - 1
    """, params)
    cr.execute("""
        INSERT INTO aftersales_delivery_record (
            company_id, partner_id, product_id, product_categ_id, lot_id, quantity, qty_returned, qty_with_customer,
            delivery_date, warranty_policy_id, warranty_months, channel_extension_months, extended_warranty_months,
            warranty_start_date, warranty_end_date, is_late, delay_days, is_accepted, create_date, write_date)
        SELECT visit.company_id, visit.partner_id, lot.product_id, %(category)s, lot.id, 1, 0, 1, current_date - 500,
               %(policy)s, 12, 0, 0, current_date - 500, current_date - 135, FALSE, 0, TRUE, now(), now()
          FROM stock_lot lot
          JOIN aftersales_dispatch_order visit ON visit.name = 'P11DSP/' || substr(lot.name, 5)
         WHERE lot.name LIKE 'P11-%%'
           AND NOT EXISTS (SELECT 1 FROM aftersales_delivery_record other WHERE other.lot_id = lot.id)
    """, params)
    cr.execute("""
        INSERT INTO aftersales_dispatch_line (
            order_id, company_id, delivery_record_id, product_id, lot_id, warranty_state, warranty_end_date,
            warranty_reason, cause, charge_mode, customer_processed_parts, recall_work, create_uid, write_uid,
            create_date, write_date)
        SELECT visit.id, visit.company_id, record.id, record.product_id, record.lot_id, 'expired',
               record.warranty_end_date, 'Warranty expired', 'wear', 'full', FALSE, FALSE, %(admin)s, %(admin)s, now(),
               now()
          FROM aftersales_delivery_record record
          JOIN stock_lot lot ON lot.id = record.lot_id AND lot.name LIKE 'P11-%%'
          JOIN aftersales_dispatch_order visit ON visit.name = 'P11DSP/' || substr(lot.name, 5)
         WHERE NOT EXISTS (SELECT 1 FROM aftersales_dispatch_line other WHERE other.delivery_record_id = record.id)
    """, params)
    for table in ("aftersales_dispatch_order", "aftersales_dispatch_line", "stock_lot", "aftersales_delivery_record"):
        cr.execute(f"ANALYZE {table}")  # pylint: disable=sql-injection
    env.invalidate_all()
    # The on-site repairs as the check-out makes them: parts of the consignment stock, the moves done.
    lines = env["aftersales.dispatch.line"].search([("lot_id.name", "=like", "P11-%"), ("repair_id", "=", False)],
                                                   order="id")
    parts = data["parts"]
    repairs = env["repair.order"].sudo().create([{
        **line._prepare_onsite_repair_values(),
        "move_ids": [Command.create({"product_id": parts[i % 3].id, "product_uom_qty": 1 + i % 2,
                                     "repair_line_type": "add"})]
        + ([Command.create({"product_id": parts[(i + 1) % 3].id, "product_uom_qty": 1, "repair_line_type": "add"})]
           if i % 4 == 0 else []),
    } for i, line in enumerate(lines)])
    repairs._action_repair_confirm()
    for line, repair in zip(lines, repairs):
        line._workflow().write({"repair_id": repair.id})
    lines._finish_repairs()
    assert set(repairs.mapped("state")) == {"done"}, set(repairs.mapped("state"))
    env.flush_all()
    return env["aftersales.dispatch.line"].search_count([("lot_id.name", "=like", "P11-%")])


def settle(env, data):
    """(a) the monthly job, (b) the manager confirming every settlement: figures and the settlements."""
    date_from, _date_to = last_month(env)
    settlements = env["aftersales.service.settlement"]
    # The scheduler runs the job as its superuser; without ``cron_id`` in the context it commits nothing.
    job = settlements.with_user(odoo.SUPERUSER_ID)
    with measure(env) as prepared:
        job._cron_prepare_month()
    drafts = settlements.search([("point_id", "in", data["points"].ids), ("date_from", "=", date_from)], order="id")
    assert len(drafts) == POINTS and set(drafts.mapped("state")) == {"draft"}, (len(drafts), drafts.mapped("state"))
    summary = {
        "settlements": len(drafts), "visits": sum(drafts.mapped("visit_count")),
        "unsigned": sum(len(settlement.unsigned_order_ids) for settlement in drafts),
        "parts": sum(drafts.mapped("parts_amount")), "total": sum(drafts.mapped("amount_total")),
    }
    with measure(env) as confirmed:
        for settlement in drafts:
            settlement.with_user(data["manager"]).action_confirm()
    assert set(drafts.mapped("state")) == {"confirmed"} and len(drafts.bill_id) == POINTS
    summary["billed"] = sum(drafts.bill_id.mapped("amount_untaxed"))
    return prepared, confirmed, summary


def run(database, scale):
    """The settlements at ``scale`` of the visits, rolled back."""
    with environment(database) as env:
        data = network(env)
        repaired = visits(env, data, 0.0, scale)
        env.cr.execute("ANALYZE")
        prepared, confirmed, summary = settle(env, data)
        summary["repaired"] = repaired
    vacuum(database)
    return {"prepared": prepared, "confirmed": confirmed, "summary": summary}


# The point's portal (committed to its own database) ---------------------------------------------

@contextmanager
def committed(registry):
    """An administrator's environment on ``registry``'s database, committed on exit."""
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        yield api.Environment(cr, admin.id, {
            "lang": admin.lang or "en_US", "tz": admin.tz or "UTC", "allowed_company_ids": admin.company_id.ids,
        })


def call(web, page, rows):
    """Seconds and SQL queries of one request of ``page``, as the technician's browser makes it; the page must list
    ``rows`` visits."""
    response, seconds, queries, log = web.request(page)
    listed = len(set(re.findall(r'href="/my/point/visits/(\d+)', response.text)))
    if listed != rows:
        web.fail(f"{page} lists {listed} visits, not {rows}", log)
    return seconds, queries


def portal(config_file, database, repeat):
    """{scale: (the technician's visits, cold seconds, warm median seconds, warm queries)} of the point's visits list,
    at a tenth of the visits, then at all of them."""
    registry = Registry(database)
    with committed(registry) as env:
        data = network(env)
        technician = data["portal_users"][PORTAL_TECHNICIAN]
        technician.password = PASSWORD
        login = technician.login
    figures, done = {}, 0.0
    with tempfile.TemporaryDirectory(prefix="p11_network_") as folder, PortalServer("P11", config_file, database, folder) as web:
        web.login(login, PASSWORD)
        for scale in (0.1, 1.0):
            with committed(registry) as env:
                visits(env, {name: value.with_env(env) for name, value in data.items()}, done, scale)
                count = env["aftersales.dispatch.order"].search_count([("technician_user_id", "=", technician.id)])
            done = scale
            vacuum(database)
            rows = min(count, 80)
            # The registry caches of every process emptied, the server's included (at its next request).
            registry.clear_all_caches()
            registry.signal_changes()
            cold, _queries = call(web, PORTAL_PAGE, rows)
            warm = [call(web, PORTAL_PAGE, rows) for _ in range(repeat)]
            figures[scale] = (count, cold, median([seconds for seconds, _ in warm]), max(queries for _, queries in warm))
    return figures


# Report ------------------------------------------------------------------------------------------

def verdict(met):
    return "met" if met else "NOT MET"


def main():
    args = parse_args(__doc__.splitlines()[0], {
        "database": "database with aftersales_field_service installed (left as it was)",
        "portal-database": "throw-away database with aftersales_field_service installed (modified)",
    })
    vacuum(args.database)
    results = {scale: run(args.database, scale) for scale in (0.1, 1.0)}
    pages = portal(args.config, args.portal_database, args.repeat)
    for scale, figures in results.items():
        summary = figures["summary"]
        print(f"P11 at {scale:.0%} of the visits: {POINTS} points, {summary['visits']:,} signed visits settled "
              f"({summary['unsigned']:,} unsigned left out), {summary['repaired']} with consignment parts "
              f"({summary['parts']:,.2f} of parts), {summary['total']:,.2f} to pay, {summary['billed']:,.2f} billed")
        for step, name, target in (("prepared", "the monthly job prepares 50 settlements", PREPARE_TARGET),
                                   ("confirmed", "a manager confirms them, 50 vendor bills", CONFIRM_TARGET)):
            step_figures = figures[step]
            print(f"  {name}: {step_figures['seconds']:.2f} s, {step_figures['queries']:,} queries, "
                  f"{step_figures['queries'] / POINTS:.1f} per point (target <= {target:.0f} s: "
                  f"{verdict(step_figures['seconds'] <= target)})")
    small, full = results[0.1], results[1.0]
    for step in ("prepared", "confirmed"):
        print(f"P11 queries per point, {step}: {small[step]['queries'] / POINTS:.1f} at a tenth, "
              f"{full[step]['queries'] / POINTS:.1f} at the full volume (target: no more: "
              f"{verdict(full[step]['queries'] <= small[step]['queries'])})")
    (small_count, _small_cold, small_warm, small_queries), (count, cold, warm, queries) = pages[0.1], pages[1.0]
    print(f"P11 {PORTAL_PAGE} of a point's portal technician (HTTP), {count} visits: warm {warm * 1000:.0f} ms, cold "
          f"{cold * 1000:.0f} ms, {queries} queries | {small_count} visits: warm {small_warm * 1000:.0f} ms, "
          f"{small_queries} queries (target <= {PORTAL_TARGET * 1000:.0f} ms warm and the same queries: "
          f"{verdict(max(warm, small_warm) <= PORTAL_TARGET and queries == small_queries)})")


if __name__ == "__main__":
    main()
