"""Scenarios and simulation in the Python API: find, validate, run, store and export.

This module ties the scenario files and the engine to the store. A run is recorded with
its inputs hash (dataset content + scenario + horizon + demand path), seed (none: the
engines are deterministic) and code version, and its results are written with its
final status in one transaction.

Examples
--------
>>> import reechain
>>> from reechain.workflows.simulate import run_scenario
>>> run = run_scenario("dy-restriction")
>>> run.results.scenario, run.results.months, run.run_id
('dy-restriction', 24, None)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from reechain.chain import Chain, compile_chain
from reechain.chain.pipeline import check_case, online
from reechain.engine.results import (
    Results,
    commodity_kpis,
    sector_kpis,
    simulate,
    simulate_many,
)
from reechain.errors import InputError, NotFoundError
from reechain.exporting import records_csv, records_parquet
from reechain.metrics.bom import BomItem
from reechain.names import check_name, did_you_mean, yaml_file
from reechain.scenario.compose import SEPARATOR, compose, split_name
from reechain.scenario.library import library_path, library_scenarios
from reechain.scenario.models import Scenario
from reechain.scenario.validate import (
    check_against_chain,
    parse_scenario,
    read_scenario_text,
)
from reechain.store import DEFAULT_WORKSPACE, Store
from reechain.workflows import jobs
from reechain.workflows.datasets import load_dataset
from reechain.workflows.demand import monthly_demand_path
from reechain.workflows.hashing import inputs_hash
from reechain.workflows.jobs import JobContext, Outputs, json_output

RUN_KIND = "simulate"
PARQUET = "application/vnd.apache.parquet"
WS = DEFAULT_WORKSPACE


@dataclass(frozen=True)
class ScenarioRun:
    """A finished simulation: its results and, when it was stored, its run id."""

    results: Results
    run_id: str | None = None

    def to_frame(self, table: str = "kpis_sector") -> Any:
        """Return one result table (see :func:`result_tables`) as a pandas DataFrame."""
        from reechain.workflows.frames import to_frame

        return to_frame(self, table)


class ResultFormat(StrEnum):
    """Formats a run's results can be exported in."""

    CSV = "csv"
    PARQUET = "parquet"
    JSON = "json"


def scenario_source(
    name_or_path: str | Path,
    store: Store | None = None,
    *,
    workspace: str = WS,
    dataset: str | None = None,
) -> tuple[str, str]:
    """Return (file name, YAML text) of a scenario file path, stored name or bundled name.

    A bundled name written for ``dataset`` is preferred when given (``baseline`` exists for
    several datasets). Inside a server (:func:`reechain.names.names_only`) only names are
    resolved: a path is refused before anything is read.
    """
    path = yaml_file(name_or_path)
    if path is not None:
        return str(path), read_scenario_text(path)
    name = check_name(str(name_or_path), "scenario")
    if store is not None and name in _stored_names(store, workspace):
        return f"store:{name}", store.get_scenario(name, workspace=workspace)
    try:
        found = (
            library_path(name, dataset)
            if dataset is not None and name in library_scenarios(dataset)
            else library_path(name)
        )
    except NotFoundError:
        stored = _stored_names(store, workspace) if store is not None else []
        from reechain.names import did_you_mean

        hint = did_you_mean(name, [*library_scenarios(), *stored])
        raise NotFoundError(
            f"no scenario named {name!r} (not a file, not stored, not bundled)"
            + (f"; {hint}" if hint else "")
        ) from None
    return str(found), found.read_text(encoding="utf-8")


def _stored_names(store: Store, workspace: str = WS) -> list[str]:
    return [str(s["name"]) for s in store.list_scenarios(workspace=workspace)]


