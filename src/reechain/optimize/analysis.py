"""One partnership analysis end to end (pure): draws → MILP → engine checks → frontier → shares.

:func:`analyse` takes a compiled chain, a partnership and a candidate table and returns a
:class:`PartnershipAnalysis` whose :meth:`~PartnershipAnalysis.tables` are what the CLI
shows and a run stores. Progress goes through an optional callback; nothing here reads or
writes files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reechain.chain import Chain
from reechain.optimize.candidates import CandidateKind, CandidateTable
from reechain.optimize.evaluate import Gap, OutOfSample, engine_losses, shortfall_gap
from reechain.optimize.frontier import FrontierPoint, budget_frontier, cvar, cvar_frontier
from reechain.optimize.histories import Histories, sample_histories
from reechain.optimize.model import Solution, solve
from reechain.optimize.partnership import Objective, Partnership
from reechain.optimize.second_stage import Instance, build_instance, open_candidates
from reechain.optimize.settings import Settings, settings_of
from reechain.optimize.shapley import CostShares, shapley_shares

Progress = Callable[[float], None]


@dataclass(frozen=True, eq=False)
class PartnershipAnalysis:
    """Everything one ``reechain optimize`` produces."""

    partnership: Partnership
    settings: Settings
    instance: Instance
    solution: Solution
    histories: Histories
    gap: Gap | None = None
    out_of_sample: OutOfSample | None = None
    frontier: tuple[FrontierPoint, ...] = ()
    shares: CostShares | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> list[dict[str, Any]]:
        """Return the headline figures as (quantity, value, unit) rows."""
        s = self.solution
        rows: list[tuple[str, Any, str]] = [
            ("partnership", self.partnership.name, ""),
            ("members", " ".join(s.members), ""),
            ("status", s.status.value, ""),
            ("histories (in sample)", len(self.histories), ""),
            ("candidates open", len(s.candidates), ""),
            ("candidates chosen", len(s.chosen()), ""),
            ("investment", s.investment_usd, "USD"),
            ("first-stage cost", s.first_stage_cost_usd, "USD"),
            ("expected loss", s.expected_loss_usd, "USD"),
            ("total cost", s.total_cost_usd, "USD"),
            (
                f"CVaR{self.settings.cvar_level:.0%} of loss",
                cvar(s.loss_usd, self.settings.cvar_level),
                "USD",
            ),
            ("P95 lost output", s.p95_lost_output_usd(), "USD"),
            ("MIP gap", s.mip_gap, ""),
            ("build time", s.build_seconds, "s"),
            ("solve time", s.solve_seconds, "s"),
            ("variables", s.n_variables, ""),
            ("constraints", s.n_constraints, ""),
        ]
        if self.gap is not None:
            for key, value in self.gap.summary().items():
                rows.append((f"gap: {key}", value, ""))
        return [{"quantity": q, "value": v, "unit": u} for q, v, u in rows]

    def portfolio(self) -> list[dict[str, Any]]:
        """Return one row per open candidate: chosen or not, size, cost."""
        s, inst = self.solution, self.instance
        size = dict(zip(s.stock_names, s.stock_size_t, strict=True))
        out = []
        for c, b in zip(inst.candidates, s.build, strict=True):
            out.append(
                {
                    "candidate": c.candidate,
                    "kind": c.kind.value,
                    "place": c.place,
                    "stage": c.stage,
                    "partner": c.partner,
                    "chosen": bool(b > 0.5),
                    "size_t": float(size.get(c.candidate, 0.0))
                    if c.kind is CandidateKind.STOCKPILE
                    else None,
                    "capex_usd": c.capex_usd,
                    "first_year": c.first_year,
                    "chance_of_success": c.chance_of_success,
                    "confidence": c.confidence,
                }
            )
        return out

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Return every result table (records; units in column names)."""
        out = {"summary": self.summary(), "portfolio": self.portfolio()}
        if self.out_of_sample is not None:
            out["out_of_sample"] = self.out_of_sample.records()
        if self.gap is not None:
            out["gap"] = [
                {
                    "history": h,
                    "linear_lost_output_usd": float(a),
                    "engine_lost_output_usd": float(b),
                    "engine_rationed_output_usd": float(c),
                }
                for h, a, b, c in zip(
                    self.gap.histories,
                    self.gap.linear_lost_output_usd,
                    self.gap.engine_lost_output_usd,
                    self.gap.engine_rationed_output_usd,
                    strict=True,
                )
            ]
        if self.frontier:
            out["frontier"] = [p.record() for p in self.frontier]
        if self.shares is not None:
            out["shares"] = self.shares.records()
        return out


