"""pytest plugin of tools/test: a browser test (an HttpCase: route tests and tours) that is skipped fails
the run, and the summary names it. A browser test is never skipped silently. Browser tests run first.

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
    cls = getattr(item, "cls", None)
    return cls is not None and any(base.__name__ == "HttpCase" for base in cls.__mro__)


def pytest_collection_modifyitems(items):
    """Browser tests first: they take the longest, and pytest-xdist hands out the classes in this order, so that no
    worker ends the run alone on a tour."""
    items.sort(key=lambda item: not _is_browser_test(item))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # pylint: disable=unused-argument
    outcome = yield
    if _is_browser_test(item):
        # Read where the reports are summed up: in this process, or in pytest-xdist's controller.
        outcome.get_result().user_properties.append(("browser_test", True))


def pytest_runtest_logreport(report):
    if report.skipped and ("browser_test", True) in report.user_properties:
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        SKIPPED.append(f"{report.nodeid}: {reason}")


def pytest_terminal_summary(terminalreporter):
    for line in SKIPPED:
        terminalreporter.write_line(f"BROWSER TEST SKIPPED (fails the run): {line}", red=True)


def pytest_sessionfinish(session, exitstatus):
    if SKIPPED and exitstatus == 0:
        session.exitstatus = 1
