"""pytest plugin of tools/test: a browser test (an HttpCase: route tests and tours) that is skipped fails
the run, and the summary names it. A browser test is never skipped silently.

Odoo skips a browser test whose Chromium has not opened its DevTools port within 10 seconds; on a loaded
machine a first start takes longer, so the plugin gives Chromium a minute before Odoo gives up."""
import pytest

SKIPPED = []
# Tenths of a second Odoo waits for Chromium's DevTools port (odoo.tests.common, 100 by default).
BROWSER_START_ITERATIONS = 600


def pytest_collection_finish(session):  # pylint: disable=unused-argument
    from odoo.tests import common  # pylint: disable=import-outside-toplevel

    common.CHECK_BROWSER_ITERATIONS = max(common.CHECK_BROWSER_ITERATIONS, BROWSER_START_ITERATIONS)


def _is_browser_test(item):
    instance = getattr(item, "instance", None)
    return instance is not None and any(cls.__name__ == "HttpCase" for cls in type(instance).__mro__)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.skipped and _is_browser_test(item):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        SKIPPED.append(f"{item.nodeid}: {reason}")


def pytest_terminal_summary(terminalreporter):
    for line in SKIPPED:
        terminalreporter.write_line(f"BROWSER TEST SKIPPED (fails the run): {line}", red=True)


def pytest_sessionfinish(session, exitstatus):
    if SKIPPED and exitstatus == 0:
        session.exitstatus = 1
