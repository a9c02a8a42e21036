"""P2: ``check_warranty(lot=...)`` among 100,000 delivery records.

Loads 100,000 serial numbers and their delivery records in bulk (one SQL statement each,
rolled back at the end), then checks 200 random serials with a cold ORM cache: given as
the lot, then typed as a person types them (lower case, spaces around).
Targets: median <= 5 ms and <= 3 SQL queries per check.
"""

# A benchmark reports on standard output.
# pylint: disable=print-used

import random

from common import environment, measure, median, parse_args

RECORDS = 100_000
CHECKS = 200


def load_records(env):
    """100,000 lots of one product, each delivered once to one of 500 customers over two years."""
    product = env["product.product"].create(
        {"name": "P2 motor", "type": "consu", "is_storable": True, "tracking": "serial"}
    )
    customers = env["res.partner"].create([{"name": f"P2 customer {i}", "is_company": True} for i in range(500)])
    policy = env["aftersales.warranty.policy"]._match_products(product, env.company)[product]
    cr = env.cr
    cr.execute(
        """
        INSERT INTO stock_lot (name, product_id, company_id, create_date, write_date)
        SELECT 'P2-' || lpad(n::text, 6, '0'), %(product)s, %(company)s, now(), now()
          FROM generate_series(1, %(count)s) n
        RETURNING id
        """,
        {"product": product.id, "company": env.company.id, "count": RECORDS},
    )
    lot_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        """
        INSERT INTO aftersales_delivery_record (
            company_id, partner_id, product_id, lot_id, quantity, qty_returned, qty_with_customer, delivery_date,
            warranty_policy_id, warranty_months, channel_extension_months, extended_warranty_months,
            warranty_start_date, warranty_end_date, is_late, delay_days, is_accepted, create_date, write_date)
        SELECT %(company)s, (%(customers)s)[1 + (lot.id %% 500)], %(product)s, lot.id, 1, 0, 1, day,
               %(policy)s, 12, 0, 0, day, (day + interval '12 months' - interval '1 day')::date,
               false, 0, false, now(), now()
          FROM (SELECT id, (current_date - (id %% 730))::date AS day FROM stock_lot WHERE id = ANY(%(lots)s)) lot
        """,
        {
            "company": env.company.id,
            "customers": customers.ids,
            "product": product.id,
            "policy": policy.id,
            "lots": lot_ids,
        },
    )
    cr.execute("ANALYZE stock_lot")
    cr.execute("ANALYZE aftersales_delivery_record")
    return env["stock.lot"].browse(lot_ids)


def main():
    args = parse_args(__doc__, {"database": "database with aftersales_service installed"})
    with environment(args.database) as env:
        lots = load_records(env)
        sample = random.Random(19).sample(list(lots), CHECKS)
        records = env["aftersales.delivery.record"]
        records.check_warranty(lot=sample[0])
        # What a person types: the serial in lower case, with spaces around it (read before the clock starts).
        kinds = {"the lot": sample, "typed": [f" {lot.name.lower()} " for lot in sample]}
        runs = {kind: [] for kind in kinds}
        for kind, questions in kinds.items():
            for lot, question in zip(sample, questions):
                with measure(env) as figures:
                    result = records.check_warranty(lot=question)
                assert result["record"].lot_id == lot, "the check did not find the unit's record"
                runs[kind].append(figures)
        total = records.search_count([])
    print("P2 warranty check by serial among %d delivery records (%d random serials)" % (total, CHECKS))
    for kind, figures in runs.items():
        print("  serial given as %s: median time %.2f ms (target <= 5 ms), slowest %.2f ms" % (
            kind, 1000 * median([r["seconds"] for r in figures]), 1000 * max(r["seconds"] for r in figures)))
        print("  serial given as %s: queries per check: median %d, max %d (target <= 3)" % (
            kind, median([r["queries"] for r in figures]), max(r["queries"] for r in figures)))


if __name__ == "__main__":
    main()
