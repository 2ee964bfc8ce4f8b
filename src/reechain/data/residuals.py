"""How much of each region's balance the residuals carry: what customs and company figures
cannot see.

A dataset closes every region's balance with explicit residual rows (production + imports =
use + exports + residual). Where trade comes from customs statistics, a region's use above
its recorded supply shows up as a negative residual (*unreported output*: unrecorded
imports, unreported mining or stock draws), and supply nobody records using as a positive
one (*stock change*). :func:`residual_report` sums them per region and sets the unrecorded
supply against the recorded imports, so the size of what the customs figures leave open is
a number per region rather than a guess.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from reechain.data.dataset import Dataset
from reechain.errors import InputError


@dataclass(frozen=True)
class RegionResiduals:
    """The residuals of one region in one year, tonnes summed over commodities.

    Attributes
    ----------
    region
        Region code.
    unrecorded_supply
        Sum of the negative residuals, as a positive number: use above recorded production
        and imports.
    stock_build
        Sum of the positive residuals: recorded supply not used by the modelled sectors.
    recorded_imports
        Sum of the region's trade rows as importer.
    """

    region: str
    unrecorded_supply: float
    stock_build: float
    recorded_imports: float

    @property
    def unrecorded_share(self) -> float:
        """Unrecorded supply as a share of all supply from outside the region's recorded
        production (unrecorded + recorded imports); 0 when there is neither."""
        total = self.unrecorded_supply + self.recorded_imports
        return self.unrecorded_supply / total if total > 0 else 0.0


def residual_report(
    dataset: Dataset, year: int, commodities: frozenset[str] | None = None
) -> dict[str, RegionResiduals]:
    """Return the residuals of every region of ``dataset`` in ``year``.

    Parameters
    ----------
    dataset
        A validated dataset.
    year
        A year the dataset has process data for.
    commodities
        Only these commodities (all when ``None``); tonnes of different commodities are
        summed as they are.

    Returns
    -------
    dict[str, RegionResiduals]
        By region code, every region of the dataset, in the dataset's order.

    Raises
    ------
    InputError
        When the dataset has no data for ``year``.
    """
    if year not in dataset.years():
        have = ", ".join(str(y) for y in dataset.years())
        raise InputError(f"{dataset.name} has no data for {year}: expected one of {have}")

    def wanted(commodity: str) -> bool:
        return commodities is None or commodity in commodities

    minus: dict[str, float] = defaultdict(float)
    plus: dict[str, float] = defaultdict(float)
    imports: dict[str, float] = defaultdict(float)
    for r in dataset.rows("residuals"):
        if r.year == year and wanted(r.commodity):
            if r.quantity_per_year < 0:
                minus[r.region] -= r.quantity_per_year
            else:
                plus[r.region] += r.quantity_per_year
    for t in dataset.rows("trade"):
        if t.year == year and wanted(t.commodity):
            imports[t.importer] += t.quantity_per_year
    return {
        reg.region: RegionResiduals(
            reg.region, minus[reg.region], plus[reg.region], imports[reg.region]
        )
        for reg in dataset.rows("regions")
    }
