"""Every example in the metrics docstrings runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "reechain.metrics",
    "reechain.metrics.selection",
    "reechain.metrics.concentration",
    "reechain.metrics.reliance",
    "reechain.metrics.exposure",
    "reechain.metrics.bom",
    "reechain.metrics.plots",
    "reechain.metrics.criticality",
    "reechain.metrics.criticality.inputs",
    "reechain.metrics.criticality.eu_crm",
    "reechain.metrics.criticality.usgs",
    "reechain.metrics.criticality.doe",
    "reechain.workflows.metrics",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
