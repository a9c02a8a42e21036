"""P7: the dispatcher's screens and a day's planning, at the volume of a service department after two years.

Builds, in bulk and valid (the ORM for the 50 technicians, their users and the customers; SQL inserts of consistent
rows for the history), 10,000 dispatch orders over 24 months and the coming weeks, most closed, the rest planned,
dispatched or cancelled, shared among 50 technicians; then, with the ORM, the 200 visits of tomorrow in draft, one
unit each (delivery records inserted in bulk). Measured as the web client calls them, as the administrator: the
dispatch calendar of tomorrow's week, the kanban by state and the kanban by technician (first ten columns unfolded,
as the web client does), the Planning (the week's open visits by technician, and its calendar naming each visit by
customer, city and service), the field-service figures pivot, a technician's "My Visits Today"; the first call with the
ORM cache emptied (cold), the median of five more (warm) and the SQL queries of a warm call. Then the day is
planned: each of the 200 visits scheduled (qualification checked) and dispatched (technician's to-do), as the
dispatcher clicks, with the time and queries per visit. The same at a tenth of the history (1,000 orders) shows
whether a query count grows with the data.
Targets: every screen <= 300 ms warm; queries per screen and per planned visit the same at a tenth.
"""

# A benchmark reports on standard output.
# pylint: disable=print-used

from datetime import datetime, time, timedelta

from odoo.fields import Command

from common import environment, measure, measure_screens, parse_args, vacuum, view_spec

ORDERS, TECHNICIANS, DAY = 10_000, 50, 200
WARM_RUNS = 5


