"""Uncertain inputs: low-confidence values drawn within their bounds, one draw per history.

With ``--sample-inputs`` every history also draws, from its own stream
(``spawn_key=(i, 1)``), a value for each *uncertain input*: a low-confidence dataset row
with ``lower``/``upper`` bounds (DESIGN.md section 3) or a low-confidence event-model
parameter. Draws are triangular between the bounds with the stated value as mode.

Which dataset values are sampled (a decision): those the engine reads that do not enter
the dataset's mass balance: price elasticities, baseline prices, users' inventory target
days and strategic stockpile sizes, plus the annual rates of the event model. Trade
flows, outputs, intensities and process activity are left at their values: drawing them
one by one would break the balance the engine's baseline is built on (re-balancing them
jointly is future work).

Example
-------
>>> import reechain
>>> from reechain.risk.tables import load_parameters
>>> from reechain.risk.inputs import uncertain_inputs
>>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
>>> space = uncertain_inputs(chain, load_parameters())
>>> space[0].name
'elasticity conc_mixed'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.risk.events import EventModel, ModelParameter

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class UncertainInput:
    """One sampled input: where it lives, its stated value and its bounds."""

    name: str
    table: str
    """``elasticities``, ``prices``, ``inventories``, ``stockpiles`` or ``event_model``."""
    index: tuple[int, ...]
    """Position in the chain array (commodity; region, commodity; stockpile), or ()."""
    key: str
    """Event-model kind for ``event_model`` inputs, else ''."""
    value: float
    lower: float
    upper: float


def _bounded(src: Mapping[str, Any]) -> tuple[float, float] | None:
    confidence = src.get("confidence")
    if str(getattr(confidence, "value", confidence)) != "low":
        return None
    lower, upper = src.get("lower"), src.get("upper")
    if lower is None or upper is None:
        return None
    return float(lower), float(upper)


def uncertain_inputs(
    chain: Chain, parameters: Sequence[ModelParameter] = ()
) -> tuple[UncertainInput, ...]:
    """Return the inputs sampled with ``--sample-inputs``, in a fixed order."""
    out: list[UncertainInput] = []
    sources = chain.sources
    for c, src in enumerate(sources.get("elasticities", ())):
        if (b := _bounded(src)) is not None:
            name = f"elasticity {chain.commodities[c]}"
            out.append(UncertainInput(name, "elasticities", (c,), "", chain.elasticity[c], *b))
    for c, src in enumerate(sources.get("prices", ())):
        if (b := _bounded(src)) is not None:
            value = float(chain.price_usd_per_kg[c])
            name = f"price {chain.commodities[c]}"
            out.append(UncertainInput(name, "prices", (c,), "", value, *b))
    for i, src in enumerate(sources.get("inventories", ())):
        if (b := _bounded(src)) is not None:
            r, c = (int(x) for x in chain.inventory_entries[i])
            value = float(chain.inventory_target_days[r, c])
            name = f"inventory days {chain.regions[r]} {chain.commodities[c]}"
            out.append(UncertainInput(name, "inventories", (r, c), "", value, *b))
    for k, src in enumerate(sources.get("stockpiles", ())):
        if (b := _bounded(src)) is not None:
            holder = chain.regions[int(chain.stockpile_holder[k])]
            commodity = chain.commodities[int(chain.stockpile_commodity[k])]
            value = float(chain.stockpile_quantity[k])
            name = f"stockpile {holder} {commodity}"
            out.append(UncertainInput(name, "stockpiles", (k,), "", value, *b))
    for p in parameters:
        if p.parameter.endswith(".rate_per_year") and p.lower is not None and p.upper is not None:
            kind = p.parameter.removesuffix(".rate_per_year")
            out.append(
                UncertainInput(f"rate {kind}", "event_model", (), kind, p.value, p.lower, p.upper)
            )
    return tuple(
        replace(u, value=float(u.value), lower=min(u.lower, u.value), upper=max(u.upper, u.value))
        for u in out
    )


def draw_inputs(space: Sequence[UncertainInput], rng: np.random.Generator) -> FloatArray:
    """Return one draw (J,) of every input: triangular(lower, value, upper)."""
    u = rng.random(len(space))
    out = np.empty(len(space))
    for j, (x, inp) in enumerate(zip(u, space, strict=True)):
        lo, mode, hi = inp.lower, inp.value, inp.upper
        if hi <= lo:
            out[j] = mode
            continue
        cut = (mode - lo) / (hi - lo)
        if x < cut:
            out[j] = lo + np.sqrt(x * (hi - lo) * (mode - lo))
        else:
            out[j] = hi - np.sqrt((1 - x) * (hi - lo) * (hi - mode))
    return out


def apply_inputs(
    chain: Chain, model: EventModel, space: Sequence[UncertainInput], values: FloatArray
) -> tuple[Chain, EventModel]:
    """Return the chain and event model with ``values`` put in place of the stated ones."""
    rates = {
        inp.key: float(v)
        for inp, v in zip(space, values, strict=True)
        if inp.table == "event_model"
    }
    new_chain = apply_chain_inputs(chain, space, values)
    return new_chain, model.with_rates(rates) if rates else model


def apply_chain_inputs(chain: Chain, space: Sequence[UncertainInput], values: FloatArray) -> Chain:
    """Return the chain with ``values`` in place of the stated ones (event-model rates in
    ``space`` are left to :func:`apply_inputs`)."""
    elasticity = np.array(chain.elasticity)
    price = np.array(chain.price_usd_per_kg)
    days = np.array(chain.inventory_target_days)
    stock = np.array(chain.stockpile_quantity)
    arrays = {"elasticities": elasticity, "prices": price, "inventories": days, "stockpiles": stock}
    for inp, v in zip(space, values, strict=True):
        if inp.table != "event_model":
            arrays[inp.table][inp.index] = v
    for a in arrays.values():
        a.setflags(write=False)
    return replace(
        chain,
        elasticity=elasticity,
        price_usd_per_kg=price,
        inventory_target_days=days,
        stockpile_quantity=stock,
    )
