"""The compiled chain: one year of a dataset as immutable numpy arrays.

Axes (every array documents which it has):

- ``R`` regions, ``C`` commodities, ``S`` sectors, ``P`` processes, ``Q`` recipes,
  ``L`` trade links, ``K`` strategic stockpiles, ``G`` groups;
- quantities are in each commodity's own unit per year (tonnes of oxide unless the unit
  says otherwise); end-use output in each sector's unit per year; prices in USD/kg.

Everything downstream (metrics, engine, risk, optimise) works on a :class:`Chain`. A chain
keeps, for each compiled entry, the provenance of the row it came from, so that any figure
can be traced to its source and so that :meth:`Chain.to_tables` gives back tables in the
dataset format which compile to an equal chain.

Recipes and end-use matrices are held dense: P × C and S × C stay below 10⁵ cells for any
realistic dataset, and dense arrays keep the engine's matrix products simple and fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.data.dataset import (
    BALANCE_ABSOLUTE_TOLERANCE,
    BALANCE_RELATIVE_TOLERANCE,
    Dataset,
)
from reechain.data.tables import PipelineRow
from reechain.errors import DatasetError, NotFoundError, Problem
from reechain.names import did_you_mean

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Sources = tuple[Mapping[str, Any], ...]


def frozen(array: Any) -> FloatArray:
    """Return ``array`` as a read-only float64 array."""
    out = np.array(array, dtype=np.float64)
    out.setflags(write=False)
    return out


def frozen_int(array: Any) -> IntArray:
    """Return ``array`` as a read-only int64 array."""
    out = np.array(array, dtype=np.int64)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class Chain:
    """One year of a dataset, compiled to integer indices and numpy arrays."""

    dataset: str
    """Name of the dataset it was compiled from."""
    year: int
    """The year its baseline figures refer to."""
    base_year: int
    """The dataset's base year."""

    regions: tuple[str, ...]
    region_names: tuple[str, ...]
    region_kinds: tuple[str, ...]
    groups: Mapping[str, tuple[str, ...]]
    stages: tuple[str, ...]
    stage_names: tuple[str, ...]
    commodities: tuple[str, ...]
    commodity_names: tuple[str, ...]
    commodity_units: tuple[str, ...]
    commodity_elements: tuple[str, ...]
    commodity_stage: IntArray
    """(C,) stage index of each commodity."""
    sectors: tuple[str, ...]
    sector_names: tuple[str, ...]
    sector_units: tuple[str, ...]

    processes: tuple[str, ...]
    process_region: IntArray
    """(P,) region index."""
    process_stage: IntArray
    """(P,) stage index."""
    process_recipe: IntArray
    """(P,) recipe index."""
    process_technology: tuple[str, ...]
    process_owner: tuple[str, ...]
    process_status: tuple[str, ...]
    process_start_year: IntArray
    """(P,) first year of operation, -1 when unknown."""
    capacity_per_year: FloatArray
    """(P,) activity units per year at full use."""
    activity_per_year: FloatArray
    """(P,) baseline activity, units per year."""
    max_utilisation: FloatArray
    """(P,) highest usable share of capacity."""
    ramp_rate_per_month: FloatArray
    """(P,) largest monthly rise of utilisation."""

    recipes: tuple[str, ...]
    recipe_entries: IntArray
    """(E, 3) recipe index, commodity index, role (0 input, 1 output) of each recipe row."""
    recipe_quantity: FloatArray
    """(E,) commodity units per unit of activity of each recipe row."""

    link_commodity: IntArray
    """(L,) commodity index of each baseline trade link."""
    link_exporter: IntArray
    """(L,) exporter region index."""
    link_importer: IntArray
    """(L,) importer region index."""
    link_flow_per_year: FloatArray
    """(L,) baseline flow, commodity units per year."""

    end_use_entries: IntArray
    """(N, 2) sector index, region index of each end-use row."""
    output_per_year: FloatArray
    """(S, R) baseline output, sector units per year."""
    value_usd_per_unit: FloatArray
    """(S, R) value of one unit of output, USD."""
    jobs_per_unit: FloatArray
    """(S, R) jobs per unit of output per year."""
    intensity_entries: IntArray
    """(M, 2) sector index, commodity index of each intensity row."""
    intensity: FloatArray
    """(S, C) commodity units per unit of sector output."""

    inventory_entries: IntArray
    """(I, 2) region index, commodity index of each inventory row."""
    inventory_target_days: FloatArray
    """(R, C) users' target inventory, days of use (0 where none is recorded)."""
    inventory_restoration_months: FloatArray
    """(R, C) months to move inventory back to target (1 where none is recorded)."""

    stockpile_holder: IntArray
    """(K,) holder region index."""
    stockpile_commodity: IntArray
    """(K,) commodity index."""
    stockpile_quantity: FloatArray
    """(K,) commodity units held."""
    stockpile_max_release_per_month: FloatArray
    """(K,) commodity units per month, at most."""

    price_usd_per_kg: FloatArray
    """(C,) baseline price, USD per kg."""
    price_year: IntArray
    """(C,) year of the price row used."""
    elasticity: FloatArray
    """(C,) price elasticity of demand (negative)."""
    price_cap_multiple: FloatArray
    """(C,) highest price as a multiple of baseline."""

    residual_region: IntArray
    """(X,) region index of each residual row."""
    residual_commodity: IntArray
    """(X,) commodity index of each residual row."""
    residual_kind: tuple[str, ...]
    residual_quantity: FloatArray
    """(X,) commodity units per year, signed (positive: stock build or unrecorded use)."""

    sources: Mapping[str, Sources] = field(default_factory=dict)
    """Per table, the provenance of each compiled entry, aligned with that table's arrays."""
    pipeline: tuple[PipelineRow, ...] = ()
    """The dataset's announced projects (:mod:`reechain.chain.pipeline` turns them into
    capacity over time, by case)."""
    pipeline_case: str = "operating-only"
    """The pipeline case the engine runs this chain with when it is given none: a compiled
    chain runs its operating processes only; a drawn future (``draw_chain``) its draw."""

    # --- lookups -------------------------------------------------------------------

    def region_index(self, code: str) -> int:
        """Return the index of region ``code``; NotFoundError with a suggestion otherwise."""
        return _index(self.regions, code, "region")

    def commodity_index(self, code: str) -> int:
        """Return the index of commodity ``code``."""
        return _index(self.commodities, code, "commodity")

    def stage_index(self, code: str) -> int:
        """Return the index of stage ``code``."""
        return _index(self.stages, code, "stage")

    def sector_index(self, code: str) -> int:
        """Return the index of sector ``code``."""
        return _index(self.sectors, code, "sector")

    def region_mask(self, name: str) -> NDArray[np.bool_]:
        """Return an (R,) mask of the regions in group ``name``, or of region ``name`` itself."""
        mask = np.zeros(len(self.regions), dtype=bool)
        if name in self.groups:
            mask[[self.regions.index(r) for r in self.groups[name]]] = True
        elif name in self.regions:
            mask[self.regions.index(name)] = True
        else:
            raise NotFoundError(
                f"no region or group named {name!r}"
                + _suffix(did_you_mean(name, [*self.regions, *self.groups]))
            )
        return mask

    # --- recipes and baseline quantities -------------------------------------------

    @cached_property
    def recipe_inputs(self) -> FloatArray:
        """(Q, C) commodity units consumed per unit of activity of each recipe."""
        return self._recipe_matrix(role=0)

    @cached_property
    def recipe_outputs(self) -> FloatArray:
        """(Q, C) commodity units produced per unit of activity of each recipe."""
        return self._recipe_matrix(role=1)

    def _recipe_matrix(self, role: int) -> FloatArray:
        out = np.zeros((len(self.recipes), len(self.commodities)))
        rows = self.recipe_entries[:, 2] == role
        np.add.at(
            out,
            (self.recipe_entries[rows, 0], self.recipe_entries[rows, 1]),
            self.recipe_quantity[rows],
        )
        return frozen(out)

    @cached_property
    def process_inputs(self) -> FloatArray:
        """(P, C) commodity units consumed per unit of activity of each process."""
        return frozen(self.recipe_inputs[self.process_recipe])

    @cached_property
    def process_outputs(self) -> FloatArray:
        """(P, C) commodity units produced per unit of activity of each process."""
        return frozen(self.recipe_outputs[self.process_recipe])

    @cached_property
    def production(self) -> FloatArray:
        """(R, C) baseline production, commodity units per year."""
        return self._by_region(self.activity_per_year[:, None] * self.process_outputs)

    @cached_property
    def process_use(self) -> FloatArray:
        """(R, C) baseline use by processes (inputs), commodity units per year."""
        return self._by_region(self.activity_per_year[:, None] * self.process_inputs)

    @cached_property
    def end_use(self) -> FloatArray:
        """(R, C) baseline use by end-use sectors, commodity units per year."""
        return frozen(self.output_per_year.T @ self.intensity)

    @cached_property
    def imports(self) -> FloatArray:
        """(R, C) baseline imports, commodity units per year."""
        out = np.zeros((len(self.regions), len(self.commodities)))
        np.add.at(out, (self.link_importer, self.link_commodity), self.link_flow_per_year)
        return frozen(out)

    @cached_property
    def exports(self) -> FloatArray:
        """(R, C) baseline exports, commodity units per year."""
        out = np.zeros((len(self.regions), len(self.commodities)))
        np.add.at(out, (self.link_exporter, self.link_commodity), self.link_flow_per_year)
        return frozen(out)

    @cached_property
    def residual(self) -> FloatArray:
        """(R, C) net balance residual, commodity units per year (positive: stock build)."""
        out = np.zeros((len(self.regions), len(self.commodities)))
        np.add.at(out, (self.residual_region, self.residual_commodity), self.residual_quantity)
        return frozen(out)

    @cached_property
    def trade_matrix(self) -> FloatArray:
        """(C, R, R) baseline flows, commodity × exporter × importer, units per year."""
        out = np.zeros((len(self.commodities), len(self.regions), len(self.regions)))
        np.add.at(
            out,
            (self.link_commodity, self.link_exporter, self.link_importer),
            self.link_flow_per_year,
        )
        return frozen(out)

    def _by_region(self, per_process: FloatArray) -> FloatArray:
        out = np.zeros((len(self.regions), len(self.commodities)))
        np.add.at(out, self.process_region, per_process)
        return frozen(out)

    @cached_property
    def balance_gap(self) -> FloatArray:
        """(R, C) production + imports − use − exports − residual; zero when balanced."""
        return frozen(
            self.production
            + self.imports
            - self.process_use
            - self.end_use
            - self.exports
            - self.residual
        )

    def balance_problems(self) -> list[Problem]:
        """Return one problem per (region, commodity) whose baseline does not balance."""
        terms = np.stack(
            [
                self.production,
                self.imports,
                self.process_use,
                self.end_use,
                self.exports,
                np.abs(self.residual),
            ]
        )
        tolerance = np.maximum(
            BALANCE_ABSOLUTE_TOLERANCE, BALANCE_RELATIVE_TOLERANCE * terms.max(axis=0)
        )
        problems = []
        for r, c in zip(*np.nonzero(np.abs(self.balance_gap) > tolerance), strict=True):
            gap = float(self.balance_gap[r, c])
            use = float(self.process_use[r, c] + self.end_use[r, c])
            problems.append(
                Problem(
                    "residuals.csv",
                    None,
                    "quantity_per_year",
                    f"{self.regions[r]} {self.commodities[c]} {self.year}: production "
                    f"{self.production[r, c]:.6g} + imports {self.imports[r, c]:.6g}"
                    f" − use {use:.6g}"
                    f" − exports {self.exports[r, c]:.6g} − residual {self.residual[r, c]:.6g}"
                    f" = {gap:+.6g}",
                    "a baseline that balances (gap 0)",
                    f"fix the inputs or add a residual row of {gap:.6g} for {self.regions[r]}, "
                    f"{self.commodities[c]}, {self.year}",
                )
            )
        return problems

    # --- comparison and round trip ------------------------------------------------------

    def equals(self, other: Chain) -> bool:
        """Return whether two chains hold the same names, numbers and provenance."""
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, np.ndarray):
                if a.shape != b.shape or not np.array_equal(a, b):
                    return False
            elif f.name in ("sources", "groups"):
                if {k: tuple(v) for k, v in a.items()} != {k: tuple(v) for k, v in b.items()}:
                    return False
            elif a != b:
                return False
        return True

    def to_tables(self) -> dict[str, list[dict[str, Any]]]:
        """Return the chain as dataset tables (records), which compile back to an equal chain."""
        from reechain.chain.tables import chain_to_tables

        return chain_to_tables(self)


def _index(names: Sequence[str], code: str, kind: str) -> int:
    try:
        return list(names).index(code)
    except ValueError:
        raise NotFoundError(
            f"no {kind} named {code!r}" + _suffix(did_you_mean(code, names))
        ) from None


def _suffix(hint: str | None) -> str:
    return f"; {hint}" if hint else ""


def compile_chain(
    dataset: Dataset, year: int | None = None, *, check_balance: bool = True
) -> Chain:
    """Return the chain of ``dataset`` for ``year`` (default: the dataset's base year).

    Raises
    ------
    NotFoundError
        The dataset has no process data for ``year``.
    DatasetError
        ``check_balance`` is true and the baseline does not balance.
    """
    year = dataset.meta.base_year if year is None else year
    if year not in dataset.years():
        raise NotFoundError(
            f"dataset {dataset.name!r} has no data for {year}; "
            f"years with data: {', '.join(map(str, dataset.years()))}"
        )
    from reechain.chain.build import build_chain  # the builder needs Chain: import it late

    chain = build_chain(dataset, year)
    if check_balance:
        problems = chain.balance_problems()
        if problems:
            raise DatasetError(problems)
    return chain
