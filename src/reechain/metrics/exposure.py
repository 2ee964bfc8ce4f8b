"""True-origin exposure: where each upstream stage of a region's supply actually happened.

A region that makes its own magnets may still rest on another region's separated oxide:
direct import shares do not show it. This module traces every unit of supply back through
the recipes and the trade network to the regions where each upstream commodity was made.

Method (a Leontief-style attribution over the multi-stage network)
------------------------------------------------------------------
Nodes are (region, commodity) *pools*. A pool's supply is its production, its imports,
and any draw on stocks or unreported output (a negative balance residual)::

    supply[r, c] = production[r, c] + imports[r, c] + draw[r, c]

Assumptions:

1. **Pooled (proportional) sourcing.** Every use of a pool — processes, end uses, exports,
   stock builds — draws on its sources in proportion: a share production/supply was made
   in the region, a share trade[e → r]/supply came from exporter e's pool (so re-exports
   pass on the exporter's own mix), and draw/supply came from stocks.
2. **Recipes allocate inputs to outputs by quantity.** A process's inputs per unit of
   activity are shared among its outputs in proportion to their quantities (physical
   allocation). For a separation plant this gives every co-product the same origin mix.
3. **Stocks and unreported output** count as made in the region holding them, at that
   commodity's stage; their upstream is not traced, so upstream shares are shares of the
   traced content.
4. **Units.** Embodied quantities are in each upstream commodity's own unit; a stage's
   total adds its commodities' units (all tonnes).

With ``B`` the N × N matrix of direct draws per unit of pool supply (trade draws on the
exporter's pool; production draws, through the recipe, on the region's input pools) and
``d`` the share of each pool made locally, the quantity of every (origin, commodity) made
and embodied in one unit of each pool is ``E = (I − B)⁻¹ diag(d)``. Exposure of a
demand vector ``y`` (units drawn from each pool) is ``y @ E``: per upstream commodity and
origin region, the quantity made there. Shares per stage sum to 1 wherever the stage
contributes anything. On a one-stage chain (no recipes) they equal direct supply shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from reechain.chain import Chain
from reechain.errors import ConsistencyError, InputError, NotFoundError
from reechain.metrics.selection import region_or_group
from reechain.names import did_you_mean

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class OriginModel:
    """The origin content of every pool of a chain (see the module docstring)."""

    regions: tuple[str, ...]
    commodities: tuple[str, ...]
    commodity_units: tuple[str, ...]
    commodity_stage: NDArray[np.int64]
    stages: tuple[str, ...]
    supply: FloatArray
    """(R, C) supply of each pool, units per year."""
    production: FloatArray
    """(R, C) production, units per year."""
    embodied: FloatArray
    """(R·C, R·C) quantity of (origin, commodity) made and embodied per unit of each pool."""
    inputs_per_unit_made: FloatArray
    """(R·C, R·C) units drawn from each pool per unit made (production basis)."""

    def pool(self, region: int, commodity: int) -> int:
        """Return the flat index of pool (region, commodity)."""
        return region * len(self.commodities) + commodity

    def origin_of(self, demand: ArrayLike) -> FloatArray:
        """Return (C, R) quantity of each commodity made in each region, embodied in
        ``demand`` (R, C) units drawn from pools."""
        y = np.asarray(demand, dtype=np.float64).reshape(-1)
        out = (y @ self.embodied).reshape(len(self.regions), len(self.commodities))
        return np.asarray(out.T, dtype=np.float64)

    def origin_of_made(self, made: ArrayLike) -> FloatArray:
        """Return (C, R) origin content of ``made`` (R, C) units produced by each region's
        own processes (rather than drawn from its pool)."""
        y = np.asarray(made, dtype=np.float64).reshape(-1)
        upstream = (y @ self.inputs_per_unit_made) @ self.embodied
        out = (y + upstream).reshape(len(self.regions), len(self.commodities))
        return np.asarray(out.T, dtype=np.float64)


def origin_model(chain: Chain) -> OriginModel:
    """Return the origin content of every pool of ``chain``.

    Raises
    ------
    ConsistencyError
        The recipes and trade form a loop that nothing produces (no finite attribution).

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> model = origin_model(chain)
    >>> model.embodied.shape
    (28, 28)
    """
    R, C = len(chain.regions), len(chain.commodities)
    N = R * C
    residual = chain.residual
    draw = np.maximum(-residual, 0.0)
    supply = chain.production + chain.imports + draw
    made_here = chain.production + draw
    safe = np.where(supply > 0, supply, 1.0)
    d = np.where(supply > 0, made_here / safe, 0.0).reshape(-1)

    # Inputs allocated to each output of each process, by output quantity: (P, C_out, C_in).
    outputs = chain.activity_per_year[:, None] * chain.process_outputs
    total_out = chain.process_outputs.sum(axis=1)
    per_out = (
        np.where(total_out[:, None] > 0, chain.process_inputs, 0.0)
        / np.where(total_out > 0, total_out, 1.0)[:, None]
    )
    alloc = outputs[:, :, None] * per_out[:, None, :]
    by_region = np.zeros((R, C, C))
    np.add.at(by_region, chain.process_region, alloc)

    B = np.zeros((N, N))
    made = np.zeros((N, N))
    regions = np.arange(R)
    for r in regions:
        rows = r * C + np.arange(C)
        cols = r * C + np.arange(C)
        B[np.ix_(rows, cols)] = by_region[r] / safe[r][:, None]
        produced = chain.production[r]
        made[np.ix_(rows, cols)] = np.where(
            produced[:, None] > 0,
            by_region[r] / np.where(produced > 0, produced, 1.0)[:, None],
            0.0,
        )
    trade = chain.trade_matrix  # (C, exporter, importer)
    for c in range(C):
        # B[(importer, c), (exporter, c)] = flow / supply of the importer's pool
        B[regions * C + c, (regions * C + c)[:, None]] = trade[c] / safe[:, c][None, :]
    try:
        embodied = np.linalg.solve(np.eye(N) - B, np.diag(d))
    except np.linalg.LinAlgError as exc:
        raise ConsistencyError(
            f"{chain.dataset} {chain.year}: the recipes and trade form a loop that no "
            "process or stock feeds; true-origin exposure is undefined"
        ) from exc
    return OriginModel(
        regions=chain.regions,
        commodities=chain.commodities,
        commodity_units=chain.commodity_units,
        commodity_stage=chain.commodity_stage,
        stages=chain.stages,
        supply=np.asarray(supply, dtype=np.float64),
        production=np.asarray(chain.production, dtype=np.float64),
        embodied=np.asarray(embodied, dtype=np.float64),
        inputs_per_unit_made=made,
    )


def stage_origin_shares(
    content: ArrayLike, commodity_stage: ArrayLike, n_stages: int
) -> tuple[FloatArray, FloatArray]:
    """Return (S, R) origin shares per stage and (S,) embodied totals, from (C, R) content.

    A stage's shares sum to 1 when its total is positive, and are all 0 otherwise.

    Examples
    --------
    >>> shares, totals = stage_origin_shares([[3.0, 1.0], [0.0, 2.0]], [0, 1], 2)
    >>> shares.tolist(), totals.tolist()
    ([[0.75, 0.25], [0.0, 1.0]], [4.0, 2.0])
    """
    q = np.asarray(content, dtype=np.float64)
    stage_of = np.asarray(commodity_stage, dtype=np.int64)
    by_stage = np.zeros((n_stages, q.shape[1]))
    np.add.at(by_stage, stage_of, q)
    totals = by_stage.sum(axis=1)
    shares = np.where(
        totals[:, None] > 0, by_stage / np.where(totals > 0, totals, 1.0)[:, None], 0.0
    )
    return np.asarray(shares, dtype=np.float64), np.asarray(totals, dtype=np.float64)


@dataclass(frozen=True)
class Exposure:
    """Origin of one target's upstream content, per stage (and commodity) and region."""

    target: str
    """What was traced, e.g. ``"JPN supply of NdFeB"`` or ``"JPN end use"``."""
    regions: tuple[str, ...]
    stages: tuple[str, ...]
    commodities: tuple[str, ...]
    commodity_units: tuple[str, ...]
    commodity_stage: NDArray[np.int64]
    content: FloatArray
    """(C, R) quantity of each commodity made in each origin region, units per year."""
    stage_shares: FloatArray
    """(S, R) share of each stage's content made in each region (rows sum to 1 or 0)."""
    stage_totals: FloatArray
    """(S,) embodied quantity per stage, tonnes per year (commodities' own units)."""

    def share(self, stage: str, region: str) -> float:
        """Return the share of ``stage``'s content made in ``region``."""
        return float(self.stage_shares[self.stages.index(stage), self.regions.index(region)])

    def records(
        self, *, detail: bool = False, year: int | None = None, stage: str | None = None
    ) -> list[dict[str, Any]]:
        """Return one record per (stage, origin) with content; with ``detail``, also per
        (upstream commodity, origin); with ``stage``, only that stage's.

        Raises
        ------
        NotFoundError
            ``stage`` is not a stage of the chain.
        """
        if stage is not None and stage not in self.stages:
            raise NotFoundError(
                f"no stage named {stage!r}"
                + (f"; {hint}" if (hint := did_you_mean(stage, self.stages)) else "")
            )
        out: list[dict[str, Any]] = []
        for s, stage_name in enumerate(self.stages):
            if self.stage_totals[s] <= 0 or stage not in (None, stage_name):
                continue
            members = np.flatnonzero(self.commodity_stage == s)
            units = {self.commodity_units[c] for c in members if self.content[c].sum() > 0}
            unit = units.pop() if len(units) == 1 else "mixed"
            for r in np.argsort(-self.stage_shares[s], kind="stable"):
                if self.stage_shares[s, r] <= 0:
                    continue
                out.append(
                    _record(
                        self.target,
                        year,
                        stage_name,
                        "all",
                        self.regions[int(r)],
                        float(self.stage_shares[s, r] * self.stage_totals[s]),
                        unit,
                        float(self.stage_shares[s, r]),
                    )
                )
            if not detail:
                continue
            for c in members:
                total = float(self.content[c].sum())
                if total <= 0:
                    continue
                for r in np.argsort(-self.content[c], kind="stable"):
                    if self.content[c, r] <= 0:
                        continue
                    out.append(
                        _record(
                            self.target,
                            year,
                            stage_name,
                            self.commodities[c],
                            self.regions[int(r)],
                            float(self.content[c, r]),
                            self.commodity_units[c],
                            float(self.content[c, r] / total),
                        )
                    )
        return out


