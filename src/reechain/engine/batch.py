"""A batch of prepared scenarios stacked on a leading scenario axis, for the batch engine.

Shared data preparation only: each scenario is prepared by
:func:`reechain.engine.prepare.prepare` exactly as for the reference engine, then stacked
into the typed groups of :mod:`reechain.engine.groups`, which the kernel takes as they
are. Nothing of the monthly step is here.

Axes: ``B`` scenarios (leading), ``T`` months, ``R`` regions, ``C`` commodities, ``S``
sectors, ``P`` processes, ``Q`` strategic stockpiles, ``F`` price floors. Scenarios may
differ in their number of processes (``new_capacity``), stockpiles and price floors; the
batch pads each to the largest with inert entries (zero capacity and recipe, stage −1; an
empty stockpile that never triggers nor refills; a floor never active), which change
nothing in the step. ``process_count``, ``stockpile_count`` and ``floor_count`` say how
many entries are a scenario's own.

The large per-month arrays (sourcing shares and link caps ``(T, C, R, R)``, intensities
``(T, R, S, C)``, end-use requirement ``(T, S, R)`` and extra supply ``(T, R, C)``) change
in few months of a scenario, so they are held as :class:`~reechain.engine.groups.MonthTables`:
the distinct month slices of the whole batch, and an index ``(B, T)`` into them. This
keeps a batch of thousands of scenarios in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.engine.groups import (
    MARKET_FIELDS,
    TABLES,
    TRIGGER_NEVER,
    Allocation,
    BoolArray,
    ChainArrays,
    FloatArray,
    Floors,
    IntArray,
    MonthTables,
    Processes,
    Stockpiles,
)
from reechain.engine.prepare import Prepared, prepare
from reechain.errors import ConsistencyError
from reechain.scenario.models import Scenario

G = TypeVar("G", Processes, Stockpiles, Floors, Allocation)


@dataclass(frozen=True, eq=False)
class PreparedBatch:
    """Prepared scenarios stacked on a leading axis B (axes in the module docstring), as
    the typed groups the kernel takes."""

    regions: tuple[str, ...]
    commodities: tuple[str, ...]
    sectors: tuple[str, ...]
    months: int
    """T, the horizon."""
    chain: ChainArrays
    """The chain's arrays, one copy."""
    tables: MonthTables
    """Per-month arrays, distinct slices and (B, T) indices."""
    processes: Processes
    stockpiles: Stockpiles
    floors: Floors
    allocation: Allocation
    process_count: IntArray
    """(B,) processes of each scenario (the rest is padding)."""
    stockpile_count: IntArray
    """(B,)"""
    floor_count: IntArray
    """(B,)"""
    process_names: tuple[tuple[str, ...], ...]
    """Process names of each scenario."""

    @property
    def size(self) -> int:
        """B, the number of scenarios."""
        return len(self.process_count)

    def take(self, rows: slice) -> PreparedBatch:
        """Return the batch of scenarios ``rows`` (a chunk; month slices shared)."""

        def cut(group: G) -> G:
            return group._replace(
                **{name: np.ascontiguousarray(getattr(group, name)[rows]) for name in group._fields}
            )

        at = {f"{name}_at": getattr(self.tables, f"{name}_at")[rows] for name in TABLES}
        tables = self.tables._replace(**{k: np.ascontiguousarray(v) for k, v in at.items()})
        return PreparedBatch(
            regions=self.regions,
            commodities=self.commodities,
            sectors=self.sectors,
            months=self.months,
            chain=self.chain,
            tables=tables,
            processes=cut(self.processes),
            stockpiles=cut(self.stockpiles),
            floors=cut(self.floors),
            allocation=cut(self.allocation),
            process_count=self.process_count[rows],
            stockpile_count=self.stockpile_count[rows],
            floor_count=self.floor_count[rows],
            process_names=self.process_names[rows],
        )


class _TableBuilder:
    """Collects month slices, keeping one copy of each distinct slice (exact equality)."""

    def __init__(self) -> None:
        self.slices: list[FloatArray] = []
        self.known: dict[bytes, int] = {}

    def add(self, arr: FloatArray) -> IntArray:
        """Return the (T,) indices of ``arr``'s month slices, adding the new ones."""
        T = arr.shape[0]
        index = np.zeros(T, dtype=np.int64)
        if T and arr.strides[0] == 0:  # one slice in every month (a broadcast view)
            return index + self._slice(arr[0])
        flat = arr.reshape(T, -1)
        same_as_last = np.zeros(T, dtype=bool)
        if T > 1:
            same_as_last[1:] = (flat[1:] == flat[:-1]).all(axis=1)
        for t in range(T):
            if same_as_last[t]:
                index[t] = index[t - 1]
                continue
            index[t] = self._slice(arr[t])
        return index

    def add_distinct(self, slices: FloatArray, index: IntArray) -> IntArray:
        """Return the (T,) indices of months given as distinct ``slices`` and ``index``."""
        found = np.array([self._slice(one) for one in slices], dtype=np.int64)
        out: IntArray = found[index]
        return out

    def _slice(self, one: FloatArray) -> int:
        """Return the index of slice ``one``, adding it when it is new."""
        key = one.tobytes()
        found = self.known.get(key)
        if found is None:
            found = len(self.slices)
            self.known[key] = found
            self.slices.append(np.array(one))
        return found

    def values(self) -> FloatArray:
        """(U, ...) the distinct slices."""
        return np.ascontiguousarray(np.stack(self.slices), dtype=np.float64)


