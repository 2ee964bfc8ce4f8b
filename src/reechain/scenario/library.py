"""The bundled scenario library: ``library/<dataset>/<name>.yaml``.

Scenarios are grouped by the dataset they are written for, so each dataset brings its own
library (``default/`` and ``sample/``). A name may exist for several datasets (``baseline``);
without a dataset, the first folder in name order wins (``default`` before ``sample``).
:func:`library_scenarios` lists them all; ``A+B`` names compose (:mod:`.compose`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from reechain.errors import NotFoundError
from reechain.names import did_you_mean

LIBRARY_PACKAGE = "reechain.scenario"


def library_root() -> Path:
    """Return the folder of the bundled scenario library."""
    return Path(str(resources.files(LIBRARY_PACKAGE) / "library"))


def library_scenarios(dataset: str | None = None) -> dict[str, Path]:
    """Return the bundled scenarios (name → file), optionally only those for ``dataset``."""
    found: dict[str, Path] = {}
    for folder in sorted(p for p in library_root().iterdir() if p.is_dir()):
        if dataset is not None and folder.name != dataset:
            continue
        for file in sorted(folder.glob("*.yaml")):
            found.setdefault(file.stem, file)
    return found


def library_path(name: str, dataset: str | None = None) -> Path:
    """Return the file of bundled scenario ``name``; NotFoundError with a suggestion otherwise."""
    known = library_scenarios(dataset)
    if name not in known:
        hint = did_you_mean(name, known)
        raise NotFoundError(f"no bundled scenario named {name!r}" + (f"; {hint}" if hint else ""))
    return known[name]
