"""P3: 50 RMAs of one unit each, created, approved, received and refunded.

Times the same work three ways, each in its own transaction (rolled back, then VACUUM):
  * ours: aftersales.rma (create, approve, receive, inspect, decide, process: a posted
    credit note), in a database with aftersales_service. The clicks queue their follow-ups
    (three customer e-mails and a return visit per RMA), which the scheduler runs right after
    each commit: that run is measured and printed apart, it is not part of the clicks' figures;
  * OCA: rma + rma_sale 19.0 (create, confirm, receive, refund, post the refund), in a
    database with those modules;
  * floor: the bare core operations, a return picking through the return wizard and a
    posted credit note from the sale line reversing the invoice, in the database without either.
Targets: ours / OCA <= 1.00, ours / floor <= 1.10, ours at most OCA's query count.
"""

# A benchmark reports on standard output.
# pylint: disable=print-used

from common import environment, measure, median, parse_args, vacuum

UNITS = int(__import__("os").environ.get("P3_UNITS", 50))


def delivered_and_invoiced(env, tag):
    """One sale of 50 serial-tracked units, delivered and invoiced; returns the order and its delivery moves."""
    product = env["product.product"].create({
        "name": f"P3 motor {tag}", "type": "consu", "is_storable": True, "tracking": "serial",
        "invoice_policy": "delivery", "list_price": 500.0,
    })
    stock = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1).lot_stock_id
    lots = env["stock.lot"].create([{"name": f"P3-{tag}-{i:03d}", "product_id": product.id} for i in range(UNITS)])
    for lot in lots:
        env["stock.quant"]._update_available_quantity(product, stock, 1.0, lot_id=lot)
    customer = env["res.partner"].create({"name": f"P3 customer {tag}", "is_company": True})
    order = env["sale.order"].create({
        "partner_id": customer.id,
        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": UNITS})],
    })
    order.action_confirm()
    order.picking_ids.move_ids.picked = True
    order.picking_ids.button_validate()
    order._create_invoices().action_post()
    return order, lots


def validate(picking):
    picking.move_ids.picked = True
    assert picking.button_validate() is True


def ours(env, order, lots):
    records = env["aftersales.delivery.record"].search([("sale_order_id", "=", order.id), ("lot_id", "in", lots.ids)])
    for record in records:
        rma = env["aftersales.rma"].create({
            "partner_id": order.partner_id.id,
            "sale_order_id": order.id,
            "line_ids": [(0, 0, {"delivery_record_id": record.id, "product_id": record.product_id.id,
                                 "lot_id": record.lot_id.id, "quantity": 1.0})],
        })
        rma.action_confirm()
        validate(rma.picking_ids)
        rma.line_ids.write({"cause": "transport"})
        rma.action_inspection_done()
        rma.line_ids.write({"decision": "refund"})
        rma.action_decide()
        rma.action_process()
        assert rma.state == "done" and rma.account_move_ids.state == "posted"


def oca(env, order, lots):
    operation = env.ref("rma.rma_operation_refund")
    delivery_moves = order.picking_ids.move_ids
    location = order.warehouse_id.rma_loc_id
    for lot in lots:
        move = delivery_moves.filtered(lambda m, lot=lot: lot in m.move_line_ids.lot_id)
        rma = env["rma"].create({
            "partner_id": order.partner_id.id,
            "order_id": order.id,
            "move_id": move.id,
            "product_id": lot.product_id.id,
            "product_uom_qty": 1.0,
            "location_id": location.id,
            "operation_id": operation.id,
        })
        rma.action_confirm()
        receipt = rma.reception_move_id.picking_id
        rma.reception_move_id.move_line_ids.lot_id = lot
        validate(receipt)
        rma.action_refund()
        rma.refund_id.action_post()
        assert rma.refund_id.state == "posted"


def floor(env, order, lots):
    delivery = order.picking_ids
    sale_line = order.order_line
    invoice = order.invoice_ids
    for lot in lots:
        wizard = env["stock.return.picking"].create({"picking_id": delivery.id})
        wizard.product_return_moves.write({"quantity": 1.0, "to_refund": True})
        receipt = wizard._create_return()
        receipt.move_line_ids.lot_id = lot
        validate(receipt)
        credit_note = env["account.move"].create(dict(
            order._prepare_invoice(),
            move_type="out_refund",
            reversed_entry_id=invoice.id,
            invoice_line_ids=[(0, 0, sale_line._prepare_invoice_line(quantity=1.0))],
        ))
        credit_note.action_post()


def timed(database, work, tag, follow_ups=None):
    """Seconds and queries of ``work`` on a fresh delivered and invoiced order in ``database``; with
    ``follow_ups`` (a dict), also those of the scheduler's run of the follow-ups the work queued."""
    with environment(database) as env:
        order, lots = delivered_and_invoiced(env, tag)
        with measure(env) as figures:
            work(env, order, lots)
        if follow_ups is not None:
            queue = env["aftersales.follow.up"].sudo()
            queued = queue.search_count([])
            # The job's work without its commits: the run is rolled back like the clicks.
            with measure(env) as run:
                queue._run_now()
            assert not queue.search_count([])
            follow_ups.setdefault("runs", []).append((run["seconds"], run["queries"], queued))
    vacuum(database)
    return figures["seconds"], figures["queries"]


def main():
    args = parse_args(__doc__, {
        "ours": "database with aftersales_service",
        "oca": "database with OCA rma and rma_sale",
        "floor": "database with neither",
    })
    results, follow_ups = {}, {}
    for round_ in range(args.repeat):
        for name, database, work in (("ours", args.ours, ours), ("oca", args.oca, oca), ("floor", args.floor, floor)):
            results.setdefault(name, []).append(
                timed(database, work, f"{name}-{round_}", follow_ups if name == "ours" else None)
            )
    figures = {name: (median([s for s, _q in runs]), median([q for _s, q in runs])) for name, runs in results.items()}
    best = {name: min(s for s, _q in runs) for name, runs in results.items()}
    print("P3 %d RMAs of one unit: created, approved, received, refunded (%d runs each, alternating)" % (UNITS, args.repeat))
    for name, label in (("ours", "aftersales_service"), ("oca", "OCA rma + rma_sale"), ("floor", "core floor")):
        print("  %-20s median %.2f s, best %.2f s, %d queries" % (label, figures[name][0], best[name], figures[name][1]))
    for other, label, target in (("oca", "OCA", "1.00"), ("floor", "floor", "1.10")):
        print("  ours / %-5s  %.2f of the best runs (target <= %s), %.2f of the medians" % (
            label, best["ours"] / best[other], target, figures["ours"][0] / figures[other][0]))
    print("  queries ours - OCA: %+d (target <= 0)" % (figures["ours"][1] - figures["oca"][1]))
    runs = follow_ups["runs"]
    print("  then the scheduler's run of the %d queued follow-ups (e-mails posted, visits planned), apart: "
          "%.2f s, %d queries" % (runs[0][2], median([s for s, _q, _n in runs]), median([q for _s, q, _n in runs])))


if __name__ == "__main__":
    main()