def load(env, scale):
    """The history at ``scale`` (1 = 10,000 orders) and tomorrow's draft visits; returns what the screens use."""
    orders = int(ORDERS * scale)
    today = env.company._aftersales_today()
    category = env["product.category"].create({"name": "P7 motors"})
    product = env["product.product"].create(
        {"name": "P7 motor", "type": "consu", "is_storable": True, "tracking": "serial", "categ_id": category.id}
    )
    customers = env["res.partner"].create([{"name": f"P7 customer {i}", "is_company": True} for i in range(100)])
    users = env["res.users"].with_context(no_reset_password=True).create([
        {"name": f"P7 technician {i:02d}", "login": f"p7.technician.{i}@example.com",
         "group_ids": [Command.set([env.ref("aftersales_field_service.group_aftersales_technician").id])]}
        for i in range(TECHNICIANS)
    ])
    dispatcher = env["res.users"].with_context(no_reset_password=True).create({
        "name": "P7 dispatcher", "login": "p7.dispatcher@example.com",
        "group_ids": [Command.set([env.ref("aftersales_field_service.group_aftersales_dispatcher").id])],
    })
    technicians = env["aftersales.technician"].create([
        {"user_id": user.id, "certificate_expiry": today + timedelta(days=365), "evaluation_date": today,
         "evaluation_passed": True, "skill_ids": [Command.set(category.ids)]}
        for user in users
    ])
    order = env["sale.order"].create({"partner_id": customers[0].id})
    env.flush_all()
    cr = env.cr
    params = {
        "company": env.company.id, "orders": orders, "admin": env.user.id, "technicians": technicians.ids,
        "technician_users": [technician.user_id.id for technician in technicians], "customers": customers.ids,
        "product": product.id, "category": category.id, "sale_order": order.id, "day": DAY,
        "policy": env["aftersales.warranty.policy"]._match_products(product, env.company)[product].id,
    }
    # The history: a visit every so often over 24 months up to four weeks ahead; past visits closed (some done or
    # cancelled), coming ones scheduled or dispatched.
    cr.execute("""
        INSERT INTO aftersales_dispatch_order (
            name, company_id, partner_id, user_id, origin, call_date, service_type, state, technician_id,
            technician_user_id, appointment_start, appointment_end, appointment_confirmed, charge_mode, labour_hours,
            travel_fee, fee_collected, onsite_deadline, checkin_date, checkout_date, outcome, onsite_met,
            first_time_fix, arrival_hours, closed_date, create_date, write_date)
        SELECT 'P7DSP/' || n, %(company)s, (%(customers)s)[1 + n %% 100], %(admin)s, 'call', start - interval '1 day',
               (ARRAY['repair', 'maintenance', 'inspection', 'installation'])[1 + n %% 4], state,
               (%(technicians)s)[1 + n %% 50], (%(technician_users)s)[1 + n %% 50], start, start + interval '2 hours',
               state <> 'scheduled', 'full', 1.5, 80, 0, start + interval '2 hours',
               CASE WHEN past THEN start + interval '30 minutes' END, CASE WHEN past THEN start + interval '2 hours' END,
               CASE WHEN past THEN 'fixed' END, CASE WHEN past THEN 100 END, CASE WHEN past THEN 100 END,
               CASE WHEN past THEN 24.5 END, CASE WHEN state = 'closed' THEN start + interval '1 day' END, now(), now()
          FROM (SELECT n, start, start < now() AS past,
                       CASE WHEN start >= now() THEN (CASE WHEN n %% 2 = 0 THEN 'dispatched' ELSE 'scheduled' END)
                            WHEN n %% 20 = 0 THEN 'cancel' WHEN n %% 20 = 1 THEN 'done' ELSE 'closed' END AS state
                  FROM (SELECT n, date_trunc('day', now() at time zone 'UTC')
                                  + ((n * 758 / %(orders)s) - 730) * interval '1 day' + (8 + n %% 9) * interval '1 hour'
                                  AS start
                          FROM generate_series(1, %(orders)s) n) days) mix
    """, params)
    cr.execute("""
        INSERT INTO stock_lot (name, product_id, company_id, create_date, write_date)
        SELECT 'P7-' || lpad(n::text, 5, '0'), %(product)s, %(company)s, now(), now()
          FROM generate_series(1, %(day)s) n
    """, params)
    cr.execute("""
        INSERT INTO aftersales_delivery_record (
            company_id, partner_id, sale_order_id, product_id, product_categ_id, lot_id, quantity, qty_returned, qty_with_customer,
            delivery_date, warranty_policy_id, warranty_months, channel_extension_months, extended_warranty_months,
            warranty_start_date, warranty_end_date, is_late, delay_days, is_accepted, create_date, write_date)
        SELECT %(company)s, (%(customers)s)[1 + substr(lot.name, 4)::int %% 100], %(sale_order)s, lot.product_id,
               %(category)s, lot.id, 1, 0, 1, current_date - 100, %(policy)s, 12, 0, 0, current_date - 100,
               current_date + 265, false, 0, true, now(), now()
          FROM stock_lot lot WHERE lot.name LIKE 'P7-%%'
    """, params)
    for table in ("aftersales_dispatch_order", "stock_lot", "aftersales_delivery_record"):
        cr.execute(f"ANALYZE {table}")  # pylint: disable=sql-injection
    env.invalidate_all()
    units = env["aftersales.delivery.record"].search([("lot_id.name", "like", "P7-")], order="id")
    tomorrow = datetime.combine(today + timedelta(days=1), time(0))
    day = env["aftersales.dispatch.order"].with_user(dispatcher).create([
        {"partner_id": unit.partner_id.id, "technician_id": technicians[i % TECHNICIANS].id,
         "appointment_start": tomorrow + timedelta(hours=8 + i % 9), "appointment_end": tomorrow + timedelta(hours=10 + i % 9),
         "line_ids": [Command.create({"delivery_record_id": unit.id})]}
        for i, unit in enumerate(units)
    ])
    env.flush_all()
    return {"day": day.with_env(env), "dispatcher": dispatcher, "technician": users[0], "tomorrow": tomorrow}


