"""P9: many users at once, on Odoo's multi-process server, then on two servers sharing a primary and a streaming
replica.

Prepares, in a throw-away database that has aftersales_service and its demo data, a data set of its own (committed):
600 serial-tracked motors delivered and invoiced to 24 customers, and the benchmark's users (coordinators, managers,
dispatchers, technicians with their vans, readers, portal customers). Then, for each phase, it starts Odoo on
127.0.0.1 and runs N users (default 20) over JSON-RPC, as the web client and the portal make their requests, for a
bounded time:

  * RMAs: the unit picker read, create with a line from a delivery record, approve (as a manager), validate the
    receipt, inspect, decide a refund, process (a posted credit note);
  * complaints: create, acknowledge, resolve, close with the customer's confirmation;
  * visits: create, schedule, dispatch, check in and check out (as the technician);
  * readers: the warranty check, the overview, the RMA kanban and list, the complaint kanban;
  * portal customers: the counters of /my, their units, their RMAs, a unit's page;
  * and three racing users, apart, racing on purpose every few seconds: two users claiming the same unit on two RMAs
    at the same moment, two managers approving the same RMA, two users checking in the same visit.

Phase 1: one server, ``--workers 4 --max-cron-threads 2``, on the machine's PostgreSQL. Phase 2: a PostgreSQL
primary and its streaming replica made for the benchmark (initdb, pg_basebackup -R, in the work folder, on spare
ports), the same data restored, and two servers (``--workers 2 --max-cron-threads 1`` each, both with
``--db_replica_host``/``--db_replica_port``) sharing the users. Each phase prints the requests per kind with their
p50/p95 latency, the errors by kind (business refusals, UserError/ValidationError, apart from unexpected errors), the
races' outcomes, the customer e-mails' delay (from the answer to the transition, i.e. its commit, to the e-mail
posted in the chatter, seen by polling the database), the job failures and retries found in the server logs, and
integrity checks in SQL: no duplicate document numbers, no unit claimed beyond what was delivered, no RMA line
received twice or refunded twice, quants consistent with the done move lines, no follow-up lost or doubled. Phase 2
also prints the share of the read requests the replica served: the cursor mode Odoo writes at the end of each
request line of its log when a replica is configured ("ro" served by the replica), and the transactions the replica
counted (pg_stat_database).
Targets: 0 unexpected errors, 0 integrity violations, e-mail delay p95 <= 60 s, no job failure in the server log.

Everything goes to 127.0.0.1 (the servers, the clusters, a mail sink that accepts the e-mails Odoo's mail queue
sends). The phases stop by themselves; the script stops its servers and clusters; benchmarks/load drops the
database and the work folder.
"""

# A benchmark reports on standard output.
# pylint: disable=print-used

import argparse
import asyncio
import getpass
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import psycopg2
from psycopg2 import sql as pgsql
import requests

from odoo import api, sql_db
from odoo.api import SUPERUSER_ID
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config

from common import stop_process, wait_until_serving

CUSTOMERS, ORDERS, UNITS_PER_ORDER = 24, 60, 10
RACE_ORDERS, DISPATCH_ORDERS = 5, 5  # the first orders; the others are shared out among the RMA users
ROLES = (("rma", 0.40), ("complaint", 0.20), ("dispatch", 0.15), ("reader", 0.15), ("portal", 0.10))
BUSINESS = {"odoo.exceptions.UserError", "odoo.exceptions.ValidationError", "odoo.exceptions.RedirectWarning"}
REQUEST_TIMEOUT = 300
DRAIN_TIMEOUT = 240
RACE_EVERY = 4.0
EMAIL_TARGET = 60.0
LAYOUT = "mail.mail_notification_light"
REQUEST_LINE = re.compile(r'"(?:GET|POST) (\S+) HTTP/[0-9.]+" (\d{3}) \S+ (\S+) (\S+) (\S+)(?: (\S+))?')
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) (\S+) (\S+): (.*)$")


# Data set -----------------------------------------------------------------------------------------

def role_counts(users):
    """How many users of each role: the shares of ROLES, every role at least once from five users."""
    counts = {role: int(users * share) for role, share in ROLES}
    for role, _share in sorted(ROLES, key=lambda item: -item[1]):
        if sum(counts.values()) >= users:
            break
        counts[role] += 1
    if users >= len(ROLES):
        for role in counts:
            if not counts[role]:
                richest = max(counts, key=counts.get)
                counts[richest] -= 1
                counts[role] = 1
    return counts


