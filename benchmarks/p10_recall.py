"""P10: a recall and the early warning at the volume of a manufacturer after a few years.

Builds, in bulk and valid (SQL inserts of consistent rows, rolled back at the end), 500,000 delivery records over
24 months of 5,000 serial-tracked products and 2,000 customers, 40,000 of them of one pump, and 5,000 units received
back on RMAs for our faults. Then, as the administrator: a recall of the pump by serial range and delivery period
(half of its units: 20,000 units of 2,000 customers) finds its units, is approved and notifies its customers; its
progress screens and a unit's history are opened (the first call with the ORM cache emptied, then the median of five
more, with the SQL queries of a warm call); the early-warning job runs over the 24 months of 5,000 products.
The same at a tenth of the volume shows whether a query count grows with the data.
Targets: units found and created <= 5 s; notifications queued <= 10 s; the screens and the history <= 300 ms warm;
the job <= 10 s; no more queries at the full volume than at a tenth.
"""

# A benchmark reports on standard output.
# pylint: disable=print-used

from odoo.fields import Command

from common import environment, measure, measure_screens, parse_args, vacuum, view_spec

RECORDS, PRODUCTS, CUSTOMERS, PUMPS, FAILURES = 500_000, 5_000, 2_000, 40_000, 5_000


def load(env, scale):
    """The data at ``scale`` (1 = the full volume); returns the pump and a recalled unit."""
    records, products, pumps, failures = (int(value * scale) for value in (RECORDS, PRODUCTS, PUMPS, FAILURES))
    catalogue = env["product.product"].with_context(tracking_disable=True).create([
        {"name": f"P10 product {i:04d}", "type": "consu", "is_storable": True, "tracking": "serial"}
        for i in range(products)
    ])
    customers = env["res.partner"].with_context(tracking_disable=True).create([
        {"name": f"P10 customer {i:04d}", "is_company": True, "email": f"c{i}@p10.example"} for i in range(CUSTOMERS)
    ])
    env.flush_all()
    params = {
        "company": env.company.id, "products": catalogue.ids, "customers": customers.ids, "records": records,
        "pumps": pumps, "failures": failures, "admin": env.user.id,
    }
    cr = env.cr
    # The first lots are the pump's (the first product), the others spread over the catalogue.
    cr.execute("""
        INSERT INTO stock_lot (name, product_id, company_id, create_date, write_date)
        SELECT 'P10-' || lpad(n::text, 7, '0'),
               CASE WHEN n <= %(pumps)s THEN (%(products)s)[1] ELSE (%(products)s)[1 + n %% array_length(%(products)s, 1)] END,
               %(company)s, now(), now()
          FROM generate_series(1, %(records)s) n
    """, params)
    cr.execute("""
        INSERT INTO aftersales_delivery_record (
            company_id, partner_id, delivery_partner_id, product_id, lot_id, quantity, qty_returned, qty_with_customer,
            delivery_date, warranty_months, channel_extension_months, extended_warranty_months, warranty_start_date,
            warranty_end_date, is_late, delay_days, is_accepted, create_date, write_date)
        SELECT %(company)s, (%(customers)s)[1 + n %% 2000], (%(customers)s)[1 + n %% 2000], lot.product_id, lot.id, 1, 0,
               1, day, 12, 0, 0, day, (day + interval '12 months' - interval '1 day')::date, FALSE, 0, FALSE, now(), now()
          FROM (SELECT id, product_id, substr(name, 5)::int AS n FROM stock_lot WHERE name LIKE 'P10-%%') lot,
               LATERAL (SELECT (current_date - (lot.n / 2 %% 730))::date AS day) delivered
    """, params)
    cr.execute("ANALYZE stock_lot, aftersales_delivery_record")
    # Units received back for our faults: one RMA each, spread over the catalogue and the months.
    cr.execute("""
        INSERT INTO aftersales_rma (name, company_id, partner_id, user_id, channel, state, priority, date,
                                    receipt_state, create_date, write_date)
        SELECT 'P10RMA/' || record.id, record.company_id, record.partner_id, %(admin)s, 'phone', 'inspected', '0',
               record.delivery_date, 'full', now(), now()
          FROM aftersales_delivery_record record
          JOIN stock_lot lot ON lot.id = record.lot_id AND lot.name LIKE 'P10-%%'
         WHERE record.id %% 97 = 0
         LIMIT %(failures)s
    """, params)
    cr.execute("""
        INSERT INTO aftersales_rma_line (rma_id, company_id, product_id, lot_id, delivery_record_id, quantity,
                                         qty_received, cause, warranty_state, sequence, create_date, write_date)
        SELECT rma.id, record.company_id, record.product_id, record.lot_id, record.id, 1, 1, 'manufacturing',
               'in_warranty', 10, now(), now()
          FROM aftersales_rma rma
          JOIN aftersales_delivery_record record ON record.id = substr(rma.name, 8)::int
         WHERE rma.name LIKE 'P10RMA/%%'
    """, params)
    env.invalidate_all()
    pump = catalogue[0]
    unit = env["aftersales.delivery.record"].search([("product_id", "=", pump.id)], limit=1)
    return pump, unit