def list_scenarios(store: Store | None = None) -> list[dict[str, Any]]:
    """Return the bundled and stored scenarios as records (name, dataset, origin, title)."""
    records = []
    for name, path in library_scenarios().items():
        scenario, _ = parse_scenario(path.read_text(encoding="utf-8"), str(path))
        records.append(
            {
                "name": name,
                "dataset": scenario.dataset,
                "origin": "bundled",
                "title": scenario.title,
                "events": len(scenario.events),
                "policies": len(scenario.policies),
            }
        )
    for name in _stored_names(store) if store is not None else []:
        assert store is not None
        scenario, _ = parse_scenario(store.get_scenario(name), f"store:{name}")
        records.append(
            {
                "name": name,
                "dataset": scenario.dataset,
                "origin": "stored",
                "title": scenario.title,
                "events": len(scenario.events),
                "policies": len(scenario.policies),
            }
        )
    return records


def scenario_schema(kind: str | None = None) -> list[dict[str, Any]]:
    """Return the scenario file format as records (every field of ``kind``, or of all)."""
    from reechain.scenario.schema import schema_records

    records = schema_records()
    if kind is None:
        return records
    kinds = sorted({r["kind"] for r in records if r["kind"]})
    if kind not in kinds:
        raise InputError(f"--kind: got {kind!r}, expected one of {', '.join(kinds)}")
    return [r for r in records if r["kind"] == kind]


def validate_scenario(
    name_or_path: str | Path,
    store: Store | None = None,
    *,
    chain: Chain | None = None,
    workspace: str = WS,
    dataset: str | None = None,
) -> Scenario:
    """Return the scenario if valid, checked against its dataset's chain; raise ScenarioError.

    ``A+B`` (a name that is not itself a file, stored or bundled scenario) is the
    composition of A and B (:func:`reechain.scenario.compose`).
    """
    name = str(name_or_path)
    if SEPARATOR in name and not _exists(name, store, workspace):
        parts = [
            validate_scenario(part, store, chain=chain, workspace=workspace, dataset=dataset)
            for part in split_name(name)
        ]
        scenario = compose(parts)
        if chain is None:
            chain = compile_chain(load_dataset(scenario.dataset, store, workspace=workspace))
        check_against_chain(scenario, chain, file=name)
        return scenario
    file, text = scenario_source(name_or_path, store, workspace=workspace, dataset=dataset)
    return validate_scenario_text(text, file, store, chain=chain, workspace=workspace)


def _exists(name: str, store: Store | None, workspace: str) -> bool:
    if yaml_file(name) is not None:
        return True
    if store is not None and name in _stored_names(store, workspace):
        return True
    return name in library_scenarios()


def validate_scenario_text(
    text: str,
    file: str = "<scenario>",
    store: Store | None = None,
    *,
    chain: Chain | None = None,
    workspace: str = WS,
) -> Scenario:
    """Return the scenario in YAML ``text`` if valid against its dataset; raise ScenarioError."""
    scenario, lines = parse_scenario(text, file)
    if chain is None:
        chain = compile_chain(load_dataset(scenario.dataset, store, workspace=workspace))
    check_against_chain(scenario, chain, lines, file)
    return scenario


def save_scenario(path: str | Path, store: Store, *, chain: Chain | None = None) -> Scenario:
    """Validate the scenario file at ``path`` and store it under its name."""
    scenario = validate_scenario(path, store, chain=chain)
    store.save_scenario(scenario.name, scenario.dataset, read_scenario_text(path))
    return scenario


def simulation_parts(scenario: Scenario, months: int, demand_path: Any) -> dict[str, Any]:
    """Return what a simulation depends on besides its dataset (see :func:`inputs_hash`)."""
    path = "flat" if demand_path is None else np.asarray(demand_path, dtype=np.float64)
    return {"scenario": scenario, "months": months, "demand_path": path}