def prepare(database, users):
    """The benchmark's products, stock, delivered and invoiced orders and users, committed; returns what the users
    work on (ids, logins)."""
    registry = Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True})
        company = env.ref("base.main_company")
        # Nothing leaves the machine: the weekly call home of Odoo's publisher is off.
        env.ref("mail.ir_cron_module_update_notification").active = False
        # A sender for the e-mails of the system and of users without an address: the mail queue sends them all.
        if not company.alias_domain_id:
            company.alias_domain_id = env["mail.alias.domain"].create({"name": "p9.example.com"})
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        category = env["product.category"].create({"name": "P9 Motors"})
        product = env["product.product"].create({
            "name": "P9 Motor", "type": "consu", "is_storable": True, "tracking": "serial", "categ_id": category.id,
            "invoice_policy": "delivery", "list_price": 500.0, "taxes_id": [Command.clear()],
        })
        lots = env["stock.lot"].create([
            {"name": f"P9-{index:05d}", "product_id": product.id, "company_id": company.id}
            for index in range(ORDERS * UNITS_PER_ORDER)
        ])
        # Counted in through an inventory adjustment: the quants have their moves, as the integrity check expects.
        env["stock.quant"].with_context(inventory_mode=True).create([
            {"product_id": product.id, "location_id": warehouse.lot_stock_id.id, "lot_id": lot.id,
             "inventory_quantity": 1.0}
            for lot in lots
        ]).action_apply_inventory()
        customers = env["res.partner"].create([
            {"name": f"P9 Customer {index:02d}", "is_company": True, "email": f"p9.customer{index}@example.com"}
            for index in range(CUSTOMERS)
        ])
        orders = env["sale.order"].create([{
            "partner_id": customers[index % CUSTOMERS].id,
            "order_line": [Command.create({"product_id": product.id, "product_uom_qty": UNITS_PER_ORDER})],
        } for index in range(ORDERS)])
        orders.action_confirm()
        for picking in orders.picking_ids:
            picking.move_ids.picked = True
            picking.button_validate()
        orders._create_invoices().action_post()
        records = env["aftersales.delivery.record"].search([("product_id", "=", product.id)], order="id")
        units = defaultdict(list)
        for record in records:
            units[record.sale_order_id.id].append({
                "record": record.id, "order": record.sale_order_id.id, "partner": record.partner_id.id,
                "product": product.id, "lot": record.lot_id.id, "serial": record.lot_id.name,
            })

        def user(login, groups, **values):
            return env["res.users"].with_context(no_reset_password=True).create({
                "name": login.replace("_", " ").title(), "login": login, "password": login, "tz": "UTC",
                "email": f"{login}@example.com",
                "company_id": company.id, "company_ids": [Command.set(company.ids)],
                "group_ids": [Command.set([env.ref(group).id for group in groups])], **values,
            })

        coordinator = ("aftersales_service.group_aftersales_user", "stock.group_stock_user",
                       "sales_team.group_sale_salesman_all_leads")
        manager = ("aftersales_service.group_aftersales_manager", "account.group_account_readonly",
                   "stock.group_stock_user", "sales_team.group_sale_salesman_all_leads")
        dispatcher = ("aftersales_field_service.group_aftersales_dispatcher",)
        today = company._aftersales_today()

        def technician(login):
            tech = user(login, ("aftersales_field_service.group_aftersales_technician",))
            van = env["stock.location"].create({
                "name": f"Van {login}", "usage": "internal", "location_id": warehouse.view_location_id.id,
            })
            env["aftersales.technician"].create({
                "user_id": tech.id, "van_location_id": van.id, "certificate_number": f"CERT-{login}",
                "certificate_expiry": today + timedelta(days=365), "evaluation_date": today,
                "evaluation_passed": True, "skill_ids": [Command.set(category.ids)],
            })
            return env["aftersales.technician"].search([("user_id", "=", tech.id)]).id

        order_ids = orders.ids
        counts = role_counts(users)
        rma_orders = order_ids[RACE_ORDERS + DISPATCH_ORDERS:]
        dispatch_units = [unit for order in order_ids[RACE_ORDERS:RACE_ORDERS + DISPATCH_ORDERS] for unit in units[order]]
        threads = []
        for role, count in counts.items():
            for index in range(count):
                name = f"p9_{role}_{index}"
                thread = {"role": role, "name": name}
                if role == "rma":
                    user(name, coordinator)
                    user(f"{name}_manager", manager)
                    thread["units"] = [unit for order in rma_orders[index::count] for unit in units[order]]
                elif role == "complaint":
                    user(name, coordinator)
                    thread["partners"] = customers.ids
                elif role == "dispatch":
                    user(name, dispatcher)
                    thread["technician"] = technician(f"{name}_tech")
                    thread["units"] = dispatch_units[index::count]
                elif role == "reader":
                    user(name, ("aftersales_service.group_aftersales_user",))
                    thread["serials"] = lots.mapped("name")
                else:
                    customer = customers[index % CUSTOMERS]
                    contact = env["res.partner"].create({
                        "name": f"Buyer of {customer.name}", "parent_id": customer.id,
                        "email": f"{name}@example.com",
                    })
                    user(name, ("base.group_portal",), partner_id=contact.id)
                    thread["units"] = [unit["record"] for order in order_ids if orders.browse(order).partner_id == customer
                                       for unit in units[order]][:20]
                threads.append(thread)
        user("p9_race_a", (*manager, *dispatcher))
        user("p9_race_b", (*manager, *dispatcher))
        race_technician = technician("p9_race_tech")
        race_units = [unit for order in order_ids[:RACE_ORDERS] for unit in units[order]]
        return {
            "database": database, "company": company.id, "product": product.id,
            "reason": env.ref("aftersales_service.rma_reason_defect").id,
            "threads": threads, "race": {"units": race_units, "technician": race_technician},
        }


# PostgreSQL: the primary and its streaming replica of phase 2 ------------------------------------

def postgres_bin(name):
    """A PostgreSQL server program: the newest installed."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda path: int(path.parts[-3]))
    if found:
        return str(found[-1])
    return shutil.which(name) or sys.exit(f"P9: {name} not found: install the PostgreSQL server")


def as_postgres(command):
    """PostgreSQL's server programs refuse to run as root: run them as postgres then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Cluster:
    """A PostgreSQL cluster of the benchmark, in ``folder``, on 127.0.0.1:``port``."""

    def __init__(self, folder, port):
        self.folder, self.port = Path(folder), port
        self.data = self.folder / "data"
        self.started = False

    def _prepare_folder(self):
        self.folder.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")

    def initdb(self):
        self._prepare_folder()
        self._run(postgres_bin("initdb"), "-D", str(self.data), "--auth=trust", "-U", "postgres", "--no-sync")

    def basebackup(self, primary):
        """A streaming replica of ``primary``: its copy, set up to follow it (-R)."""
        self._prepare_folder()
        self._run(postgres_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                  "-D", str(self.data), "-R", "-X", "stream", "-c", "fast")

    def start(self, *settings):
        options = ["-p", str(self.port), "-k", str(self.folder), "-c", "listen_addresses=127.0.0.1", *settings]
        self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                  "-o", " ".join(options), "start")
        self.started = True

    def stop(self):
        if self.started:
            self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.started = False

    def _run(self, *command):
        result = subprocess.run(as_postgres(list(command)), capture_output=True, text=True, check=False)
        if result.returncode:
            sys.exit(f"P9: {' '.join(command)} failed:\n{result.stdout}{result.stderr}")

    def connect(self, database="postgres", user=None):
        return psycopg2.connect(host="127.0.0.1", port=self.port, dbname=database, user=user or getpass.getuser())


# The mail sink and the Odoo servers ----------------------------------------------------------------

class MailSink:
    """An SMTP server on 127.0.0.1 that accepts every message and keeps none: Odoo's mail queue sends the
    customer e-mails there, nowhere else."""

    def __init__(self, port):
        self.port, self.received = port, 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self):
        server = asyncio.run_coroutine_threadsafe(asyncio.start_server(self._session, "127.0.0.1", self.port), self.loop)
        self.thread.start()
        self.server = server.result(10)
        return self

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    async def _session(self, reader, writer):
        writer.write(b"220 p9 ESMTP\r\n")
        try:
            await self._dialogue(reader, writer)
        except ConnectionError:
            return  # Odoo may drop the connection without QUIT
        writer.close()

    async def _dialogue(self, reader, writer):
        in_data = False
        while line := await reader.readline():
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    in_data = False
                    self.received += 1
                    writer.write(b"250 OK\r\n")
            else:
                verb = line[:4].upper()
                if verb == b"EHLO":
                    writer.write(b"250-p9\r\n250 8BITMIME\r\n")
                elif verb == b"DATA":
                    in_data = True
                    writer.write(b"354 End with .\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 Bye\r\n")
                    await writer.drain()
                    break
                else:
                    writer.write(b"250 OK\r\n")
            await writer.drain()


