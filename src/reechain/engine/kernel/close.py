"""The end of the kernel's month: price-floor payments, the month's records, next month's
utilisation (the reference's :func:`~reechain.engine.reference.floors` and
:func:`~reechain.engine.reference.next_utilisation`)."""

from __future__ import annotations

from reechain.engine.groups import FloatArray, Floors, Processes
from reechain.engine.jit import njit
from reechain.units import KG_PER_T


@njit
def floors(
    t: int,
    b: int,
    price_floors: Floors,
    price: FloatArray,
    output: FloatArray,
    extra: FloatArray,
    payment: FloatArray,
) -> None:
    """Price-floor payments: max(floor − P, 0) × covered output (kg), booked to the payer."""
    payment[:] = 0.0
    fl = price_floors
    for f in range(fl.commodity.shape[1]):
        if not fl.active[b, t, f]:
            continue
        c = fl.commodity[b, f]
        paid = 0.0
        for r in range(price.shape[0]):
            if fl.producers[b, f, r]:
                gap = max(fl.usd_per_kg[b, f] - price[r, c], 0.0)
                paid += gap * (output[r, c] - extra[r, c])
        payment[fl.payer[b, f]] += paid * KG_PER_T


@njit
def close_month(
    output: FloatArray,
    extra: FloatArray,
    price: FloatArray,
    production: FloatArray,
    extra_out: FloatArray,
    pp: FloatArray,
) -> None:
    """Production and extra supply recorded; this month's price becomes last month's."""
    R, C = price.shape
    for r in range(R):
        for c in range(C):
            production[r, c] = output[r, c] - extra[r, c]
            extra_out[r, c] = extra[r, c]
            pp[r, c] = price[r, c]


@njit
def next_utilisation(
    t: int, b: int, procs: Processes, required: FloatArray, utilisation: FloatArray
) -> None:
    """Utilisation for next month: +ramp when capacity bound and requirement unmet, −ramp
    (not below baseline) when required activity was at or below baseline."""
    capacity, u0, most = procs.capacity, procs.utilisation0, procs.max_utilisation
    ramp, baseline = procs.ramp_rate, procs.baseline_activity
    for p in range(utilisation.shape[0]):
        u = utilisation[p]
        binding = required[p] > capacity[b, t, p] * u * (1 + 1e-12)
        if binding:
            u = min(most[b, p], u + ramp[b, p])
        elif required[p] <= baseline[b, p] * (1 + 1e-12):
            u = max(u0[b, p], u - ramp[b, p])
        utilisation[p] = u
