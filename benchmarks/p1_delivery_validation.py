"""P1: validating a delivery of serial-tracked units, with and without aftersales_service.

Prints the validation time of 200 units in both databases and their ratio, and the SQL
queries the module adds for 20 and for 200 units. Each run is its own transaction, rolled
back and followed by a VACUUM, and runs alternate between the two databases. The ratio
compares the best runs (other processes on the machine only ever add time), the medians
are printed beside it.
Targets: ratio <= 1.10; the extra query count is the same for 20 and 200 units.
"""

# A benchmark reports on standard output.
# pylint: disable=print-used

from common import environment, measure, median, parse_args, vacuum


def prepare_delivery(env, units, tag):
    """A confirmed sale of ``units`` serial-tracked units, reserved and picked, ready to validate."""
    product = env["product.product"].create(
        {"name": f"P1 motor {tag}", "type": "consu", "is_storable": True, "tracking": "serial"}
    )
    stock = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
    lots = env["stock.lot"].create([{"name": f"P1-{tag}-{i:05d}", "product_id": product.id} for i in range(units)])
    for lot in lots:
        env["stock.quant"]._update_available_quantity(product, stock, 1.0, lot_id=lot)
    customer = env["res.partner"].create({"name": f"P1 customer {tag}", "is_company": True})
    order = env["sale.order"].create(
        {"partner_id": customer.id, "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": units})]}
    )
    order.action_confirm()
    picking = order.picking_ids
    picking.move_ids.picked = True
    return picking


def validate(database, units, tag):
    """Figures of one validation of ``units`` units in ``database``, and its delivery record count."""
    with environment(database) as env:
        picking = prepare_delivery(env, units, tag)
        with measure(env) as figures:
            result = picking.button_validate()
        assert result is True and picking.state == "done", "the delivery did not validate"
        if "aftersales.delivery.record" in env:
            figures["records"] = env["aftersales.delivery.record"].search_count([("picking_id", "=", picking.id)])
    vacuum(database)
    return figures


def run(databases, repeat):
    """Median seconds and queries of validating 20 and 200 units, alternating between the databases."""
    for database in databases.values():
        validate(database, 20, "warmup")
    runs = {(side, units): [] for side in databases for units in (20, 200)}
    for i in range(repeat):
        for units in (20, 200):
            for side, database in databases.items():
                figures = validate(database, units, f"{units}-{i}")
                assert side == "without" or figures["records"] == units, "one delivery record per unit"
                runs[side, units].append(figures)
    return {
        key: {
            "seconds": median([r["seconds"] for r in values]),
            "best": min(r["seconds"] for r in values),
            "queries": median([r["queries"] for r in values]),
        }
        for key, values in runs.items()
    }


def main():
    args = parse_args(__doc__, {
        "with-module": "database with aftersales_service installed",
        "without-module": "database with the same dependencies, without aftersales_service",
    })
    results = run({"with": args.with_module, "without": args.without_module}, args.repeat)
    print("P1 delivery validation (median of %d runs per figure, alternating databases)" % args.repeat)
    for units in (20, 200):
        print("  %3d units: with module %.3f s / %d queries, without %.3f s / %d queries" % (
            units,
            results["with", units]["seconds"], results["with", units]["queries"],
            results["without", units]["seconds"], results["without", units]["queries"],
        ))
    ratio = results["with", 200]["seconds"] / results["without", 200]["seconds"]
    best_ratio = results["with", 200]["best"] / results["without", 200]["best"]
    extra = {units: results["with", units]["queries"] - results["without", units]["queries"] for units in (20, 200)}
    print("  time ratio at 200 units: %.3f of the best runs (target <= 1.10), %.3f of the medians" % (
        best_ratio, ratio))
    print("  extra queries: %d at 20 units, %d at 200 units (target: equal)" % (extra[20], extra[200]))


if __name__ == "__main__":
    main()