def _record(
    target: str,
    year: int | None,
    stage: str,
    commodity: str,
    origin: str,
    quantity: float,
    unit: str,
    share: float,
) -> dict[str, Any]:
    record: dict[str, Any] = {"target": target}
    if year is not None:
        record["year"] = year
    record.update(
        {
            "stage": stage,
            "commodity": commodity,
            "origin_region": origin,
            "embodied_per_year": quantity,
            "unit": unit,
            "origin_share": share,
        }
    )
    return record


def exposure_of(model: OriginModel, content: ArrayLike, target: str) -> Exposure:
    """Return the exposure of (C, R) origin ``content`` (from :meth:`OriginModel.origin_of`).

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> model = origin_model(chain)
    >>> demand = np.zeros((4, 7)); demand[2, 6] = 1.0   # 1 t of JPN's NdFeB supply
    >>> e = exposure_of(model, model.origin_of(demand), "JPN NdFeB")
    >>> round(e.share("magnet", "JPN"), 3), round(e.share("mine", "CHN"), 3)
    (0.833, 0.468)
    """
    q = np.asarray(content, dtype=np.float64)
    shares, totals = stage_origin_shares(q, model.commodity_stage, len(model.stages))
    return Exposure(
        target=target,
        regions=model.regions,
        stages=model.stages,
        commodities=model.commodities,
        commodity_units=model.commodity_units,
        commodity_stage=model.commodity_stage,
        content=q,
        stage_shares=shares,
        stage_totals=totals,
    )