def recall_figures(env, scale, pump):
    """Units found, approval and notifications of the recall of the pump's last year: figures and the recall."""
    recall = env["aftersales.recall"].create({
        "title": "P10 pump seal", "product_ids": [Command.set(pump.ids)], "remedy": "repair_on_site",
        "serial_ranges": f"P10-0000001-P10-{int(PUMPS * scale):07d}",
        "delivered_from": env.company._aftersales_today().replace(year=env.company._aftersales_today().year - 1),
    })
    with measure(env) as found:
        recall.action_find_units()
    recall.action_approve()
    with measure(env) as notified:
        recall.action_notify()
    return recall, found, notified


def main():
    args = parse_args(__doc__.splitlines()[0], {"database": "database with aftersales_service installed"})
    vacuum(args.database)
    results = {}
    for scale in (0.1, 1.0):
        with environment(args.database) as env:
            pump, unit = load(env, scale)
            env.cr.execute("ANALYZE")
            recall, found, notified = recall_figures(env, scale, pump)
            units = env["aftersales.recall.unit"]
            recall_spec = view_spec(env, "aftersales.recall", "form")
            unit_spec = view_spec(env, "aftersales.recall.unit", "list")
            screens = measure_screens(env, [
                ("recall form", lambda: recall.web_read(recall_spec)),
                ("units list", lambda: units.web_search_read(
                    [("recall_id", "=", recall.id), ("placement", "=", "customer")], unit_spec, limit=80)),
                ("progress by customer", lambda: units.formatted_read_group(
                    [("recall_id", "=", recall.id), ("placement", "=", "customer")], ["partner_id"],
                    ["progress:avg", "__count"], limit=80)),
                ("progress by region", lambda: units.formatted_read_group(
                    [("recall_id", "=", recall.id), ("placement", "=", "customer")], ["state_id", "state"],
                    ["progress:avg", "__count"])),
                ("unit history", lambda: unit.web_read({"service_history": {}})),
            ])
            with measure(env) as job:
                env["aftersales.quality.alert"]._cron_detect()
            alerts = env["aftersales.quality.alert"].search_count([("product_id", "in", env["product.product"].search(
                [("name", "like", "P10 product")]).ids)])
            results[scale] = {
                "units": recall.unit_count, "customers": recall.customer_count, "notices": len(recall.notice_ids),
                "found": found, "notified": notified, "screens": screens, "job": job, "alerts": alerts,
            }
    for scale, figures in results.items():
        print(f"P10 at {scale:.0%} of the volume: recall of {figures['units']:,} units of {figures['customers']:,} "
              f"customers, {figures['notices']:,} notices")
        print(f"  units found and created: {figures['found']['seconds']:.2f} s, {figures['found']['queries']} queries "
              f"(target <= 5 s)")
        print(f"  notifications queued: {figures['notified']['seconds']:.2f} s, {figures['notified']['queries']} "
              f"queries (target <= 10 s)")
        for name, (cold, warm, queries) in figures["screens"].items():
            print(f"  {name}: {warm * 1000:.0f} ms warm ({cold * 1000:.0f} cold), {queries} queries (target <= 300 ms)")
        print(f"  early-warning job: {figures['job']['seconds']:.2f} s, {figures['job']['queries']} queries, "
              f"{figures['alerts']} alerts (target <= 10 s)")
    small, full = results[0.1], results[1.0]
    for name in full["screens"]:
        print(f"  queries of {name}: {small['screens'][name][2]} at a tenth, {full['screens'][name][2]} at the full "
              f"volume (target: no more)")


if __name__ == "__main__":
    main()
