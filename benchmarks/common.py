"""Shared plumbing of the benchmarks: an Odoo environment on a database, timers, query counts.

Every run works inside a transaction that is rolled back at the end: the databases are
left as they were. ``vacuum`` between runs clears what the rolled-back runs left behind,
so that each run starts from the same tables.
"""

import argparse
import re
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import requests

import odoo
from odoo import api, sql_db
from odoo.modules.registry import Registry
from odoo.tools import config


def parse_args(description, databases):
    """Command line: ``--config`` (an Odoo config file) and one option per database name."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--config", required=True, help="Odoo configuration file")
    for name, help_text in databases.items():
        parser.add_argument(f"--{name}", required=True, help=help_text)
    parser.add_argument("--repeat", type=int, default=5, help="measured runs per figure (median kept)")
    args = parser.parse_args()
    config.parse_config(["-c", args.config])
    return args


@contextmanager
def environment(database):
    """An admin environment on ``database`` with the context the web client sends, rolled back on exit."""
    registry = Registry(database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        try:
            context = {"lang": admin.lang or "en_US", "tz": admin.tz or "UTC", "allowed_company_ids": admin.company_id.ids}
            yield api.Environment(cr, admin.id, context)
        finally:
            cr.rollback()


def vacuum(database):
    """VACUUM ANALYZE ``database`` (outside any transaction), so dead rows of earlier runs cost nothing."""
    _name, params = sql_db.connection_info_for(database)
    connection = psycopg2.connect(**params)
    try:
        connection.autocommit = True
        with connection.cursor() as cr:
            cr.execute("VACUUM ANALYZE")
    finally:
        connection.close()


@contextmanager
def measure(env):
    """Time and SQL query count of the block, with the ORM cache cold and writes flushed."""
    env.flush_all()
    env.invalidate_all()
    figures = {}
    queries, start = sql_db.sql_counter, time.perf_counter()
    yield figures
    env.flush_all()
    figures["seconds"] = time.perf_counter() - start
    figures["queries"] = sql_db.sql_counter - queries


def median(values):
    return statistics.median(values)


def view_spec(env, model, view_type, view_xmlid=None):
    """The fields the web client reads for the ``view_type`` view of ``model``: its default one, or ``view_xmlid``."""
    views = env[model].get_views([(view_xmlid and env.ref(view_xmlid).id, view_type)])
    return {
        name: {"fields": {"display_name": {}}} if field["type"] == "many2one" else {}
        for name, field in views["models"][model]["fields"].items()
        if field["type"] not in ("one2many", "many2many")
    }


def measure_screens(env, screens, warm_runs=5):
    """{screen: (cold seconds, warm median seconds, warm queries)} of ``screens`` (name, call): the first call with
    the ORM cache emptied, then ``warm_runs`` more."""
    figures = {}
    for name, call in screens:
        with measure(env) as cold:
            call()
        warm = []
        for _ in range(warm_runs):
            with measure(env) as figure:
                call()
            warm.append(figure)
        figures[name] = (cold["seconds"], median([w["seconds"] for w in warm]), max(w["queries"] for w in warm))
    return figures


def wait_until_serving(process, url, timeout, fail):
    """Until the Odoo server ``process`` answers at ``url``, its registry loaded; ``fail(reason)`` when it stops or
    does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            fail(f"the server stopped with code {process.returncode}")
        try:
            answered = requests.get(f"{url}/web/login", timeout=5).status_code == 200
        except requests.RequestException:
            answered = False
        if answered:
            return
        time.sleep(0.5)
    fail("the server did not answer")


def stop_process(process):
    """Stop a server the benchmark started: asked first, killed after 30 seconds."""
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# A server on a database of its own, and a portal user's browser on it (P6, P11) ---------------------