class Server:
    """An Odoo server with workers on 127.0.0.1, started for a phase and stopped with it."""

    def __init__(self, args, folder, name, port, gevent_port, workers, cron_threads, database_options=()):
        self.url = f"http://127.0.0.1:{port}"
        self.log = Path(folder) / f"{name}.log"
        self.command = [
            sys.executable, "-m", "odoo", "server", "-c", args.config, "-d", args.database,
            "--db-filter", f"^{re.escape(args.database)}$", "--http-interface", "127.0.0.1", "--http-port", str(port),
            "--gevent-port", str(gevent_port), "--workers", str(workers), "--max-cron-threads", str(cron_threads),
            "--limit-time-real", "120", "--smtp", "127.0.0.1", "--smtp-port", str(args.smtp_port),
            "--logfile", str(self.log), "--log-level", "info", *database_options,
        ]
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_until_serving(self.process, self.url, 180, lambda reason: sys.exit(f"P9: {self.url}: {reason}; see "
                                                                               f"{self.log}"))

    def stop(self):
        if self.process and self.process.poll() is None:
            stop_process(self.process)


# Requests and what they answered ------------------------------------------------------------------

class Refused(Exception):
    """A business refusal: UserError or ValidationError."""


class Failed(Exception):
    """An unexpected error."""


class Stop(Exception):
    """The phase's time is up."""


class Run:
    """What the users of one phase did: their requests, the e-mails their transitions call for, the races."""

    def __init__(self, duration):
        self.lock = threading.Lock()
        self.requests = []
        self.expected = defaultdict(list)  # (model, id) -> answer times of the transitions that e-mail the customer
        self.races = defaultdict(Counter)
        self.deadline = time.monotonic() + duration
        self.stopped = threading.Event()
        self.abandoned = 0

    def running(self):
        return not self.stopped.is_set() and time.monotonic() < self.deadline

    def record(self, **request):
        with self.lock:
            self.requests.append(request)

    def expect_email(self, model, res_id, at, label):
        with self.lock:
            self.expected[model, res_id].append((at, label))

    def race(self, kind, outcome):
        with self.lock:
            self.races[kind][outcome] += 1


class Client:
    """One user's browser or RPC client: a session on a server."""

    def __init__(self, run, url, database, login):
        self.run, self.url, self.database, self.login = run, url, database, login
        self.session = requests.Session()
        self.context = {"lang": "en_US", "tz": "UTC"}

    def authenticate(self):
        self.jsonrpc("login", "/web/session/authenticate",
                     {"db": self.database, "login": self.login, "password": self.login})

    def jsonrpc(self, kind, path, params, read=False):
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        return self._request(kind, path, read, lambda: self.session.post(self.url + path, json=payload,
                                                                           timeout=REQUEST_TIMEOUT))

    def call(self, kind, model, method, *args, read=False, **kwargs):
        """``model.method`` as the web client calls it."""
        kwargs.setdefault("context", self.context)
        return self.jsonrpc(kind, f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs,
        }, read=read)

    def button(self, kind, model, method, ids):
        """A button of a form: ``method`` on ``ids``."""
        return self.jsonrpc(kind, f"/web/dataset/call_button/{model}/{method}", {
            "model": model, "method": method, "args": [ids], "kwargs": {"context": self.context},
        })

    def page(self, kind, path):
        return self._request(kind, path, True, lambda: self.session.get(self.url + path, timeout=REQUEST_TIMEOUT))

    def _request(self, kind, path, read, send):
        start = time.perf_counter()
        outcome, name, message, result = "ok", "", "", None
        try:
            response = send()
        except requests.RequestException as error:
            outcome, name, message = "unexpected", type(error).__name__, str(error)
        else:
            if response.status_code != 200:
                outcome, name, message = "unexpected", f"HTTP {response.status_code}", response.text[:200]
            elif response.headers.get("Content-Type", "").startswith("application/json"):
                body = response.json()
                if "error" in body:
                    data = body["error"].get("data") or {}
                    name, message = data.get("name", "error"), data.get("message") or body["error"].get("message", "")
                    outcome = "business" if name in BUSINESS else "unexpected"
                else:
                    result = body.get("result")
            else:
                result = response.text
        seconds = time.perf_counter() - start
        self.run.record(kind=kind, path=path.split("?")[0], read=read, seconds=seconds, outcome=outcome, name=name,
                        message=message.splitlines()[0][:160] if message else "", end=time.time())
        if outcome == "business":
            raise Refused(message)
        if outcome == "unexpected":
            raise Failed(f"{name}: {message}")
        return result


# The users --------------------------------------------------------------------------------------------

