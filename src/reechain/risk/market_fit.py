"""Calibration of the market's behavioural parameters to the 2009–2013 episode.

The engine's price step (DESIGN.md §4, step 3) has nine behavioural parameters
(:class:`reechain.engine.market.MarketParameters`): the cover horizon H, the elasticity
scales s (light), s_m (Nd, Pr and the magnets) and s_h (medium and heavy), the adjustment
speed λ, the precaution φ and its fading M, the wedge θ and the co-product linkage ω. They
are fitted here, by least squares on log ratios (``scipy.optimize.least_squares``, bounded trust
region), to the sourced observations of ``risk/bundled/episode_2010.csv``:
oxide and metal prices of La, Ce, Nd(Pr), Dy (outside China, as multiples of the level
before the episode), Chinese domestic prices against export prices (the wedge) and
against their own September 2011 level, and China's export-quota fill in 2011 and 2012.

The episode is the library's ``cn-2010`` scenario (export quotas cut by ~40 % from July
2010, the two-month halt to Japan) run on the default chain for 48 months, month 0 standing
for January 2010 (the scenario's 2025 dates are 2010's shifted by 15 years), the quota
kept to the end (it lasted to 2014). Model values per observation kind:

- ``multiple``: the price outside China at the observation's month (:func:`outside_multiple`:
  the mean multiple of P₀ over every region but China, weighted by baseline use re-weighted
  to China's export destinations of 2010, the episode's buyers); ``market: china``: China's;
- ``peak``: the highest outside multiple over the horizon;
- ``domestic_ratio``: China's multiple ÷ the outside multiple at that month;
- ``relative``: the price in the market at the month ÷ at the ``base`` month;
- ``quota_fill``: China's exports of the restricted commodities to other regions in that
  calendar year ÷ the quota (baseline exports × (1 − severity) over the year).

The least-squares problem has several local optima (from the parameters' defaults alone
the fit stopped at an RMS log residual of 0.75 where other starts reach 0.53), so the fit
starts from the given parameters and from ``starts − 1`` points drawn uniformly within the
search bounds (``SeedSequence(seed)``'s first child), runs a short fit from each, and
refines the best.

Uncertainty: a residual bootstrap (residuals resampled with replacement, refitted from the
optimum, seeded by ``numpy.random.SeedSequence(seed)``); the 5th and 95th percentiles are
each parameter's bounds in the written table. The licensing defaults (approval share,
review time) are not identified by a quota episode and are kept as stated in the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray
from pydantic import Field
from scipy.optimize import least_squares

from reechain.chain import Chain
from reechain.data.rows import read_rows
from reechain.data.tables import Provenance
from reechain.engine.arrays import RunArrays
from reechain.engine.batch import stack_prepared
from reechain.engine.market import MarketParameters, MarketRow, market_rows
from reechain.engine.prepare import prepare
from reechain.engine.vectorized import run_vectorized
from reechain.errors import DatasetError, Problem
from reechain.finite import FiniteFloat
from reechain.scenario.compose import load_composed
from reechain.scenario.models import ExportRestriction, Scenario

FloatArray = NDArray[np.float64]

OBSERVATIONS = Path(__file__).parent / "bundled" / "episode_2010.csv"
"""The sourced observations of the 2009–2013 episode."""
EPISODE = "2009-2013"
"""What the fitted rows' ``episode`` column says."""
FIRST_YEAR = 2010
"""The calendar year of the episode's month 0."""
MONTHS = 48
"""The episode's horizon: January 2010 to December 2013."""

FITTED: dict[str, tuple[float, float]] = {
    "cover_horizon_months": (1.0, 24.0),
    "elasticity_scale": (0.2, 5.0),
    "heavy_elasticity_scale": (0.2, 5.0),
    "magnet_elasticity_scale": (0.2, 5.0),
    "adjustment": (0.02, 1.0),
    "precaution": (0.0, 3.0),
    "precaution_months": (1.0, 36.0),
    "wedge": (0.0, 1.0),
    "coproduct_linkage": (0.0, 1.0),
}
"""The fitted parameters and their search bounds."""


