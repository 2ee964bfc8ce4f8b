"""The event models are calibrated on the documented history and reproduce its frequencies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from reechain.errors import InputError
from reechain.risk import KINDS, calibrate, model_from_parameters
from reechain.risk.calibration import (
    expected_annual_counts,
    in_window,
    observed_annual_counts,
    poisson_interval,
    window_years,
)
from reechain.risk.sampler import draw_history, history_seed
from reechain.risk.tables import RISK_DATA_DIR, load_events, load_parameters


def test_the_history_is_sourced_and_dated() -> None:
    events = load_events()
    assert len(events) >= 12
    for e in events:
        assert e.source
        assert e.start[:4].isdigit()
    ids = {e.id for e in events}
    for wanted in (
        "cn-2010-quota",
        "cn-2010-japan",
        "mmr-2021-covid",
        "cn-2023-technology",
        "cn-2025-april",
        "cn-2025-october",
        "lynas-2023-licence",
        "mp-2015-shutdown",
        "mmr-2024-kachin",
    ):
        assert wanted in ids


def test_the_bundled_parameters_are_the_calibration_of_the_bundled_history() -> None:
    calibrated = {p.parameter: p for p in calibrate(load_events())}
    bundled = {p.parameter: p for p in load_parameters()}
    assert calibrated.keys() == bundled.keys()
    for name, p in bundled.items():
        assert p.value == pytest.approx(calibrated[name].value, rel=1e-9, abs=1e-12), name
        assert (p.lower, p.upper) == (calibrated[name].lower, calibrated[name].upper), name


def test_calibrated_rates_are_the_source_frequencies() -> None:
    """Rate = events in the window ÷ 16 years: 5 restrictions, 3 closures, 3 outages, 2 delays."""
    events = load_events()
    assert window_years() == 16
    observed = observed_annual_counts(events)
    expected = expected_annual_counts(load_parameters())
    assert observed == pytest.approx(expected, rel=1e-9)
    assert expected == pytest.approx(
        {
            "export_restriction": 5 / 16,
            "mine_closure": 3 / 16,
            "plant_outage": 3 / 16,
            "logistics": 2 / 16,
        }
    )
    # events outside the window or without a material effect are listed but not counted
    used = {e.id for e in in_window(events)}
    assert "cn-2023-technology" not in used
    assert "mp-2002-closure" not in used


def test_rate_bounds_are_the_exact_poisson_interval() -> None:
    lo, hi = poisson_interval(3, 16)
    assert lo == pytest.approx(0.8177 / 16, rel=1e-3)  # chi2(0.05, 6) / 2
    assert hi == pytest.approx(7.754 / 16, rel=1e-3)  # chi2(0.95, 8) / 2
    p = {q.parameter: q for q in load_parameters()}["mine_closure.rate_per_year"]
    assert (p.lower, p.upper) == pytest.approx((lo, hi))


def test_sampled_histories_reproduce_the_source_frequencies() -> None:
    """Mean events per year in drawn histories match each kind's historical frequency."""
    model = model_from_parameters(load_parameters())
    n, years = 3000, 4
    counts = np.zeros((n, len(KINDS)))
    for i in range(n):
        for e in draw_history(model, np.random.default_rng(history_seed(99, i, 0)), 12 * years):
            counts[i, KINDS.index(e.kind)] += 1
    per_year = counts / years
    expected = expected_annual_counts(load_parameters())
    v = model.tension_variance
    for k, kind in enumerate(KINDS):
        rate = expected[kind]
        coupled = model.kind(kind).coupled
        var_year = rate + (rate**2 * v if coupled else 0.0)
        se = np.sqrt(var_year / years / n)
        assert abs(per_year[:, k].mean() - rate) < 4 * se, kind
    # the shared tension factor correlates Chinese restrictions with Myanmar closures
    r = np.corrcoef(counts[:, 0], counts[:, 1])[0, 1]
    assert r > 0.05


def test_a_bad_row_names_its_file_line_and_field(tmp_path: Path) -> None:
    text = (RISK_DATA_DIR / "events.csv").read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(",2,1.0,,yes,", ",2,1.7,,yes,")
    bad = tmp_path / "events.csv"
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"events\.csv, line 3, column severity: got '1\.7'"):
        load_events(bad)