class User(threading.Thread):
    """One person working for the whole phase: their role's work in a loop, with a little thinking between
    clicks."""

    def __init__(self, phase, data, thread, url, think):
        super().__init__(daemon=True)
        self.phase, self.data, self.thread, self.think_time = phase, data, thread, think
        self.client = Client(phase, url, data["database"], thread["name"])
        self.random = random.Random(thread["name"])
        self.units = list(thread.get("units", ()))
        if thread["role"] == "rma":
            self.manager = Client(phase, url, data["database"], f"{thread['name']}_manager")
        elif thread["role"] == "dispatch":
            self.technician = Client(phase, url, data["database"], f"{thread['name']}_tech")

    def think(self):
        time.sleep(self.random.uniform(0.5, 1.5) * self.think_time)
        if not self.phase.running():
            raise Stop()

    def run(self):
        try:
            for client in (self.client, getattr(self, "manager", None), getattr(self, "technician", None)):
                if client:
                    client.authenticate()
            work = getattr(self, f"{self.thread['role']}_work")
            while True:
                try:
                    work()
                except (Refused, Failed):
                    # Counted with its request; the user leaves this piece of work and starts another.
                    self.phase.abandoned += 1
                self.think()
        except (Refused, Failed, Stop):
            return

    def read_until(self, kind, model, record_id, fields, ready):
        """Read a record until ``ready`` says it shows what was just written: a replica may lag a little behind."""
        for _attempt in range(30):
            values = self.client.call(kind, model, "read", [record_id], fields, read=True)[0]
            if ready(values):
                return values
            time.sleep(0.2)
        raise Failed(f"{model} {record_id} still stale after 6 s")

    # RMAs ---------------------------------------------------------------------------------------

    def rma_work(self):
        if not self.units:
            self.reader_work()
            return
        unit = self.units.pop()
        client, rma_model, now = self.client, "aftersales.rma", time.time
        client.call("read.unit_picker", "aftersales.delivery.record", "web_search_read",
                    [("partner_id", "=", unit["partner"])], {"display_name": {}, "warranty_end_date": {}},
                    limit=80, read=True)
        self.think()
        rma = client.call("rma.create", rma_model, "create", {
            "partner_id": unit["partner"], "sale_order_id": unit["order"], "reason_id": self.data["reason"],
            "line_ids": [Command.create({"delivery_record_id": unit["record"], "product_id": unit["product"],
                                         "lot_id": unit["lot"], "quantity": 1})],
        })
        self.think()
        self.manager.button("rma.approve", rma_model, "action_confirm", [rma])
        self.phase.expect_email(rma_model, rma, now(), "approved")
        self.think()
        values = self.read_until("read.rma", rma_model, rma, ["picking_ids", "line_ids"],
                                 lambda values: values["picking_ids"])
        receipt = client.call("read.receipt", "stock.picking", "read", values["picking_ids"], ["move_ids"],
                              read=True)[0]
        client.call("picking.pick", "stock.move", "write", receipt["move_ids"], {"picked": True})
        answer = client.button("picking.validate", "stock.picking", "button_validate", [receipt["id"]])
        if isinstance(answer, dict) and answer.get("res_model"):
            raise Failed(f"the receipt's validation asked for more: {answer['res_model']}")
        self.phase.expect_email(rma_model, rma, now(), "received")
        self.think()
        client.call("rma.inspect", "aftersales.rma.line", "write", values["line_ids"], {"cause": "transport"})
        client.button("rma.inspect", rma_model, "action_inspection_done", [rma])
        self.think()
        client.call("rma.decide", "aftersales.rma.line", "write", values["line_ids"], {"decision": "refund"})
        client.button("rma.decide", rma_model, "action_decide", [rma])
        self.phase.expect_email(rma_model, rma, now(), "decided")
        self.think()
        client.button("rma.process", rma_model, "action_process", [rma])
        self.think()
        client.call("read.rma_kanban", rma_model, "web_read_group", [], groupby=["state"], aggregates=["__count"],
                    read=True)

    # Complaints ---------------------------------------------------------------------------------

    def complaint_work(self):
        client, model, now = self.client, "aftersales.complaint", time.time
        complaint = client.call("complaint.create", model, "create", {
            "partner_id": self.random.choice(self.thread["partners"]), "kind": "inquiry", "channel": "phone",
            "subject": "Noise at start-up",
        })
        self.think()
        client.button("complaint.acknowledge", model, "action_acknowledge", [complaint])
        self.phase.expect_email(model, complaint, now(), "acknowledged")
        self.think()
        client.call("complaint.resolve", model, "write", [complaint], {"resolution": "<p>Bearing replaced.</p>"})
        client.button("complaint.resolve", model, "action_resolve", [complaint])
        self.phase.expect_email(model, complaint, now(), "resolved")
        self.think()
        action = client.button("complaint.close", model, "action_close", [complaint])
        wizard_model = "aftersales.complaint.close"
        wizard = client.call("complaint.close", wizard_model, "create",
                             {"confirmed_by": "Mr. Li", "way": "phone", "note": "Satisfied."},
                             context=dict(client.context, **(action or {}).get("context", {})))
        client.button("complaint.close", wizard_model, "action_close", [wizard])
        self.think()
        client.call("read.complaint_kanban", model, "web_read_group", [], groupby=["state"], aggregates=["__count"],
                    read=True)

    # Visits -------------------------------------------------------------------------------------

    def dispatch_work(self):
        if not self.units:
            self.reader_work()
            return
        unit = self.units.pop()
        order = plan_visit(self.client, "dispatch", unit, self.thread["technician"], self.think)
        self.think()
        self.technician.call("read.my_visits", "aftersales.dispatch.order", "web_search_read",
                             [("technician_id", "=", self.thread["technician"])], {"display_name": {}, "state": {}},
                             limit=80, read=True)
        self.technician.button("dispatch.check_in", "aftersales.dispatch.order", "action_check_in", [order])
        self.think()
        self.technician.call("dispatch.report", "aftersales.dispatch.order", "write", [order], {
            "fault_found": "Worn bearing", "work_done": "Bearing greased", "outcome": "fixed",
            "signature_refusal": "Not authorised to sign",
        })
        self.technician.button("dispatch.check_out", "aftersales.dispatch.order", "action_check_out", [order])
        self.think()
        self.client.call("read.dispatch_board", "aftersales.dispatch.order", "web_read_group", [],
                         groupby=["technician_id"], aggregates=["__count"], read=True)

    # Readers and portal customers ---------------------------------------------------------------

    def reader_work(self):
        client = self.client
        serial = self.random.choice(self.thread.get("serials") or ["P9-00000"])
        if self.random.random() < 0.2:
            serial = f"P9-X{self.random.randrange(100000):05d}"  # not ours
        client.call("read.warranty_check", "aftersales.delivery.record", "check_warranty", lot=serial, read=True)
        self.think()
        client.call("read.overview", "aftersales.overview", "get_overview", read=True)
        self.think()
        client.call("read.rma_list", "aftersales.rma", "web_search_read", [],
                    {"name": {}, "partner_id": {"fields": {"display_name": {}}}, "state": {}}, limit=80, read=True)

    def portal_work(self):
        client = self.client
        client.jsonrpc("read.portal_counters", "/my/counters", {"counters": [
            "aftersales_unit_count", "aftersales_rma_count", "aftersales_complaint_count", "aftersales_visit_count",
        ]}, read=True)
        self.think()
        client.page("read.portal_units", "/my/units")
        self.think()
        client.page("read.portal_rmas", "/my/rmas")
        if self.units:
            self.think()
            client.page("read.portal_unit", f"/my/units/{self.random.choice(self.units)}")


