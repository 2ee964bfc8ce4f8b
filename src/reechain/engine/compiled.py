"""The vectorized engine's compiled backend: DESIGN.md §4 as one numba kernel per month.

A numpy engine spent most of its time in Python-level loops over stages, suppliers and
priority ranks on arrays too small to amortise numpy's per-call cost, and in temporaries
that do not stay in cache. This engine runs the same month for every scenario of a chunk
in compiled code: the loop over scenarios is inside the kernel, and each scenario's month
is written as plain loops in the reference engine's order, over its own arrays, which
stay in cache. It agrees with the reference engine to 1e-9 relative, and each scenario's
numbers depend on its own inputs only, so results are bit-identical for any chunking.

The kernel is in :mod:`reechain.engine.kernel`; this module prepares its arrays and
holds the state between months.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reechain.engine.batch import TABLES
from reechain.engine.kernel import month_kernel

__all__ = ["CompiledMonths"]


OUT = (
    "activity",
    "utilisation",
    "production",
    "extra_supply",
    "requirement",
    "requests",
    "deliveries",
    "inventory_draw",
    "stockpile_release",
    "available",
    "consumption",
    "process_consumption",
    "price",
    "end_use_requirement",
    "end_use_target",
    "end_use_output",
    "floor_payment_usd",
)
"""The kernel's month results, in the order of its ``out`` tuple."""


class CompiledMonths:
    """Runs a :class:`~reechain.engine.batch.PreparedBatch` month by month on the kernel.

    Holds the batch's arrays as the kernel wants them (contiguous, one dtype each, so one
    compiled signature serves every batch), the state carried between months, and the
    month's result buffers, which each :meth:`month` overwrites.
    """

    def __init__(self, batch: Any, full_trade: bool) -> None:
        """``full_trade``: keep the (B, C, R, R) shipments (refills need them anyway)."""
        sh, ar, tables = batch.shared, batch.arrays, batch.tables
        B = batch.size
        R, C, S = len(sh["regions"]), len(sh["commodities"]), len(sh["sectors"])
        P = ar["process_region"].shape[1]
        f64 = _contiguous(np.float64)
        i64 = _contiguous(np.int64)
        boolean = _contiguous(np.bool_)
        self.chain = (
            i64(sh["stage_order"]),
            i64(sh["commodity_stage"]),
            f64(sh["producer_stock_build"]),
            f64(sh["user_sink"]),
            f64(sh["inventory_target_days"]),
            f64(sh["inventory_restoration_months"]),
            f64(sh["price0_usd_per_kg"]),
            f64(sh["elasticity"]),
            f64(sh["price_cap_multiple"]),
            i64(sh["sector_key_commodity"]),
            *(i64(x) for x in np.nonzero((tables["intensity"].values > 0).any(axis=(0, 1)))),
        )
        self.tables = tuple(
            x for name in TABLES for x in (f64(tables[name].values), i64(tables[name].index))
        )
        self.procs = (
            i64(ar["process_region"]),
            i64(ar["process_stage"]),
            f64(ar["process_inputs"]),
            f64(ar["process_outputs"]),
            _nonzero_lists(ar["process_inputs"]),
            _nonzero_lists(ar["process_outputs"]),
            f64(ar["capacity_per_month"]),
            f64(ar["floor_activity_per_month"]),
            f64(ar["utilisation0"]),
            f64(ar["max_utilisation"]),
            f64(ar["ramp_rate_per_month"]),
            f64(ar["baseline_activity_per_month"]),
        )
        self.stocks = (
            i64(ar["stockpile_holder"]),
            i64(ar["stockpile_commodity"]),
            f64(ar["stockpile_size"]),
            f64(ar["stockpile_max_release"]),
            f64(ar["stockpile_refill"]),
            i64(ar["stockpile_trigger"]),
            f64(ar["stockpile_trigger_value"]),
        )
        self.floors = (
            i64(ar["floor_commodity"]),
            f64(ar["floor_usd_per_kg"]),
            i64(ar["floor_payer"]),
            boolean(ar["floor_producers"]),
            boolean(ar["floor_active"]),
        )
        self.sector_rank = i64(ar["sector_rank"])
        self.partner_mask = boolean(ar["partner_mask"])
        self.user_stock = np.zeros((B, R, C))
        self.producer_stock = np.zeros((B, R, C))
        self.initial_stock = np.zeros((B, R, C))
        self.utilisation = f64(ar["utilisation0"]).copy()
        self.level = f64(ar["stockpile_initial"]).copy()
        self.price_prev = np.broadcast_to(f64(sh["price0_usd_per_kg"]), (B, R, C)).copy()
        sr: tuple[int, ...] = (B, S, R)
        shape = dict.fromkeys(("end_use_requirement", "end_use_target", "end_use_output"), sr)
        shape |= {"activity": (B, P), "utilisation": (B, P), "floor_payment_usd": (B, R)}
        self.out = {name: np.zeros(shape.get(name, (B, R, C))) for name in OUT}
        self.refill = bool((ar["stockpile_refill"] > 0).any())
        self.full_trade = full_trade or self.refill
        z = np.zeros
        self.shipments = z((B, C, R, R)) if self.full_trade else z((0, 0, 0, 0))
        self.purchases = z((B, C, R, R)) if self.refill else z((1, 1, 1, 1))
        # the kernel's arguments after the month: every array is updated in place
        self.args = (
            self.chain,
            self.tables,
            self.procs,
            self.stocks,
            self.floors,
            self.sector_rank,
            self.partner_mask,
            (
                self.user_stock,
                self.producer_stock,
                self.initial_stock,
                self.utilisation,
                self.level,
                self.price_prev,
            ),
            tuple(self.out[k] for k in OUT),
            self.full_trade,
            self.shipments if self.full_trade else z((1, 1, 1, 1)),
            self.refill,
            self.purchases,
        )

    def month(self, t: int) -> dict[str, Any]:
        """Run month ``t`` of every scenario; return its (B, ...) arrays by field name
        (buffers: valid until the next call)."""
        month_kernel(t, *self.args)
        return self.out | {
            "shipments": self.shipments,
            "purchases": self.purchases if self.refill else None,
            "user_inventory": self.user_stock,
            "producer_stock": self.producer_stock,
            "stockpile_level": self.level,
        }


def _nonzero_lists(recipe: Any) -> Any:
    """(B, P, n) the commodities with a non-zero coefficient in each process's recipe
    (B, P, C), in index order, −1 after the last."""
    nonzero = np.asarray(recipe) != 0
    n = max(1, int(nonzero.sum(axis=-1).max(initial=0)))
    order = np.argsort(~nonzero, axis=-1, kind="stable")[..., :n]
    kept = np.take_along_axis(nonzero, order, axis=-1)
    return np.ascontiguousarray(np.where(kept, order, -1), dtype=np.int64)


def _contiguous(dtype: Any) -> Any:
    def convert(value: Any) -> Any:
        return np.ascontiguousarray(value, dtype=dtype)

    return convert
