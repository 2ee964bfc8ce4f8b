"""One partnership analysis end to end (pure): draws → MILP with the engine in the loop →
out-of-sample check → frontier → the bill.

:func:`analyse` takes a compiled chain, a partnership and a candidate table and returns a
:class:`PartnershipAnalysis` whose :meth:`~PartnershipAnalysis.tables` are what the CLI
shows and a run stores. Progress goes through an optional callback; nothing here reads or
writes files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reechain.chain import Chain
from reechain.optimize.bill import BillSplit, split_bill
from reechain.optimize.candidates import CandidateKind, CandidateTable
from reechain.optimize.evaluate import (
    EngineLosses,
    Gap,
    OutOfSample,
    Portfolio,
    engine_losses,
)
from reechain.optimize.frontier import FrontierPoint, budget_frontier, cvar, cvar_frontier
from reechain.optimize.histories import Histories, sample_histories
from reechain.optimize.loop import MAX_ITERATIONS, TOLERANCE, Tracked, engine_runner
from reechain.optimize.loop import solve_with_engine as _loop
from reechain.optimize.model import Solution
from reechain.optimize.objective import bill_items
from reechain.optimize.partnership import Objective, Partnership
from reechain.optimize.sampling import POOL_FACTOR, stratified_histories
from reechain.optimize.second_stage import Instance, build_instance, open_candidates
from reechain.optimize.settings import Settings, settings_of

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
    bill: BillSplit | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    tracked: Tracked | None = None

    def warnings(self) -> list[str]:
        """Return what a reader must not miss: a loop that did not converge, in- and
        out-of-sample estimates that disagree, a bill outside the core."""
        out = []
        if self.tracked is not None and not self.tracked.converged:
            out.append(self.tracked.note())
        if self.out_of_sample is not None:
            warning = self.out_of_sample.warning()
            if warning:
                out.append(warning)
        if self.bill is not None and not self.bill.core_nonempty:
            out.append(f"the core of the savings game is empty: {self.bill.rule}")
        return out

    def summary(self) -> list[dict[str, Any]]:
        """Return the headline figures as (quantity, value, unit) rows."""
        s = self.solution
        w = s.history_weights
        rows: list[tuple[str, Any, str]] = [
            ("partnership", self.partnership.name, ""),
            ("members", " ".join(s.members), ""),
            ("status", s.status.value, ""),
            ("histories (in sample)", len(self.histories), ""),
            ("candidates open", len(s.candidates), ""),
            ("candidates chosen", len(s.chosen()), ""),
            ("investment", s.investment_usd, "USD"),
            ("bill (first-stage cost)", s.first_stage_cost_usd, "USD"),
            ("expected loss (surrogate)", s.expected_loss_usd, "USD"),
            ("total cost (surrogate)", s.total_cost_usd, "USD"),
            (
                f"CVaR{self.settings.cvar_level:.0%} of loss",
                cvar(s.loss_usd, self.settings.cvar_level, w),
                "USD",
            ),
            ("P95 lost output (linear engine)", s.p95_lost_output_usd(), "USD"),
            ("MIP gap", s.mip_gap, ""),
            ("solved as", s.method, ""),
            ("master solves (decomposition)", s.iterations, ""),
            ("build time", s.build_seconds, "s"),
            ("solve time", s.solve_seconds, "s"),
            ("variables", s.n_variables, ""),
            ("constraints", s.n_constraints, ""),
        ]
        if self.tracked is not None:
            t = self.tracked
            rows += [
                ("engine-loop iterations", len(t.steps), ""),
                ("engine loop converged", t.converged, ""),
                ("surrogate vs engine gap (in sample)", t.relative_gap, ""),
                ("expected loss (engine, in sample)", t.engine.expected_loss_usd, "USD"),
                (
                    "total cost (engine, in sample)",
                    s.first_stage_cost_usd + t.engine.expected_loss_usd,
                    "USD",
                ),
            ]
        if self.out_of_sample is not None:
            o = self.out_of_sample.out_of_sample_engine
            rows += [
                ("expected loss (engine, out of sample)", o.mean, "USD"),
                ("expected loss (engine, out of sample) 95% low", o.low, "USD"),
                ("expected loss (engine, out of sample) 95% high", o.high, "USD"),
                ("in and out of sample agree", self.out_of_sample.agree, ""),
            ]
        for text in self.warnings():
            rows.append(("warning", text, ""))
        return [{"quantity": q, "value": v, "unit": u} for q, v, u in rows]

    def portfolio(self) -> list[dict[str, Any]]:
        """Return one row per open candidate: chosen or not, size, and what it costs."""
        s, inst = self.solution, self.instance
        size = dict(zip(s.stock_names, s.stock_size_t, strict=True))
        capex, purchase, running = bill_items(inst, self.settings, s.build, s.stock_size_t)
        out = []
        for j, (c, b) in enumerate(zip(inst.candidates, s.build, strict=True)):
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
                    "capex_discounted_usd": float(capex[j]),
                    "purchase_usd": float(purchase[j]),
                    "running_usd": float(running[j]),
                    "bill_usd": float(capex[j] + purchase[j] + running[j]),
                    "first_year": c.first_year,
                    "chance_of_success": c.chance_of_success,
                    "confidence": c.confidence,
                }
            )
        return out

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Return every result table (records; units in column names)."""
        out = {"summary": self.summary(), "portfolio": self.portfolio()}
        if self.tracked is not None:
            out["engine_loop"] = [step.record() for step in self.tracked.steps]
        if self.out_of_sample is not None:
            out["out_of_sample"] = self.out_of_sample.records()
        out["warnings"] = [{"warning": text} for text in self.warnings()]
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
        if self.bill is not None:
            out["bill"] = self.bill.records()
        return out