def _float(value: Any) -> FloatArray:
    return np.ascontiguousarray(value, dtype=np.float64)


def _int(value: Any) -> IntArray:
    return np.ascontiguousarray(value, dtype=np.int64)


def _bool(value: Any) -> BoolArray:
    return np.ascontiguousarray(value, dtype=np.bool_)


def _own_processes(prep: Prepared) -> Processes:
    """Scenario ``prep``'s processes (no B axis, not padded; recipe lists made later)."""
    none = np.zeros((0, 0), dtype=np.int64)
    return Processes(
        prep.process_region,
        prep.process_stage,
        prep.process_inputs,
        prep.process_outputs,
        none,
        none,
        prep.capacity_per_month,
        prep.floor_activity_per_month,
        prep.utilisation0,
        prep.max_utilisation,
        prep.ramp_rate_per_month,
        prep.baseline_activity_per_month,
    )


def _own_stockpiles(prep: Prepared) -> Stockpiles:
    return Stockpiles(
        prep.stockpile_holder,
        prep.stockpile_commodity,
        prep.stockpile_initial,
        prep.stockpile_size,
        prep.stockpile_max_release,
        prep.stockpile_refill,
        prep.stockpile_trigger,
        prep.stockpile_trigger_value,
    )


def _own_floors(prep: Prepared) -> Floors:
    R, T = len(prep.regions), prep.months
    return Floors(
        prep.floor_commodity,
        prep.floor_usd_per_kg,
        prep.floor_payer,
        prep.floor_producers.reshape(-1, R),
        prep.floor_active.reshape(T, -1),
    )


def _pad(arr: NDArray[Any], n: int, fill: float, axis: int) -> NDArray[Any]:
    missing = n - arr.shape[axis]
    if missing <= 0:
        return arr
    shape = list(arr.shape)
    shape[axis] = missing
    return np.concatenate([arr, np.full(shape, fill, dtype=arr.dtype)], axis=axis)


def _stack(
    own: list[G],
    n: int,
    fills: dict[str, float],
    axes: dict[str, int],
    convert: Mapping[str, Callable[[Any], NDArray[Any]]],
) -> G:
    """Return the groups ``own`` stacked on a new leading axis, each field padded to ``n``
    entries along its axis (default 0) with its fill (default 0)."""
    stacked: dict[str, NDArray[Any]] = {}
    for k, name in enumerate(own[0]._fields):
        padded = [_pad(np.asarray(g[k]), n, fills.get(name, 0), axes.get(name, 0)) for g in own]
        to: Callable[[Any], NDArray[Any]] = convert.get(name, _float)
        stacked[name] = to(np.stack(padded))
    return own[0]._replace(**stacked)


_INT = {
    "region": _int,
    "stage": _int,
    "holder": _int,
    "commodity": _int,
    "trigger": _int,
    "payer": _int,
    "producers": _bool,
    "active": _bool,
    "input_list": _int,
    "output_list": _int,
    "sector_rank": _int,
    "partner_mask": _bool,
}
"""Fields that are not float64."""


def _nonzero_lists(recipe: FloatArray) -> IntArray:
    """(..., n) the indices of the non-zero entries of each row of ``recipe`` (..., C),
    in index order, −1 after the last: the commodities of each process's recipe
    (B, P, C), each commodity's co-products (C, C), each supplier's requesters
    (U, C, R, R)."""
    nonzero = np.asarray(recipe) != 0
    n = max(1, int(nonzero.sum(axis=-1).max(initial=0)))
    order = np.argsort(~nonzero, axis=-1, kind="stable")[..., :n]
    kept = np.take_along_axis(nonzero, order, axis=-1)
    return _int(np.where(kept, order, -1))


