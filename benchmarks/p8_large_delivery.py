"""P8: the returns of a few units of a very large delivery, with and without aftersales_service.

One sale of serial-tracked units delivered at once (one move, one delivery record per serial), then RETURNS returns
of RETURNED units each through Odoo's return wizard, each validated as the warehouse does; with the module, each
return recomputes the returned quantity of the delivery's records, and the benchmark checks that exactly the
returned serials count as returned. Prints, for deliveries of 1,000 and 5,000 units, the median time and SQL
queries of a return in both databases, what the module adds and how many delivery records a return rewrites, and
the time of recomputing the returned quantity of every record of the delivery. Each size runs in its own
transaction, rolled back.
Targets: a return rewrites the records of the units returned only; the full recompute grows at most as the delivery
(x5), not as its square (x25); the queries the module adds to a return do not grow with the delivery.
"""

# A benchmark reports on standard output.
# pylint: disable=print-used

from odoo.fields import Command

from common import environment, measure, median, parse_args, vacuum

SIZES = (1_000, 5_000)
RETURNS, RETURNED = 3, 10


def deliver(env, units):
    """The validated delivery of a sale of ``units`` serial-tracked units."""
    product = env["product.product"].create(
        {"name": f"P8 motor {units}", "type": "consu", "is_storable": True, "tracking": "serial"}
    )
    stock = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
    lots = env["stock.lot"].create([{"name": f"P8-{units}-{i:05d}", "product_id": product.id} for i in range(units)])
    env["stock.quant"].sudo().create(
        [{"product_id": product.id, "location_id": stock.id, "lot_id": lot.id, "quantity": 1.0} for lot in lots]
    )
    customer = env["res.partner"].create({"name": f"P8 customer {units}", "is_company": True})
    order = env["sale.order"].create({
        "partner_id": customer.id, "order_line": [Command.create({"product_id": product.id, "product_uom_qty": units})],
    })
    order.action_confirm()
    picking = order.picking_ids
    picking.move_ids.picked = True
    assert picking.button_validate() is True and picking.state == "done", "the delivery did not validate"
    return picking


def give_back(env, picking, lots):
    """The figures of the customer's return of the units ``lots`` of ``picking``, through the return wizard."""
    wizard = env["stock.return.picking"].with_context(active_id=picking.id, active_model="stock.picking").create(
        {"picking_id": picking.id}
    )
    wizard.product_return_moves.quantity = len(lots)
    receipt = wizard._create_return()
    move = receipt.move_ids
    move.move_line_ids.unlink()
    env["stock.move.line"].create([
        {"move_id": move.id, "picking_id": receipt.id, "product_id": move.product_id.id, "lot_id": lot.id,
         "quantity": 1.0, "location_id": move.location_id.id, "location_dest_id": move.location_dest_id.id}
        for lot in lots
    ])
    move.picked = True
    rewritten = records_written(env)
    with measure(env) as figures:
        assert receipt.button_validate() is True and receipt.state == "done", "the return did not validate"
    figures["rewritten"] = records_written(env) - rewritten
    return figures


def records_written(env):
    """How many delivery record rows this transaction updated so far (none without the module)."""
    env.cr.execute(
        "SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_xact_user_tables WHERE relname = 'aftersales_delivery_record'"
    )
    return env.cr.fetchone()[0]


def recompute_all(env, records):
    """The figures of recomputing the returned quantity of ``records`` at once."""
    field = records._fields["qty_returned"]
    with measure(env) as figures:
        env.add_to_compute(field, records)
        records.flush_recordset(["qty_returned"])
    return figures


def run(database, units):
    """The figures of each return of ``units`` delivered units, and of a full recompute (module only)."""
    with environment(database) as env:
        picking = deliver(env, units)
        lots = picking.move_line_ids.lot_id.sorted("name")
        batches = [lots[index * units // RETURNS:][:RETURNED] for index in range(RETURNS)]
        returns = [give_back(env, picking, batch) for batch in batches]
        recompute = None
        if "aftersales.delivery.record" in env:
            records = env["aftersales.delivery.record"].search([("picking_id", "=", picking.id)])
            assert len(records) == units, "one delivery record per unit"
            returned = lots.browse().union(*batches)
            recompute = recompute_all(env, records)
            env.invalidate_all()
            assert all(record.qty_returned == (1.0 if record.lot_id in returned else 0.0) for record in records), (
                "the returned quantities are wrong"
            )
    vacuum(database)
    return {
        "seconds": median([r["seconds"] for r in returns]),
        "queries": median([r["queries"] for r in returns]),
        "rewritten": median([r["rewritten"] for r in returns]),
        "recompute": recompute,
    }


def main():
    args = parse_args(__doc__, {
        "with-module": "database with aftersales_service installed",
        "without-module": "database with the same dependencies, without aftersales_service",
    })
    results = {
        (side, units): run(database, units)
        for units in SIZES for side, database in (("with", args.with_module), ("without", args.without_module))
    }
    print("P8 returns of %d units of a large delivery (median of %d returns)" % (RETURNED, RETURNS))
    added = {}
    for units in SIZES:
        ours, core = results["with", units], results["without", units]
        added[units] = (ours["seconds"] - core["seconds"], ours["queries"] - core["queries"])
        print("  %5d units: with module %.3f s / %d queries / %d delivery records rewritten, without %.3f s / %d "
              "queries; the module adds %.3f s / %d queries; recomputing every record %.3f s / %d queries" % (
                  units, ours["seconds"], ours["queries"], ours["rewritten"], core["seconds"], core["queries"],
                  *added[units], ours["recompute"]["seconds"], ours["recompute"]["queries"]))
    small, large = SIZES
    print("  at %d units / at %d: the full recompute x%.1f (target <= x%d, not x%d); the module's extra queries "
          "per return %d and %d (target: equal)" % (
              large, small,
              results["with", large]["recompute"]["seconds"] / results["with", small]["recompute"]["seconds"],
              large // small, (large // small) ** 2, added[small][1], added[large][1]))

if __name__ == "__main__":
    main()
