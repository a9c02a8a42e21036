"""pytest plugin of tools/test: the cases a subTest names (records, dates) travel from pytest-xdist's workers to
its controller as their printed form, the only form the workers can send; texts and numbers go as they are."""
import dataclasses

import pytest

# What pytest-xdist's workers send unchanged.
SENT_AS_THEY_ARE = (str, int, float, bool, type(None))


@pytest.hookimpl(tryfirst=True)
def pytest_report_to_serializable(report):
    context = getattr(report, "context", None)
    if context is not None and context.kwargs:
        report.context = dataclasses.replace(
            context, kwargs={key: value if isinstance(value, SENT_AS_THEY_ARE) else repr(value)
                             for key, value in context.kwargs.items()}
        )
