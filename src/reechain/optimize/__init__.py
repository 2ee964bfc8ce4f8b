"""The partnership optimiser: which stockpiles and allied projects, and who pays.

A two-stage stochastic mixed-integer programme (linopy + HiGHS). The first stage chooses
candidate interventions (:mod:`~reechain.optimize.candidates`) and stockpile sizes for a
partnership (:mod:`~reechain.optimize.partnership`); the second stage, for each sampled
disruption history (:mod:`~reechain.optimize.histories`), runs the linear engine
(:mod:`~reechain.optimize.second_stage`): flows, stock use and lost supply. The model is
built from ``define_*`` families (:mod:`~reechain.optimize.variables`,
:mod:`~reechain.optimize.constraints`, :mod:`~reechain.optimize.objective`) and solved and
read back in :mod:`~reechain.optimize.model`. In-sample histories are stratified by
severity and weighted (:mod:`~reechain.optimize.sampling`); the second stage is refitted
to the engine until the two agree (:mod:`~reechain.optimize.loop`); the chosen portfolio
is checked by the engine out of sample with intervals (:mod:`~reechain.optimize.evaluate`),
swept into a cost–resilience frontier (:mod:`~reechain.optimize.frontier`) and its bill
split by the Shapley value of the savings game, kept in the core
(:mod:`~reechain.optimize.bill`, :mod:`~reechain.optimize.shapley`). :func:`analyse` does
it all.

Examples
--------
>>> from reechain.optimize import shapley_shares
>>> shapley_shares(("A", "B"), lambda t: float(len(t))).share_usd
(1.0, 1.0)
"""

from reechain.optimize.analysis import (
    LoopOptions,
    PartnershipAnalysis,
    analyse,
    coalition_cost,
    draw,
)
from reechain.optimize.bill import BillSplit, split_bill
from reechain.optimize.candidates import (
    Candidate,
    CandidateKind,
    CandidateTable,
    bundled_candidates,
    parse_candidates,
    read_candidates,
)
from reechain.optimize.evaluate import (
    Estimate,
    Gap,
    OutOfSample,
    Portfolio,
    engine_losses,
    estimate,
    shortfall_gap,
)
from reechain.optimize.frontier import FrontierPoint, budget_frontier, cvar, cvar_frontier
from reechain.optimize.histories import Histories, sample_histories, split_seeds
from reechain.optimize.loop import LoopStep, Tracked, fit_surrogate, solve_with_engine
from reechain.optimize.model import (
    Solution,
    SolveStatus,
    build_model,
    portfolio_to_policies,
    read_solution,
    solve,
    solve_model,
)
from reechain.optimize.partnership import (
    Objective,
    Partnership,
    bundled_partnerships,
    load_partnership,
    parse_partnership,
)
from reechain.optimize.sampling import severity_score, stratified_histories
from reechain.optimize.second_stage import Instance, build_instance
from reechain.optimize.settings import Settings, settings_of
from reechain.optimize.shapley import MAX_EXACT_PLAYERS, CostShares, shapley_shares

__all__ = [
    "MAX_EXACT_PLAYERS",
    "BillSplit",
    "Candidate",
    "CandidateKind",
    "CandidateTable",
    "CostShares",
    "Estimate",
    "FrontierPoint",
    "Gap",
    "Histories",
    "Instance",
    "LoopOptions",
    "LoopStep",
    "Objective",
    "OutOfSample",
    "Partnership",
    "PartnershipAnalysis",
    "Portfolio",
    "Settings",
    "Solution",
    "SolveStatus",
    "Tracked",
    "analyse",
    "budget_frontier",
    "build_instance",
    "build_model",
    "bundled_candidates",
    "bundled_partnerships",
    "coalition_cost",
    "cvar",
    "cvar_frontier",
    "draw",
    "engine_losses",
    "estimate",
    "fit_surrogate",
    "load_partnership",
    "parse_candidates",
    "parse_partnership",
    "portfolio_to_policies",
    "read_candidates",
    "read_solution",
    "sample_histories",
    "settings_of",
    "severity_score",
    "shapley_shares",
    "shortfall_gap",
    "solve",
    "solve_model",
    "solve_with_engine",
    "split_bill",
    "split_seeds",
    "stratified_histories",
]