def draw(
    chain: Chain, partnership: Partnership, scenarios: int, out_of_sample: int
) -> tuple[Histories, Histories]:
    """Return in-sample and out-of-sample histories from disjoint seeds of one root.

    In sample: histories 0 … S − 1 of the partnership's root seed; out of sample: S … S +
    n − 1 (the index ranges of ``SeedSequence(root).spawn``), so no stream is shared.
    """
    months = partnership.horizon_years * 12
    root, members = partnership.seed, partnership.members
    inside = sample_histories(chain, root, 0, scenarios, months, members, prefix="in")
    fresh = sample_histories(chain, root, scenarios, out_of_sample, months, members, prefix="fresh")
    return inside, fresh


def coalition_cost(
    chain: Chain,
    partnership: Partnership,
    table: CandidateTable,
    histories: Histories,
    settings: Settings,
) -> Callable[[tuple[str, ...]], float]:
    """Return c(T): a coalition's optimal first-stage cost plus expected loss (USD).

    A coalition keeps the constraints that concern its own regions (days of cover of its
    holders) and drops the budget (each coalition spends what it finds worth spending).
    """

    def cost(members: tuple[str, ...]) -> float:
        inst = build_instance(
            chain,
            members,
            table,
            histories,
            horizon_years=partnership.horizon_years,
            steps_per_year=partnership.steps_per_year,
        )
        covers = tuple(c for c in settings.days_of_cover if inst.pool[chain.region_index(c.holder)])
        local = settings.with_(
            budget_usd=None,
            days_of_cover=covers,
            max_share=None,
            objective=Objective.EXPECTED,
            cvar_limit_usd=None,
        )
        return solve(inst, local).total_cost_usd

    return cost


def analyse(
    chain: Chain,
    partnership: Partnership,
    table: CandidateTable,
    *,
    scenarios: int | None = None,
    out_of_sample: int | None = None,
    budget_usd: float | None = None,
    frontier: bool = False,
    shapley: bool = False,
    gap_histories: int = 10,
    progress: Progress | None = None,
) -> PartnershipAnalysis:
    """Return the partnership's optimal portfolio with its checks, frontier and shares.

    Parameters
    ----------
    scenarios, out_of_sample
        Number of in-sample and fresh histories (default: the partnership file's).
    budget_usd
        Replaces the file's budget.
    frontier
        Sweep the budget (or, with a CVaR objective, the CVaR limit).
    shapley
        Share the cost between members by the Shapley value (2^n − 1 solves).
    gap_histories
        In-sample histories the engine re-runs to measure the linear engine's gap (0: skip).
    """

    def tick(x: float) -> None:
        if progress:
            progress(min(1.0, x))

    n_in = partnership.scenarios if scenarios is None else scenarios
    n_out = partnership.out_of_sample if out_of_sample is None else out_of_sample
    settings = settings_of(partnership)
    if budget_usd is not None:
        settings = settings.with_(budget_usd=budget_usd)
    inside, fresh = draw(chain, partnership, n_in, n_out)
    tick(0.05)
    inst = build_instance(
        chain,
        partnership.members,
        table,
        inside,
        horizon_years=partnership.horizon_years,
        steps_per_year=partnership.steps_per_year,
    )
    tick(0.1)
    solution = solve(inst, settings)
    tick(0.3)
    cands = open_candidates(chain, table, partnership.members)
    gap = None
    if gap_histories > 0:
        gap = shortfall_gap(
            chain,
            inside,
            cands,
            solution,
            settings,
            horizon_years=partnership.horizon_years,
            limit=gap_histories,
        )
    tick(0.5)
    oos = None
    if n_out > 0:
        fresh_inst = build_instance(
            chain,
            partnership.members,
            table,
            fresh,
            horizon_years=partnership.horizon_years,
            steps_per_year=partnership.steps_per_year,
        )
        build, size = solution.fixed()
        fixed = settings.with_(
            fixed_build=build, fixed_size_t=size, skip=frozenset({"budget", "cvar"})
        )
        oos = OutOfSample(
            solution,
            solve(fresh_inst, fixed),
            engine_losses(
                chain, fresh, cands, solution, settings, horizon_years=partnership.horizon_years
            ),
        )
    tick(0.7)
    points: tuple[FrontierPoint, ...] = ()
    if frontier:
        sweep = cvar_frontier if settings.objective is Objective.CVAR else budget_frontier
        points = tuple(sweep(inst, settings))
    tick(0.85)
    shares = None
    if shapley and len(partnership.members) > 1:
        shares = shapley_shares(
            partnership.members, coalition_cost(chain, partnership, table, inside, settings)
        )
    tick(1.0)
    notes = (
        f"linear engine at {partnership.steps_per_year} step(s) a year; "
        f"{len(inside)} in-sample and {len(fresh)} out-of-sample histories",
    )
    return PartnershipAnalysis(
        partnership, settings, inst, solution, inside, gap, oos, points, shares, notes
    )
