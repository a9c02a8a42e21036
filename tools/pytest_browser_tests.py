"""pytest plugin of tools/test: a browser test (an HttpCase: route tests and tours) that is skipped fails
the run, and the summary names it. A browser test is never skipped silently."""
import pytest

SKIPPED = []


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
