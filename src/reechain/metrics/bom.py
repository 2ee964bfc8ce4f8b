"""A company's bill of materials: its products, checked against a chain, and their origin.

A bill of materials (BOM) is a table with one row per product:

============== ======== ==========================================================
column         required meaning
============== ======== ==========================================================
product        yes      the product's name
sector         yes      the end-use sector whose material intensities it follows
units_per_year yes      units made per year, in the sector's unit (> 0)
made_in        yes      region where it is made (ISO alpha-3 code in the dataset)
magnet_grade   no       a magnet-stage commodity code (e.g. a sintered or bonded
                        grade) replacing the sector's magnets, same tonnage
suppliers      no       known supplier regions of its direct inputs, separated by
                        ``;``, ``|`` or spaces, each optionally weighted
                        (``JPN:0.7;CHN:0.3``); default: the ``made_in`` pool
============== ======== ==========================================================

Headers are matched case-insensitively; ``where_made`` and ``known_suppliers`` (or
``supplier_regions``) are accepted for ``made_in`` and ``suppliers``. Every problem in
the file is reported at once, each naming its file, line and column.

A product's direct inputs are ``units_per_year × intensity`` of its sector. Without
suppliers they are drawn from the ``made_in`` region's pool (pooled sourcing, see
:mod:`reechain.metrics.exposure`). With suppliers, each input is split among the
suppliers that have it, by weight: from a supplier's own output when it makes the
commodity, else from its pool (a trader); an input no listed supplier has falls back to
the ``made_in`` pool.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.errors import DatasetError, Problem
from reechain.metrics.exposure import Exposure, OriginModel, exposure_of
from reechain.names import did_you_mean

FloatArray = NDArray[np.float64]

REQUIRED = ("product", "sector", "units_per_year", "made_in")
OPTIONAL = ("magnet_grade", "suppliers")
ALIASES = {
    "where_made": "made_in",
    "made_in_region": "made_in",
    "known_suppliers": "suppliers",
    "supplier_regions": "suppliers",
    "known_supplier_regions": "suppliers",
    "units": "units_per_year",
    "grade": "magnet_grade",
}
MAGNET_STAGE = "magnet"


@dataclass(frozen=True)
class BomItem:
    """One validated product of a bill of materials."""

    line: int
    product: str
    sector: str
    units_per_year: float
    made_in: str
    magnet_grade: str = ""
    suppliers: tuple[tuple[str, float], ...] = ()
    """(region, weight) pairs; weights sum to 1."""


def normalize_header(name: str) -> str:
    """Return a BOM column name in canonical form (lower case, underscores, aliases)."""
    key = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return ALIASES.get(key, key)


def parse_bom(
    rows: Sequence[tuple[int, Mapping[str, str]]], file: str, chain: Chain
) -> list[BomItem]:
    """Return the validated products of a BOM given as (line, {column: text}) rows.

    Raises
    ------
    DatasetError
        Listing every problem, each with file, line and column.

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> rows = [(2, {"product": "motor A", "sector": "ev_motor", "units_per_year": "1000",
    ...              "made_in": "JPN", "suppliers": "JPN:0.5;CHN:0.5"})]
    >>> parse_bom(rows, "bom.csv", chain)[0].suppliers
    (('JPN', 0.5), ('CHN', 0.5))
    """
    problems: list[Problem] = []
    if rows:
        columns = set(rows[0][1])
        for column in REQUIRED:
            if column not in columns:
                problems.append(
                    Problem(
                        file,
                        1,
                        column,
                        None,
                        f"a column {column!r}",
                        f"columns are {', '.join(REQUIRED + OPTIONAL)}",
                    )
                )
        unknown = sorted(columns - set(REQUIRED) - set(OPTIONAL))
        for column in unknown:
            problems.append(
                Problem(
                    file,
                    1,
                    column,
                    column,
                    f"one of {', '.join(REQUIRED + OPTIONAL)}",
                    did_you_mean(column, REQUIRED + OPTIONAL),
                )
            )
        if problems:
            raise DatasetError(problems)
    else:
        raise DatasetError([Problem(file, None, None, None, "at least one product row")])
    items = []
    for line, row in rows:
        item = _parse_row(line, row, file, chain, problems)
        if item is not None:
            items.append(item)
    if problems:
        raise DatasetError(problems)
    return items


def _parse_row(
    line: int, row: Mapping[str, str], file: str, chain: Chain, problems: list[Problem]
) -> BomItem | None:
    before = len(problems)

    def bad(column: str, found: str | None, expected: str, hint: str | None = None) -> None:
        problems.append(Problem(file, line, column, found, expected, hint))

    text = {k: (v or "").strip() for k, v in row.items()}
    product = text.get("product", "")
    if not product:
        bad("product", None, "a product name")
    sector = text.get("sector", "")
    if sector not in chain.sectors:
        bad(
            "sector",
            sector,
            "an end-use sector of the dataset",
            did_you_mean(sector, chain.sectors) or f"sectors: {', '.join(chain.sectors)}",
        )
    elif chain.intensity[chain.sectors.index(sector)].sum() <= 0:
        bad("sector", sector, "a sector with material intensities in the dataset")
    raw_units = text.get("units_per_year", "")
    try:
        units = float(raw_units.replace(",", ""))
    except ValueError:
        units = math.nan
    if not (math.isfinite(units) and units > 0):
        bad("units_per_year", raw_units, "a number above 0")
    made_in = text.get("made_in", "").upper()
    if made_in not in chain.regions:
        bad(
            "made_in",
            text.get("made_in", ""),
            "a region of the dataset",
            did_you_mean(made_in, chain.regions),
        )
    grade = text.get("magnet_grade", "")
    if grade:
        magnets = [
            chain.commodities[c]
            for c in range(len(chain.commodities))
            if chain.stages[int(chain.commodity_stage[c])] == MAGNET_STAGE
        ]
        if grade not in magnets:
            bad(
                "magnet_grade",
                grade,
                f"a magnet commodity ({', '.join(magnets) or 'none'})",
                did_you_mean(grade, magnets),
            )
    suppliers = _parse_suppliers(text.get("suppliers", ""), chain, bad)
    if len(problems) > before:
        return None
    return BomItem(line, product, sector, units, made_in, grade, suppliers)


def _parse_suppliers(
    text: str, chain: Chain, report: Callable[..., None]
) -> tuple[tuple[str, float], ...]:
    pairs: list[tuple[str, float]] = []
    for token in [t for t in re.split(r"[;|,\s]+", text) if t]:
        code, _, weight_text = token.partition(":")
        code = code.upper()
        if code not in chain.regions:
            report(
                "suppliers",
                token,
                "regions of the dataset, e.g. JPN;CHN or JPN:0.7;CHN:0.3",
                did_you_mean(code, chain.regions),
            )
            continue
        try:
            weight = float(weight_text) if weight_text else 1.0
        except ValueError:
            weight = math.nan
        if not (math.isfinite(weight) and weight > 0):
            report("suppliers", token, "a weight above 0 after the colon")
            continue
        pairs.append((code, weight))
    total = sum(w for _, w in pairs)
    return tuple((code, w / total) for code, w in pairs) if total > 0 else ()


def item_demand(chain: Chain, model: OriginModel, item: BomItem) -> tuple[FloatArray, FloatArray]:
    """Return (pool draws, own-output draws), each (R, C) units per year, of one product."""
    s = chain.sectors.index(item.sector)
    direct = item.units_per_year * chain.intensity[s].copy()
    if item.magnet_grade:
        magnet_stage = chain.stages.index(MAGNET_STAGE)
        magnets = chain.commodity_stage == magnet_stage
        tonnage = direct[magnets].sum()
        direct[magnets] = 0.0
        direct[chain.commodities.index(item.magnet_grade)] += tonnage
    pool = np.zeros((len(chain.regions), len(chain.commodities)))
    made = np.zeros_like(pool)
    home = chain.regions.index(item.made_in)
    for c in np.flatnonzero(direct > 0):
        having = [
            (chain.regions.index(k), w)
            for k, w in item.suppliers
            if model.supply[chain.regions.index(k), c] > 0
        ]
        if not having:
            pool[home, c] += direct[c]
            continue
        total = sum(w for _, w in having)
        for k, w in having:
            share = direct[c] * w / total
            if model.production[k, c] > 0:
                made[k, c] += share
            else:
                pool[k, c] += share
    return pool, made


def check_bom_supply(chain: Chain, model: OriginModel, items: Sequence[BomItem], file: str) -> None:
    """Raise DatasetError when a product draws on a pool the chain does not supply."""
    problems = []
    for item in items:
        pool, _ = item_demand(chain, model, item)
        for r, c in zip(*np.nonzero(pool > 0), strict=True):
            if model.supply[r, c] <= 0:
                having = [chain.regions[k] for k in np.flatnonzero(model.supply[:, c] > 0)]
                column = "suppliers" if item.suppliers else "made_in"
                problems.append(
                    Problem(
                        file,
                        item.line,
                        column,
                        chain.regions[r],
                        f"a region with supply of {chain.commodities[c]} in {chain.dataset} "
                        f"{chain.year}",
                        f"list known suppliers, e.g. {';'.join(having[:3])}" if having else None,
                    )
                )
    if problems:
        raise DatasetError(problems)


def bom_exposure(
    chain: Chain, model: OriginModel, items: Sequence[BomItem], file: str = "bom"
) -> list[Exposure]:
    """Return the true-origin exposure of each product, then of all products together.

    Examples
    --------
    >>> import reechain
    >>> from reechain.metrics.exposure import origin_model
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> item = BomItem(2, "motor A", "ev_motor", 1000.0, "USA", suppliers=(("CHN", 1.0),))
    >>> [e.target for e in bom_exposure(chain, origin_model(chain), [item])]
    ['motor A', 'all products']
    >>> bom_exposure(chain, origin_model(chain), [item])[0].share("magnet", "CHN")
    1.0
    """
    check_bom_supply(chain, model, items, file)
    results = []
    total = np.zeros((len(chain.commodities), len(chain.regions)))
    for item in items:
        pool, made = item_demand(chain, model, item)
        content = model.origin_of(pool) + model.origin_of_made(made)
        total += content
        results.append(exposure_of(model, content, item.product))
    results.append(exposure_of(model, total, "all products"))
    return results