def draw(
    chain: Chain,
    partnership: Partnership,
    scenarios: int,
    out_of_sample: int,
    *,
    pool_factor: int = POOL_FACTOR,
) -> tuple[Histories, Histories]:
    """Return in-sample (stratified, weighted) and out-of-sample histories of one root.

    In sample: ``scenarios`` chosen from histories 0 … M − 1 (M = pool_factor × scenarios);
    out of sample: M … M + n − 1, so no stream is shared with any history that could have
    been chosen.
    """
    months = partnership.horizon_years * 12
    root, members = partnership.seed, partnership.members
    inside = stratified_histories(
        chain, root, scenarios, months, members, pool_factor=pool_factor, prefix="in"
    )
    start = inside.pool_size or scenarios
    fresh = sample_histories(chain, root, start, out_of_sample, months, members, prefix="fresh")
    return inside, fresh


@dataclass(frozen=True)
class LoopOptions:
    """How the engine loop runs (see :mod:`reechain.optimize.loop`)."""

    tolerance: float = TOLERANCE
    max_iterations: int = MAX_ITERATIONS


def track(
    chain: Chain,
    partnership: Partnership,
    table: CandidateTable,
    histories: Histories,
    settings: Settings,
    members: tuple[str, ...],
    options: LoopOptions = LoopOptions(),
) -> tuple[Instance, Tracked]:
    """Return the instance of ``members`` and its portfolio with the engine in the loop."""
    inst = build_instance(
        chain,
        members,
        table,
        histories,
        horizon_years=partnership.horizon_years,
        steps_per_year=partnership.steps_per_year,
    )
    cands = open_candidates(chain, table, members)
    run = engine_runner(chain, histories, cands, settings, horizon_years=partnership.horizon_years)
    return inst, _loop(
        inst, settings, run, tolerance=options.tolerance, max_iterations=options.max_iterations
    )