def screens(env, data):
    """Each screen as the calls its web client view makes."""
    orders = env["aftersales.dispatch.order"]
    calendar, kanban, listing = (view_spec(env, orders._name, view) for view in ("calendar", "kanban", "list"))
    week_start = data["tomorrow"] - timedelta(days=data["tomorrow"].weekday())
    week = [("appointment_start", "<", week_start + timedelta(days=7)), ("appointment_end", ">=", week_start)]
    open_orders = [("state", "in", ("draft", "scheduled", "dispatched", "on_site", "done"))]
    technician_orders = orders.with_user(data["technician"])
    today = [("appointment_start", "<", data["tomorrow"]), ("appointment_end", ">=", data["tomorrow"] - timedelta(days=1))]

    planning = orders.with_context(aftersales_planning=True)
    planning_kanban = view_spec(
        env, orders._name, "kanban", "aftersales_field_service.aftersales_dispatch_order_view_kanban_planning"
    )

    def grouped(groupby, domain=None, spec=kanban, model=orders):
        return model.with_context(read_group_expand=True).web_read_group(
            domain or open_orders, [groupby], ["__count"], auto_unfold=True, unfold_read_specification=spec,
            unfold_read_default_limit=40,
        )

    return [
        ("dispatch calendar, tomorrow's week", lambda: orders.web_search_read(week, calendar)),
        ("kanban by state", lambda: grouped("state")),
        ("kanban by technician (10 columns unfolded)", lambda: grouped("technician_id")),
        ("planning, the week's open visits by technician", lambda: grouped(
            "technician_id", open_orders + week, planning_kanban, planning)),
        ("planning calendar, tomorrow's week", lambda: planning.web_search_read(week, calendar)),
        ("field-service figures pivot", lambda: orders.formatted_read_grouping_sets(
            [("state", "in", ("done", "closed"))], [[], ["technician_id"], ["appointment_start:month"],
                                                    ["technician_id", "appointment_start:month"]],
            ["onsite_met:avg", "first_time_fix:avg", "arrival_hours:avg", "fee_collected:sum", "__count"])),
        ("technician's My Visits Today", lambda: technician_orders.web_search_read(
            [("technician_id.user_id", "=", data["technician"].id), *today], listing, limit=80)),
    ]


def plan_day(env, data):
    """Schedule and dispatch tomorrow's visits one by one, as the dispatcher clicks: (seconds, queries) per visit."""
    day = data["day"].with_user(data["dispatcher"])
    with measure(env) as figures:
        for order in day:
            order.action_schedule()
            order.action_dispatch()
    assert set(day.mapped("state")) == {"dispatched"}, day.mapped("state")
    return figures["seconds"] / len(day), figures["queries"] / len(day)


def run(database, scale):
    """The history's size, {screen: (cold, warm median, warm queries)} and the day's planning at ``scale``."""
    with environment(database) as env:
        data = load(env, scale)
        volume = env["aftersales.dispatch.order"].search_count([])
        figures = measure_screens(env, screens(env, data), WARM_RUNS)
        planning = plan_day(env, data)
    vacuum(database)
    return volume, figures, planning


def main():
    args = parse_args(__doc__, {"database": "database with aftersales_service installed"})
    small_volume, small, small_planning = run(args.database, 0.1)
    volume, full, planning = run(args.database, 1.0)
    print("P7 field service: %d dispatch orders, %d technicians (queries also at %d orders)" % (
        volume, TECHNICIANS, small_volume))
    print("  %-50s %9s %9s %8s %8s" % ("screen", "cold", "warm", "queries", "at 1/10"))
    for name, (cold, warm, queries) in full.items():
        print("  %-50s %6.0f ms %6.0f ms %8d %8d%s" % (
            name, 1000 * cold, 1000 * warm, queries, small[name][2],
            "" if warm <= 0.3 and queries <= small[name][2] else "   <- misses a target"))
    print("  planning the day's %d visits (schedule + dispatch each): %.1f ms and %.1f queries per visit "
          "(%.1f queries at 1/10)%s" % (
              DAY, 1000 * planning[0], planning[1], small_planning[1],
              "" if planning[1] <= small_planning[1] + 0.5 else "   <- misses a target"))
    print("  targets: warm <= 300 ms; the same queries per screen and per planned visit at a tenth of the history")


if __name__ == "__main__":
    main()
