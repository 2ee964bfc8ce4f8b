"""Per-history summaries of a chunk of runs: what the risk statistics are computed from.

The engine's monthly arrays are reduced at once, history by history, to a few yearly and
cumulative figures (:class:`ChunkSummary`, leading axis K = histories of the chunk):
value lost per year by region and by sector, cumulative value and units lost by sector
and region, material shortfall per year by element and region, the baseline requirement
of each element, and the attribution weights of the history's events.

**Bit-identical whatever the batch.** Every sum here adds slices one after another in a
fixed order (:func:`ordered_sum`) with elementwise numpy additions, never a reduction
whose internal order could depend on the batch's shape (pairwise summation, BLAS
blocking), so a history's figures are the same in a chunk of 1, 7 or N.

**Elements.** A commodity at the separation or metal stage counts for each element it
names, split equally (NdPr metal: half Nd, half Pr; a decision — the dataset gives
elements, not their proportions); concentrates and magnets are not counted (their
element content is not in the dataset).
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.risk.engines import EngineBatch

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

ELEMENT_ORDER = (
    *("Sc", "Y", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu"),
    *("Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu"),
)
"""Rare-earth elements in atomic-number order (Sc and Y first)."""
ELEMENT_STAGES = ("separate", "metal")
"""Stages whose commodities count towards element shortfalls."""


def ordered_sum(x: FloatArray, axis: int) -> FloatArray:
    """Return the sum of ``x`` over ``axis``, adding its slices in index order."""
    moved = np.moveaxis(x, axis, 0)
    if moved.shape[0] == 0:
        return np.zeros(moved.shape[1:])
    acc = np.array(moved[0], dtype=np.float64)
    for i in range(1, moved.shape[0]):
        acc = acc + moved[i]
    return acc


def yearly(x: FloatArray) -> FloatArray:
    """Return (K, T, ...) monthly figures as (K, Y, ...) yearly sums (Y = ⌈T / 12⌉)."""
    K, T = x.shape[:2]
    Y = math.ceil(T / 12)
    padded = np.zeros((K, Y * 12, *x.shape[2:]))
    padded[:, :T] = x
    return ordered_sum(padded.reshape(K, Y, 12, *x.shape[2:]), 2)


def element_matrix(chain: Chain) -> tuple[tuple[str, ...], FloatArray]:
    """Return (elements, W (C, E)): each commodity's share counted for each element."""
    stages = {chain.stage_index(s) for s in ELEMENT_STAGES if s in chain.stages}
    named = [
        chain.commodity_elements[c].split() if int(chain.commodity_stage[c]) in stages else []
        for c in range(len(chain.commodities))
    ]
    present = {e for names in named for e in names}
    elements = tuple(e for e in ELEMENT_ORDER if e in present)
    W = np.zeros((len(chain.commodities), len(elements)))
    for c, names in enumerate(named):
        for e in names:
            if e in elements:
                W[c, elements.index(e)] = 1 / len(names)
    return elements, W


def by_element(x: FloatArray, W: FloatArray) -> FloatArray:
    """Return (..., R, C) commodity figures as (..., E, R) element figures, in a fixed order."""
    out = np.zeros((*x.shape[:-2], W.shape[1], x.shape[-2]))
    for c in range(W.shape[0]):
        if W[c].any():
            out = out + W[c][:, None] * x[..., None, :, c]
    return out


@dataclass(frozen=True, eq=False)
class ChunkSummary:
    """Per-history figures of a chunk (leading axis K; USD, sector units, tonnes)."""

    index: IntArray
    """(K,) history index."""
    value_region_year: FloatArray
    """(K, Y, R) value lost, USD per year, by region."""
    value_sector_year: FloatArray
    """(K, Y, S) value lost, USD per year, by sector (all regions)."""
    value_sector_region: FloatArray
    """(K, S, R) cumulative value lost, USD."""
    lost_sector_region: FloatArray
    """(K, S, R) cumulative output lost, sector units."""
    shortfall_element_year: FloatArray
    """(K, Y, E, R) material shortfall, tonnes per year."""
    requirement_element: FloatArray
    """(K, E, R) cumulative baseline requirement, tonnes."""
    attribution_kind: FloatArray
    """(K, 4) share of each event kind in the history's attribution weights."""
    attribution_supplier: FloatArray
    """(K, R + 1) share of each supplier region (then shipping)."""
    event_count: IntArray
    """(K,) events in the history (those the chain can carry)."""
    inputs: FloatArray
    """(K, J) sampled input values (J = 0 without --sample-inputs)."""
    policy_value_region_year: FloatArray
    """(K, Y, R) value lost with the policy, USD per year (Y = 0 without a policy)."""

    def to_bytes(self) -> bytes:
        """Return the summary as an uncompressed ``.npz`` (exact round trip)."""
        buffer = io.BytesIO()
        np.savez(buffer, **{f.name: getattr(self, f.name) for f in fields(self)})
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, payload: bytes) -> ChunkSummary:
        """Return the summary stored by :meth:`to_bytes`."""
        with np.load(io.BytesIO(payload), allow_pickle=False) as data:
            return cls(**{f.name: np.array(data[f.name]) for f in fields(cls)})

    @classmethod
    def concat(cls, parts: Sequence[ChunkSummary]) -> ChunkSummary:
        """Return the chunks joined along K, in history order."""
        ordered = sorted(parts, key=lambda p: int(p.index[0]) if len(p.index) else -1)
        return cls(
            **{f.name: np.concatenate([getattr(p, f.name) for p in ordered]) for f in fields(cls)}
        )


def summarize_batch(
    chain: Chain,
    batch: EngineBatch,
    *,
    index: IntArray,
    attribution_kind: FloatArray,
    attribution_supplier: FloatArray,
    event_count: IntArray,
    inputs: FloatArray,
    policy: EngineBatch | None = None,
) -> ChunkSummary:
    """Return the per-history figures of ``batch`` (and of its policy twin)."""
    _, W = element_matrix(chain)
    value_year = yearly(batch.value_lost_usd)  # (K, Y, S, R)
    K, R = value_year.shape[0], value_year.shape[3]
    if policy is not None:
        policy_value = ordered_sum(yearly(policy.value_lost_usd), 2)
    else:
        policy_value = np.zeros((K, 0, R))
    return ChunkSummary(
        index=np.asarray(index, dtype=np.int64),
        value_region_year=ordered_sum(value_year, 2),
        value_sector_year=ordered_sum(value_year, 3),
        value_sector_region=ordered_sum(batch.value_lost_usd, 1),
        lost_sector_region=ordered_sum(batch.lost_units, 1),
        shortfall_element_year=by_element(yearly(batch.material_shortfall), W),
        requirement_element=by_element(ordered_sum(batch.baseline_requirement, 1), W),
        attribution_kind=attribution_kind,
        attribution_supplier=attribution_supplier,
        event_count=np.asarray(event_count, dtype=np.int64),
        inputs=inputs,
        policy_value_region_year=policy_value,
    )
