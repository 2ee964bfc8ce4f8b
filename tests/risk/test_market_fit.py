"""Calibration of the market parameters to 2009-2013 (issue 19, item 5), on a reduced
problem: two parameters, a few engine runs, two bootstrap draws. The full calibration is
``reechain calibrate`` (BENCHMARKS.md)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import reechain
from reechain.chain import Chain
from reechain.cli import app
from reechain.engine.market import MarketParameters, load_market, market_rows, write_market
from reechain.risk.market_fit import (
    EPISODE,
    FITTED,
    calibrate_market,
    episode_scenario,
    fit_rows,
    load_observations,
    model_values,
    simulate_episode,
)

REDUCED = {"fitted": ("adjustment", "wedge"), "max_evaluations": 6, "bootstrap": 2}


@pytest.fixture(scope="module")
def chain() -> Chain:
    return reechain.compile_chain(reechain.load_dataset("default"))


def rms(chain: Chain, market: MarketParameters) -> float:
    obs = load_observations()
    scenario = episode_scenario()
    got = model_values(chain, scenario, simulate_episode(chain, scenario, market), obs)
    return float(np.sqrt(np.mean(np.log(got / np.array([o.value for o in obs])) ** 2)))


def test_every_observation_is_sourced_and_in_the_episode() -> None:
    """Each observation names its source and lies in 2009-2013; prices of Dy, Nd, La and Ce
    outside China, China's domestic prices and its quota fill are all there."""
    obs = load_observations()
    assert all(o.source and o.url for o in obs)
    assert all(2009 <= int(o.date[:4]) <= 2013 for o in obs)
    series = {(o.series, o.commodity, o.market) for o in obs}
    for c in ("Dy2O3", "Nd2O3", "La2O3", "CeO2"):
        assert any(c == s[1] and s[2] == "outside" for s in series), c
        assert any(c == s[1] and s[2] == "china" for s in series), c
    assert {"quota_fill"} <= {s[0] for s in series}


def test_the_episode_is_the_2010_replay_over_48_months() -> None:
    scenario = episode_scenario()
    assert scenario.horizon_months == 48
    assert max(e.start for e in scenario.events) <= "2025-10"


def test_a_reduced_calibration_is_reproducible_and_improves_the_fit(chain: Chain) -> None:
    start = load_market().replace(adjustment=0.9, wedge=0.9)
    first = calibrate_market(chain, seed=7, start=start, **REDUCED)  # type: ignore[arg-type]
    again = calibrate_market(chain, seed=7, start=start, **REDUCED)  # type: ignore[arg-type]
    assert first.market == again.market
    assert np.array_equal(first.lower, again.lower)
    assert np.array_equal(first.upper, again.upper)
    assert rms(chain, first.market) < rms(chain, start)
    assert first.rms_log == pytest.approx(rms(chain, first.market))
    for k, name in enumerate(first.fitted):
        low, high = FITTED[name]
        assert low <= first.lower[k] <= first.upper[k] <= high


def test_more_starts_are_reproducible_from_the_seed(chain: Chain) -> None:
    """Extra starts drawn from the seed: the same seed gives the same answer, which fits
    better than the given start."""
    start = load_market().replace(adjustment=0.9, wedge=0.9)
    three = calibrate_market(chain, seed=3, start=start, starts=3, **REDUCED)  # type: ignore[arg-type]
    again = calibrate_market(chain, seed=3, start=start, starts=3, **REDUCED)  # type: ignore[arg-type]
    assert three.market == again.market
    assert np.array_equal(three.lower, again.lower)
    assert three.starts == 3
    assert three.rms_log == pytest.approx(rms(chain, three.market))
    assert three.rms_log < rms(chain, start)


def test_fitted_rows_are_sourced_and_the_table_round_trips(chain: Chain, tmp_path: Path) -> None:
    fit = calibrate_market(chain, seed=1, **REDUCED)  # type: ignore[arg-type]
    rows = fit_rows(fit)
    fitted = [r for r in rows if r.parameter in fit.fitted]
    assert all(r.episode == EPISODE and "least_squares" in r.method for r in fitted)
    path = write_market(rows, tmp_path / "market.csv")
    loaded, fitted_market = load_market(path), fit.market
    for name in fit.fitted:
        assert getattr(loaded, name) == pytest.approx(getattr(fitted_market, name), abs=1e-6)


def test_the_bundled_parameters_come_from_the_calibration() -> None:
    """Every behavioural parameter of the bundled table was fitted to 2009-2013 by
    ``reechain calibrate``; the licensing defaults, which a quota episode cannot identify,
    say so."""
    rows = {r.parameter: r for r in market_rows()}
    for name in FITTED:
        assert rows[name].episode == EPISODE, name
        assert rows[name].source.startswith("reechain calibrate"), name
    for name in ("licence_approval_share", "licence_processing_working_days"):
        assert rows[name].episode == ""
        assert str(rows[name].confidence) == "low"


def test_calibrate_on_the_command_line(tmp_path: Path) -> None:
    out = tmp_path / "market.csv"
    args = ["calibrate", "--bootstrap", "0", "--max-evaluations", "2", "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert '"parameters"' in result.stdout
    assert load_market(out).licence_processing_working_days == 45


def test_calibrate_refuses_a_negative_bootstrap() -> None:
    result = CliRunner().invoke(app, ["calibrate", "--bootstrap", "-1"])
    assert result.exit_code == 2
    assert "--bootstrap: got -1" in result.stderr


def test_calibrate_refuses_no_start() -> None:
    result = CliRunner().invoke(app, ["calibrate", "--starts", "0"])
    assert result.exit_code == 2
    assert "--starts: got 0" in result.stderr
