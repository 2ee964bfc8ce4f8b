"""The chosen portfolio against the full engine: the linear engine's gap, and out of sample.

:func:`engine_losses` runs the reference engine (DESIGN.md section 4; the vectorized
``run_batch`` when the engine offers it is not required) on sampled histories with a
portfolio's policies, and returns each history's lost output in member regions (USD of
end-use output, the engine's ``value_lost_usd``) and loss (value share, discounted like the
MILP). :func:`shortfall_gap` compares it with the linear engine on the *same* draws;
:func:`out_of_sample` re-solves the second stage for the fixed portfolio on *fresh* draws
and runs the engine on them too, so the report shows in-sample against out-of-sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.engine.prepare import prepare
from reechain.engine.reference import run_reference
from reechain.engine.results import compare
from reechain.optimize.candidates import Candidate
from reechain.optimize.histories import Histories, success_draw
from reechain.optimize.model import Solution, portfolio_to_policies, weighted_quantile
from reechain.optimize.settings import Settings
from reechain.scenario.models import Scenario

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class EngineLosses:
    """Per history, the engine's lost output (USD) and loss (value share, discounted)."""

    histories: tuple[str, ...]
    lost_output_usd: FloatArray
    """(S,) rationed and priced out."""
    rationed_output_usd: FloatArray
    """(S,) rationed only (inputs short of target; the linear engine has no prices)."""
    loss_usd: FloatArray
    """(S,)"""
    loss_by_member_usd: FloatArray | None = None
    """(S, M) loss in each member's regions (a region in two members counts for the first)."""
    weights: FloatArray | None = None
    """(S,) probability of each history (None: equal)."""

    @property
    def history_weights(self) -> FloatArray:
        """(S,) probability weights summing to 1."""
        if self.weights is not None:
            return self.weights
        n = len(self.loss_usd)
        return np.full(n, 1.0 / n) if n else np.zeros(0)

    @property
    def expected_loss_usd(self) -> float:
        """Probability-weighted mean loss (USD)."""
        return float(self.history_weights @ self.loss_usd) if len(self.loss_usd) else 0.0

    def expected_loss_by_member_usd(self) -> FloatArray:
        """(M,) probability-weighted mean loss of each member (USD)."""
        if self.loss_by_member_usd is None:
            return np.zeros(0)
        out: FloatArray = self.history_weights @ self.loss_by_member_usd
        return out


def portfolio_scenarios(
    chain: Chain,
    histories: Histories,
    candidates: Sequence[Candidate],
    solution: Solution | Portfolio,
    months: int,
) -> list[Scenario]:
    """Return each history with the portfolio's policies (failed projects left out)."""
    build, size = solution.fixed()
    out = []
    for scenario, seed in zip(histories.scenarios, histories.seeds, strict=True):
        succeeded = {
            c.candidate: success_draw(seed, c.candidate) < c.chance_of_success for c in candidates
        }
        policies = portfolio_to_policies(
            chain,
            tuple(candidates),
            build,
            stock_size_t=size,
            members=solution.members,
            succeeded=succeeded,
            horizon_months=months,
        )
        out.append(
            Scenario(
                name=scenario.name,
                dataset=chain.dataset,
                horizon_months=months,
                events=scenario.events,
                policies=tuple(policies),
            )
        )
    return out


@dataclass(frozen=True)
class Portfolio:
    """A portfolio given by hand: chosen candidates (name → 0/1) and stock sizes (tonnes)."""

    members: tuple[str, ...]
    build: dict[str, float]
    size_t: dict[str, float]

    def fixed(self) -> tuple[dict[str, float], dict[str, float]]:
        """Return (build, size) mappings, as :meth:`Solution.fixed` does."""
        return dict(self.build), dict(self.size_t)


ENGINE_CHUNK = 64
"""Histories per engine task when the out-of-sample check runs on Dask."""


