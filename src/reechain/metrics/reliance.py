"""Reliance: net import reliance and the share of supply from a given region or group.

Pure functions over a :class:`~reechain.chain.Chain`. For a region — or a group taken as
one block, so that trade between its members does not count — and a commodity:

- *apparent consumption* = production + imports − exports − stock change, where the stock
  change is the region's balance residuals except ``unrecorded_use`` (which is use). On a
  balanced chain this equals measured use (processes plus end uses);
- *net import reliance* = (apparent consumption − production) / apparent consumption, the
  USGS definition (net imports adjusted for stock change, over apparent consumption). It is
  negative for a net exporter (USGS writes "E") and undefined (NaN) without consumption;
- *supplier share* = the fraction of the region's supply (production + imports) that a
  supplier region or group provides directly: its own production when the region is in
  the supplier, plus imports from the supplier's members. ``not:GROUP`` names every region
  outside a group, e.g. ``not:partners_us_jp``.

A stage's figures add the commodities made at that stage in their own units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reechain.chain import Chain
from reechain.errors import InputError
from reechain.metrics.selection import region_or_group, select_commodities

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def net_import_reliance(
    production: ArrayLike, imports: ArrayLike, exports: ArrayLike, stock_change: ArrayLike = 0.0
) -> FloatArray:
    """Return net import reliance as a fraction of apparent consumption (NaN without use).

    All inputs are in the same unit per year and broadcast together.

    Examples
    --------
    >>> net_import_reliance(20.0, 100.0, 20.0).item()
    0.8
    >>> net_import_reliance(100.0, 0.0, 50.0).item()
    -1.0
    """
    p = np.asarray(production, dtype=np.float64)
    consumption = apparent_consumption(production, imports, exports, stock_change)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(
            consumption > 0, (consumption - p) / np.where(consumption > 0, consumption, 1), np.nan
        )
    return np.asarray(out, dtype=np.float64)


def apparent_consumption(
    production: ArrayLike, imports: ArrayLike, exports: ArrayLike, stock_change: ArrayLike = 0.0
) -> FloatArray:
    """Return production + imports − exports − stock change, units per year.

    Examples
    --------
    >>> apparent_consumption(20.0, 100.0, 20.0, 5.0).item()
    95.0
    """
    return np.asarray(
        np.asarray(production, dtype=np.float64)
        + np.asarray(imports, dtype=np.float64)
        - np.asarray(exports, dtype=np.float64)
        - np.asarray(stock_change, dtype=np.float64),
        dtype=np.float64,
    )


def stock_change(chain: Chain) -> FloatArray:
    """Return (R, C) stock change from the balance residuals, units per year (+: build)."""
    out = np.zeros((len(chain.regions), len(chain.commodities)))
    keep = np.array([k != "unrecorded_use" for k in chain.residual_kind], dtype=bool)
    if keep.any():
        np.add.at(
            out,
            (chain.residual_region[keep], chain.residual_commodity[keep]),
            chain.residual_quantity[keep],
        )
    return out


@dataclass(frozen=True)
class BlockFlows:
    """A block of regions taken as one: its flows per commodity, units per year."""

    production: FloatArray
    """(C,) production inside the block."""
    imports: FloatArray
    """(C,) imports from outside the block."""
    exports: FloatArray
    """(C,) exports to outside the block."""
    stock_change: FloatArray
    """(C,) stock change inside the block (+: build)."""
    imports_by_exporter: FloatArray
    """(C, R) imports from each outside region."""
    production_by_region: FloatArray
    """(C, R) production of each member (0 outside the block)."""


def block_flows(chain: Chain, members: ArrayLike) -> BlockFlows:
    """Return the flows of the block of regions in the (R,) mask ``members``.

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> flows = block_flows(chain, chain.region_mask("partners_us_jp"))
    >>> float(flows.imports[chain.commodity_index("NdFeB")])
    80.0
    """
    inside = np.asarray(members, dtype=bool)
    trade = chain.trade_matrix  # (C, exporter, importer)
    into = trade[:, ~inside][:, :, inside].sum(axis=2)  # (C, outside exporters)
    imports_by_exporter = np.zeros((len(chain.commodities), len(chain.regions)))
    imports_by_exporter[:, ~inside] = into
    return BlockFlows(
        production=chain.production[inside].sum(axis=0),
        imports=imports_by_exporter.sum(axis=1),
        exports=trade[:, inside][:, :, ~inside].sum(axis=(1, 2)),
        stock_change=stock_change(chain)[inside].sum(axis=0),
        imports_by_exporter=imports_by_exporter,
        production_by_region=np.where(inside[None, :], chain.production.T, 0.0),
    )


@dataclass(frozen=True)
class Reliance:
    """Reliance of one region or group on imports and on one supplier, for one commodity."""

    region: str
    stage: str
    commodity: str
    unit: str
    year: int
    production: float
    imports: float
    exports: float
    stock_change: float
    apparent_consumption: float
    net_import_reliance: float
    """Fraction of apparent consumption; negative for a net exporter, NaN without use."""
    supplier: str
    supplied_by_supplier: float
    """Units per year supplied directly by the supplier (its production or its exports)."""
    supplier_share: float
    """Fraction of supply (production + imports) supplied directly by the supplier."""
    import_share_from_supplier: float
    """Fraction of imports that come from the supplier (NaN without imports)."""

    def as_record(self) -> dict[str, Any]:
        """Return a JSON-ready record whose keys name their units (NaN becomes None)."""
        return {
            "year": self.year,
            "region": self.region,
            "stage": self.stage,
            "commodity": self.commodity,
            "unit": self.unit,
            "production_per_year": self.production,
            "imports_per_year": self.imports,
            "exports_per_year": self.exports,
            "stock_change_per_year": self.stock_change,
            "apparent_consumption_per_year": self.apparent_consumption,
            "import_reliance": _finite(self.net_import_reliance),
            "net_exporter": bool(self.exports > self.imports),
            "supplier": self.supplier,
            "supplied_by_supplier_per_year": self.supplied_by_supplier,
            "supplier_share": _finite(self.supplier_share),
            "import_share_from_supplier": _finite(self.import_share_from_supplier),
        }


def _finite(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def chain_reliance(
    chain: Chain,
    region: str,
    commodity: str | None = None,
    stage: str | None = None,
    *,
    supplier: str | None = "CHN",
    per: str = "commodity",
) -> list[Reliance]:
    """Return the reliance of ``region`` (a region or group) per commodity or per stage.

    ``supplier`` is a region, a group, or ``not:GROUP``; None or a name missing from the
    chain's regions when it is the default ``"CHN"`` leaves the supplier figures at 0.
    Commodities the region neither produces, imports nor uses are left out.

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> r = chain_reliance(chain, "JPN", "NdFeB")[0]
    >>> round(r.net_import_reliance, 3), round(r.supplier_share, 3)
    (0.167, 0.167)
    """
    if per not in ("commodity", "stage"):
        raise InputError(f"per: got {per!r}, expected 'commodity' or 'stage'")
    members = region_or_group(chain, region)
    if supplier is None or (supplier == "CHN" and "CHN" not in chain.regions):
        source = np.zeros(len(chain.regions), dtype=bool)
        supplier_name = ""
    else:
        source = region_or_group(chain, supplier)
        supplier_name = supplier
    flows = block_flows(chain, members)
    selected = select_commodities(chain, commodity, stage)
    supplied = np.where(source[None, :], flows.production_by_region, 0.0).sum(axis=1) + np.where(
        source[None, :], flows.imports_by_exporter, 0.0
    ).sum(axis=1)
    from_supplier = np.where(source[None, :], flows.imports_by_exporter, 0.0).sum(axis=1)
    groups: list[tuple[str, str, list[int]]]
    if per == "commodity":
        groups = [
            (chain.stages[int(chain.commodity_stage[c])], chain.commodities[c], [c])
            for c in selected
        ]
    else:
        groups = []
        for s in sorted({int(chain.commodity_stage[c]) for c in selected}):
            at_stage = [c for c in selected if int(chain.commodity_stage[c]) == s]
            label = "+".join(chain.commodities[c] for c in at_stage) if commodity else "all"
            groups.append((chain.stages[s], label, at_stage))
    results = []
    for stage_name, label, idx in groups:
        p, m, x, k = (
            float(flows.production[idx].sum()),
            float(flows.imports[idx].sum()),
            float(flows.exports[idx].sum()),
            float(flows.stock_change[idx].sum()),
        )
        consumption = float(apparent_consumption(p, m, x, k))
        if max(p, m, x, abs(consumption)) <= 0:
            continue
        units = {chain.commodity_units[c] for c in idx}
        supply = p + m
        s_sup = float(supplied[idx].sum())
        results.append(
            Reliance(
                region=region,
                stage=stage_name,
                commodity=label,
                unit=units.pop() if len(units) == 1 else "mixed",
                year=chain.year,
                production=p,
                imports=m,
                exports=x,
                stock_change=k,
                apparent_consumption=consumption,
                net_import_reliance=float(net_import_reliance(p, m, x, k)),
                supplier=supplier_name,
                supplied_by_supplier=s_sup,
                supplier_share=s_sup / supply if supply > 0 else float("nan"),
                import_share_from_supplier=(
                    float(from_supplier[idx].sum()) / m if m > 0 else float("nan")
                ),
            )
        )
    return results