def chain_exposure(
    chain: Chain,
    region: str,
    commodity: str | None = None,
    *,
    sector: str | None = None,
    model: OriginModel | None = None,
) -> Exposure:
    """Return the true-origin exposure of a region's (or group's) supply or end use.

    With ``commodity``, the target is the region's whole supply of that commodity (for a
    group, its members' supply less what they ship to each other); without, the material
    used by its end-use sectors (only ``sector`` when given).

    Raises
    ------
    InputError
        The region has no supply of the commodity, or no end use.

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> e = chain_exposure(chain, "JPN", "NdFeB")
    >>> round(e.share("separate", "CHN"), 3)
    0.514
    """
    model = origin_model(chain) if model is None else model
    members = region_or_group(chain, region)
    demand = np.zeros((len(chain.regions), len(chain.commodities)))
    if commodity is not None:
        c = chain.commodity_index(commodity)
        # A group's supply is its members' pools less what they ship to each other.
        inside = chain.trade_matrix[c][:, members].sum(axis=1)  # (R,) exports to members
        demand[members, c] = model.supply[members, c] - inside[members]
        target = f"{region} supply of {commodity}"
        if demand.sum() <= 0:
            raise InputError(
                f"{region} has no supply of {commodity} in {chain.dataset} {chain.year}"
            )
    else:
        if sector is not None:
            s = chain.sector_index(sector)
            use = chain.output_per_year[s][:, None] * chain.intensity[s][None, :]
            target = f"{region} {sector}"
        else:
            use = chain.end_use
            target = f"{region} end use"
        demand[members] = use[members]
        if demand.sum() <= 0:
            raise InputError(
                f"{region} has no end use{' in ' + sector if sector else ''} in "
                f"{chain.dataset} {chain.year}; name a --commodity to trace its supply"
            )
    return exposure_of(model, model.origin_of(demand), target)