def engine_losses(
    chain: Chain,
    histories: Histories,
    candidates: Sequence[Candidate],
    solution: Solution | Portfolio,
    settings: Settings,
    *,
    horizon_years: int,
    client: Any = None,
    chunk: int = ENGINE_CHUNK,
) -> EngineLosses:
    """Return the engine's losses on ``histories`` with ``solution``'s portfolio in place.

    Runs the vectorized engine (``reechain.engine.run_batch``) when available, else the
    reference engine history by history; both measure against one baseline run. With a
    Dask ``client`` (:func:`reechain.risk.cluster.dask_client`), chunks of ``chunk``
    histories run as tasks; each history's numbers depend on it alone.
    """
    months = horizon_years * 12
    members = solution.members
    scenarios = portfolio_scenarios(chain, histories, candidates, solution, months)
    if client is None or len(scenarios) <= chunk:
        value_lost, rationed = _engine_run(chain, scenarios, months)
    else:
        chain_future = client.scatter(chain, broadcast=True, hash=False)
        futures = [
            client.submit(_engine_run, chain_future, scenarios[lo : lo + chunk], months)
            for lo in range(0, len(scenarios), chunk)
        ]
        parts = client.gather(futures)
        value_lost = np.concatenate([p[0] for p in parts])
        rationed = np.concatenate([p[1] for p in parts])
    disc = (1 + settings.discount_rate) ** -(np.arange(months) / 12)
    share = settings.value_of_lost_output_share
    owner = np.full(len(chain.regions), -1, dtype=np.int64)
    for i, name in reversed(list(enumerate(members))):
        owner[chain.region_mask(name)] = i
    by_member = np.zeros((len(scenarios), len(members)))
    for i in range(len(members)):
        mask = owner == i
        by_member[:, i] = share * (value_lost[:, :, mask].sum(axis=2) * disc[None, :]).sum(axis=1)
    pool = owner >= 0
    monthly = value_lost[:, :, pool].sum(axis=2)  # (S, T)
    return EngineLosses(
        tuple(s.name for s in scenarios),
        monthly.sum(axis=1),
        rationed[:, pool].sum(axis=1),
        share * (monthly * disc[None, :]).sum(axis=1),
        by_member,
        histories.weights.copy(),
    )


def _engine_run(
    chain: Chain, scenarios: Sequence[Scenario], months: int
) -> tuple[FloatArray, FloatArray]:
    """Return (S, T, R) value lost per month and region, and (S, R) value rationed (USD)."""
    R = len(chain.regions)
    if not scenarios:
        return np.zeros((0, months, R)), np.zeros((0, R))
    value = np.asarray(chain.value_usd_per_unit)
    try:
        from reechain.engine import run_batch
    except ImportError:  # pragma: no cover - older engines have only the reference loop
        base = run_reference(prepare(chain, None, months=months))
        lost, rationed = [], []
        for scenario in scenarios:
            prep = prepare(chain, scenario, months=months)
            res = compare(scenario.name, chain.base_year + 1, prep, run_reference(prep), base, 0)
            lost.append(res.value_lost_usd.sum(axis=1))
            rationed.append((res.rationed_units.sum(axis=0) * value).sum(axis=0))
        return np.stack(lost), np.stack(rationed)
    batch = run_batch(chain, scenarios, months=months)
    rationed_usd = (np.asarray(batch.rationed_units) * value[None]).sum(axis=1)
    return np.asarray(batch.monthly_value_lost_usd), rationed_usd


@dataclass(frozen=True, eq=False)
class Gap:
    """Linear engine against the engine on the same draws (USD of lost end-use output)."""

    histories: tuple[str, ...]
    linear_lost_output_usd: FloatArray
    engine_lost_output_usd: FloatArray
    """Rationed and priced out."""
    engine_rationed_output_usd: FloatArray
    """Rationed only: the like-for-like measure (the linear engine has no prices)."""

    def summary(self) -> dict[str, Any]:
        """Return means, relative gaps of means and correlations (USD of lost output)."""
        lin = self.linear_lost_output_usd
        out: dict[str, Any] = {
            "histories": len(lin),
            "linear_mean_lost_output_usd": float(lin.mean()) if len(lin) else 0.0,
        }
        for label, eng in (
            ("engine", self.engine_lost_output_usd),
            ("engine_rationed", self.engine_rationed_output_usd),
        ):
            mean_e = float(eng.mean()) if len(eng) else 0.0
            corr = (
                float(np.corrcoef(lin, eng)[0, 1])
                if len(lin) > 1 and lin.std() > 0 and eng.std() > 0
                else None
            )
            out[f"{label}_mean_lost_output_usd"] = mean_e
            out[f"relative_gap_to_{label}"] = (
                (float(lin.mean()) - mean_e) / mean_e if mean_e > 0 else None
            )
            out[f"correlation_with_{label}"] = corr
        return out


def shortfall_gap(
    chain: Chain,
    histories: Histories,
    candidates: Sequence[Candidate],
    solution: Solution,
    settings: Settings,
    *,
    horizon_years: int,
    limit: int | None = None,
) -> Gap:
    """Return the gap between the linear engine's and the engine's lost output per history.

    ``solution`` holds the linear engine's per-history lost output on ``histories`` (the
    in-sample draws); the engine runs on the first ``limit`` of the same draws.
    """
    n = len(histories) if limit is None else min(limit, len(histories))
    subset = histories.head(n)
    engine = engine_losses(
        chain, subset, candidates, solution, settings, horizon_years=horizon_years
    )
    return Gap(
        engine.histories,
        solution.lost_output_usd[:n].copy(),
        engine.lost_output_usd,
        engine.rationed_output_usd,
    )


Z95 = 1.959963984540054
"""Two-sided 95 % normal quantile."""


