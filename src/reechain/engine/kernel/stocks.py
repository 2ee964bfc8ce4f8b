"""Strategic stockpiles in the kernel: triggers and refills (the reference's
:func:`~reechain.engine.reference.triggered` and :func:`~reechain.engine.reference.refill`)."""

from __future__ import annotations

from reechain.engine.groups import (
    TRIGGER_DATE,
    TRIGGER_PRICE,
    TRIGGER_SHORTFALL,
    FloatArray,
    Stockpiles,
    Work,
)
from reechain.engine.jit import njit


@njit
def triggered(
    kind: int, value: float, t: int, use: float, delivered: float, last: float, p0: float
) -> bool:
    """Whether a stockpile's trigger fires in month ``t``."""
    if kind == TRIGGER_DATE:
        return t >= value
    if kind == TRIGGER_SHORTFALL:
        return use > 0 and (use - delivered) / use > value
    if kind == TRIGGER_PRICE:
        return last > value * p0
    return False


@njit
def refill(
    t: int,
    b: int,
    cap: FloatArray,
    stocks: Stockpiles,
    p0: FloatArray,
    U: FloatArray,
    D: FloatArray,
    pp: FloatArray,
    ps: FloatArray,
    lv: FloatArray,
    work: Work,
) -> None:
    """Strategic stockpiles not triggered buy from producer stocks left after everything
    else, suppliers in region-index order, within the links' remaining caps
    (``work.purchases`` (C, R, R) is written)."""
    shipped, purchases = work.shipped, work.purchases
    purchases[:] = 0.0
    for q in range(stocks.holder.shape[1]):
        c, r = stocks.commodity[b, q], stocks.holder[b, q]
        if stocks.refill[b, q] <= 0 or triggered(
            stocks.trigger[b, q], stocks.trigger_value[b, q], t, U[r, c], D[r, c], pp[r, c], p0[c]
        ):
            continue
        want = min(stocks.refill[b, q], stocks.size[b, q] - lv[q])
        for i in range(ps.shape[0]):
            if want <= 0:
                break
            room = cap[c, i, r] - shipped[c, i, r] - purchases[c, i, r]
            x = max(min(want, ps[i, c], room), 0.0)
            purchases[c, i, r] += x
            ps[i, c] -= x
            lv[q] += x
            want -= x
