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
    """Every name is loaded on first use (``reechain._LAZY``, and the optimiser's and risk's
    through ``workflows.LAZY``); those loaded so far are public names too."""
    lazy = set(reechain._LAZY) | set(reechain.workflows.LAZY)
    assert set(reechain.__all__) == lazy | {"__version__"}
    assert _public(reechain) <= set(reechain.__all__)
    assert set(dir(reechain)) >= set(reechain.__all__)


def test_every_name_in_all_exists() -> None:
    missing = [name for name in reechain.__all__ if not hasattr(reechain, name)]
    assert missing == []


def test_workflows_are_all_public() -> None:
    lazy = set(reechain.workflows.LAZY)
    public = _public(reechain.workflows) - {"LAZY", "Any"}
    assert set(reechain.workflows.__all__) == public | lazy
    assert set(reechain.workflows.__all__) <= set(reechain.__all__)


def test_all_is_sorted_and_unique() -> None:
    assert len(set(reechain.__all__)) == len(reechain.__all__)


def test_the_engine_loads_no_database_layer() -> None:
    """``import reechain.engine`` (a batch run on a worker, a benchmark) loads neither
    SQLAlchemy nor Alembic, nor the store and workflows; the names load on first use."""
    import subprocess
    import sys

    code = (
        "import sys, reechain.engine; "
        "print(*(m in sys.modules for m in ('sqlalchemy', 'alembic', 'reechain.store', "
        "'reechain.workflows', 'numba'))); "
        "reechain.Store; print('sqlalchemy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "False", "False", "False", "False", "True"]


def test_heavy_modules_load_only_when_used() -> None:
    """``import reechain`` stays quick: the optimiser and risk load on first use."""
    import subprocess
    import sys

    code = (
        "import sys, reechain; "
        "print('linopy' in sys.modules, 'reechain.workflows.risk' in sys.modules); "
        "reechain.optimize_partnership; print('linopy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["False", "False", "True"]