@dataclass(frozen=True)
class Estimate:
    """A probability-weighted mean with its standard error and 95 % interval (USD)."""

    mean: float
    standard_error: float
    histories: int

    @property
    def low(self) -> float:
        """Lower end of the 95 % interval."""
        return self.mean - Z95 * self.standard_error

    @property
    def high(self) -> float:
        """Upper end of the 95 % interval."""
        return self.mean + Z95 * self.standard_error

    def overlaps(self, other: Estimate) -> bool:
        """Return whether the two 95 % intervals share a point."""
        return self.low <= other.high and other.low <= self.high


def estimate(
    values: FloatArray, weights: FloatArray | None = None, strata: NDArray[np.int64] | None = None
) -> Estimate:
    """Return the weighted mean of ``values`` and its standard error.

    With strata (each history's weight = its stratum's share ÷ its draws), the stratified
    variance Σ_h W_h² s_h² ÷ n_h (Cochran 1977, eq. 5.6; one draw: s_h = 0); without, the
    sample variance ÷ n.
    """
    v = np.asarray(values, dtype=np.float64)
    n = len(v)
    if not n:
        return Estimate(0.0, 0.0, 0)
    w = np.full(n, 1.0 / n) if weights is None else np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    mean = float(w @ v)
    labels = np.zeros(n, dtype=np.int64) if strata is None else np.asarray(strata)
    var = 0.0
    for h in np.unique(labels).tolist():
        x = v[labels == h]
        W = float(w[labels == h].sum())
        if len(x) > 1:
            var += W**2 * float(x.var(ddof=1)) / len(x)
    return Estimate(mean, float(np.sqrt(var)), n)


@dataclass(frozen=True, eq=False)
class OutOfSample:
    """The chosen portfolio's expected loss in sample (surrogate and engine) against the
    engine on fresh histories, with 95 % intervals and a warning when they disagree."""

    in_sample: Solution
    in_engine: EngineLosses
    """The engine on the in-sample histories with the portfolio."""
    out_engine: EngineLosses
    """The engine on fresh histories (plain Monte Carlo, equal weights)."""
    in_strata: NDArray[np.int64] | None = None

    @property
    def in_sample_engine(self) -> Estimate:
        """In-sample expected loss by the engine (stratified estimate)."""
        return estimate(self.in_engine.loss_usd, self.in_engine.weights, self.in_strata)

    @property
    def in_sample_surrogate(self) -> Estimate:
        """In-sample expected loss by the optimiser's surrogate."""
        return estimate(self.in_sample.loss_usd, self.in_sample.weights, self.in_strata)

    @property
    def out_of_sample_engine(self) -> Estimate:
        """Out-of-sample expected loss by the engine."""
        return estimate(self.out_engine.loss_usd)

    @property
    def agree(self) -> bool:
        """Whether the in-sample and out-of-sample engine intervals overlap."""
        return self.in_sample_engine.overlaps(self.out_of_sample_engine)

    def warning(self) -> str | None:
        """Return a one-line warning when in- and out-of-sample disagree (else None)."""
        a, b = self.in_sample_engine, self.out_of_sample_engine
        if self.agree:
            return None
        side = "higher" if b.mean > a.mean else "lower"
        return (
            f"out-of-sample expected loss USD {b.mean / 1e9:,.2f} bn "
            f"(95 % CI {b.low / 1e9:,.2f}–{b.high / 1e9:,.2f}) is {side} than in sample "
            f"USD {a.mean / 1e9:,.2f} bn (95 % CI {a.low / 1e9:,.2f}–{a.high / 1e9:,.2f}); "
            f"the {a.histories} in-sample histories do not represent the risk: "
            "raise --scenarios"
        )

    def records(self) -> list[dict[str, Any]]:
        """Return one row per evaluation (USD), with 95 % intervals."""
        first = self.in_sample.first_stage_cost_usd
        rows = []
        for label, est, lost, w in (
            (
                "in-sample, optimiser's surrogate",
                self.in_sample_surrogate,
                self.in_sample.lost_output_usd,
                self.in_sample.history_weights,
            ),
            (
                "in-sample, engine",
                self.in_sample_engine,
                self.in_engine.lost_output_usd,
                self.in_engine.history_weights,
            ),
            (
                "out-of-sample, engine",
                self.out_of_sample_engine,
                self.out_engine.lost_output_usd,
                self.out_engine.history_weights,
            ),
        ):
            rows.append(
                {
                    "evaluation": label,
                    "histories": est.histories,
                    "first_stage_cost_usd": first,
                    "expected_loss_usd": est.mean,
                    "expected_loss_low_usd": est.low,
                    "expected_loss_high_usd": est.high,
                    "total_cost_usd": first + est.mean,
                    "mean_lost_output_usd": float(w @ lost) if len(lost) else 0.0,
                    "p95_lost_output_usd": weighted_quantile(lost, w, 0.95),
                }
            )
        return rows