def coalition_cost(
    chain: Chain,
    partnership: Partnership,
    table: CandidateTable,
    histories: Histories,
    settings: Settings,
    options: LoopOptions = LoopOptions(),
) -> Callable[[tuple[str, ...]], float]:
    """Return c(T): a coalition's own bill plus the engine's expected loss in its regions at
    its own optimum (engine in the loop), USD.

    A coalition keeps the constraints that concern its own regions (days of cover of its
    holders) and drops the budget (each coalition spends what it finds worth spending).
    """

    def cost(members: tuple[str, ...]) -> float:
        pool = np.zeros(len(chain.regions), dtype=bool)
        for name in members:
            pool |= chain.region_mask(name)
        covers = tuple(c for c in settings.days_of_cover if pool[chain.region_index(c.holder)])
        local = settings.with_(
            budget_usd=None,
            days_of_cover=covers,
            max_share=None,
            objective=Objective.EXPECTED,
            cvar_limit_usd=None,
        )
        _, tracked = track(chain, partnership, table, histories, local, members, options)
        return tracked.solution.first_stage_cost_usd + tracked.engine.expected_loss_usd

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
    options: LoopOptions = LoopOptions(),
    side_payments: bool = False,
    pool_factor: int = POOL_FACTOR,
    client: Any = None,
    progress: Progress | None = None,
) -> PartnershipAnalysis:
    """Return the partnership's optimal portfolio with its checks, frontier and bill.

    Parameters
    ----------
    scenarios, out_of_sample
        Number of in-sample and fresh histories (default: the partnership file's).
    budget_usd
        Replaces the file's budget.
    frontier
        Sweep the budget (or, with a CVaR objective, the CVaR limit) on the fitted surrogate.
    shapley
        Split the bill between members (2^n − 1 coalition solves, each with the engine loop).
    gap_histories
        In-sample histories listed in the ``gap`` table, linear against engine (0: none).
    options
        Tolerance and iteration cap of the engine loop.
    side_payments
        Allow a partner's bill to be negative (it is paid by the others).
    pool_factor
        Pool histories drawn per in-sample history for the stratification (1: none).
    client
        A Dask client for the out-of-sample engine runs (None: here).
    """

    def tick(x: float) -> None:
        if progress:
            progress(min(1.0, x))

    n_in = partnership.scenarios if scenarios is None else scenarios
    n_out = partnership.out_of_sample if out_of_sample is None else out_of_sample
    settings = settings_of(partnership)
    if budget_usd is not None:
        settings = settings.with_(budget_usd=budget_usd)
    inside, fresh = draw(chain, partnership, n_in, n_out, pool_factor=pool_factor)
    tick(0.05)
    members = partnership.members
    inst, tracked = track(chain, partnership, table, inside, settings, members, options)
    solution = tracked.solution
    tick(0.4)
    cands = open_candidates(chain, table, members)
    horizon = partnership.horizon_years
    gap = None
    if gap_histories > 0:
        n = min(gap_histories, len(inside))
        gap = Gap(
            tracked.engine.histories[:n],
            solution.lost_output_usd[:n].copy(),
            tracked.engine.lost_output_usd[:n].copy(),
            tracked.engine.rationed_output_usd[:n].copy(),
        )
    oos = None
    if n_out > 0:
        fresh_engine = engine_losses(
            chain, fresh, cands, solution, settings, horizon_years=horizon, client=client
        )
        oos = OutOfSample(solution, tracked.engine, fresh_engine, inside.strata)
    tick(0.55)
    points: tuple[FrontierPoint, ...] = ()
    if frontier:
        sweep = cvar_frontier if settings.objective is Objective.CVAR else budget_frontier
        points = tuple(sweep(inst, tracked.settings))
    tick(0.7)
    bill = None
    if shapley and len(members) > 1:
        nothing = _nothing(chain, inside, cands, members, settings, horizon)
        grand = solution.first_stage_cost_usd + tracked.engine.expected_loss_usd
        others = coalition_cost(chain, partnership, table, inside, settings, options)

        def cost(t: tuple[str, ...]) -> float:
            return grand if t == members else others(t)

        bill = split_bill(
            members,
            cost,
            bill_usd=solution.first_stage_cost_usd,
            loss_usd=tuple(tracked.engine.expected_loss_by_member_usd().tolist()),
            nothing_loss_usd=tuple(nothing.expected_loss_by_member_usd().tolist()),
            side_payments=side_payments,
        )
    tick(1.0)
    notes = (
        f"linear engine at {partnership.steps_per_year} step(s) a year, fitted to the engine "
        f"in the loop ({tracked.note()}); {len(inside)} in-sample histories stratified by "
        f"severity from {inside.pool_size or len(inside)}, {len(fresh)} out-of-sample",
    )
    return PartnershipAnalysis(
        partnership,
        tracked.settings,
        inst,
        solution,
        inside,
        gap,
        oos,
        points,
        bill,
        notes,
        tracked,
    )


def _nothing(
    chain: Chain,
    histories: Histories,
    cands: Any,
    members: tuple[str, ...],
    settings: Settings,
    horizon_years: int,
) -> EngineLosses:
    """The engine's losses with nothing bought (members' dataset stocks still released)."""
    return engine_losses(
        chain,
        histories,
        cands,
        Portfolio(members, {}, {}),
        settings,
        horizon_years=horizon_years,
    )
