"""The partnership optimiser: which stockpiles and allied projects, and who pays.

A two-stage stochastic mixed-integer programme (linopy + HiGHS). The first stage chooses
candidate interventions (:mod:`~reechain.optimize.candidates`) and stockpile sizes for a
partnership (:mod:`~reechain.optimize.partnership`); the second stage, for each sampled
disruption history (:mod:`~reechain.optimize.histories`), runs the linear engine
(:mod:`~reechain.optimize.second_stage`): flows, stock use and lost supply. The model is
built from ``define_*`` families (:mod:`~reechain.optimize.variables`,
:mod:`~reechain.optimize.constraints`, :mod:`~reechain.optimize.objective`) and solved and
read back in :mod:`~reechain.optimize.model`. The chosen portfolio is checked by the engine
(:mod:`~reechain.optimize.evaluate`), swept into a cost–resilience frontier
(:mod:`~reechain.optimize.frontier`) and its cost shared by the Shapley value
(:mod:`~reechain.optimize.shapley`). :func:`analyse` does it all.

Examples
--------
>>> from reechain.optimize import shapley_shares
>>> shapley_shares(("A", "B"), lambda t: float(len(t))).share_usd
(1.0, 1.0)
"""

from reechain.optimize.analysis import PartnershipAnalysis, analyse, coalition_cost, draw
from reechain.optimize.candidates import (
    Candidate,
    CandidateKind,
    CandidateTable,
    bundled_candidates,
    parse_candidates,
    read_candidates,
)
from reechain.optimize.evaluate import Gap, OutOfSample, engine_losses, shortfall_gap
from reechain.optimize.frontier import FrontierPoint, budget_frontier, cvar, cvar_frontier
from reechain.optimize.histories import Histories, sample_histories, split_seeds
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
from reechain.optimize.second_stage import Instance, build_instance
from reechain.optimize.settings import Settings, settings_of
from reechain.optimize.shapley import MAX_EXACT_PLAYERS, CostShares, shapley_shares

__all__ = [
    "MAX_EXACT_PLAYERS",
    "Candidate",
    "CandidateKind",
    "CandidateTable",
    "CostShares",
    "FrontierPoint",
    "Gap",
    "Histories",
    "Instance",
    "Objective",
    "OutOfSample",
    "Partnership",
    "PartnershipAnalysis",
    "Settings",
    "Solution",
    "SolveStatus",
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
    "load_partnership",
    "parse_candidates",
    "parse_partnership",
    "portfolio_to_policies",
    "read_candidates",
    "read_solution",
    "sample_histories",
    "settings_of",
    "shapley_shares",
    "shortfall_gap",
    "solve",
    "solve_model",
    "split_seeds",
]
