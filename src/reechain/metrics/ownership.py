"""Supply by owner nationality: a country's companies' plants wherever they are.

A region's exposure follows its territory; a country's industry also owns plants abroad
(Japanese magnet makers sinter in Vietnam and China). This module reads each process's
``owner`` text, names the owners' home countries, and traces what the plants of one
nationality make and where their inputs come from, with the true-origin model of
:mod:`reechain.metrics.exposure`:

- **output** by plant region and commodity (activity × recipe outputs);
- **exposure** of their inputs: activity × recipe inputs drawn from the plant region's
  pools, traced upstream to the regions where each stage was made.

Owner text is matched against :data:`OWNER_NATIONALITY`, company names with their home
country (headquarters, public company registers); a process whose owner names companies of
several countries counts for each of them, and one naming none (``various``, ``others``)
counts for none.

Example
-------
>>> import reechain
>>> chain = reechain.compile_chain(reechain.load_dataset("default"), 2024)
>>> japan = exposure_by_owner_nationality(chain, "JPN")
>>> sorted(set(japan.plant_regions)) == ["CHN", "JPN", "VNM"]
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.errors import InputError
from reechain.metrics.exposure import Exposure, OriginModel, exposure_of, origin_model

FloatArray = NDArray[np.float64]

OWNER_NATIONALITY: tuple[tuple[str, str], ...] = (
    ("Proterial", "JPN"),
    ("Hitachi Metals", "JPN"),
    ("Shin-Etsu", "JPN"),
    ("TDK", "JPN"),
    ("Daido", "JPN"),
    ("Sojitz", "JPN"),
    ("JOGMEC", "JPN"),
    ("MP Materials", "USA"),
    ("Noveon", "USA"),
    ("Arnold Magnetic", "USA"),
    ("Electron Energy", "USA"),
    ("Lynas", "AUS"),
    ("Iluka", "AUS"),
    ("Neo Performance", "CAN"),
    ("Neo Magnequench", "CAN"),
    ("Solvay", "BEL"),
    ("China Northern Rare Earth", "CHN"),
    ("China Rare Earth Group", "CHN"),
    ("Shenghe", "CHN"),
)
"""(company name as it appears in ``owner``, home country) pairs."""


def owner_nationalities(owner: str) -> frozenset[str]:
    """Return the home countries of the companies named in ``owner`` (case-insensitive).

    >>> sorted(owner_nationalities("Proterial; Shin-Etsu (Takefu); TDK; Daido"))
    ['JPN']
    >>> owner_nationalities("various")
    frozenset()
    """
    text = owner.casefold()
    return frozenset(n for name, n in OWNER_NATIONALITY if name.casefold() in text)


@dataclass(frozen=True)
class OwnerExposure:
    """What the plants of one nationality's companies make, and where their inputs come from."""

    nationality: str
    processes: tuple[str, ...]
    """Names of the processes owned (wholly or partly) by companies of ``nationality``."""
    plant_regions: tuple[str, ...]
    """Region of each of ``processes``."""
    output: FloatArray
    """(C, R) output of those plants by commodity and plant region, units per year."""
    exposure: Exposure
    """True origin of the inputs those plants draw (see :mod:`reechain.metrics.exposure`)."""
    commodities: tuple[str, ...]
    regions: tuple[str, ...]

    def output_of(self, commodities: tuple[str, ...]) -> dict[str, float]:
        """Return the output of ``commodities`` (summed) by plant region, non-zero only."""
        rows = [self.commodities.index(c) for c in commodities]
        total = self.output[rows].sum(axis=0)
        return {r: float(q) for r, q in zip(self.regions, total, strict=True) if q > 0}

    def abroad_share(self, commodities: tuple[str, ...]) -> float:
        """Return the share of the plants' output of ``commodities`` made outside the
        nationality's own region (0 when they make none)."""
        by_region = self.output_of(commodities)
        total = sum(by_region.values())
        home = by_region.get(self.nationality, 0.0)
        return (total - home) / total if total > 0 else 0.0


def exposure_by_owner_nationality(
    chain: Chain, nationality: str, *, model: OriginModel | None = None
) -> OwnerExposure:
    """Return the output and input exposure of the plants owned by ``nationality``'s
    companies, wherever they are ("Japanese companies' supply wherever their plants are").

    Raises
    ------
    InputError
        No operating process of the chain names a company of ``nationality``.
    """
    owned = [
        p
        for p, owner in enumerate(chain.process_owner)
        if nationality in owner_nationalities(owner) and chain.activity_per_year[p] > 0
    ]
    if not owned:
        known = sorted({n for _, n in OWNER_NATIONALITY})
        raise InputError(
            f"no operating process in {chain.dataset} {chain.year} is owned by a company of "
            f"{nationality!r}: expected one of {', '.join(known)}"
        )
    model = origin_model(chain) if model is None else model
    n_r, n_c = len(chain.regions), len(chain.commodities)
    output = np.zeros((n_c, n_r))
    draws = np.zeros((n_r, n_c))
    for p in owned:
        r, act = int(chain.process_region[p]), float(chain.activity_per_year[p])
        output[:, r] += act * chain.process_outputs[p]
        draws[r] += act * chain.process_inputs[p]
    target = f"{nationality}-owned plants' inputs"
    return OwnerExposure(
        nationality=nationality,
        processes=tuple(chain.processes[p] for p in owned),
        plant_regions=tuple(chain.regions[int(chain.process_region[p])] for p in owned),
        output=output,
        exposure=exposure_of(model, model.origin_of(draws), target),
        commodities=tuple(chain.commodities),
        regions=tuple(chain.regions),
    )
