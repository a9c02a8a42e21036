"""P4: the complaint escalation job over 5,000 and over 50,000 open complaints.

Loads the open complaints in bulk (one SQL statement, rolled back at the end), then runs the
scheduled job with a cold ORM cache until nothing is left (the job escalates at most 1,000
complaints per run; the scheduler starts the next run at once), then once more (nothing to
do). Each escalation is a chatter note and an activity, as in production.

Two mixes. "15-minute run": what one run of the job every 15 minutes finds, the same 550
escalations whatever N (250 deadlines just passed, 250 entering the at-risk zone, 50 return-visit
complaints due for the 4-hour escalation), the rest on track: this isolates what N costs.
"Backlog": 11 % of N due at once (5 % breached, 5 % at risk, 1 % four-hour), as after a
stopped scheduler; its cost follows the number of escalations, not N.
Targets: <= 10 s at 50,000, and a query count that does not grow with N.
"""

# A benchmark reports on standard output.
# pylint: disable=print-used

from common import environment, measure, median, parse_args, vacuum

from odoo import fields

SIZES = (5_000, 50_000)


def load_complaints(env, count, due_per_mille):
    """``count`` open complaints of 200 customers; ``due_per_mille`` in 1000 are due, as above, for each of 10 coordinators."""
    customers = env["res.partner"].create([{"name": f"P4 customer {i}", "is_company": True} for i in range(200)])
    users = env["res.users"].create([
        {"name": f"P4 coordinator {i}", "login": f"p4_coordinator_{i}",
         "group_ids": [(4, env.ref("aftersales_service.group_aftersales_user").id)]}
        for i in range(10)
    ])
    policy = env.ref("aftersales_service.sla_policy_default")
    env.cr.execute(
        """
        INSERT INTO aftersales_complaint (
            name, company_id, partner_id, user_id, channel, kind, priority, state, date_received,
            sla_policy_id, response_deadline, resolution_deadline, resolution_start, onsite_required,
            sla_state, sla_notified, sla_next_deadline, sla_risk_date, escalation_deadline,
            sla_paused, waiting_customer, create_date, write_date)
        SELECT 'P4/' || lpad(n::text, 6, '0'), %(company)s, (%(customers)s)[1 + n %% 200],
               (%(users)s)[1 + (n / 1000 + n) %% 10], CASE WHEN four_hour THEN 'return_visit' ELSE 'phone' END,
               'complaint', '0', 'new', received, %(policy)s, received + interval '24 hours',
               received + interval '48 hours', received, false,
               'on_track', 'none', received + interval '24 hours', received + interval '18 hours',
               CASE WHEN four_hour THEN received + interval '4 hours' END, false, false, now(), now()
          FROM (SELECT n, now() at time zone 'UTC' - CASE
                    WHEN n %% 1000 >= %(due)s THEN interval '1 hour'
                    WHEN (n %% 1000) * 100 < %(due)s * 45 THEN interval '30 hours'
                    WHEN (n %% 1000) * 100 < %(due)s * 90 THEN interval '20 hours'
                    ELSE interval '5 hours' END AS received,
                    n %% 1000 < %(due)s AND (n %% 1000) * 100 >= %(due)s * 90 AS four_hour
                  FROM generate_series(1, %(count)s) n) mix
        """,
        {"company": env.company.id, "customers": customers.ids, "users": users.ids, "policy": policy.id,
         "count": count, "due": due_per_mille},
    )
    env.cr.execute("ANALYZE aftersales_complaint")
    return env["aftersales.complaint"].search_count([("date_received", "<", fields.Datetime.subtract(
        fields.Datetime.now(), hours=2))])


def run(database, count, due_per_mille):
    """Escalations due, the figures of each run of the job until none is left, and of one more run."""
    with environment(database) as env:
        due = load_complaints(env, count, due_per_mille)
        complaints = env["aftersales.complaint"]
        activities_before = env["mail.activity"].search_count([])
        runs, left = [], due
        while left:
            with measure(env) as figures:
                left = complaints._cron_escalate()
            runs.append(figures)
        created = env["mail.activity"].search_count([]) - activities_before
        assert created == due, f"{created} activities for {due} due escalations"
        with measure(env) as idle:
            complaints._cron_escalate()
        assert env["mail.activity"].search_count([]) - activities_before == due, "an event was escalated twice"
    vacuum(database)
    return due, runs, idle


def main():
    args = parse_args(__doc__, {"database": "database with aftersales_service installed"})
    run(args.database, 1_000, 110)  # warm the registry caches: every measured run starts alike
    print("P4 complaint escalation job (median of %d measurements)" % args.repeat)
    for label, mix in (("15-minute run", lambda count: 550_000 // count), ("backlog", lambda count: 110)):
        for count in SIZES:
            measurements = [run(args.database, count, mix(count)) for _ in range(args.repeat)]
            due = measurements[0][0]
            total = median([sum(r["seconds"] for r in runs) for _, runs, _ in measurements])
            slowest = median([max(r["seconds"] for r in runs) for _, runs, _ in measurements])
            queries = median([max(r["queries"] for r in runs) for _, runs, _ in measurements])
            idle = median([idle["queries"] for _, _, idle in measurements])
            print("  %-13s %6d open, %5d escalations in %d run(s): %5.2f s in all, slowest run %5.2f s, "
                  "%3d queries per run at most; nothing to do: %d queries" % (
                      label, count, due, len(measurements[0][1]), total, slowest, queries, idle))
    print("  targets: <= 10 s at 50,000; a query count that does not grow with N")


if __name__ == "__main__":
    main()
