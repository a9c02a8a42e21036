"""P6: the customer portal, as a customer who has bought thousands of units.

Builds, in bulk and valid (the ORM for the portal customer, its contact's portal user, the other customers, the
products and the sale orders; SQL inserts of consistent rows for the rest), 50,000 delivery records over 24 months
(20 products, 91 customers), 2,200 RMAs of one unit each and 5,000 complaints, of which the portal customer has
5,000 units, 200 RMAs and 500 complaints, and two satisfaction surveys. The data is committed, then an Odoo HTTP
server is started on the database (the configuration's http_port, no workers, no cron); the script signs the portal
user in and asks for the pages as the customer's browser would: /my/units (first page), /my/rmas, /my/complaints and
the counters of /my (JSON-RPC /my/counters). For each page, the first request after the registry caches are cleared
(signaled through the database, so the server clears its own, as after a module update) is cold and warms the page
up; the median of five more (--repeat) is warm, with the SQL queries of a warm request as the server counts them
(Odoo appends the count to werkzeug's request line in its log). Times are the browser's, on localhost. First at a
tenth of the volume, then at the full one, the same database topped up: the query counts show whether a page grows
with the customer's documents.
Targets: every page <= 150 ms warm; the same queries at the full volume as at a tenth.

The database keeps the data: give it a throw-away copy (benchmarks/run does, and drops it).
"""

# A benchmark reports on standard output.
# pylint: disable=print-used

import tempfile
from datetime import date

from odoo import api
from odoo.api import SUPERUSER_ID
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import SQL

from common import PortalServer, median, parse_args, vacuum

RECORDS, COMPLAINTS = 50_000, 5_000  # every 10th unit and every 10th complaint are the portal customer's
PRODUCTS, OTHERS, CUSTOMER_ORDERS = 20, 90, 10  # the other customers have one sale order each
SCALES = (("tenth", 0.1), ("full", 1.0))
LOGIN, PASSWORD = "p6.portal@example.com", "p6-portal-benchmark"
COUNTERS = ["aftersales_unit_count", "aftersales_rma_count", "aftersales_complaint_count", "aftersales_survey_count"]
PAGES = ("/my/units", "/my/rmas", "/my/complaints", "/my/counters")
TARGET = 0.150


# Data -----------------------------------------------------------------------------------------