def stack_prepared(preps: Iterable[Prepared]) -> PreparedBatch:
    """Return ``preps`` (same chain and horizon) stacked on a leading scenario axis.

    ``preps`` is consumed one at a time: only each scenario's small arrays and the distinct
    month slices of its large ones are kept, so a generator keeps memory to one
    :class:`Prepared` at a time.

    Examples
    --------
    >>> import reechain
    >>> from reechain.engine.prepare import prepare
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> batch = stack_prepared([prepare(chain, months=3)] * 2)
    >>> batch.size, batch.tables.sourcing_share.shape[0]
    (2, 1)
    """
    builders = {name: _TableBuilder() for name in TABLES}
    index: dict[str, list[IntArray]] = {name: [] for name in TABLES}
    procs: list[Processes] = []
    stocks: list[Stockpiles] = []
    floors: list[Floors] = []
    allocation: list[Allocation] = []
    names: list[tuple[str, ...]] = []
    first: Prepared | None = None
    for prep in preps:
        if first is None:
            first = prep
        elif prep.months != first.months or prep.regions != first.regions:
            raise ConsistencyError("a batch needs scenarios of one chain and one horizon")
        elif prep.market != first.market:
            raise ConsistencyError("a batch needs scenarios of one set of market parameters")
        for name in TABLES:
            if name in ("link_cap", "intensity"):  # distinct months already
                slices, at = getattr(prep, f"{name}_slices"), getattr(prep, f"{name}_index")
                index[name].append(builders[name].add_distinct(slices, at))
            else:
                index[name].append(builders[name].add(getattr(prep, name)))
        procs.append(_own_processes(prep))
        stocks.append(_own_stockpiles(prep))
        floors.append(_own_floors(prep))
        allocation.append(Allocation(prep.sector_rank, prep.partner_mask))
        names.append(prep.processes)
    if first is None:
        raise ConsistencyError("a batch needs at least one prepared scenario")
    P = max(len(n) for n in names)
    Q = max(len(s.holder) for s in stocks)
    F = max(len(f.commodity) for f in floors)
    processes = _stack(procs, P, {"stage": -1}, {"capacity": 1, "floor_activity": 1}, _INT)
    processes = processes._replace(
        input_list=_nonzero_lists(processes.inputs),
        output_list=_nonzero_lists(processes.outputs),
    )
    columns: dict[str, NDArray[Any]] = {name: builders[name].values() for name in TABLES}
    columns |= {f"{name}_at": _int(np.stack(index[name])) for name in TABLES}
    columns["sourcing_list"] = _nonzero_lists(columns["sourcing_share"])
    tables = MonthTables(**columns)
    pair_s, pair_c = np.nonzero((tables.intensity > 0).any(axis=(0, 1)))
    return PreparedBatch(
        regions=first.regions,
        commodities=first.commodities,
        sectors=first.sectors,
        months=first.months,
        chain=ChainArrays(
            stage_order=_int(first.stage_order),
            commodity_stage=_int(first.commodity_stage),
            producer_stock_build=_float(first.producer_stock_build),
            user_sink=_float(first.user_sink),
            inventory_target_days=_float(first.inventory_target_days),
            inventory_restoration_months=_float(first.inventory_restoration_months),
            price0=_float(first.price0_usd_per_kg),
            elasticity=_float(first.elasticity),
            price_cap_multiple=_float(first.price_cap_multiple),
            coproduct_weights=_float(first.coproduct_weights),
            coproduct_list=_nonzero_lists(first.coproduct_weights),
            market=_float([getattr(first.market, name) for name in MARKET_FIELDS]),
            qualification_months=_float(first.qualification_months),
            component_days=_float(first.component_days),
            component_restoration_months=_float(first.component_restoration_months),
            sector_key_commodity=_int(first.sector_key_commodity),
            pair_sector=_int(pair_s),
            pair_commodity=_int(pair_c),
        ),
        tables=tables,
        processes=processes,
        stockpiles=_stack(stocks, Q, {"trigger": TRIGGER_NEVER}, {}, _INT),
        floors=_stack(floors, F, {}, {"active": 1}, _INT),
        allocation=_stack(allocation, 0, {}, {}, _INT),
        process_count=np.array([len(n) for n in names], dtype=np.int64),
        stockpile_count=np.array([len(s.holder) for s in stocks], dtype=np.int64),
        floor_count=np.array([len(f.commodity) for f in floors], dtype=np.int64),
        process_names=tuple(names),
    )


def prepare_batch(
    chain: Chain,
    scenarios: Sequence[Scenario | None],
    *,
    months: int,
    demand_path: Any = None,
) -> PreparedBatch:
    """Return the scenarios (None: the baseline run) prepared and stacked on a leading axis.

    ``demand_path`` is one path for every scenario (None: flat), as in
    :func:`~reechain.engine.prepare.prepare`.

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> prepare_batch(chain, [None, None], months=4).processes.capacity.shape[:2]
    (2, 4)
    """
    return stack_prepared(
        prepare(chain, s, months=months, demand_path=demand_path) for s in scenarios
    )
