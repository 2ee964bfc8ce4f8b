"""Every example in the pipeline's docstrings runs and gives what it shows."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["reechain.chain.pipeline", "reechain.chain.rollforward", "reechain.workflows.outlook"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