def run_scenario(
    name_or_path: str | Path,
    store: Store | None = None,
    *,
    months: int | None = None,
    demand_path: Any = None,
    progress: Callable[[float], None] | None = None,
    engine: str = "vectorized",
) -> ScenarioRun:
    """Return the results of a scenario (file, stored or bundled name, or ``A+B``) against
    its baseline run, on the vectorized engine (``engine="reference"``: the reference one).

    With ``store``, the run is recorded (pending → running → done, or failed with its
    error) and its result tables (Parquet) saved with its final status in one transaction.
    """
    from reechain.workflows.requests import SimulateRequest, parse_request

    parse_request(SimulateRequest, scenario=str(name_or_path), months=months, engine=engine)
    scenario = validate_scenario(name_or_path, store)
    dataset = load_dataset(scenario.dataset, store)
    chain = compile_chain(dataset)
    T = months or scenario.horizon_months
    if demand_path is None and scenario.demand:
        demand_path = monthly_demand_path(scenario.demand, chain, T)
    if store is None:
        results = simulate(chain, scenario, months=T, demand_path=demand_path, engine=engine)
        if progress:
            progress(1.0)
        return ScenarioRun(results)
    finished: list[Results] = []

    def job(ctx: JobContext) -> Outputs:
        finished.append(simulate(chain, scenario, months=T, demand_path=demand_path, engine=engine))
        return simulation_outputs(finished[0])

    run_id = jobs.start(
        store,
        RUN_KIND,
        dataset.name,
        scenario=scenario.name,
        inputs_hash=inputs_hash(dataset, **simulation_parts(scenario, T, demand_path)),
        params={
            "months": T,
            "engine": engine,
            "demand_path": scenario.demand or ("flat" if demand_path is None else "given"),
        },
    )
    jobs.run_here(store, run_id, job)
    if progress:
        progress(1.0)
    return ScenarioRun(finished[0], run_id)


def _simulate_job(ctx: JobContext) -> Outputs:
    """The ``simulate`` kind of run: a scenario (stored, bundled or a file) against baseline."""
    dataset = ctx.load_dataset()
    scenario = validate_scenario(
        ctx.scenario, ctx.store, workspace=ctx.workspace, dataset=ctx.dataset
    )
    chain = compile_chain(dataset)
    months = ctx.params.get("months")
    T = int(months) if months else scenario.horizon_months
    demand = str(ctx.params.get("demand") or scenario.demand)
    results = simulate(
        chain,
        scenario,
        months=T,
        demand_path=monthly_demand_path(demand, chain, T) if demand else None,
        engine=str(ctx.params.get("engine", "vectorized")),
    )
    ctx.progress(0.9)
    return simulation_outputs(results)


def result_tables(results: Results) -> dict[str, list[dict[str, Any]]]:
    """Return results as tables of records (units in column names).

    Tables: ``kpis_sector``, ``kpis_commodity``, ``monthly_sector`` (month, region, sector:
    requirement, target, output, lost, rationed, priced out, gross output and value added
    lost, jobs at risk),
    ``monthly_commodity`` (month, region, commodity: production, requirement, deliveries,
    inventory, producer stock, price, shortfall), ``trade`` (month, commodity, exporter,
    importer: shipped, every link that ships in either run, so a blocked link shows as
    0 beside its baseline) and ``stockpiles`` (month, holder, commodity, level).
    """
    run = results.run
    months = [results.month_label(t) for t in range(results.months)]
    sector_rows, commodity_rows, trade_rows, stock_rows = [], [], [], []
    for t, label in enumerate(months):
        for s, sector in enumerate(results.sectors):
            for r, region in enumerate(results.regions):
                if results.baseline.end_use_output[:, s, r].sum() <= 0:
                    continue
                sector_rows.append(
                    {
                        "month": label,
                        "region": region,
                        "sector": sector,
                        "requirement_units": float(run.end_use_requirement[t, s, r]),
                        "target_units": float(run.end_use_target[t, s, r]),
                        "output_units": float(run.end_use_output[t, s, r]),
                        "baseline_output_units": float(results.baseline.end_use_output[t, s, r]),
                        "lost_units": float(results.lost_units[t, s, r]),
                        "rationed_units": float(results.rationed_units[t, s, r]),
                        "priced_out_units": float(results.priced_out_units[t, s, r]),
                        "value_lost_usd": float(results.value_lost_usd[t, s, r]),
                        "value_added_lost_usd": float(results.value_added_lost_usd[t, s, r]),
                        "jobs_at_risk": float(results.jobs_at_risk[t, s, r]),
                    }
                )
        for r, region in enumerate(results.regions):
            for c, commodity in enumerate(results.commodities):
                commodity_rows.append(
                    {
                        "month": label,
                        "region": region,
                        "commodity": commodity,
                        "production_t": float(run.production[t, r, c] + run.extra_supply[t, r, c]),
                        "requirement_t": float(run.requirement[t, r, c]),
                        "deliveries_t": float(run.deliveries[t, r, c]),
                        "available_t": float(run.available[t, r, c]),
                        "user_inventory_t": float(run.user_inventory[t, r, c]),
                        "producer_stock_t": float(run.producer_stock[t, r, c]),
                        "price_usd_per_kg": float(run.price[t, r, c]),
                        "baseline_price_usd_per_kg": float(results.baseline.price[t, r, c]),
                        "shortfall_t": float(results.material_shortfall[t, r, c]),
                    }
                )
        either = (run.shipments[t] > 0) | (results.baseline.shipments[t] > 0)
        for c, i, j in zip(*np.nonzero(either), strict=True):
            if i != j:
                trade_rows.append(
                    {
                        "month": label,
                        "commodity": results.commodities[c],
                        "exporter": results.regions[i],
                        "importer": results.regions[j],
                        "shipped_t": float(run.shipments[t, c, i, j]),
                        "baseline_shipped_t": float(results.baseline.shipments[t, c, i, j]),
                    }
                )
        for k, (holder, commodity) in enumerate(
            zip(results.stockpile_holder, results.stockpile_commodity, strict=True)
        ):
            stock_rows.append(
                {
                    "month": label,
                    "holder": holder,
                    "commodity": commodity,
                    "level_t": float(run.stockpile_level[t, k]),
                }
            )
    return {
        "kpis_sector": sector_kpis(results),
        "kpis_commodity": commodity_kpis(results),
        "monthly_sector": sector_rows,
        "monthly_commodity": commodity_rows,
        "trade": trade_rows,
        "stockpiles": stock_rows,
    }


