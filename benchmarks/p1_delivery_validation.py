"""P1: validating a delivery of serial-tracked units, with and without aftersales_service.

Prints the median validation time of 200 units in both databases and their ratio, and the
SQL queries the module adds for 20 and for 200 units.
Targets: ratio <= 1.10; the extra query count is the same for 20 and 200 units.
"""

from common import environment, measure, median, parse_args


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


def validate(env, units, tag):
    picking = prepare_delivery(env, units, tag)
    with measure(env) as figures:
        result = picking.button_validate()
    assert result is True and picking.state == "done", "the delivery did not validate"
    return figures


def run(database, repeat):
    """Median seconds and queries of validating 20 and 200 units in ``database``."""
    with environment(database) as env:
        validate(env, 20, "warmup")
        results = {}
        for units in (20, 200):
            runs = [validate(env, units, f"{units}-{i}") for i in range(repeat)]
            results[units] = {
                "seconds": median([r["seconds"] for r in runs]),
                "queries": median([r["queries"] for r in runs]),
            }
        records = env.registry.get("aftersales.delivery.record") and env["aftersales.delivery.record"].search_count(
            [("lot_id.name", "=like", "P1-200-0-%")]
        )
    return results, records


def main():
    args = parse_args(__doc__, {
        "with-module": "database with aftersales_service installed",
        "without-module": "database with the same dependencies, without aftersales_service",
    })
    with_module, records = run(args.with_module, args.repeat)
    without_module, _ = run(args.without_module, args.repeat)
    assert records == 200, f"expected 200 delivery records, found {records}"
    print("P1 delivery validation (median of %d runs)" % args.repeat)
    for units in (20, 200):
        print("  %3d units: with module %.3f s / %d queries, without %.3f s / %d queries" % (
            units,
            with_module[units]["seconds"], with_module[units]["queries"],
            without_module[units]["seconds"], without_module[units]["queries"],
        ))
    ratio = with_module[200]["seconds"] / without_module[200]["seconds"]
    extra = {units: with_module[units]["queries"] - without_module[units]["queries"] for units in (20, 200)}
    print("  time ratio at 200 units: %.3f (target <= 1.10)" % ratio)
    print("  extra queries: %d at 20 units, %d at 200 units (target: equal)" % (extra[20], extra[200]))


if __name__ == "__main__":
    main()
