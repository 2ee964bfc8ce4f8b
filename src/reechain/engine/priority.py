"""Default allocation priority: which sectors a region serves first when inputs are short.

Real allocation is not pro rata: in the United States, orders rated under the Defense
Priorities and Allocations System (15 CFR 700) are scheduled before unrated orders. The
bundled table ``engine/bundled/priority_rules.csv`` lists such rules (sector, region, rank,
with their source); :func:`default_ranks` turns them into the make step's ranks (DESIGN.md
§4, step 4: scarce inputs go to lower ranks first, equal ranks pro rata). In a region with a
rule, the listed sectors take their rank and every other sector comes after them; a
``sector_priority`` policy for a region replaces its default. Rows naming a sector or region
the chain does not have are left out (a dataset without defence has no such rule).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from reechain.chain import Chain
from reechain.data.rows import read_rows

IntArray = NDArray[np.int64]

RULES_PATH = Path(__file__).parent / "bundled" / "priority_rules.csv"
"""The bundled table of allocation priority rules."""


class PriorityRule(BaseModel):
    """One row of ``priority_rules.csv``: a sector served first in a region."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sector: str = Field(min_length=1)
    region: str = Field(min_length=1)
    rank: int = Field(ge=0, description="0 first; the region's unlisted sectors come after")
    rule: str = Field(min_length=1, description="the rule, in words")
    confidence: Literal["high", "medium", "low"]
    source: str = Field(min_length=1)
    note: str = ""


def load_rules(path: str | Path | None = None) -> tuple[PriorityRule, ...]:
    """Return the allocation priority rules (the bundled table unless ``path`` is given).

    Examples
    --------
    >>> [(r.sector, r.region) for r in load_rules()]
    [('defence_systems', 'USA')]
    """
    return read_rows(Path(path) if path else RULES_PATH, PriorityRule)


def default_ranks(chain: Chain, rules: tuple[PriorityRule, ...] | None = None) -> IntArray:
    """Return (R, S) the make step's default ranks: 0 everywhere, except in regions with a
    rule, where listed sectors take their rank and the others one more than the largest.

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> int(default_ranks(chain).max())
    0
    """
    R, S = len(chain.regions), len(chain.sectors)
    rank = np.zeros((R, S), dtype=np.int64)
    by_region: dict[int, list[tuple[int, int]]] = {}
    for rule in load_rules() if rules is None else rules:
        if rule.region in chain.regions and rule.sector in chain.sectors:
            r, s = chain.regions.index(rule.region), chain.sectors.index(rule.sector)
            by_region.setdefault(r, []).append((s, rule.rank))
    for r, listed in by_region.items():
        rank[r] = max(k for _, k in listed) + 1
        for s, k in listed:
            rank[r, s] = k
    return rank


__all__ = ["RULES_PATH", "PriorityRule", "default_ranks", "load_rules"]