def plan_visit(client, prefix, unit, technician, think):
    """A visit to ``unit`` typed in by a dispatcher for tomorrow, scheduled and dispatched."""
    model = "aftersales.dispatch.order"
    start = datetime.utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    order = client.call(f"{prefix}.create", model, "create", {
        "partner_id": unit["partner"], "technician_id": technician,
        "appointment_start": start.strftime("%Y-%m-%d %H:%M:%S"),
        "appointment_end": (start + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S"),
        "line_ids": [Command.create({"delivery_record_id": unit["record"]})],
    })
    think()
    client.button(f"{prefix}.schedule", model, "action_schedule", [order])
    client.button(f"{prefix}.dispatch", model, "action_dispatch", [order])
    return order


class Racer(threading.Thread):
    """Two users doing the same thing at the same moment, on purpose, every few seconds: claiming one unit on two
    RMAs, approving one RMA, checking in one visit."""

    def __init__(self, phase, data, urls):
        super().__init__(daemon=True)
        self.phase, self.data = phase, data
        self.first = Client(phase, urls[0], data["database"], "p9_race_a")
        self.second = Client(phase, urls[-1], data["database"], "p9_race_b")
        self.technician = Client(phase, urls[0], data["database"], "p9_race_tech")
        self.units = list(data["race"]["units"])

    def run(self):
        try:
            for client in (self.first, self.second, self.technician):
                client.authenticate()
        except (Refused, Failed):
            return
        races = (self.claim_race, self.approve_race, self.check_in_race)
        turn = 0
        while self.phase.running() and len(self.units) >= 2:
            try:
                races[turn % len(races)]()
            except (Refused, Failed):
                # Counted with its request: a race that could not be set up.
                self.phase.race("races not set up", "refused or failed")
            turn += 1
            time.sleep(RACE_EVERY)

    def _at_once(self, kind, first, second):
        """Run ``first`` and ``second`` at the same moment; count how the race ended."""
        barrier, outcomes = threading.Barrier(2), {}

        def attempt(name, action):
            barrier.wait()
            try:
                outcomes[name] = ("ok", action())
            except Refused:
                outcomes[name] = ("refused", None)
            except Failed:
                outcomes[name] = ("error", None)

        threads = [threading.Thread(target=attempt, args=(name, action))
                   for name, action in (("first", first), ("second", second))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        results = sorted(outcome for outcome, _value in outcomes.values())
        label = {("ok", "refused"): "one refused", ("ok", "ok"): "both succeeded",
                 ("refused", "refused"): "both refused"}.get(tuple(results), "an error")
        self.phase.race(kind, label)
        return outcomes

    def _rma(self, client, unit, kind="race.rma_create"):
        return client.call(kind, "aftersales.rma", "create", {
            "partner_id": unit["partner"], "sale_order_id": unit["order"], "reason_id": self.data["reason"],
            "line_ids": [Command.create({"delivery_record_id": unit["record"], "product_id": unit["product"],
                                         "lot_id": unit["lot"], "quantity": 1})],
        })

    def claim_race(self):
        unit = self.units.pop()
        self._at_once("two users claim one unit on two RMAs",
                      lambda: self._rma(self.first, unit, "race.claim"), lambda: self._rma(self.second, unit, "race.claim"))

    def approve_race(self):
        rma = self._rma(self.first, self.units.pop())
        outcomes = self._at_once(
            "two managers approve one RMA",
            lambda: self.first.button("race.approve", "aftersales.rma", "action_confirm", [rma]),
            lambda: self.second.button("race.approve", "aftersales.rma", "action_confirm", [rma]),
        )
        for _outcome in (outcome for outcome, _value in outcomes.values() if outcome == "ok"):
            self.phase.expect_email("aftersales.rma", rma, time.time(), "approved (race)")

    def check_in_race(self):
        order = plan_visit(self.first, "race", self.units.pop(), self.data["race"]["technician"], lambda: None)
        self._at_once(
            "two users check in one visit",
            lambda: self.technician.button("race.check_in", "aftersales.dispatch.order", "action_check_in", [order]),
            lambda: self.first.button("race.check_in", "aftersales.dispatch.order", "action_check_in", [order]),
        )


# Watching the database: the e-mails posted, the replica's lag -------------------------------------

class Watcher(threading.Thread):
    """Polls the primary for the customer e-mails posted in the chatter (the light layout is theirs) and, in
    phase 2, the replica's replay lag."""

    def __init__(self, primary, replica=None):
        super().__init__(daemon=True)
        self.primary, self.replica = primary, replica
        self.seen = defaultdict(list)  # (model, id) -> (time first seen, subject) of the e-mails
        self.seen_ids = set()
        self.lags = []
        self.stop = threading.Event()
        with self.primary.cursor() as cr:
            cr.execute("SELECT coalesce(max(id), 0) FROM mail_message")
            self.start_id = cr.fetchone()[0]
        self.primary.rollback()

    def run(self):
        while not self.stop.is_set():
            self.poll()
            self.stop.wait(0.5)

    def poll(self):
        # Every e-mail since the start, not only those after the last seen: ids are given at insert time, and a
        # transaction that inserted an earlier one may commit later.
        with self.primary.cursor() as cr:
            cr.execute("""
                SELECT id, model, res_id, subject FROM mail_message
                 WHERE id > %s AND email_layout_xmlid = %s AND model IN ('aftersales.rma', 'aftersales.complaint')
            """, [self.start_id, LAYOUT])
            rows = cr.fetchall()
        self.primary.rollback()
        seen = time.time()
        for message_id, model, res_id, subject in rows:
            if message_id not in self.seen_ids:
                self.seen_ids.add(message_id)
                self.seen[model, res_id].append((seen, subject))
        if self.replica:
            with self.replica.cursor() as cr:
                cr.execute("SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp())")
                lag = cr.fetchone()[0]
            self.replica.rollback()
            if lag is not None:
                self.lags.append(float(lag))


# What a phase prints ---------------------------------------------------------------------------------

def percentile(values, share):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(share * (len(values) - 1))))]


def print_requests(run, duration):
    requests_ = run.requests
    print(f"  {len(requests_)} requests in {duration:.0f} s ({len(requests_) / duration:.1f}/s)")
    print(f"  {'kind':<26}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'refused':>9}{'errors':>8}")
    by_kind = defaultdict(list)
    for request in requests_:
        by_kind[request["kind"]].append(request)
    for kind in sorted(by_kind):
        done = by_kind[kind]
        seconds = [request["seconds"] * 1000 for request in done]
        refused = sum(request["outcome"] == "business" for request in done)
        errors = sum(request["outcome"] == "unexpected" for request in done)
        print(f"  {kind:<26}{len(done):>7}{percentile(seconds, 0.5):>9.0f}{percentile(seconds, 0.95):>9.0f}"
              f"{refused:>9}{errors:>8}")
    for outcome, title in (("business", "business refusals"), ("unexpected", "unexpected errors")):
        found = Counter((request["kind"], request["name"], request["message"])
                        for request in requests_ if request["outcome"] == outcome)
        print(f"  {title}: {sum(found.values())}")
        for (kind, name, message), count in found.most_common(12):
            print(f"    {count:>5} {kind}: {name.rsplit('.', 1)[-1]}: {message}")
    return sum(request["outcome"] == "unexpected" for request in requests_)


