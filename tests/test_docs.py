"""The documentation: the site builds strictly without the network, every example in it runs,
and the KPI table lists exactly the KPIs the results carry. An example that stops working,
a broken link or a KPI added without its definition fails here."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reechain.cli import app
from reechain.engine.results import commodity_kpis, sector_kpis

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
PAGES_WITH_EXAMPLES = [DOCS / "tutorial.md", ROOT / "README.md"]


def blocks(page: Path, language: str) -> list[str]:
    """The code blocks of ``page`` in ``language``, in order."""
    return [code for lang, code in FENCE.findall(page.read_text()) if lang == language]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=os.environ | {"NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_the_site_builds_strictly_and_loads_nothing_from_the_network(site: Path) -> None:
    for page in site.rglob("*.html"):
        html = page.read_text()
        assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", html), page


def test_reference_pages_are_generated_from_the_code(site: Path) -> None:
    scenarios = (site / "scenarios" / "index.html").read_text()
    assert "licensing_delay_working_days" in scenarios
    assert "max_release_t_per_month" in scenarios
    assert "China stops NdFeB magnet exports to Japan for 6 months" in scenarios
    datasets = (site / "datasets" / "index.html").read_text()
    assert "quantity_per_year" in datasets
    cli = (site / "cli" / "index.html").read_text()
    assert "reechain simulate" in cli
    assert "--monthly" in cli
    api = (site / "api" / "index.html").read_text()
    assert "to_frame" in api
    kpis = (site / "kpis" / "index.html").read_text()
    assert "days_of_cover_at_onset" in kpis


@pytest.mark.parametrize("page", PAGES_WITH_EXAMPLES, ids=lambda p: p.name)
def test_every_python_example_runs_in_order(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    found = blocks(page, "python")
    assert found, f"{page.name} has no python examples"
    for code in found:
        exec(compile(code, str(page), "exec"), namespace)


def test_every_command_in_the_tutorial_runs() -> None:
    commands = [
        line.removeprefix("$ reechain ")
        for code in blocks(DOCS / "tutorial.md", "console")
        for line in code.splitlines()
        if line.startswith("$ reechain ")
    ]
    assert len(commands) >= 3
    for command in commands:
        result = CliRunner().invoke(app, shlex.split(command))
        assert result.exit_code == 0, f"reechain {command}: {result.stderr}"


def kpi_table_names() -> set[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("[start:kpis]")[1].split("[end:kpis]")[0]
    first_cells = re.findall(r"^\| ([^|]+) \|", section, re.MULTILINE)
    return {name for cell in first_cells for name in re.findall(r"`(\w+)`", cell)}


def test_the_kpi_table_defines_every_kpi_results_carry() -> None:
    import reechain

    results = reechain.run_scenario("dy-restriction", months=6).results
    keys = {*sector_kpis(results)[0], *commodity_kpis(results)[0]}
    assert keys - {"region", "sector", "commodity"} <= kpi_table_names()
