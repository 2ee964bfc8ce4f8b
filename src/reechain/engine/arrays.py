"""What a run of the engine produces: :class:`RunArrays`, month by month."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class RunArrays:
    """What one run of the engine produced, month by month (units per month).

    Axes: T months, R regions, C commodities, S sectors, P processes, K stockpiles.
    """

    activity: FloatArray
    """(T, P) process activity."""
    utilisation: FloatArray
    """(T, P) utilisation in force during the month."""
    production: FloatArray
    """(T, R, C) output of processes."""
    extra_supply: FloatArray
    """(T, R, C) output outside processes (unreported output, recycling)."""
    requirement: FloatArray
    """(T, R, C) use requirement U (processes + sectors + sink), the N of the price rule."""
    requests: FloatArray
    """(T, R, C) requests sent to suppliers (U + inventory restoration, at least 0)."""
    shipments: FloatArray
    """(T, C, R, R) supplier → requester deliveries to users (diagonal: domestic)."""
    purchases: FloatArray
    """(T, C, R, R) supplier → holder purchases into strategic stockpiles (refill)."""
    deliveries: FloatArray
    """(T, R, C) received by users."""
    inventory_draw: FloatArray
    """(T, R, C) taken from user inventories."""
    stockpile_release: FloatArray
    """(T, R, C) released from strategic stockpiles to users."""
    available: FloatArray
    """(T, R, C) A = deliveries + inventory draws + stockpile releases."""
    consumption: FloatArray
    """(T, R, C) used by processes, sectors and the sink."""
    process_consumption: FloatArray
    """(T, R, C) used by processes."""
    user_inventory: FloatArray
    """(T, R, C) at the end of the month."""
    producer_stock: FloatArray
    """(T, R, C) at the end of the month."""
    stockpile_level: FloatArray
    """(T, K) at the end of the month."""
    price: FloatArray
    """(T, R, C) USD/kg."""
    end_use_requirement: FloatArray
    """(T, S, R) N, sector units per month."""
    end_use_target: FloatArray
    """(T, S, R) N × (P(t−1)/P₀)^ε."""
    end_use_output: FloatArray
    """(T, S, R) output made."""
    floor_payment_usd: FloatArray
    """(T, R) price-floor payments by payer region, USD per month."""
    initial_user_inventory: FloatArray
    """(R, C) at the start of month 0."""


RUN_FIELDS = tuple(f.name for f in fields(RunArrays) if f.name != "initial_user_inventory")
"""Monthly fields of :class:`RunArrays` (each (T, ...))."""


def run_shapes(T: int, R: int, C: int, S: int, P: int, K: int) -> dict[str, tuple[int, ...]]:
    """Return the (T, ...) shape of each monthly field of :class:`RunArrays`."""
    rc, crr, sr = (T, R, C), (T, C, R, R), (T, S, R)
    return {
        "activity": (T, P),
        "utilisation": (T, P),
        "production": rc,
        "extra_supply": rc,
        "requirement": rc,
        "requests": rc,
        "shipments": crr,
        "purchases": crr,
        "deliveries": rc,
        "inventory_draw": rc,
        "stockpile_release": rc,
        "available": rc,
        "consumption": rc,
        "process_consumption": rc,
        "user_inventory": rc,
        "producer_stock": rc,
        "stockpile_level": (T, K),
        "price": rc,
        "end_use_requirement": sr,
        "end_use_target": sr,
        "end_use_output": sr,
        "floor_payment_usd": (T, R),
    }