class Observation(Provenance):
    """One sourced observation of the episode (one row of ``episode_2010.csv``)."""

    VALUE_FIELD: ClassVar[str | None] = "value"

    id: str = Field(min_length=1, description="short name of the observation")
    series: str = Field(
        pattern="^(multiple|peak|domestic_ratio|relative|quota_fill)$",
        description="what is observed (module docstring)",
    )
    commodity: str = Field("", description="commodity of the default dataset")
    market: str = Field(pattern="^(outside|china)$", description="outside China, or China")
    date: str = Field(min_length=4, description="YYYY-MM, or YYYY for a year")
    value: FiniteFloat = Field(gt=0, description="the observed multiple, ratio or share")
    base: str = Field("", description="what a multiple is of (a date or year)")


def load_observations(path: str | Path | None = None) -> tuple[Observation, ...]:
    """Return the episode's observations (default: the bundled table)."""
    return read_rows(Path(path) if path else OBSERVATIONS, Observation)


DESTINATIONS = Path(__file__).parent / "bundled" / "episode_2010_destinations.csv"
"""China's rare-earth exports by destination in 2010: the episode's buyers."""
EXPORT_STAGES = ("mine", "separate", "metal")
"""The stages whose trade China's 2010 export statistics count (ores, compounds, metals)."""


class Destination(Provenance):
    """A group of China's export destinations and its share of China's rare-earth exports
    in the episode (one row of ``episode_2010_destinations.csv``)."""

    VALUE_FIELD: ClassVar[str | None] = "share"

    group: str = Field(min_length=1, description="short name of the group")
    regions: str = Field(
        min_length=1, description="its regions, space-separated; * for every region not named"
    )
    share: FiniteFloat = Field(gt=0, le=1, description="share of China's exports, tonnes")
    period: str = Field(min_length=4, description="the months the share covers")


def load_destinations(path: str | Path | None = None) -> tuple[Destination, ...]:
    """Return the episode's destination groups (default: the bundled table).

    Raises
    ------
    DatasetError
        When a region is in two groups, no group or more than one is ``*``, or the shares
        do not add up to 1 (± 0.005).
    """
    where = Path(path) if path else DESTINATIONS
    rows = read_rows(where, Destination)
    problems: list[Problem] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        for region in row.regions.split():
            if region in seen:
                problems.append(
                    Problem(where.name, line, "regions", region, "each region in one group")
                )
            seen.add(region)
    rest = sum(row.regions.split() == ["*"] for row in rows)
    if rest != 1:
        problems.append(
            Problem(where.name, None, "regions", f"{rest} rows of *", "one row of * (the rest)")
        )
    total = sum(row.share for row in rows)
    if abs(total - 1.0) > 0.005:
        problems.append(Problem(where.name, None, "share", f"{total:g}", "shares adding up to 1"))
    if problems:
        raise DatasetError(problems)
    return rows


def outside_weights(
    chain: Chain, requirement: FloatArray, destinations: tuple[Destination, ...] = ()
) -> FloatArray:
    """(R, C) weight of each region's price in the price outside China (China's is 0).

    Each region weighs by its baseline use (``requirement``, (R, C)). With
    ``destinations`` (an episode's buyers), each group's use is scaled by its share of
    China's exports then ÷ its share in the chain (China's trade at the ``EXPORT_STAGES``),
    so that a replay of the past on today's chain reads the price its buyers paid, not the
    price of buyers who came later. A group China does not ship to keeps its use weight.
    A commodity no one outside China uses weighs every region alike.

    Raises
    ------
    ValueError
        When a destination names a region the chain does not have (a typo would otherwise
        fall silently into the ``*`` group).
    """
    china = chain.regions.index("CHN")
    others = np.array([r != china for r in range(len(chain.regions))])
    weight = np.where(others[:, None], np.asarray(requirement, dtype=float), 0.0)
    if destinations:
        weight = weight * destination_scale(chain, destinations)[:, None]
    total = weight.sum(axis=0)
    flat = np.where(others, 1.0 / max(int(others.sum()), 1), 0.0)[:, None]
    return np.where(total > 0, weight / np.where(total > 0, total, 1.0), flat)