def setup(registry):
    """The portal customer and its user, the other customers, the products and the orders (committed)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        category = env["product.category"].create({"name": "P6 motors"})
        products = env["product.product"].create([
            {"name": f"P6 motor {i:02d}", "type": "consu", "is_storable": True, "tracking": "serial",
             "categ_id": category.id}
            for i in range(PRODUCTS)
        ])
        customer = env["res.partner"].create({"name": "P6 Portal Customer", "is_company": True})
        contact = env["res.partner"].create({"name": "P6 Portal Contact", "parent_id": customer.id, "email": LOGIN})
        env["res.users"].with_context(no_reset_password=True).create({
            "name": contact.name, "login": LOGIN, "password": PASSWORD, "partner_id": contact.id,
            "group_ids": [Command.set([env.ref("base.group_portal").id])],
        })
        others = env["res.partner"].create([{"name": f"P6 customer {i}", "is_company": True} for i in range(OTHERS)])
        customer_orders = env["sale.order"].create([{"partner_id": customer.id} for _ in range(CUSTOMER_ORDERS)])
        other_orders = env["sale.order"].create([{"partner_id": other.id} for other in others])
        year = date.today().year
        env["aftersales.survey"].create([
            {"partner_id": customer.id, "campaign_year": campaign, "period_start": date(campaign, 1, 1),
             "period_end": date(campaign, 12, 31)}
            for campaign in (year - 1, year)
        ])
        env.flush_all()
        policy = env["aftersales.warranty.policy"]._match_products(products[:1], env.company)[products[:1]]
        return {
            "company": env.company.id, "products": products.ids,
            "categories": [product.categ_id.id for product in products],
            "customer": customer.id, "customer_orders": customer_orders.ids, "others": others.ids,
            "other_orders": other_orders.ids, "policy": policy.id, "admin": env.ref("base.user_admin").id,
            "sla_policy": env.ref("aftersales_service.sla_policy_default").id,
        }


def load(registry, data, start, stop):
    """Units, RMAs and complaints from ``start`` to ``stop`` (fractions of the full volume), committed."""
    params = {
        **data, "first": int(RECORDS * start) + 1, "last": int(RECORDS * stop),
        "first_complaint": int(COMPLAINTS * start) + 1, "last_complaint": int(COMPLAINTS * stop),
    }
    with registry.cursor() as cr:
        cr.execute("""
            INSERT INTO stock_lot (name, product_id, company_id, create_date, write_date)
            SELECT 'P6-' || lpad(n::text, 7, '0'), (%(products)s)[1 + n %% 20], %(company)s, now(), now()
              FROM generate_series(%(first)s, %(last)s) n
        """, params)
        # Every 10th unit is the portal customer's, over its 10 orders; the others' each have one order.
        cr.execute("""
            INSERT INTO aftersales_delivery_record (
                company_id, partner_id, sale_order_id, product_id, product_categ_id, lot_id, quantity, qty_returned, qty_with_customer,
                delivery_date, warranty_policy_id, warranty_months, channel_extension_months,
                extended_warranty_months, warranty_start_date, warranty_end_date, is_late, delay_days, is_accepted,
                create_date, write_date)
            SELECT %(company)s,
                   CASE WHEN lot.n %% 10 = 0 THEN %(customer)s ELSE (%(others)s)[1 + lot.n %% 90] END,
                   CASE WHEN lot.n %% 10 = 0 THEN (%(customer_orders)s)[1 + (lot.n / 10) %% 10]
                        ELSE (%(other_orders)s)[1 + lot.n %% 90] END,
                   lot.product_id, (%(categories)s)[1 + lot.n %% 20], lot.id, 1, 0, 1, day, %(policy)s, 12, 0, 0, day,
                   (day + interval '12 months' - interval '1 day')::date, lot.n %% 20 = 0, 0, lot.n %% 3 = 0,
                   now(), now()
              FROM (SELECT id, product_id, substr(name, 4)::int AS n FROM stock_lot WHERE name LIKE 'P6-%%') lot,
                   LATERAL (SELECT (current_date - (lot.n %% 730))::date AS day) delivered
             WHERE lot.n BETWEEN %(first)s AND %(last)s
        """, params)
        # One RMA for every 250th unit of the customer's (every 25th of the others'), in every state.
        cr.execute("""
            INSERT INTO aftersales_rma (name, company_id, partner_id, sale_order_id, user_id, channel, state,
                                        priority, date, receipt_state, create_date, write_date)
            SELECT 'P6RMA/' || record.id, record.company_id, record.partner_id, record.sale_order_id, %(admin)s,
                   CASE WHEN lot.n %% 250 = 0 THEN 'portal' ELSE 'phone' END,
                   (ARRAY['draft', 'confirmed', 'received', 'inspected', 'decided', 'processed', 'done', 'cancel'])
                       [1 + (CASE WHEN lot.n %% 250 = 0 THEN lot.n / 250 ELSE lot.n / 25 END) %% 8],
                   '0', LEAST(record.delivery_date + 30, current_date), 'none', now(), now()
              FROM aftersales_delivery_record record
              JOIN (SELECT id, substr(name, 4)::int AS n FROM stock_lot WHERE name LIKE 'P6-%%') lot
                ON lot.id = record.lot_id
             WHERE lot.n BETWEEN %(first)s AND %(last)s AND (lot.n %% 250 = 0 OR lot.n %% 25 = 1)
        """, params)
        cr.execute("""
            INSERT INTO aftersales_rma_line (rma_id, company_id, product_id, lot_id, delivery_record_id, quantity,
                                             qty_received, receipt_date, warranty_state, warranty_end_date, sequence,
                                             create_date, write_date)
            SELECT rma.id, rma.company_id, record.product_id, record.lot_id, record.id, 1,
                   CASE WHEN rma.state IN ('draft', 'confirmed', 'cancel') THEN 0 ELSE 1 END,
                   CASE WHEN rma.state IN ('draft', 'confirmed', 'cancel') THEN NULL ELSE rma.date END,
                   'in_warranty', record.warranty_end_date, 10, now(), now()
              FROM aftersales_rma rma
              JOIN aftersales_delivery_record record ON 'P6RMA/' || record.id = rma.name
             WHERE NOT EXISTS (SELECT 1 FROM aftersales_rma_line line WHERE line.rma_id = rma.id)
        """, params)
        # Complaint c is about unit c, received after its delivery: every 10th is the customer's. Most are closed.
        cr.execute("""
            INSERT INTO aftersales_complaint (
                name, company_id, partner_id, user_id, channel, kind, dimension, priority, state, subject,
                date_received, received_day, sla_policy_id, response_deadline, resolution_deadline, resolution_start,
                onsite_required, sla_state, sla_notified, first_response_date, resolved_date, response_hours,
                resolution_hours, sla_met_percent, sla_paused, waiting_customer, delivery_record_id, product_id,
                lot_id, sale_order_id, create_date, write_date)
            SELECT 'P6CPL/' || c, record.company_id, record.partner_id, %(admin)s,
                   CASE WHEN c %% 10 = 0 THEN 'portal' ELSE 'phone' END, 'complaint',
                   (ARRAY['quality', 'delivery', 'service', 'price', 'packaging'])[1 + c %% 5], '0', state,
                   'P6 feedback ' || c, received, received::date, %(sla_policy)s, received + interval '24 hours',
                   received + interval '48 hours', received, false, sla, 'none',
                   CASE WHEN state <> 'new' THEN received + interval '5 hours' END,
                   CASE WHEN state IN ('resolved', 'closed') THEN received + interval '30 hours' END,
                   CASE WHEN state <> 'new' THEN 5 ELSE 0 END,
                   CASE WHEN state IN ('resolved', 'closed') THEN 30 ELSE 0 END,
                   CASE sla WHEN 'met' THEN 100 ELSE 0 END, false, false, record.id, record.product_id,
                   record.lot_id, record.sale_order_id, now(), now()
              FROM (SELECT c, now() at time zone 'UTC' - (c %% 365) * interval '1 day' - interval '2 hours' AS received,
                           CASE WHEN k %% 20 = 0 THEN 'new' WHEN k %% 20 = 1 THEN 'investigating'
                                WHEN k %% 20 = 2 THEN 'resolved' ELSE 'closed' END AS state,
                           CASE WHEN k %% 20 = 0 THEN 'on_track' WHEN k %% 20 = 1 THEN 'breached'
                                WHEN k %% 7 = 0 THEN 'breached' ELSE 'met' END AS sla
                      FROM generate_series(%(first_complaint)s, %(last_complaint)s) c,
                           LATERAL (SELECT CASE WHEN c %% 10 = 0 THEN c / 10 ELSE c END AS k) mixed) mix
              JOIN stock_lot lot ON lot.name = 'P6-' || lpad(c::text, 7, '0')
              JOIN aftersales_delivery_record record ON record.lot_id = lot.id
        """, params)


def volume(registry, customer):
    """(the customer's, all) units, RMAs and complaints in the database."""
    with registry.cursor() as cr:
        counts = []
        for table in ("aftersales_delivery_record", "aftersales_rma", "aftersales_complaint"):
            cr.execute(SQL(
                "SELECT count(*) FILTER (WHERE partner_id = %s), count(*) FROM %s", customer, SQL.identifier(table)
            ))
            counts.append(cr.fetchone())
        return counts


def clear_caches(registry):
    """Empty the registry caches of every process on the database, the server's included, as a module update or
    another worker would: the server clears its own at its next request."""
    registry.clear_all_caches()
    registry.signal_changes()


# The server and the browser --------------------------------------------------------------------

def call(web, page):
    """Seconds and SQL queries of one request of ``page``, as the customer's browser makes it."""
    json = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": {"counters": COUNTERS}} if page == "/my/counters" else None
    response, seconds, queries, log = web.request(page, json)
    if json and ("error" in response.json() or set(response.json()["result"]) != set(COUNTERS)):
        web.fail(f"{page} answered {response.text}", log)
    return seconds, queries


# Measures --------------------------------------------------------------------------------------

def measure_pages(web, registry, repeat):
    """{page: (cold seconds, warm median seconds, warm queries)}."""
    figures = {}
    for page in PAGES:
        clear_caches(registry)
        cold, _queries = call(web, page)
        warm = [call(web, page) for _ in range(repeat)]
        figures[page] = (cold, median([seconds for seconds, _ in warm]), max(queries for _, queries in warm))
    return figures


def main():
    args = parse_args(__doc__, {"database": "throw-away database with aftersales_service installed (modified)"})
    registry = Registry(args.database)
    data = setup(registry)
    figures, volumes, done = {}, {}, 0.0
    with tempfile.TemporaryDirectory(prefix="p6_portal_") as folder, \
            PortalServer("P6", args.config, args.database, folder) as web:
        web.login(LOGIN, PASSWORD)
        for scale_name, scale in SCALES:
            load(registry, data, done, scale)
            done = scale
            vacuum(args.database)
            volumes[scale_name] = volume(registry, data["customer"])
            figures[scale_name] = measure_pages(web, registry, args.repeat)
    (units, rmas, complaints), tenth = volumes["full"], volumes["tenth"]
    print("P6 portal: the customer has %d of %d units, %d of %d RMAs, %d of %d complaints "
          "(queries also at %d units, %d RMAs, %d complaints)" % (
              *units, *rmas, *complaints, tenth[0][0], tenth[1][0], tenth[2][0]))
    full, small = figures["full"], figures["tenth"]
    for page in PAGES:
        (cold, warm, queries), (_cold, small_warm, small_queries) = full[page], small[page]
        print("P6 %-15s full: warm %3.0f ms, cold %4.0f ms, %3d queries | tenth: warm %3.0f ms, %3d queries%s" % (
            page, 1000 * warm, 1000 * cold, queries, 1000 * small_warm, small_queries,
            "" if max(warm, small_warm) <= TARGET and queries == small_queries else "   <- misses a target"))
    fast = all(scale[page][1] <= TARGET for scale in (full, small) for page in PAGES)
    flat = all(full[page][2] == small[page][2] for page in PAGES)
    print("P6 verdict: every page <= %d ms warm: %s; the same queries at the full volume as at a tenth: %s" % (
        1000 * TARGET, "yes" if fast else "NO", "yes" if flat else "NO"))


if __name__ == "__main__":
    main()
