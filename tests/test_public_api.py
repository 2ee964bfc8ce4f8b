"""``reechain.__all__`` is the public API: it names exactly what the package offers."""

from __future__ import annotations

import types

import reechain
import reechain.workflows


def _public(module: types.ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and getattr(value, "__module__", module.__name__) != "__future__"
        and name != "annotations"
    }


def test_all_lists_every_public_name_and_nothing_else() -> None:
    assert set(reechain.__all__) == _public(reechain) | {"__version__"}


def test_every_name_in_all_exists() -> None:
    missing = [name for name in reechain.__all__ if not hasattr(reechain, name)]
    assert missing == []


def test_workflows_are_all_public() -> None:
    assert set(reechain.workflows.__all__) == _public(reechain.workflows)
    assert set(reechain.workflows.__all__) <= set(reechain.__all__)


def test_all_is_sorted_and_unique() -> None:
    assert len(set(reechain.__all__)) == len(reechain.__all__)