def print_races(run):
    print("  races on purpose:")
    for kind, outcomes in sorted(run.races.items()):
        print(f"    {kind}: " + ", ".join(f"{count} {outcome}" for outcome, count in outcomes.most_common()))


def email_figures(run, watcher):
    """Delays of the e-mails of the users' transitions, and those lost or doubled."""
    delays, lost, doubled, mismatches = [], 0, 0, []
    for key, answered in run.expected.items():
        seen = sorted(watcher.seen.get(key, ()))
        answered = sorted(answered)
        lost += max(len(answered) - len(seen), 0)
        doubled += max(len(seen) - len(answered), 0)
        if len(seen) != len(answered):
            mismatches.append((key, [label for _at, label in answered], [subject for _at, subject in seen]))
        delays.extend(max(posted - at, 0.0) for (at, _label), (posted, _subject) in zip(answered, seen))
    return delays, lost, doubled, mismatches


def drain(run, watcher, connection):
    """After the users stop: until every e-mail expected is posted and the follow-up queue is empty, or the
    drain's time is up. Returns the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < DRAIN_TIMEOUT:
        with connection.cursor() as cr:
            cr.execute("SELECT count(*) FROM aftersales_follow_up WHERE state = 'queued'")
            queued = cr.fetchone()[0]
        connection.rollback()
        _delays, lost, _doubled, _mismatches = email_figures(run, watcher)
        if not queued and not lost:
            break
        time.sleep(1)
    return time.monotonic() - start


def print_emails(run, watcher, connection, mail_sink):
    delays, lost, doubled, mismatches = email_figures(run, watcher)
    expected = sum(len(times) for times in run.expected.values())
    with connection.cursor() as cr:
        cr.execute("SELECT state, count(*) FROM aftersales_follow_up GROUP BY state")
        queue = dict(cr.fetchall())
    connection.rollback()
    met = "met" if delays and percentile(delays, 0.95) <= EMAIL_TARGET else "NOT met"
    print(f"  customer e-mails: {expected} expected, {len(delays)} posted, {lost} lost, {doubled} doubled; delay "
          f"p50 {percentile(delays, 0.5):.1f} s, p95 {percentile(delays, 0.95):.1f} s, max "
          f"{max(delays, default=float('nan')):.1f} s (target p95 <= {EMAIL_TARGET:.0f} s: {met})")
    print(f"  follow-up queue at the end: {queue.get('queued', 0)} queued, {queue.get('failed', 0)} given up; "
          f"{mail_sink.received} e-mails received by the mail sink")
    for (model, res_id), labels, subjects in mismatches[:8]:
        print(f"    {model} {res_id}: transitions {labels}, e-mails {subjects}")
    return lost + doubled


def scan_logs(paths):
    """What the servers logged: job failures, follow-up retries and give-ups, read-only retries, serialization
    retries, other errors; and the request lines (path, cursor mode)."""
    found = defaultdict(list)
    modes = []
    for path in paths:
        for raw in Path(path).read_text(errors="replace").splitlines():
            line = ANSI.sub("", raw)
            match = LOG_LINE.match(line)
            if not match:
                continue
            level, logger, message = match.group(1), match.group(3), match.group(4)
            if logger == "werkzeug":
                request = REQUEST_LINE.search(message)
                if request:
                    # Odoo writes "#model.method" after a call_kw path.
                    modes.append((re.split(r"[?#]", request.group(1))[0], request.group(6) or "-"))
                continue
            if message.startswith("Job ") and ("server action" in message and "failed" in message
                                               or "timed out" in message):
                ours = message.startswith("Job 'After-Sales")
                found["failures of our jobs" if ours else "failures of Odoo's own jobs"].append(message)
            elif "WorkerCron" in message and "timeout" in message:
                found["scheduler workers killed at their time limit"].append(message)
            elif "Follow-up" in message and "given up" in message:
                found["follow-ups given up"].append(message)
            elif "Follow-up" in message and "failed, attempt" in message:
                found["follow-up retries"].append(message)
            elif "retrying with a read/write cursor" in message:
                found["read-only requests that wrote (retried on the primary)"].append(message)
            elif "tries left, try again" in message:
                found["serialization failures retried by Odoo"].append(message)
            elif "maximum number of tries reached" in message:
                found["serialization failures given up by Odoo"].append(message)
            elif level in ("ERROR", "CRITICAL"):
                found["other errors"].append(f"{logger}: {message}")
    return found, modes


JOB_DONE = re.compile(r"Job '(.+)' \((\d+)\) ([a-z ]+) \(#loop (\d+); done (\d+); remaining (\d+); "
                      r"duration ([0-9.]+)s\)")


def print_jobs(paths):
    """The scheduled jobs the servers ran: runs, records done, seconds in all and at most."""
    jobs = defaultdict(list)
    for path in paths:
        for line in ANSI.sub("", Path(path).read_text(errors="replace")).splitlines():
            match = JOB_DONE.search(line)
            if match:
                jobs[match.group(1)].append((match.group(3), int(match.group(5)), float(match.group(7))))
    print("  scheduled jobs (runs, records done, seconds in all, longest run):")
    for name, runs in sorted(jobs.items(), key=lambda item: -sum(seconds for _s, _d, seconds in item[1]))[:8]:
        statuses = Counter(status for status, _done, _seconds in runs)
        print(f"    {name[:70]:<70} {len(runs):>4} runs, {sum(done for _s, done, _t in runs):>5} done, "
              f"{sum(seconds for _s, _d, seconds in runs):7.1f} s, max {max(seconds for _s, _d, seconds in runs):6.1f} s"
              f" ({', '.join(f'{count} {status}' for status, count in statuses.items())})")


def print_log(found):
    print("  server logs: " + ", ".join(
        f"{len(found.get(key, ()))} {key}" for key in (
            "failures of our jobs", "failures of Odoo's own jobs", "scheduler workers killed at their time limit",
            "follow-up retries", "follow-ups given up",
            "read-only requests that wrote (retried on the primary)", "serialization failures retried by Odoo",
            "serialization failures given up by Odoo", "other errors",
        )
    ))
    for key in ("failures of our jobs", "failures of Odoo's own jobs", "follow-ups given up",
                "read-only requests that wrote (retried on the primary)", "other errors"):
        for message in found.get(key, ())[:5]:
            print(f"    {key}: {message[:200]}")
    return len(found.get("failures of our jobs", ())) + len(found.get("follow-ups given up", ()))


INTEGRITY = (
    ("duplicate document numbers", """
        SELECT name FROM aftersales_rma GROUP BY company_id, name HAVING count(*) > 1
        UNION ALL SELECT name FROM aftersales_complaint GROUP BY company_id, name HAVING count(*) > 1
        UNION ALL SELECT name FROM aftersales_dispatch_order GROUP BY company_id, name HAVING count(*) > 1
        UNION ALL SELECT name FROM aftersales_return_visit GROUP BY company_id, name HAVING count(*) > 1
        UNION ALL SELECT name FROM stock_picking GROUP BY company_id, name HAVING count(*) > 1
        UNION ALL SELECT name FROM account_move WHERE name != '/' GROUP BY journal_id, name HAVING count(*) > 1
    """),
    ("units claimed beyond what was delivered", """
        SELECT r.id FROM aftersales_delivery_record r
          JOIN aftersales_rma_line l ON l.delivery_record_id = r.id
          JOIN aftersales_rma a ON a.id = l.rma_id AND a.state != 'cancel'
         GROUP BY r.id, r.quantity HAVING sum(l.quantity) > r.quantity
    """),
    ("RMA lines received twice (two receipts)", """
        SELECT m.aftersales_rma_line_id FROM stock_move m
          JOIN stock_picking p ON p.id = m.picking_id AND p.aftersales_rma_role = 'receipt'
         WHERE m.state != 'cancel' AND m.aftersales_rma_line_id IS NOT NULL
         GROUP BY m.aftersales_rma_line_id HAVING count(*) > 1
    """),
    ("RMA lines refunded twice (credit note lines)", """
        SELECT ml.aftersales_rma_line_id FROM account_move_line ml
          JOIN account_move m ON m.id = ml.move_id AND m.state != 'cancel' AND m.move_type = 'out_refund'
         WHERE ml.aftersales_rma_line_id IS NOT NULL AND ml.display_type = 'product'
         GROUP BY ml.aftersales_rma_line_id HAVING count(*) > 1
    """),
    ("refunds processed without a credit note line", """
        SELECT l.id FROM aftersales_rma_line l
          JOIN aftersales_rma a ON a.id = l.rma_id AND a.state IN ('processed', 'done')
         WHERE l.decision = 'refund' AND NOT EXISTS (
               SELECT 1 FROM account_move_line ml JOIN account_move m ON m.id = ml.move_id AND m.state = 'posted'
                WHERE ml.aftersales_rma_line_id = l.id)
    """),
    ("negative quants in internal locations (the benchmark's motors)", """
        SELECT q.id FROM stock_quant q JOIN stock_location l ON l.id = q.location_id AND l.usage = 'internal'
         WHERE q.product_id = %(product)s AND q.quantity < 0
    """),
    ("serial numbers in more than one place", """
        SELECT q.lot_id FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
         WHERE q.product_id = %(product)s AND l.usage IN ('internal', 'customer') AND q.quantity > 0
         GROUP BY q.lot_id HAVING sum(q.quantity) > 1
    """),
    ("quants differing from their done move lines (every serial of the benchmark)", """
        WITH moved AS (
            SELECT ml.lot_id,
                   sum(CASE WHEN dst.usage = 'internal' THEN ml.quantity ELSE 0 END)
                 - sum(CASE WHEN src.usage = 'internal' THEN ml.quantity ELSE 0 END) AS quantity
              FROM stock_move_line ml
              JOIN stock_move m ON m.id = ml.move_id AND m.state = 'done'
              JOIN stock_location src ON src.id = ml.location_id
              JOIN stock_location dst ON dst.id = ml.location_dest_id
             WHERE ml.product_id = %(product)s
             GROUP BY ml.lot_id
        ), held AS (
            SELECT q.lot_id, sum(q.quantity) AS quantity FROM stock_quant q
              JOIN stock_location l ON l.id = q.location_id AND l.usage = 'internal'
             WHERE q.product_id = %(product)s GROUP BY q.lot_id
        )
        SELECT coalesce(moved.lot_id, held.lot_id) FROM moved FULL JOIN held ON held.lot_id = moved.lot_id
         WHERE abs(coalesce(moved.quantity, 0) - coalesce(held.quantity, 0)) > 0.0001
    """),
)


def print_integrity(connection, data, email_violations):
    violations = email_violations
    print("  integrity:")
    for title, query in INTEGRITY:
        with connection.cursor() as cr:
            cr.execute(query, {"product": data["product"]})
            rows = [row[0] for row in cr.fetchall()]
        connection.rollback()
        violations += len(rows)
        print(f"    {title}: {len(rows)}" + (f" (e.g. {rows[:5]})" if rows else ""))
    with connection.cursor() as cr:
        cr.execute("SELECT count(*) FROM aftersales_follow_up WHERE state = 'failed'")
        given_up = cr.fetchone()[0]
    connection.rollback()
    print(f"    follow-ups lost or doubled: {email_violations}; given up: {given_up}")
    return violations + given_up


# Phases ----------------------------------------------------------------------------------------------

def load(args, data, urls):
    """The users and the racers for ``args.duration`` seconds against ``urls``; returns the run."""
    run = Run(args.duration)
    users = [User(run, data, thread, urls[index % len(urls)], args.think) for index, thread in enumerate(data["threads"])]
    racer = Racer(run, data, urls)
    for thread in (*users, racer):
        thread.start()
    for thread in (*users, racer):
        thread.join(args.duration + REQUEST_TIMEOUT + 60)
    run.stopped.set()
    return run


def report(title, args, data, run, watcher, connection, mail_sink, logs):
    watcher.stop.set()
    watcher.join(10)
    print(title)
    unexpected = print_requests(run, args.duration)
    print_races(run)
    email_violations = print_emails(run, watcher, connection, mail_sink)
    found, modes = scan_logs(logs)
    failures = print_log(found)
    print_jobs(logs)
    if args.keep_logs:
        Path(args.keep_logs).mkdir(parents=True, exist_ok=True)
        for path in logs:
            shutil.copy(path, args.keep_logs)
    violations = print_integrity(connection, data, email_violations)
    delays = email_figures(run, watcher)[0]
    print(f"  summary: {unexpected} unexpected errors, {violations} integrity violations, {failures} failures of "
          f"our jobs or follow-ups, "
          f"e-mail delay p95 {percentile(delays, 0.95):.1f} s")
    return modes


def phase_one(args, data, folder, mail_sink):
    server = Server(args, folder, "phase1", args.ports[0], args.gevent_ports[0], 4, 2)
    server.start()
    connection = psycopg2.connect(dbname=args.database)
    try:
        for user in (User(Run(1), data, thread, server.url, 0) for thread in data["threads"][:1]):
            user.client.authenticate()  # warms the server up: assets, registry of every worker
        watcher = Watcher(connection)
        watcher.start()
        run = load(args, data, [server.url])
        drained = drain(run, watcher, connection)
        server.stop()
        report(f"P9 phase 1: one server, 4 workers, 2 cron threads; {len(data['threads'])} users + 3 racing users "
               f"for {args.duration:.0f} s (drain {drained:.0f} s)", args, data, run, watcher, connection, mail_sink,
               [server.log])
    finally:
        server.stop()
        connection.close()


def phase_two(args, data, folder, dump, mail_sink):
    primary = Cluster(Path(folder) / "primary", args.pg_ports[0])
    replica = Cluster(Path(folder) / "replica", args.pg_ports[1])
    servers = []
    try:
        primary.initdb()
        primary.start("-c", "wal_level=replica", "-c", "max_wal_senders=5")
        connection = primary.connect(user="postgres")
        connection.autocommit = True  # CREATE DATABASE runs outside a transaction
        with connection.cursor() as cr:
            cr.execute(pgsql.SQL("CREATE ROLE {} SUPERUSER LOGIN").format(pgsql.Identifier(getpass.getuser())))
            cr.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(args.database)))
        connection.close()
        restore = subprocess.run(["pg_restore", "-h", "127.0.0.1", "-p", str(primary.port), "-d", args.database,
                                  "--no-owner", dump], capture_output=True, text=True, check=False)
        if restore.returncode:
            sys.exit(f"P9: pg_restore failed:\n{restore.stderr[-3000:]}")
        replica.basebackup(primary)
        replica.start("-c", "hot_standby_feedback=on")
        database = ("--db_host", "127.0.0.1", "--db_port", str(primary.port),
                    "--db_replica_host", "127.0.0.1", "--db_replica_port", str(replica.port))
        servers = [Server(args, folder, f"phase2-{index}", args.ports[index], args.gevent_ports[index], 2, 1,
                          database) for index in range(2)]
        for server in servers:
            server.start()
        connection = primary.connect(args.database)
        replica_connection = replica.connect(args.database)
        transactions = replica_transactions(replica_connection, args.database)
        for url in (server.url for server in servers):
            User(Run(1), data, data["threads"][0], url, 0).client.authenticate()
        watcher = Watcher(connection, replica_connection)
        watcher.start()
        run = load(args, data, [server.url for server in servers])
        transactions = replica_transactions(replica_connection, args.database) - transactions
        drained = drain(run, watcher, connection)
        for server in servers:
            server.stop()
        modes = report(
            f"P9 phase 2: a primary and its streaming replica, two servers (2 workers, 1 cron thread each) sharing "
            f"{len(data['threads'])} users + 3 racing users for {args.duration:.0f} s (drain {drained:.0f} s)",
            args, data, run, watcher, connection, mail_sink, [server.log for server in servers],
        )
        print_replica_share(run, modes, transactions, watcher)
        connection.close()
        replica_connection.close()
    finally:
        for server in servers:
            server.stop()
        replica.stop()
        primary.stop()


def replica_transactions(connection, database):
    with connection.cursor() as cr:
        cr.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", [database])
        count = cr.fetchone()[0]
    connection.rollback()
    return count


def print_replica_share(run, modes, transactions, watcher):
    """The read requests the replica served: by the cursor mode of each request line ("ro": the replica)."""
    read_paths = {request["path"] for request in run.requests if request["read"]}
    read_kinds = defaultdict(set)
    for request in run.requests:
        if request["read"]:
            read_kinds[request["kind"]].add(request["path"])
    counted = Counter((path, mode) for path, mode in modes if path in read_paths)
    served = sum(count for (_path, mode), count in counted.items() if mode == "ro")
    total = sum(counted.values())
    print(f"  read requests served by the replica: {served} of {total} ({100.0 * served / max(total, 1):.1f} %), "
          f"by the cursor mode of the servers' request lines")
    for kind, paths in sorted(read_kinds.items()):
        kind_total = sum(count for (path, _mode), count in counted.items() if path in paths)
        kind_served = sum(count for (path, mode), count in counted.items() if path in paths and mode == "ro")
        print(f"    {kind:<26}{kind_served:>6} of {kind_total:<6} ({100.0 * kind_served / max(kind_total, 1):.0f} %)")
    writes = Counter(mode for path, mode in modes if path not in read_paths)
    print(f"  other requests by cursor mode: {dict(writes)}")
    print(f"  transactions the replica counted during the load: {transactions} (every request first opens a read-only"
          f" cursor to find its route); replica lag max {max(watcher.lags, default=0.0):.2f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True, help="Odoo configuration file (addons path, data_dir)")
    parser.add_argument("--database", required=True, help="throw-away database with aftersales_service (modified)")
    parser.add_argument("--work", required=True, help="folder for the logs, the dump and the clusters of phase 2")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of load per phase")
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds a user thinks between clicks")
    parser.add_argument("--ports", type=int, nargs=2, default=[8475, 8476], help="HTTP ports of the servers")
    parser.add_argument("--gevent-ports", type=int, nargs=2, default=[8477, 8478])
    parser.add_argument("--smtp-port", type=int, default=8479, help="port of the mail sink")
    parser.add_argument("--pg-ports", type=int, nargs=2, default=[5440, 5441], help="primary and replica of phase 2")
    parser.add_argument("--phases", default="1,2", help="which phases to run")
    parser.add_argument("--keep-logs", help="folder to copy the servers' logs to")
    args = parser.parse_args()
    config.parse_config(["-c", args.config])
    folder = Path(args.work)
    print(f"== preparing the data set in {args.database}")
    data = prepare(args.database, args.users)
    Registry.delete(args.database)
    sql_db.close_all()
    (folder / "data.json").write_text(json.dumps(data))
    dump = str(folder / "prepared.dump")
    subprocess.run(["pg_dump", "-Fc", "-f", dump, args.database], check=True)
    with MailSink(args.smtp_port) as mail_sink:
        if "1" in args.phases.split(","):
            print("== phase 1")
            phase_one(args, data, folder, mail_sink)
        if "2" in args.phases.split(","):
            print("== phase 2")
            phase_two(args, data, folder, dump, mail_sink)


if __name__ == "__main__":
    main()
