"""pytest plugin of tools/test: the cases a subTest names (records, dates) travel from pytest-xdist's workers to
its controller as their printed form, the only form the workers can send."""
import dataclasses

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_report_to_serializable(report):
    context = getattr(report, "context", None)
    if context is not None and context.kwargs:
        report.context = dataclasses.replace(
            context, kwargs={key: repr(value) for key, value in context.kwargs.items()}
        )
