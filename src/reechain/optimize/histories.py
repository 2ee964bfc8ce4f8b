"""Sampled disruption histories for the optimiser, with seeds kept apart in and out of sample.

The optimiser's second stage is solved on *in-sample* histories; the chosen portfolio is
then checked by the engine on *out-of-sample* histories. Both come from one root seed:
``SeedSequence(root).spawn(n_in + n_out)``, children ``[0, n_in)`` in sample and
``[n_in, n_in + n_out)`` out of sample, so the two sets never share a stream and draw *i*
is the same however the work is split (:func:`split_seeds`).

Histories come from the risk module's sampler (``reechain.risk.sample_histories``, whose
history *i* uses the same seed ``SeedSequence(root, spawn_key=(i,))``); without it,
:func:`draw_history` draws from a small event model here, calibrated on the disruption
record of DATA-SOURCES-DETAIL section 10 (labelled assumptions, rates per year): a Chinese
export restriction (0.2 a year: 2010 quota cut and Senkaku halt, April and October 2025
licensing; severity 0.3–1, 2–18 months, half of them aimed at the partnership), a Myanmar
mine outage (0.15 a year: 2021 border closures, 2024–25 Kachin fighting; 30–90 % for 3–12
months), a Lynas Malaysia outage (0.05 a year: 2023 shutdown, licence disputes; 50–100 %
for 1–6 months) and a Mountain Pass outage (0.03 a year: 2015 care and maintenance; 6–24
months).

Whether a chosen project succeeds is drawn once per history from a stream derived from the
history's seed and the candidate's name (:func:`success_draw`), so adding a candidate does
not change the others' draws.

Examples
--------
>>> from reechain.optimize.histories import split_seeds
>>> seeds = split_seeds(7, 3, 2)
>>> [s.spawn_key for s in seeds.in_sample], [s.spawn_key for s in seeds.out_of_sample]
([(0,), (1,), (2,)], [(3,), (4,)])
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.scenario.models import Scenario

RESTRICTION_RATE_PER_YEAR = 0.2
MYANMAR_RATE_PER_YEAR = 0.15
LYNAS_RATE_PER_YEAR = 0.05
MOUNTAIN_PASS_RATE_PER_YEAR = 0.03

COMMODITY_SETS: dict[str, tuple[str, ...]] = {
    "heavy": ("Dy2O3", "Tb4O7", "Dy_metal", "Tb_metal"),
    "light": ("Nd2O3", "Pr6O11", "NdPr_metal"),
    "magnets": (
        "NdFeB_sintered_lowdy",
        "NdFeB_sintered",
        "NdFeB_sintered_highdy",
        "NdFeB_sintered_gbd",
        "NdFeB_bonded",
        "SmCo",
    ),
    "processed": (
        "Dy2O3",
        "Tb4O7",
        "Dy_metal",
        "Tb_metal",
        "Nd2O3",
        "Pr6O11",
        "NdPr_metal",
        "NdFeB_sintered_lowdy",
        "NdFeB_sintered",
        "NdFeB_sintered_highdy",
        "NdFeB_sintered_gbd",
        "SmCo",
    ),
}
"""Commodity sets a sampled restriction covers (one chosen at random)."""


@dataclass(frozen=True)
class SeedSplit:
    """Per-history seeds, in sample and out of sample, disjoint by construction."""

    in_sample: tuple[np.random.SeedSequence, ...]
    out_of_sample: tuple[np.random.SeedSequence, ...]


def split_seeds(root: int, n_in: int, n_out: int) -> SeedSplit:
    """Return ``n_in`` in-sample and ``n_out`` out-of-sample seeds spawned from ``root``."""
    children = np.random.SeedSequence(root).spawn(n_in + n_out)
    return SeedSplit(tuple(children[:n_in]), tuple(children[n_in:]))


@dataclass(frozen=True, eq=False)
class Histories:
    """Sampled disruption histories (scenarios with events, no policies), their seeds and
    probability weights (summing to 1; equal unless stratified, see
    :mod:`~reechain.optimize.sampling`)."""

    scenarios: tuple[Scenario, ...]
    seeds: tuple[np.random.SeedSequence, ...]
    weight: NDArray[np.float64] | None = None
    """(S,) probability weights; None: equal."""
    stratum: NDArray[np.int64] | None = None
    """(S,) stratum of each history (None: one stratum)."""
    pool_size: int | None = None
    """Histories drawn to choose these from (their indices are below it)."""

    def __len__(self) -> int:
        return len(self.scenarios)

    @property
    def weights(self) -> NDArray[np.float64]:
        """(S,) probability weights summing to 1."""
        if self.weight is not None:
            return self.weight
        n = len(self.scenarios)
        return np.full(n, 1.0 / n) if n else np.zeros(0)

    @property
    def strata(self) -> NDArray[np.int64]:
        """(S,) stratum labels (all 0 when not stratified)."""
        if self.stratum is not None:
            return self.stratum
        return np.zeros(len(self.scenarios), dtype=np.int64)

    def head(self, n: int) -> Histories:
        """Return the first ``n`` histories (weights renormalised)."""
        w = self.weights[:n]
        total = float(w.sum())
        return Histories(
            self.scenarios[:n],
            self.seeds[:n],
            w / total if total > 0 else None,
            self.strata[:n],
            self.pool_size,
        )


def success_draw(seed: np.random.SeedSequence, candidate: str) -> float:
    """Return a uniform number in [0, 1) for ``candidate`` in the history of ``seed``."""
    child = np.random.SeedSequence(
        entropy=seed.entropy, spawn_key=(*seed.spawn_key, zlib.crc32(candidate.encode()))
    )
    return float(np.random.default_rng(child).random())


def _month(chain: Chain, m: int) -> str:
    year = chain.base_year + 1 + m // 12
    return f"{year}-{m % 12 + 1:02d}"


def _present(chain: Chain, names: Sequence[str]) -> tuple[str, ...]:
    return tuple(n for n in names if n in chain.commodities)


def draw_history(
    chain: Chain,
    seed: np.random.SeedSequence,
    horizon_months: int,
    members: Sequence[str],
    name: str,
) -> Scenario:
    """Return one sampled history: a scenario with events drawn from the module's model."""
    rng = np.random.default_rng(seed)
    years = max(1, horizon_months // 12)
    events: list[dict[str, Any]] = []

    def start_in(year: int) -> int:
        return year * 12 + int(rng.integers(0, 12))

    def room(start: int, months: int) -> int:
        return max(1, min(months, horizon_months - start))

    for year in range(years):
        if "CHN" in chain.regions and rng.random() < RESTRICTION_RATE_PER_YEAR:
            key = list(COMMODITY_SETS)[int(rng.integers(0, len(COMMODITY_SETS)))]
            commodities = _present(chain, COMMODITY_SETS[key])
            start = start_in(year)
            if commodities and start < horizon_months:
                targeted = rng.random() < 0.5
                events.append(
                    {
                        "kind": "export_restriction",
                        "exporter": "CHN",
                        "commodities": list(commodities),
                        "importers": list(members) if targeted else "all",
                        "severity": round(float(rng.uniform(0.3, 1.0)), 3),
                        "start": _month(chain, start),
                        "duration_months": room(start, int(rng.integers(2, 19))),
                    }
                )
        for region, stage, rate, low, high, months in (
            ("MMR", "mine", MYANMAR_RATE_PER_YEAR, 0.3, 0.9, (3, 13)),
            ("MYS", "separate", LYNAS_RATE_PER_YEAR, 0.5, 1.0, (1, 7)),
            ("USA", "mine", MOUNTAIN_PASS_RATE_PER_YEAR, 1.0, 1.0, (6, 25)),
        ):
            if region not in chain.regions or stage not in chain.stages:
                continue
            if rng.random() < rate:
                start = start_in(year)
                if start < horizon_months:
                    events.append(
                        {
                            "kind": "capacity_outage",
                            "region": region,
                            "stage": stage,
                            "fraction": round(float(rng.uniform(low, high)), 3),
                            "start": _month(chain, start),
                            "duration_months": room(start, int(rng.integers(*months))),
                        }
                    )
    return Scenario.model_validate(
        {
            "name": name,
            "dataset": chain.dataset,
            "horizon_months": horizon_months,
            "events": events,
        }
    )


def history_seeds(root: int, start: int, n: int) -> tuple[np.random.SeedSequence, ...]:
    """Return the seeds of histories ``start`` … ``start + n − 1`` of root ``root``.

    History *i*'s seed is ``SeedSequence(root).spawn(m)[i]`` for any m > i, as in the risk
    module, so a slice of histories never depends on how many others are drawn.
    """
    return tuple(np.random.SeedSequence(root, spawn_key=(i,)) for i in range(start, start + n))


def sample_histories(
    chain: Chain,
    root: int,
    start: int,
    n: int,
    horizon_months: int,
    members: Sequence[str],
    *,
    prefix: str = "draw",
) -> Histories:
    """Return histories ``start`` … ``start + n − 1`` of root ``root`` (named ``PREFIX-hI``).

    The risk module's sampler draws them when it is available (its history *i* uses the
    same seed as here); otherwise :func:`draw_history`.
    """
    seeds = history_seeds(root, start, n)
    scenarios = _from_risk(chain, root, start, n, horizon_months, prefix)
    if scenarios is None:
        scenarios = [
            draw_history(chain, seed, horizon_months, members, f"{prefix}-h{start + i}")
            for i, seed in enumerate(seeds)
        ]
    return Histories(tuple(scenarios), seeds)


def _from_risk(
    chain: Chain, root: int, start: int, n: int, horizon_months: int, prefix: str
) -> list[Scenario] | None:
    """Draw with ``reechain.risk.sample_histories`` if the risk module offers it."""
    try:
        from reechain.risk import sample_histories as sampler
    except ImportError:  # pragma: no cover - depends on the installed risk module
        return None
    drawn: Any = sampler(chain, n, root, horizon_months, start=start, prefix=prefix)
    items = list(drawn)
    if len(items) != n or not all(isinstance(s, Scenario) for s in items):
        return None  # pragma: no cover - an unexpected sampler
    return items