SERVER_TIMEOUT = 120
REQUEST_LINE = re.compile(r'"(?:GET|POST) (\S+) HTTP/[0-9.]+" (\d{3}) \S+ (\d+) ')
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SERVER_ERROR = re.compile(r"^\S+ \S+ \d+ (?:ERROR|CRITICAL) ", re.MULTILINE)


class PortalServer:
    """An Odoo HTTP server on ``database`` (the configuration's http_port, no workers, no cron), started for the
    benchmark ``name`` and stopped with it, and one browser session on it whose requests are timed with the SQL
    queries the server logs for them."""

    def __init__(self, name, config_file, database, folder):
        self.name = name
        self.port = int(config["http_port"])
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(folder) / "server.log"
        self.output = Path(folder) / "server.out"
        self.command = [
            sys.executable, "-m", "odoo", "server", "-c", config_file, "-d", database,
            "--db-filter", f"^{re.escape(database)}$", "--http-interface", "127.0.0.1", "--http-port", str(self.port),
            "--workers", "0", "--max-cron-threads", "0", "--logfile", str(self.log), "--log-handler", "werkzeug:INFO",
        ]
        self.process = None
        self.session = requests.Session()
        self.offset = 0

    def __enter__(self):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                sys.exit(f"{self.name}: port {self.port} is in use; set another http_port in the configuration")
        with open(self.output, "wb") as output:
            self.process = subprocess.Popen(self.command, stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_until_serving(self.process, self.url, SERVER_TIMEOUT, self.fail)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        stop_process(self.process)

    def fail(self, reason, log=None):
        """Stop the benchmark: ``reason``, then what the server logged (its tracebacks)."""
        if log is None:
            log = "".join(
                path.read_text(errors="replace")[-20000:] for path in (self.output, self.log) if path.exists()
            )
        sys.exit(f"{self.name}: {reason}\n--- server log ---\n{log}")

    def login(self, login, password):
        """The browser signs in as ``login``, as the portal's login form does."""
        page = self.session.get(f"{self.url}/web/login", timeout=SERVER_TIMEOUT)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        if not token:
            self.fail("no CSRF token on /web/login")
        response = self.session.post(f"{self.url}/web/login", data={
            "login": login, "password": password, "csrf_token": token.group(1), "redirect": "/my",
        }, allow_redirects=False, timeout=SERVER_TIMEOUT)
        if response.status_code != 303 or not response.headers.get("Location", "").endswith("/my"):
            self.fail(f"{login} cannot sign in (HTTP {response.status_code})")
        self.queries("/web/login")

    def request(self, page, json=None):
        """One request of ``page`` (a POST of ``json`` when given): the response, its seconds and SQL queries; a
        server error stops the benchmark."""
        start = time.perf_counter()
        if json is None:
            response = self.session.get(f"{self.url}{page}", allow_redirects=False, timeout=SERVER_TIMEOUT)
        else:
            response = self.session.post(f"{self.url}{page}", json=json, timeout=SERVER_TIMEOUT)
        seconds = time.perf_counter() - start
        queries, log = self.queries(page)
        if response.status_code != 200 or SERVER_ERROR.search(log):
            self.fail(f"{page} answered HTTP {response.status_code}", log)
        return response, seconds, queries, log

    def queries(self, page):
        """The SQL queries the server logged with its request of ``page``, and what it logged since the last one."""
        deadline, logged = time.monotonic() + 10, ""
        while time.monotonic() < deadline:
            with open(self.log, "rb") as log:
                log.seek(self.offset)
                chunk = log.read()
            chunk = chunk[:chunk.rfind(b"\n") + 1]  # whole lines only: the rest is still being written
            self.offset += len(chunk)
            text = chunk.decode(errors="replace")
            logged += text
            for line in ANSI.sub("", text).splitlines():
                match = REQUEST_LINE.search(line)
                if match and match.group(1) == page:
                    return int(match.group(3)), logged
            time.sleep(0.05)
        return self.fail(f"no request line for {page} in the server log", logged)
