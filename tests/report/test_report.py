"""Briefings: key numbers, figures, assumptions and sources, as HTML and as a PDF that opens."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import typer
from matplotlib.image import imread
from typer.testing import CliRunner

from reechain import workflows
from reechain.cli.report import report_command
from reechain.errors import NotFoundError
from reechain.report import render_html, write_report
from reechain.store import Store
from reechain.workflows.reports import briefing_for, briefing_for_run

SCENARIO = "magnet-ban"
"""A bundled sample scenario with a restriction, a stockpile and partner preference."""


@pytest.fixture(scope="module")
def stored_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, str]:
    """A store holding one finished run of the sample magnet ban."""
    folder = tmp_path_factory.mktemp("report")
    store = Store.open(f"sqlite:///{folder / 'store.sqlite'}")
    run = workflows.run_scenario(SCENARIO, store)
    assert run.run_id is not None
    return store, run.run_id


def test_html_briefing_has_numbers_figures_assumptions_and_sources(
    stored_run: tuple[Store, str],
) -> None:
    store, run_id = stored_run
    briefing = briefing_for_run(store, run_id)
    html = render_html(briefing)
    for heading in ("Executive summary", "What people feel", "Figures", "Assumptions", "Sources"):
        assert f"<h2>{heading}</h2>" in html
    assert html.count('src="data:image/png;base64,') == 3
    for label in ("Value added (GDP) lost", "Gross output lost", "Job-months lost"):
        assert label in html
    assert "Jobs at risk at the peak" in html
    assert "the most jobs idle in one month" in html
    # the scenario's own events and policies are stated
    assert "export restriction" in html
    assert "partner preference" in html
    # every source of the dataset is listed once
    sources = {str(r["source"]) for r in workflows.show_rows(workflows.load_dataset("sample"))}
    assert len(briefing.sources) == len(sources)
    assert run_id[:8] in html


def test_end_product_prices_rise_when_magnets_are_cut(stored_run: tuple[Store, str]) -> None:
    store, run_id = stored_run
    briefing = briefing_for_run(store, run_id)
    assert briefing.consumer, "a magnet ban raises the cost of some end product"
    top = briefing.consumer[0]
    assert re.fullmatch(r"\+\d+\.\d\d %", top["change"])
    assert float(top["change"].strip("+ %")) > 0


def test_pdf_opens_and_shows_its_figures(stored_run: tuple[Store, str], tmp_path: Path) -> None:
    store, run_id = stored_run
    pdf = write_report(briefing_for_run(store, run_id), tmp_path / "briefing.pdf", "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    # the figures follow the summary and the tables: render the page they start on
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    first = next(i for i, page in enumerate(pages, start=1) if "\nFigures" in page)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-f", str(first), "-l", str(first + 1), "-png", str(pdf),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    pixels = np.concatenate([imread(p)[..., :3] for p in sorted(tmp_path.glob("page*.png"))])
    ink = (pixels.mean(axis=-1) < 0.9).mean()
    colored = (pixels.max(axis=-1) - pixels.min(axis=-1) > 0.25).mean()
    assert ink > 0.02, "the page is blank"
    assert colored > 0.002, "no coloured chart lines on the figures page"
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 50


def test_cli_writes_a_briefing_for_a_run_or_a_scenario(
    stored_run: tuple[Store, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, run_id = stored_run
    from reechain.cli.state import state

    monkeypatch.setattr(state, "store", lambda: store)
    app = typer.Typer()
    app.command()(report_command)
    runner = CliRunner()
    out = tmp_path / "b.html"
    result = runner.invoke(app, [run_id[:8], "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    assert "<h2>Executive summary</h2>" in out.read_text(encoding="utf-8")
    result = runner.invoke(app, ["sep-outage", "--format", "pdf", "--out", str(tmp_path / "s.pdf")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")


def test_unknown_run_or_scenario_names_the_near_miss(stored_run: tuple[Store, str]) -> None:
    store, _ = stored_run
    with pytest.raises(NotFoundError, match="did you mean 'magnet-ban'"):
        briefing_for("magnet-bam", store)


def test_report_format_is_checked(stored_run: tuple[Store, str], tmp_path: Path) -> None:
    store, run_id = stored_run
    from reechain.errors import InputError

    with pytest.raises(InputError, match="expected html or pdf"):
        write_report(briefing_for_run(store, run_id), tmp_path / "b.doc", "doc")