def destination_scale(chain: Chain, destinations: tuple[Destination, ...]) -> FloatArray:
    """(R,) each region's weight factor for the episode's buyers: its group's share of
    China's exports then ÷ the group's share of China's exports in the chain (1 for a
    group China does not ship to, and for China); see :func:`outside_weights`."""
    china = chain.regions.index("CHN")
    named = {r for d in destinations for r in d.regions.split() if r != "*"}
    unknown = sorted(named - set(chain.regions))
    if unknown:
        raise ValueError(f"destination regions not in the chain: {', '.join(unknown)}")
    stages = [chain.stages.index(s) for s in EXPORT_STAGES]
    cs = np.isin(np.asarray(chain.commodity_stage), stages)
    exports = np.asarray(chain.trade_matrix)[cs, china].sum(axis=0)  # (R,) by importer
    exports[china] = 0.0
    share_now = exports / exports.sum() if exports.sum() > 0 else exports
    scale = np.ones(len(chain.regions))
    for d in destinations:
        codes = d.regions.split()
        members = [
            r
            for r, name in enumerate(chain.regions)
            if r != china and (name in codes or ("*" in codes and name not in named))
        ]
        now = float(share_now[members].sum())
        if now > 0:
            scale[members] = d.share / now
    return scale


def outside_multiple(
    chain: Chain,
    price: FloatArray,
    requirement: FloatArray,
    destinations: tuple[Destination, ...] = (),
) -> FloatArray:
    """(T, C) the price outside China as a multiple of P₀ (:func:`outside_weights`)."""
    multiple = np.asarray(price) / np.asarray(chain.price_usd_per_kg)[None, None, :]
    w = outside_weights(chain, requirement, destinations)
    return np.asarray((multiple * w[None]).sum(axis=1))


def episode_scenario() -> Scenario:
    """The library's ``cn-2010`` scenario over the episode's 48 months, quota to the end."""
    base = load_composed("cn-2010", "default")
    events = tuple(
        e.model_copy(update={"duration_months": MONTHS - 6})
        if isinstance(e, ExportRestriction) and e.duration_months > 12
        else e
        for e in base.events
    )
    return base.model_copy(update={"horizon_months": MONTHS, "events": events})


def simulate_episode(
    chain: Chain, scenario: Scenario, market: MarketParameters, months: int = MONTHS
) -> RunArrays:
    """Run ``scenario`` with ``market`` on the compiled kernel and return its arrays."""
    prep = prepare(chain, scenario, months=months, market=market)
    run = run_vectorized(stack_prepared([prep]), record=("price", "shipments", "requirement"))
    return _scenario_arrays(run.arrays, months)


def _scenario_arrays(arrays: dict[str, FloatArray], T: int) -> RunArrays:
    empty = np.zeros((T, 0))
    fields = {name: arrays[name][0] for name in ("price", "shipments", "requirement")}
    return RunArrays(  # only the recorded fields are read
        **{name: empty for name in RunArrays.__dataclass_fields__ if name not in fields},
        **fields,
    )


def _month(date: str) -> int:
    year, month = (int(x) for x in date.split("-"))
    return (year - FIRST_YEAR) * 12 + month - 1