MONTHLY_TABLES = ("commodity", "sector", "trade", "stockpiles")
"""The monthly result tables ``simulate --monthly`` shows (``monthly_<name>`` or ``<name>``)."""


@dataclass(frozen=True)
class Selection:
    """Which regions, commodities and sectors to keep (empty: all)."""

    regions: tuple[str, ...] = ()
    commodities: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()

    def check(self, results: Results) -> None:
        """Raise InputError naming any region, commodity or sector the results do not have."""
        for option, asked, known in (
            ("--region", self.regions, results.regions),
            ("--commodity", self.commodities, results.commodities),
            ("--sector", self.sectors, results.sectors),
        ):
            for name in asked:
                if name not in known:
                    hint = did_you_mean(name, known)
                    raise InputError(
                        f"{option}: got {name!r}, expected one of the chain's {len(known)} "
                        f"names" + (f"; did you mean {hint!r}?" if hint else "")
                    )

    def keeps(self, row: dict[str, Any]) -> bool:
        """True if ``row`` matches the selection on every column it has."""
        regions = {row.get(k) for k in ("region", "exporter", "importer", "holder")} - {None}
        return (
            (not self.regions or bool(regions & set(self.regions)))
            and (not self.commodities or row.get("commodity", "") in self.commodities)
            and (not self.sectors or row.get("sector", "") in self.sectors)
        )


def monthly_records(
    results: Sequence[Results], table: str, selection: Selection = Selection()
) -> list[dict[str, Any]]:
    """Return one monthly result table of every scenario (a ``scenario`` column first),
    keeping the rows of the selected regions, commodities and sectors.

    ``table`` is ``commodity`` (production, requirement, deliveries, inventories, prices),
    ``sector`` (end-use requirement, output, losses), ``trade`` (every link that ships in
    either run) or ``stockpiles`` (levels).
    """
    if table not in MONTHLY_TABLES:
        raise InputError(f"--monthly: got {table!r}, expected one of {', '.join(MONTHLY_TABLES)}")
    key = table if table in ("trade", "stockpiles") else f"monthly_{table}"
    rows = []
    for res in results:
        selection.check(res)
        rows += [
            {"scenario": res.scenario, **row}
            for row in result_tables(res)[key]
            if selection.keeps(row)
        ]
    return rows


