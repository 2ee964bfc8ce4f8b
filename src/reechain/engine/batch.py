"""A batch of prepared scenarios stacked on a leading scenario axis, for the vectorized engine.

Shared data preparation only: each scenario is prepared by
:func:`reechain.engine.prepare.prepare` exactly as for the reference engine, then stacked.
Nothing of the monthly step is here.

Axes: ``B`` scenarios (leading), ``T`` months, ``R`` regions, ``C`` commodities, ``S``
sectors, ``P`` processes, ``Q`` strategic stockpiles, ``F`` price floors. Scenarios may
differ in their number of processes (``new_capacity``), stockpiles and price floors; the
batch pads each to the largest with inert entries (zero capacity and recipe, stage −1; an
empty stockpile that never triggers nor refills; a floor never active), which change
nothing in the step. ``process_count``, ``stockpile_count`` and ``floor_count`` say how
many entries are a scenario's own.

The large per-month arrays (sourcing shares and link caps ``(T, C, R, R)``, intensities
``(T, R, S, C)``, end-use requirement ``(T, S, R)`` and extra supply ``(T, R, C)``) change
in few months of a scenario, so they are held as a
:class:`MonthTable`: the distinct month slices of the whole batch, and an index
``(B, T)`` into them. This keeps a batch of thousands of scenarios in memory and lets the
step broadcast one slice when every scenario of a chunk uses it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.engine.prepare import TRIGGER_NEVER, Prepared, prepare
from reechain.errors import ConsistencyError
from reechain.scenario.models import Scenario

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

SHARED = (
    "regions",
    "commodities",
    "sectors",
    "months",
    "stage_order",
    "commodity_stage",
    "producer_stock_build",
    "user_sink",
    "inventory_target_days",
    "inventory_restoration_months",
    "price0_usd_per_kg",
    "elasticity",
    "price_cap_multiple",
    "sector_key_commodity",
    "value_usd_per_unit",
    "jobs_per_unit",
    "baseline_output_per_month",
)
"""Fields of :class:`Prepared` that come from the chain alone (equal in every scenario)."""

TABLES = ("intensity", "sourcing_share", "link_cap", "end_use_requirement", "extra_supply")
"""Per-month fields held as a :class:`MonthTable`."""

PROCESS_FIELDS: dict[str, float] = {
    "process_region": 0,
    "process_stage": -1,
    "utilisation0": 0.0,
    "max_utilisation": 0.0,
    "ramp_rate_per_month": 0.0,
    "baseline_activity_per_month": 0.0,
}
STOCKPILE_FIELDS: dict[str, float] = {
    "stockpile_holder": 0,
    "stockpile_commodity": 0,
    "stockpile_initial": 0.0,
    "stockpile_size": 0.0,
    "stockpile_max_release": 0.0,
    "stockpile_refill": 0.0,
    "stockpile_trigger": TRIGGER_NEVER,
    "stockpile_trigger_value": 0.0,
}
LIGHT = (
    "processes",
    *PROCESS_FIELDS,
    "process_inputs",
    "process_outputs",
    "capacity_per_month",
    "floor_activity_per_month",
    *STOCKPILE_FIELDS,
    "floor_commodity",
    "floor_usd_per_kg",
    "floor_payer",
    "floor_producers",
    "floor_active",
    "sector_rank",
    "partner_mask",
)
"""Per-scenario fields kept whole (small); the rest go to month tables."""
FLOOR_FIELDS: dict[str, float] = {
    "floor_commodity": 0,
    "floor_usd_per_kg": 0.0,
    "floor_payer": 0,
}


@dataclass(frozen=True, eq=False)
class MonthTable:
    """Per-month arrays of a batch, deduplicated: ``values[index[b, t]]`` is month t of b."""

    values: FloatArray
    """(U, ...) the distinct month slices."""
    index: IntArray
    """(B, T) slice of each scenario and month."""

    def at(self, t: int) -> FloatArray:
        """Return month ``t`` of every scenario, (B, ...): a broadcast view when all share it."""
        idx = self.index[:, t]
        if (idx == idx[0]).all():
            one = self.values[idx[0]]
            return np.broadcast_to(one, (len(idx), *one.shape))
        return self.values[idx]

    def take(self, rows: slice) -> MonthTable:
        """Return the table of scenarios ``rows`` (slices shared, not copied)."""
        return MonthTable(self.values, self.index[rows])

    def full(self, b: int) -> FloatArray:
        """Return scenario ``b``'s (T, ...) array."""
        out: FloatArray = self.values[self.index[b]]
        return out


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

    def table(self, index: list[IntArray]) -> MonthTable:
        return MonthTable(np.stack(self.slices), np.stack(index))


