"""P5: the screens a coordinator opens, at the volume a manufacturer reaches after a few years.

Builds, in bulk and valid (SQL inserts of consistent rows, rolled back at the end), 500,000 delivery records
over 24 months (50 products, 200 sale orders, 181 customers, one of them with 50,000 units), 20,000 RMAs of one
unit each and 100,000 complaints; then makes the calls the web client makes for each screen, as the
administrator: the first call with the ORM cache emptied (cold), then the median of five more (warm), with the
SQL queries of a warm call. The same at a tenth of the volume shows whether a query count grows with the data.
Targets: every screen <= 300 ms warm and <= 1 s cold; no more queries at the full volume than at a tenth.
"""

# A benchmark reports on standard output.
# pylint: disable=print-used

from dateutil.relativedelta import relativedelta

from common import environment, measure_screens, parse_args, vacuum, view_spec

RECORDS, RMAS, COMPLAINTS = 500_000, 20_000, 100_000
ORDERS, BIG_ORDERS = 200, 20  # the first 20 orders are the big customer's: 10 % of the units
WARM_RUNS = 5


def load(env, scale):
    """The data at ``scale`` (1 = the full volume); returns what the screens open."""
    records, rmas, complaints = int(RECORDS * scale), int(RMAS * scale), int(COMPLAINTS * scale)
    categories = env["product.category"].create([{"name": f"P5 category {i}"} for i in range(5)])
    products = env["product.product"].create([
        {"name": f"P5 motor {i:02d}", "type": "consu", "is_storable": True, "tracking": "serial",
         "categ_id": categories[i % 5].id}
        for i in range(50)
    ])
    big = env["res.partner"].create({"name": "P5 Big Customer", "is_company": True})
    others = env["res.partner"].create([{"name": f"P5 customer {i}", "is_company": True} for i in range(180)])
    customers = [big] * BIG_ORDERS + [others[i % 180] for i in range(ORDERS - BIG_ORDERS)]
    orders = env["sale.order"].create([{"partner_id": customer.id} for customer in customers])
    env.flush_all()
    policy = env["aftersales.warranty.policy"]._match_products(products[:1], env.company)[products[:1]]
    cr = env.cr
    params = {
        "company": env.company.id, "products": products.ids, "categories": products.categ_id.ids,
        "product_categories": [product.categ_id.id for product in products], "orders": orders.ids,
        "partners": [order.partner_id.id for order in orders], "policy": policy.id, "records": records,
        "rmas": rmas, "complaints": complaints, "admin": env.user.id,
        "sla_policy": env.ref("aftersales_service.sla_policy_default").id,
    }
    cr.execute("""
        INSERT INTO stock_lot (name, product_id, company_id, create_date, write_date)
        SELECT 'P5-' || lpad(n::text, 7, '0'), (%(products)s)[1 + n %% 50], %(company)s, now(), now()
          FROM generate_series(1, %(records)s) n
    """, params)
    cr.execute("""
        INSERT INTO aftersales_delivery_record (
            company_id, partner_id, sale_order_id, product_id, product_categ_id, lot_id, quantity, qty_returned, qty_with_customer,
            delivery_date, warranty_policy_id, warranty_months, channel_extension_months, extended_warranty_months,
            warranty_start_date, warranty_end_date, is_late, delay_days, is_accepted, create_date, write_date)
        SELECT %(company)s, (%(partners)s)[1 + n %% 200], (%(orders)s)[1 + n %% 200], lot.product_id,
               (%(product_categories)s)[1 + n %% 50], lot.id, 1, 0, 1, day, %(policy)s, 12, 0, 0, day,
               (day + interval '12 months' - interval '1 day')::date, n %% 20 = 0, 0, n %% 3 = 0, now(), now()
          FROM (SELECT id, product_id, substr(name, 4)::int AS n FROM stock_lot WHERE name LIKE 'P5-%%') lot,
               LATERAL (SELECT (current_date - (lot.n %% 730))::date AS day) delivered
    """, params)
    # One RMA per 25th unit, in every state; the received ones came back a month after delivery.
    cr.execute("""
        INSERT INTO aftersales_rma (name, company_id, partner_id, sale_order_id, user_id, channel, state, priority,
                                    date, receipt_state, create_date, write_date)
        SELECT 'P5RMA/' || record.id, record.company_id, record.partner_id, record.sale_order_id, %(admin)s, 'phone',
               (ARRAY['draft', 'confirmed', 'received', 'inspected', 'decided', 'processed', 'done', 'cancel'])
                   [1 + record.id %% 8],
               '0', LEAST(record.delivery_date + 30, current_date), 'none', now(), now()
          FROM aftersales_delivery_record record
          JOIN stock_lot lot ON lot.id = record.lot_id AND lot.name LIKE 'P5-%%'
         WHERE substr(lot.name, 4)::int %% 25 = 0
         LIMIT %(rmas)s
    """, params)
    cr.execute("""
        INSERT INTO aftersales_rma_line (rma_id, company_id, product_id, lot_id, delivery_record_id, quantity,
                                         qty_received, receipt_date, warranty_state, sequence, create_date, write_date)
        SELECT rma.id, rma.company_id, record.product_id, record.lot_id, record.id, 1,
               CASE WHEN rma.state IN ('draft', 'confirmed', 'cancel') THEN 0 ELSE 1 END,
               CASE WHEN rma.state IN ('draft', 'confirmed', 'cancel') THEN NULL ELSE rma.date END,
               'in_warranty', 10, now(), now()
          FROM aftersales_rma rma
          JOIN aftersales_delivery_record record ON 'P5RMA/' || record.id = rma.name
    """, params)
    # Complaints over the last two years: most closed, some open on track, at risk or breached.
    cr.execute("""
        INSERT INTO aftersales_complaint (
            name, company_id, partner_id, user_id, channel, kind, dimension, priority, state, date_received,
            received_day, sla_policy_id, response_deadline, resolution_deadline, resolution_start, onsite_required,
            sla_state, sla_notified, first_response_date, resolved_date, response_hours, resolution_hours,
            sla_met_percent, sla_paused, waiting_customer, create_date, write_date)
        SELECT 'P5CPL/' || n, %(company)s, (%(partners)s)[1 + n %% 200], %(admin)s, 'phone', 'complaint',
               (ARRAY['quality', 'delivery', 'service', 'price', 'packaging'])[1 + n %% 5], '0',
               state, received, received::date, %(sla_policy)s, received + interval '24 hours',
               received + interval '48 hours', received, false, sla, 'none',
               CASE WHEN state <> 'new' THEN received + interval '5 hours' END,
               CASE WHEN state IN ('resolved', 'closed') THEN received + interval '30 hours' END,
               CASE WHEN state <> 'new' THEN 5 ELSE 0 END, CASE WHEN state IN ('resolved', 'closed') THEN 30 ELSE 0 END,
               CASE sla WHEN 'met' THEN 100 WHEN 'breached' THEN 0 ELSE 0 END, false, false, now(), now()
          FROM (SELECT n, now() at time zone 'UTC' - (n %% 730) * interval '1 day' - interval '2 hours' AS received,
                       CASE WHEN n %% 50 = 0 THEN 'new' WHEN n %% 50 = 1 THEN 'investigating'
                            WHEN n %% 50 = 2 THEN 'resolved' ELSE 'closed' END AS state,
                       CASE WHEN n %% 50 = 0 THEN 'on_track' WHEN n %% 50 = 1 THEN 'breached'
                            WHEN n %% 7 = 0 THEN 'breached' ELSE 'met' END AS sla
                  FROM generate_series(1, %(complaints)s) n) mix
    """, params)
    for table in ("stock_lot", "aftersales_delivery_record", "aftersales_rma", "aftersales_rma_line",
                  "aftersales_complaint"):
        cr.execute(f"ANALYZE {table}")  # pylint: disable=sql-injection
    env.invalidate_all()
    serial = env["stock.lot"].search([("name", "=", "P5-%07d" % (records // 2))])
    return {"big": big, "order": orders[0], "serial": serial}


def screens(env, data):
    """Each screen as the calls its web client view makes."""
    records = env["aftersales.delivery.record"]
    report = env["aftersales.return.rate.report"]
    delivered = env["aftersales.delivery.month"]
    rmas = env["aftersales.rma"].with_context(read_group_expand=True)
    complaints = env["aftersales.complaint"]
    record_list, rma_kanban = view_spec(env, records._name, "list"), view_spec(env, rmas._name, "kanban")
    complaint_list = view_spec(env, complaints._name, "list")
    complaint_kanban = view_spec(env, complaints._name, "kanban")
    start = env.company._aftersales_today().replace(day=1) - relativedelta(months=23)

    def pivot(model, domain, rows, cols, measures):
        # The pivot view asks for its totals, rows, columns and cells at once, as grouping sets.
        model.formatted_read_grouping_sets(domain, [[], [rows], [cols], [rows, cols]], measures)

    def kanban(model, domain, specification):
        model.with_context(read_group_expand=True).web_read_group(
            domain, ["state"], ["__count"], auto_unfold=True, unfold_read_specification=specification,
            unfold_read_default_limit=80,
        )

    return [
        ("delivery records list, first page", lambda: records.web_search_read(
            [], record_list, limit=80, count_limit=10001)),
        ("delivery records by serial", lambda: records.web_search_read(
            [("lot_id", "ilike", data["serial"].name)], record_list, limit=80, count_limit=10001)),
        ("delivery records by customer", lambda: records.web_search_read(
            [("partner_id", "child_of", data["big"].id)], record_list, limit=80, count_limit=10001)),
        ("delivered units report, product x month", lambda: pivot(
            delivered, [], "product_id", "month:month", ["delivered_qty:sum", "qty_returned:sum",
                                                         "rma_returned_qty:sum"])),
        ("return rate, 24 months", lambda: pivot(
            report, [("month", ">=", start)], "product_id", "month:month",
            ["delivered_qty:sum", "returned_qty:sum", "return_rate:avg", "rolling_return_rate:avg"])),
        ("RMA kanban with counters", lambda: kanban(rmas, [("state", "not in", ("done", "cancel"))], rma_kanban)),
        ("complaint kanban with counters", lambda: kanban(
            complaints, [("state", "in", ("new", "acknowledged", "investigating"))], complaint_kanban)),
        ("complaint KPI pivot", lambda: pivot(
            complaints, [], "dimension", "received_day:month",
            ["sla_met_percent:avg", "response_hours:avg", "resolution_hours:avg", "__count"])),
        ("complaints breached", lambda: complaints.web_search_read(
            [("sla_state", "=", "breached")], complaint_list, limit=80, count_limit=10001)),
        ("customer form smart buttons (50,000 units at full volume)", lambda: data["big"].web_read({
            "display_name": {}, "aftersales_delivery_count": {}, "aftersales_rma_count": {},
            "aftersales_complaint_count": {},
        })),
        ("sale order form smart buttons", lambda: data["order"].web_read({
            "display_name": {}, "aftersales_delivery_count": {}, "aftersales_rma_count": {},
            "can_create_aftersales_rma": {},
        })),
        ("sale orders list of 80 with RMA counter", lambda: env["sale.order"].web_search_read(
            [("partner_id.name", "like", "P5 ")], {"name": {}, "aftersales_rma_count": {}}, limit=80)),
        ("warranty check by serial", lambda: records.check_warranty(lot=data["serial"])),
    ]


def run(database, scale):
    """{screen: (cold seconds, warm median seconds, warm queries)} at ``scale``."""
    with environment(database) as env:
        data = load(env, scale)
        volume = (env["aftersales.delivery.record"].search_count([]), env["aftersales.rma"].search_count([]),
                  env["aftersales.complaint"].search_count([]))
        figures = measure_screens(env, screens(env, data), WARM_RUNS)
    vacuum(database)
    return volume, figures


def main():
    args = parse_args(__doc__, {"database": "database with aftersales_service installed"})
    small_volume, small = run(args.database, 0.1)
    volume, full = run(args.database, 1.0)
    print("P5 screens: %d delivery records, %d RMAs, %d complaints (queries also at %d, %d, %d)" % (
        *volume, *small_volume))
    print("  %-58s %9s %9s %8s %8s" % ("screen", "cold", "warm", "queries", "at 1/10"))
    for name, (cold, warm, queries) in full.items():
        print("  %-58s %6.0f ms %6.0f ms %8d %8d%s" % (
            name, 1000 * cold, 1000 * warm, queries, small[name][2],
            "" if cold <= 1.0 and warm <= 0.3 and queries <= small[name][2] else "   <- misses a target"))
    print("  targets: warm <= 300 ms, cold <= 1 s, no more queries at the full volume than at a tenth")


if __name__ == "__main__":
    main()