def to_bytes(records: list[dict[str, Any]], fmt: ResultFormat) -> bytes:
    """Return records as CSV (formula-safe), Parquet or JSON bytes."""
    if fmt is ResultFormat.JSON:
        return (json.dumps(records, indent=1, allow_nan=False) + "\n").encode()
    if fmt is ResultFormat.CSV:
        return records_csv(records).encode()
    return records_parquet(records)


def simulation_outputs(results: Results) -> Outputs:
    """Return a run's stored outputs: every result table as Parquet, and the KPIs as JSON."""
    outputs: Outputs = {
        f"{table}.parquet": (PARQUET, to_bytes(records, ResultFormat.PARQUET))
        for table, records in result_tables(results).items()
    }
    outputs["kpis_sector"] = json_output(sector_kpis(results))
    outputs["kpis_commodity"] = json_output(commodity_kpis(results))
    return outputs


def export_results(
    results: Results, out: str | Path, fmt: ResultFormat = ResultFormat.CSV
) -> list[Path]:
    """Write every result table into folder ``out`` as ``<table>.<fmt>``; return the files."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{out}: expected a folder for the result tables, found a file")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for table, records in result_tables(results).items():
        path = folder / f"{table}.{fmt.value}"
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(to_bytes(records, fmt))
        tmp.replace(path)
        written.append(path)
    return written


def simulate_scenarios(
    names: Sequence[str | Path],
    store: Store | None = None,
    *,
    months: int | None = None,
    demand_path: Any = None,
    demand: str | None = None,
    engine: str = "vectorized",
    on_month: Callable[[int], None] | None = None,
    case: str = "operating-only",
) -> tuple[Chain, list[Results]]:
    """Return the chain and the results of several scenarios (names, files or ``A+B``) of one
    dataset against one baseline run, on the vectorized engine by default.

    ``case`` is the pipeline case of both runs (:mod:`reechain.chain.pipeline`): with
    ``announced`` or ``expected`` the dataset's projects come online at their start.
    """
    check_case(case)
    if not names:
        raise InputError("name at least one scenario")
    scenarios = [validate_scenario(name, store) for name in names]
    datasets = sorted({s.dataset for s in scenarios})
    if len(datasets) > 1:
        raise InputError(
            "scenarios of different datasets cannot run together: "
            + ", ".join(f"{s.name} ({s.dataset})" for s in scenarios)
        )
    chain = compile_chain(load_dataset(datasets[0], store))
    if demand_path is None:
        named = {demand} if demand else {s.demand for s in scenarios}
        if len(named) > 1:
            raise InputError(
                "scenarios with different demand paths cannot run together: "
                + ", ".join(f"{s.name} ({s.demand or 'flat'})" for s in scenarios)
            )
        if named and (chosen := named.pop()):
            horizon = months or max(s.horizon_months for s in scenarios)
            demand_path = monthly_demand_path(chosen, chain, horizon)
    results = simulate_many(
        chain,
        scenarios,
        months=months,
        demand_path=demand_path,
        engine=engine,
        on_month=on_month,
        online=online(chain, case),
    )
    return chain, results


def units_at_risk(results: Results, items: Sequence[BomItem]) -> list[dict[str, Any]]:
    """Return a BOM's units at risk per month: each product's monthly units × the share of
    its sector's output lost in the region where it is made (records; units in names).
    """
    base = results.baseline.end_use_output
    rows = []
    for item in items:
        s, r = results.sectors.index(item.sector), results.regions.index(item.made_in)
        for t in range(results.months):
            ref = base[t, s, r]
            share = float(results.lost_units[t, s, r] / ref) if ref > 0 else 0.0
            rows.append(
                {
                    "scenario": results.scenario,
                    "month": results.month_label(t),
                    "product": item.product,
                    "sector": item.sector,
                    "made_in": item.made_in,
                    "units_per_month": item.units_per_year / 12,
                    "lost_share": share,
                    "units_at_risk": item.units_per_year / 12 * share,
                }
            )
    return rows