def model_values(
    chain: Chain,
    scenario: Scenario,
    run: RunArrays,
    observations: tuple[Observation, ...],
    destinations: tuple[Destination, ...] | None = None,
) -> FloatArray:
    """Return the model's value of each observation (module docstring), in order.

    ``destinations``: the episode's buyers (default: the bundled table of 2010's).
    """
    china = chain.regions.index("CHN")
    buyers = destinations if destinations is not None else load_destinations()
    multiple = run.price / np.asarray(chain.price_usd_per_kg)[None, None, :]
    w = outside_weights(chain, run.requirement[0], buyers)  # (R, C)
    outside = (multiple * w[None]).sum(axis=1)  # (T, C): outside_multiple on this multiple
    out = np.zeros(len(observations))
    for i, obs in enumerate(observations):
        if obs.series == "quota_fill":
            out[i] = _quota_fill(chain, scenario, run, int(obs.date))
            continue
        c = chain.commodities.index(obs.commodity)
        series = multiple[:, china, c] if obs.market == "china" else outside[:, c]
        if obs.series == "peak":
            out[i] = outside[:, c].max()
        elif obs.series == "domestic_ratio":
            out[i] = multiple[_month(obs.date), china, c] / outside[_month(obs.date), c]
        elif obs.series == "relative":
            out[i] = series[_month(obs.date)] / series[_month(obs.base)]
        else:
            out[i] = series[_month(obs.date)]
    return out


def _quota_fill(chain: Chain, scenario: Scenario, run: RunArrays, year: int) -> float:
    quota = next(
        e for e in scenario.events if isinstance(e, ExportRestriction) and e.importers == "all"
    )
    china = chain.regions.index("CHN")
    cs = [chain.commodity_index(name) for name in quota.commodities]
    t0 = (year - FIRST_YEAR) * 12
    shipped = (
        run.shipments[t0 : t0 + 12][:, cs, china].sum()
        - run.shipments[t0 : t0 + 12][:, cs, china, china].sum()
    )
    base = chain.trade_matrix[cs, china].sum() - chain.trade_matrix[cs, china, china].sum()
    allowed = base * (1 - (quota.severity or 0.0))
    return float(shipped / allowed) if allowed > 0 else 1.0


@dataclass(frozen=True)
class Fit:
    """A calibration's answer."""

    market: MarketParameters
    """The fitted parameters (the others as given)."""
    fitted: tuple[str, ...]
    lower: FloatArray
    """(k,) 5th percentile of the bootstrap, per fitted parameter."""
    upper: FloatArray
    """(k,) 95th percentile."""
    observations: tuple[Observation, ...]
    model: FloatArray
    """(n,) the model's value of each observation at the fit."""
    rms_log: float
    """Root mean square of the log residuals at the fit."""
    evaluations: int
    seed: int
    bootstrap: int
    starts: int = 1