@dataclass(frozen=True, eq=False)
class PreparedBatch:
    """Prepared scenarios stacked on a leading axis B (axes in the module docstring).

    Chain fields (see ``SHARED``) are held once, as in :class:`Prepared`; every other field
    of :class:`Prepared` gains a leading B axis (those in ``TABLES`` as :class:`MonthTable`).
    """

    shared: dict[str, Any]
    """Chain fields, one copy (names as in :class:`Prepared`)."""
    arrays: dict[str, Any]
    """Per-scenario fields (B, ...), padded."""
    tables: dict[str, MonthTable]
    """``intensity`` (U, R, S, C), ``sourcing_share`` and ``link_cap`` (U, C, R, R),
    ``end_use_requirement`` (U, S, R), ``extra_supply`` (U, R, C)."""
    process_count: IntArray
    """(B,) processes of each scenario (the rest is padding)."""
    stockpile_count: IntArray
    """(B,)"""
    floor_count: IntArray
    """(B,)"""
    processes: tuple[tuple[str, ...], ...]
    """Process names of each scenario."""

    @property
    def size(self) -> int:
        """B, the number of scenarios."""
        return len(self.process_count)

    @property
    def months(self) -> int:
        """T, the horizon."""
        return int(self.shared["months"])

    def take(self, rows: slice) -> PreparedBatch:
        """Return the batch of scenarios ``rows`` (a chunk; large slices shared)."""
        return PreparedBatch(
            shared=self.shared,
            arrays={k: v[rows] for k, v in self.arrays.items()},
            tables={k: v.take(rows) for k, v in self.tables.items()},
            process_count=self.process_count[rows],
            stockpile_count=self.stockpile_count[rows],
            floor_count=self.floor_count[rows],
            processes=self.processes[rows],
        )


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
    >>> batch.size, batch.tables["sourcing_share"].values.shape[0]
    (2, 1)
    """
    builders = {name: _TableBuilder() for name in TABLES}
    index: dict[str, list[IntArray]] = {name: [] for name in TABLES}
    light: list[dict[str, Any]] = []
    first: Prepared | None = None
    for prep in preps:
        if first is None:
            first = prep
        elif prep.months != first.months or prep.regions != first.regions:
            raise ConsistencyError("a batch needs scenarios of one chain and one horizon")
        for name in TABLES:
            if name == "link_cap":  # distinct months already
                index[name].append(
                    builders[name].add_distinct(prep.link_cap_slices, prep.link_cap_index)
                )
            else:
                index[name].append(builders[name].add(getattr(prep, name)))
        light.append({name: getattr(prep, name) for name in LIGHT})
    if first is None:
        raise ConsistencyError("a batch needs at least one prepared scenario")
    shared = {name: getattr(first, name) for name in SHARED}
    P = max(len(p["processes"]) for p in light)
    Q = max(len(p["stockpile_holder"]) for p in light)
    F = max(len(p["floor_commodity"]) for p in light)
    T, C, R = first.months, len(first.commodities), len(first.regions)

    def pad(value: Any, n: int, fill: float, axis: int = 0) -> Any:
        arr = np.asarray(value)
        missing = n - arr.shape[axis]
        if missing <= 0:
            return arr
        shape = list(arr.shape)
        shape[axis] = missing
        return np.concatenate([arr, np.full(shape, fill, dtype=arr.dtype)], axis=axis)

    arrays: dict[str, Any] = {}

    def stack(name: str, values: list[Any]) -> None:
        arrays[name] = np.stack(values)

    for name, fill in PROCESS_FIELDS.items():
        stack(name, [pad(p[name], P, fill) for p in light])
    for name in ("process_inputs", "process_outputs"):
        stack(name, [pad(p[name], P, 0.0) for p in light])
    for name in ("capacity_per_month", "floor_activity_per_month"):
        stack(name, [pad(p[name], P, 0.0, axis=1) for p in light])
    for name, fill in STOCKPILE_FIELDS.items():
        stack(name, [pad(p[name], Q, fill) for p in light])
    for name, fill in FLOOR_FIELDS.items():
        stack(name, [pad(p[name], F, fill) for p in light])
    stack("floor_producers", [pad(p["floor_producers"].reshape(-1, R), F, False) for p in light])
    stack("floor_active", [pad(p["floor_active"].reshape(T, -1), F, False, axis=1) for p in light])
    for name in ("sector_rank", "partner_mask"):
        stack(name, [p[name] for p in light])
    arrays["partner_mask"] = arrays["partner_mask"].reshape(len(light), C, R)
    return PreparedBatch(
        shared=shared,
        arrays=arrays,
        tables={name: builders[name].table(index[name]) for name in TABLES},
        process_count=np.array([len(p["processes"]) for p in light], dtype=np.int64),
        stockpile_count=np.array([len(p["stockpile_holder"]) for p in light], dtype=np.int64),
        floor_count=np.array([len(p["floor_commodity"]) for p in light], dtype=np.int64),
        processes=tuple(p["processes"] for p in light),
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
    >>> prepare_batch(chain, [None, None], months=4).arrays["capacity_per_month"].shape[:2]
    (2, 4)
    """
    return stack_prepared(
        prepare(chain, s, months=months, demand_path=demand_path) for s in scenarios
    )
