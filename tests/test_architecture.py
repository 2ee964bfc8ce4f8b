"""The layers of ARCHITECTURE.md hold: who may import whom, read from the source itself.

Every import in ``src/reechain`` counts — at module top, inside functions, and under
``TYPE_CHECKING`` — because a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "src" / "reechain"

FOUNDATION = {"errors", "names", "version", "config", "units", "finite", "exporting", "sessions"}
"""Small modules any layer may use; they import no other part of reechain but each other."""
CORE = {"data", "chain", "scenario", "engine", "metrics", "demand", "risk", "optimize"}
SURFACES = {"api", "web", "cli", "report"}
ROOT = {"server"}
"""The composition root: builds the API, mounts the dashboard, runs the main job."""
ENTRY = {"__init__", "__main__"}
EXCEPTIONS = {("cli", "server")}
"""``reechain serve`` starts the composition root."""

LAYER = {
    **{name: 0 for name in FOUNDATION},
    "data": 1,
    "chain": 2,
    "scenario": 3,
    "engine": 4,
    "metrics": 4,
    "demand": 4,
    "risk": 5,
    "optimize": 6,
    "store": 7,
    "report": 8,
    "workflows": 9,
    "api": 10,
    "web": 10,
    "cli": 10,
    "server": 11,
}
"""Each top-level part's layer: a part imports only parts of lower layers (and itself).

``report`` only words and draws what it is given, so it sits below ``workflows``, which
loads runs and calls it; the other surfaces reach it through ``workflows``."""


def _part(module: str) -> str | None:
    """Return the top-level part of reechain that ``module`` names (None: not reechain)."""
    parts = module.split(".")
    if parts[0] != "reechain":
        return None
    return parts[1] if len(parts) > 1 else "__init__"


def _imports() -> Iterator[tuple[str, str, str]]:
    """Yield (importing part, imported part, file) for every import inside the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        source = relative.parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                # ``from reechain import workflows`` imports the part ``workflows``
                if node.module == "reechain":
                    targets = [f"reechain.{alias.name}" for alias in node.names]
                else:
                    targets = [node.module]
            else:
                continue
            for target in targets:
                part = _part(target)
                if part is not None and part != source:
                    yield source, part, str(relative)


def _edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for source, target, file in _imports():
        edges[source, target].append(file)
    return edges


def test_every_top_level_part_has_a_layer() -> None:
    parts = {p.name.removesuffix(".py") for p in PACKAGE.iterdir() if p.name != "__pycache__"}
    parts = {p for p in parts if (PACKAGE / p).is_dir() or (PACKAGE / f"{p}.py").is_file()}
    parts -= ENTRY | {"py.typed"}
    assert parts <= set(LAYER), f"give these a layer in ARCHITECTURE.md: {parts - set(LAYER)}"


def test_each_part_imports_only_lower_layers() -> None:
    wrong = [
        f"{source} → {target} ({', '.join(sorted(set(files)))})"
        for (source, target), files in sorted(_edges().items())
        if source not in ENTRY
        and target not in ENTRY
        and LAYER[target] >= LAYER[source]
        and not (source in FOUNDATION and target in FOUNDATION)
        and (source, target) not in EXCEPTIONS
    ]
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_no_part_imports_the_package_root() -> None:
    wrong = sorted(
        {file for (source, target), files in _edges().items() for file in files}
        & {file for (s, t), fs in _edges().items() if t == "__init__" for file in fs}
    )
    assert not wrong, f"import the module you need, not reechain itself: {wrong}"


def test_the_core_imports_no_store_workflow_or_surface() -> None:
    outside = {"store", "workflows", *SURFACES, *ROOT}
    wrong = [
        f"{source} → {target}"
        for (source, target) in _edges()
        if source in CORE and target in outside
    ]
    assert not wrong


def test_surfaces_import_none_of_each_other() -> None:
    wrong = [
        f"{source} → {target}"
        for (source, target) in _edges()
        if source in SURFACES and target in SURFACES
    ]
    assert not wrong


def test_importing_the_engine_loads_no_database_code() -> None:
    probe = (
        "import sys, reechain.engine; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'reechain.store', "
        "'reechain.workflows') if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "[]"
