"""Resolve a scenario's names (regions, groups, importers, commodities) to index masks."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.scenario.models import Outside

BoolArray = NDArray[np.bool_]


def regions_of(chain: Chain, names: Any) -> list[int]:
    """Return the indices of the regions named (regions or groups, one name or several)."""
    if isinstance(names, str):
        names = [names]
    mask = np.zeros(len(chain.regions), dtype=bool)
    for name in names:
        mask |= chain.region_mask(name)
    return [int(i) for i in np.nonzero(mask)[0]]


def region_mask(chain: Chain, names: Any) -> BoolArray:
    """Return an (R,) mask of ``names`` (``all``, or regions and groups)."""
    mask = np.zeros(len(chain.regions), dtype=bool)
    if names == "all":
        mask[:] = True
    else:
        mask[regions_of(chain, names)] = True
    return mask


def importer_mask(chain: Chain, importers: Any) -> BoolArray:
    """Return an (R,) mask of targeted importers: ``all``, names, or ``{outside: GROUP}``."""
    if isinstance(importers, Outside):
        return ~chain.region_mask(importers.outside)
    return region_mask(chain, importers)


def name_mask(names: tuple[str, ...], chosen: Any, index: Any) -> BoolArray:
    """Return a mask over ``names`` of ``chosen`` (``all`` or names, looked up by ``index``)."""
    mask = np.zeros(len(names), dtype=bool)
    if chosen == "all":
        mask[:] = True
    else:
        for name in chosen:
            mask[index(name)] = True
    return mask
