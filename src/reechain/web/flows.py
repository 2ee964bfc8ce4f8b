"""Material flows of a compiled chain, stage by stage and region by region, for the Sankey.

Pure arithmetic on a :class:`~reechain.chain.Chain` (no I/O). A commodity made at one stage
in region *i* reaches region *j* by trade (``trade_matrix``) or stays at home (production
less exports); region *j* then splits what it receives among its uses in proportion to
them: the processes of each later stage (activity × recipe input) and its end-use sectors
(output × intensity). This is the proportional-sourcing assumption the true-origin
exposure metric makes too. What a region receives but does not use (stock building,
re-export) is left out.

For an element family (e.g. ``Dy``), concentrate flows into separation are counted as the
family's oxide content: the concentrate times the oxide the receiving region's separation
plants recover from it per tonne.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from reechain.chain import Chain, FloatArray

ALL = "all"
"""The family of every commodity."""


@dataclass(frozen=True)
class Link:
    """A flow from one (stage, region) node to a (stage, region) or (use, sector) node."""

    source: tuple[str, str]
    """(stage, region) where the material was made."""
    target: tuple[str, str]
    """(stage, region) of the process using it, or ("use", sector)."""
    commodity: str
    unit: str
    quantity_per_year: float
    importer: str
    """The region that received and used the material."""


def families(chain: Chain) -> list[str]:
    """Return the element families of the chain's separated products (plus ``all``)."""
    found: list[str] = []
    for elements in chain.commodity_elements:
        names = elements.split()
        if len(names) == 1 and names[0] not in found:
            found.append(names[0])
    return [ALL, "Nd Pr", *[f for f in found if f not in ("Nd", "Pr")]]


def in_family(chain: Chain, family: str) -> list[int]:
    """Return the indices of the commodities that contain an element of ``family``."""
    if family == ALL:
        return list(range(len(chain.commodities)))
    wanted = set(family.split())
    return [c for c, els in enumerate(chain.commodity_elements) if wanted & set(els.split())]


def chain_links(chain: Chain, family: str = ALL, min_share: float = 1e-4) -> list[Link]:
    """Return the flows of ``family``'s commodities, largest first (units per year).

    Links below ``min_share`` of the largest are dropped to keep the diagram readable.
    """
    members = in_family(chain, family)
    R = len(chain.regions)
    use_stage = len(chain.stages) - 1
    activity = chain.activity_per_year
    inputs = chain.process_inputs  # (P, C)
    oxide_family = [
        c
        for c in members
        if int(chain.commodity_stage[c]) == 1 and len(chain.commodity_elements[c].split()) <= 2
    ]
    single = [c for c in members if len(chain.commodity_elements[c].split()) <= 2]
    links: list[Link] = []
    for c in members:
        sc = int(chain.commodity_stage[c])
        mixed = family != ALL and sc > 1 and c not in single
        unit = (
            f"t {family} content" if family != ALL and c not in single else chain.commodity_units[c]
        )
        trade = chain.trade_matrix[c].copy()  # (R exporter, R importer)
        home = np.maximum(chain.production[:, c] - chain.exports[:, c], 0.0)
        trade[np.arange(R), np.arange(R)] = home
        # uses[j, u]: region j's use of c at stage u (processes); sector uses below.
        uses = np.zeros((R, len(chain.stages)))
        per_process = activity * inputs[:, c]
        np.add.at(uses, (chain.process_region, chain.process_stage), per_process)
        sector_use = chain.output_per_year * chain.intensity[:, c][:, None]  # (S, R)
        total_use = uses.sum(axis=1) + sector_use.sum(axis=0)
        for j in range(R):
            if total_use[j] <= 0:
                continue
            received = trade[:, j]
            for u in range(len(chain.stages)):
                if uses[j, u] <= 0:
                    continue
                scale = uses[j, u] / total_use[j]
                if family != ALL and sc == 0 and u == 1:
                    scale *= _content(chain, j, c, oxide_family)
                for i in np.flatnonzero(received > 0):
                    made = _embodied(chain, int(i), c, single) if mixed else 1.0
                    links.append(
                        Link(
                            (chain.stages[sc], chain.regions[i]),
                            (chain.stages[u], chain.regions[j]),
                            chain.commodities[c],
                            unit,
                            float(received[i] * scale * made),
                            chain.regions[j],
                        )
                    )
            for s in np.flatnonzero(sector_use[:, j] > 0):
                scale = sector_use[s, j] / total_use[j]
                for i in np.flatnonzero(received > 0):
                    made = _embodied(chain, int(i), c, single) if mixed else 1.0
                    links.append(
                        Link(
                            (chain.stages[sc], chain.regions[i]),
                            (chain.stages[use_stage], chain.sectors[s]),
                            chain.commodities[c],
                            unit,
                            float(received[i] * scale * made),
                            chain.regions[j],
                        )
                    )
    if not links:
        return []
    biggest = max(link.quantity_per_year for link in links)
    kept = [link for link in links if link.quantity_per_year >= min_share * biggest]
    return sorted(kept, key=lambda link: -link.quantity_per_year)


def _content(chain: Chain, region: int, concentrate: int, oxides: list[int]) -> float:
    """Return t of ``oxides`` recovered per t of ``concentrate`` by ``region``'s separation."""
    plants = np.flatnonzero(
        (chain.process_region == region)
        & (chain.process_stage == 1)
        & (chain.process_inputs[:, concentrate] > 0)
    )
    if plants.size == 0:
        return 0.0
    act: FloatArray = chain.activity_per_year[plants]
    fed = float(np.dot(act, chain.process_inputs[plants, concentrate]))
    made = float(np.dot(act, chain.process_outputs[plants][:, oxides].sum(axis=1)))
    return made / fed if fed > 0 else 0.0


def _embodied(chain: Chain, region: int, product: int, family: list[int]) -> float:
    """Return units of ``family`` commodities used per unit of ``product`` made in ``region``."""
    plants = np.flatnonzero(
        (chain.process_region == region) & (chain.process_outputs[:, product] > 0)
    )
    if plants.size == 0:
        return 0.0
    act: FloatArray = chain.activity_per_year[plants]
    made = float(np.dot(act, chain.process_outputs[plants, product]))
    used = float(np.dot(act, chain.process_inputs[plants][:, family].sum(axis=1)))
    return used / made if made > 0 else 0.0