def calibrate_market(
    chain: Chain,
    *,
    seed: int = 0,
    bootstrap: int = 20,
    start: MarketParameters | None = None,
    fitted: tuple[str, ...] = tuple(FITTED),
    observations: tuple[Observation, ...] | None = None,
    max_evaluations: int = 200,
    months: int = MONTHS,
    progress: Callable[[int, int], None] | None = None,
    starts: int = 1,
) -> Fit:
    """Fit ``fitted`` parameters to the episode's observations; bootstrap their bounds.

    With ``starts`` above 1, short fits (``max_evaluations`` ÷ 4 runs each) from ``start``
    and from ``starts − 1`` points drawn within the search bounds; the best is refined.
    The answer depends on ``seed`` alone (and the inputs): the least-squares fit is
    deterministic, the extra starts draw from ``SeedSequence(seed).spawn(1)[0]`` and the
    bootstrap from ``SeedSequence(seed)``.
    """
    obs = observations if observations is not None else load_observations()
    base = start if start is not None else MarketParameters()
    scenario = episode_scenario().model_copy(update={"horizon_months": months})
    observed = np.log([o.value for o in obs])
    buyers = load_destinations()
    evaluations = 0

    def values(x: FloatArray) -> FloatArray:
        nonlocal evaluations
        evaluations += 1
        market = base.replace(**dict(zip(fitted, x.tolist(), strict=True)))
        run = simulate_episode(chain, scenario, market, months)
        return np.log(np.maximum(model_values(chain, scenario, run, obs, buyers), 1e-12))

    lo = np.array([FITTED[name][0] for name in fitted])
    hi = np.array([FITTED[name][1] for name in fitted])
    x0 = np.clip([getattr(base, name) for name in fitted], lo, hi)
    if starts > 1:
        draw = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
        points = [x0, *draw.uniform(lo, hi, size=(starts - 1, len(fitted)))]
        short = [
            least_squares(
                lambda x: values(x) - observed,
                p,
                bounds=(lo, hi),
                max_nfev=max(max_evaluations // 4, 1),
            )
            for p in points
        ]
        x0 = min(short, key=lambda r: float(r.cost)).x
    best = least_squares(
        lambda x: values(x) - observed, x0, bounds=(lo, hi), max_nfev=max_evaluations
    )
    fitted_log = values(best.x)
    residual = fitted_log - observed
    rng = np.random.default_rng(np.random.SeedSequence(seed))  # the bootstrap's draws
    draws = []
    for b in range(bootstrap):
        target = fitted_log - rng.choice(residual, size=len(residual), replace=True)
        again = least_squares(
            lambda x, y=target: values(x) - y,
            best.x,
            bounds=(lo, hi),
            max_nfev=max(max_evaluations // 8, 5),
        )
        draws.append(again.x)
        if progress is not None:
            progress(b + 1, bootstrap)
    spread = np.array(draws) if draws else best.x[None]
    return Fit(
        market=base.replace(**dict(zip(fitted, best.x.tolist(), strict=True))),
        fitted=fitted,
        lower=np.percentile(spread, 5, axis=0),
        upper=np.percentile(spread, 95, axis=0),
        observations=obs,
        model=np.exp(fitted_log),
        rms_log=float(np.sqrt(np.mean(residual**2))),
        evaluations=evaluations,
        seed=seed,
        bootstrap=bootstrap,
        starts=starts,
    )


def fit_rows(fit: Fit, previous: tuple[MarketRow, ...] | None = None) -> tuple[MarketRow, ...]:
    """Return the market table with the fitted rows replaced (others kept as they are)."""
    rows = previous if previous is not None else market_rows()
    method = (
        f"scipy least_squares on log ratios to {len(fit.observations)} observations "
        f"(risk/bundled/episode_2010.csv), cn-2010 on the default chain, {MONTHS} months, "
        f"best of {fit.starts} starts; the price outside China weighted by 2010's export "
        f"destinations (risk/bundled/episode_2010_destinations.csv); "
        f"bounds: 5-95 % of a {fit.bootstrap}-draw residual bootstrap, seed {fit.seed}; "
        f"RMS log residual {fit.rms_log:.3f}"
    )
    out = []
    for row in rows:
        if row.parameter not in fit.fitted:
            out.append(row)
            continue
        k = fit.fitted.index(row.parameter)
        value = float(getattr(fit.market, row.parameter))
        out.append(
            MarketRow(
                parameter=row.parameter,
                value=round(value, 6),
                episode=EPISODE,
                source="reechain calibrate (reechain.risk.market_fit)",
                source_year=2026,
                url="src/reechain/risk/market_fit.py",
                note="fitted to the 2009-2013 episode; the 2025 episodes are held out",
                confidence="medium",
                method=method,
                lower=round(min(float(fit.lower[k]), value), 6),
                upper=round(max(float(fit.upper[k]), value), 6),
            )
        )
    return tuple(out)


__all__ = [
    "DESTINATIONS",
    "EPISODE",
    "EXPORT_STAGES",
    "FITTED",
    "OBSERVATIONS",
    "Destination",
    "Fit",
    "Observation",
    "calibrate_market",
    "destination_scale",
    "episode_scenario",
    "fit_rows",
    "load_destinations",
    "load_observations",
    "model_values",
    "outside_multiple",
    "outside_weights",
    "simulate_episode",
]
