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
from reechain.optimize.model import Solution, portfolio_to_policies
from reechain.optimize.second_stage import pool_mask
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


def portfolio_scenarios(
    chain: Chain,
    histories: Histories,
    candidates: Sequence[Candidate],
    solution: Solution,
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


def engine_losses(
    chain: Chain,
    histories: Histories,
    candidates: Sequence[Candidate],
    solution: Solution,
    settings: Settings,
    *,
    horizon_years: int,
) -> EngineLosses:
    """Return the engine's losses on ``histories`` with ``solution``'s portfolio in place.

    Runs the vectorized engine (``reechain.engine.run_batch``) when available, else the
    reference engine history by history; both measure against one baseline run.
    """
    months = horizon_years * 12
    pool = pool_mask(chain, solution.members)
    scenarios = portfolio_scenarios(chain, histories, candidates, solution, months)
    value_lost, rationed = _engine_run(chain, scenarios, months)
    monthly = value_lost[:, :, pool].sum(axis=2)  # (S, T)
    disc = (1 + settings.discount_rate) ** -(np.arange(months) / 12)
    return EngineLosses(
        tuple(s.name for s in scenarios),
        monthly.sum(axis=1),
        rationed[:, pool].sum(axis=1),
        settings.value_of_lost_output_share * (monthly * disc[None, :]).sum(axis=1),
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
    subset = Histories(histories.scenarios[:n], histories.seeds[:n])
    engine = engine_losses(
        chain, subset, candidates, solution, settings, horizon_years=horizon_years
    )
    return Gap(
        engine.histories,
        solution.lost_output_usd[:n].copy(),
        engine.lost_output_usd,
        engine.rationed_output_usd,
    )


@dataclass(frozen=True, eq=False)
class OutOfSample:
    """In-sample against out-of-sample cost and lost output of one portfolio."""

    in_sample: Solution
    out_linear: Solution
    """The fixed portfolio's second stage re-solved on fresh draws."""
    out_engine: EngineLosses

    def records(self) -> list[dict[str, Any]]:
        """Return one row per evaluation (USD)."""
        first = self.in_sample.first_stage_cost_usd
        rows = []
        for label, loss, lost in (
            ("in-sample, linear engine", self.in_sample.loss_usd, self.in_sample.lost_output_usd),
            (
                "out-of-sample, linear engine",
                self.out_linear.loss_usd,
                self.out_linear.lost_output_usd,
            ),
            ("out-of-sample, engine", self.out_engine.loss_usd, self.out_engine.lost_output_usd),
        ):
            rows.append(
                {
                    "evaluation": label,
                    "histories": len(loss),
                    "first_stage_cost_usd": first,
                    "expected_loss_usd": float(loss.mean()) if len(loss) else 0.0,
                    "total_cost_usd": first + (float(loss.mean()) if len(loss) else 0.0),
                    "mean_lost_output_usd": float(lost.mean()) if len(lost) else 0.0,
                    "p95_lost_output_usd": float(np.percentile(lost, 95)) if len(lost) else 0.0,
                }
            )
        return rows
