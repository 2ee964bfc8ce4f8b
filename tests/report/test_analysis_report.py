"""Briefings on risk and optimiser runs: key numbers, figures, assumptions, sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from reechain.errors import InputError
from reechain.report import render_html, write_report
from reechain.store import Store
from reechain.workflows.optimize import optimize_partnership
from reechain.workflows.reports import analysis_briefing, briefing_for
from reechain.workflows.risk import run_risk_analysis


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store with one small risk run and one small optimiser run of the default data."""
    folder = tmp_path_factory.mktemp("analysis")
    found = Store.open(f"sqlite:///{folder / 'store.sqlite'}")
    run_risk_analysis("baseline", found, runs=12, seed=3, horizon_months=12)
    optimize_partnership(
        "us-japan",
        found,
        scenarios=2,
        out_of_sample=2,
        gap_histories=0,
        horizon_years=3,
        shares=True,
    )
    return found


def _run(store: Store, kind: str) -> str:
    (run,) = store.list_runs(kind)
    return run.id


def test_risk_briefing(store: Store, tmp_path: Path) -> None:
    briefing = briefing_for(_run(store, "risk")[:8], store)
    html = render_html(briefing)
    for text in (
        "Expected value lost",
        "1-in-20 loss (P95)",
        "Assumptions",
        "Sources",
        "12 disruption histories of 12 months",
    ):
        assert text in html
    assert html.count('src="data:image/png;base64,') == 1  # the exceedance curve
    pdf = write_report(briefing, tmp_path / "risk.pdf", "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_optimiser_briefing(store: Store) -> None:
    briefing = analysis_briefing(store, _run(store, "optimize"))
    html = render_html(briefing)
    for text in (
        "The chosen portfolio and what it costs",
        "stock purchase",
        "Who pays: the bill split",
        "avoided loss",
        "standalone cost",
        "Checked by the engine: in sample against out of sample",
        "95 % interval",
        "out-of-sample, engine",
        "The engine in the loop",
        "Optimiser vs engine",
    ):
        assert text in html
    # the candidate interventions' sources come first, then the dataset's
    assert briefing.sources[0]["confidence"] == "candidates"
    assert len(briefing.sources) > 10


def test_only_finished_analysis_runs_have_briefings(store: Store) -> None:
    run_id = store.create_run("risk", "default", scenario="baseline")
    with pytest.raises(InputError, match="only finished runs"):
        analysis_briefing(store, run_id)


def test_optimiser_briefing_shows_the_warning_first(store: Store) -> None:
    """A run whose in- and out-of-sample estimates disagree carries the warning in its
    ``warnings`` table; the briefing shows it before the key numbers."""
    from reechain.report import build_analysis_briefing
    from reechain.workflows.datasets import load_dataset
    from reechain.workflows.reports import _outputs

    run = store.get_run(_run(store, "optimize"))
    outputs = dict(_outputs(store, run, "default"))
    outputs["warnings"] = [{"warning": "out-of-sample expected loss USD 9 bn is higher"}]
    html = render_html(build_analysis_briefing(run, outputs, load_dataset(run.dataset, store)))
    assert "Warnings" in html
    assert html.index("out-of-sample expected loss USD 9 bn") < html.index("Key numbers")
