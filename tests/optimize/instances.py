"""Hand-made instances of the partnership MILP, small enough to solve on paper."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from reechain.optimize.candidates import parse_candidates
from reechain.optimize.second_stage import Instance

HEADER = (
    "candidate,kind,title,place,destination,stage,recipe,outputs,sector,capacity_per_year,"
    "max_size_t,reduction,feed,capex_usd,capex_usd_per_t,opex_usd_per_year,"
    "holding_usd_per_t_year,max_release_t_per_month,lead_time_years,earliest_start,"
    "chance_of_success,owner,partner,source,source_year,url,note,confidence\n"
)
PROV = "test,2026,none,,low"


def plant_row(name: str, capex: float, capacity: float, partner: str = "A") -> str:
    """A recycling-like supply of ``capacity`` t/yr of ``m`` (as an offtake row)."""
    return (
        f"{name},offtake,{name},{partner},{partner},magnet,,m={capacity},,,,,own,{capex},,0,,,"
        f"0,2025,1,owner,{partner},{PROV}\n"
    )


def stock_row(name: str, max_t: float, price: float, partner: str = "A") -> str:
    """A stockpile of ``m`` of at most ``max_t`` t at ``price`` USD/t, no holding cost."""
    return (
        f"{name},stockpile,{name},{partner},,magnet,,m,,,{max_t},,,0,{price},0,0,{max_t},0,"
        f"2025,1,owner,{partner},{PROV}\n"
    )


def tiny_instance(
    imports: Sequence[float],
    *,
    requirement: float = 10.0,
    value: float = 100.0,
    rows: str = "",
    members: tuple[str, ...] = ("A",),
    supply_by_member: dict[str, float] | None = None,
) -> Instance:
    """One commodity ``m`` (1 t per unit of one end use worth ``value``), one step a year.

    History s may import ``imports[s]`` t; the end use needs ``requirement`` units.
    Candidate supply rows deliver their capacity in every history.
    """
    table = parse_candidates(HEADER + rows, "tiny.csv")
    cands = tuple(c for c in table.rows if c.partner in members)
    S, T, C = len(imports), 1, 1
    J = len(cands)
    supply = np.zeros((S, T, J, C))
    stores = [j for j, c in enumerate(cands) if c.kind.value == "stockpile"]
    for j, c in enumerate(cands):
        if c.kind.value != "stockpile":
            supply[:, :, j, 0] = c.output_quantities()["m"]
    K = len(stores)
    extra = np.zeros((S, T, C))
    for name, qty in (supply_by_member or {}).items():
        if name in members:
            extra[:, :, 0] += qty
    return Instance(
        members=members,
        pool=np.ones(1, dtype=bool),
        regions=("A",),
        commodities=("m",),
        stages=("magnet",),
        commodity_stage=np.zeros(1, dtype=np.int64),
        start_year=2025,
        steps_per_year=1,
        histories=tuple(f"h{s}" for s in range(S)),
        candidates=cands,
        process_names=(),
        process_candidate=np.zeros(0, dtype=np.int64),
        process_stage=np.zeros(0, dtype=np.int64),
        process_inputs=np.zeros((0, C)),
        process_outputs=np.zeros((0, C)),
        process_capacity=np.zeros((S, T, 0)),
        imports=np.array(imports, dtype=float).reshape(S, T, C),
        baseline_imports_by_exporter=np.zeros((C, 1)),
        extra_supply=extra,
        candidate_supply=supply,
        use_sector=np.zeros(1, dtype=np.int64),
        use_region=np.zeros(1, dtype=np.int64),
        use_names=("use:A",),
        requirement=np.full((S, T, 1), requirement),
        intensity=np.ones((1, C)),
        value_usd_per_unit=np.array([value]),
        store_names=tuple(cands[j].candidate for j in stores),
        store_holder=np.zeros(K, dtype=np.int64),
        store_commodity=np.zeros(K, dtype=np.int64),
        store_candidate=np.array(stores, dtype=np.int64),
        store_existing_t=np.zeros(K),
        store_max_size_t=np.array([cands[j].max_size_t or 0.0 for j in stores]),
        store_max_release=np.array([[cands[j].max_size_t or 0.0 for j in stores]]).reshape(T, K),
        baseline_use_per_year=np.array([[requirement]]),
        pool_capacity_per_year=np.zeros(C),
        candidate_capacity_per_year=supply[0, 0],
        candidate_place=np.zeros(J, dtype=np.int64),
    )
