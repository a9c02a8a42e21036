"""Shared plumbing of the benchmarks: an Odoo environment on a database, timers, query counts.

Every run works inside a transaction that is rolled back at the end: the databases are
left as they were. ``vacuum`` between runs clears what the rolled-back runs left behind,
so that each run starts from the same tables.
"""

import argparse
import statistics
import subprocess
import time
from contextlib import contextmanager

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
