"""``reechain simulate``: run scenarios on the vectorized engine and show their KPIs.

Registered by the root app as ``app.command("simulate")(simulate_command)``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from reechain.cli.output import OutputFormat, emit, json_text
from reechain.cli.state import state
from reechain.engine.results import Results, headline_kpis, price_index, sector_kpis
from reechain.errors import InputError
from reechain.workflows import simulate as workflows

PLOT_SUFFIXES = (".png", ".svg")
TABLE_COLUMNS = (
    "scenario",
    "region",
    "sector",
    "peak_shortfall_pct",
    "cumulative_value_added_lost_usd",
    "cumulative_value_lost_usd",
    "job_months",
)


class Engine(StrEnum):
    """Which engine runs the scenarios."""

    VECTORIZED = "vectorized"
    REFERENCE = "reference"


def simulate_command(
    scenarios: Annotated[
        list[str],
        typer.Argument(
            help="Scenario names (bundled or stored), files (.yaml), or compositions A+B."
        ),
    ],
    compare: Annotated[
        str | None,
        typer.Option(
            "--compare",
            help="Also show each scenario's value lost against this one (a scenario name; "
            "'baseline' is the baseline run, which every KPI is measured against).",
        ),
    ] = None,
    horizon: Annotated[
        int | None,
        typer.Option("--horizon", min=1, max=1200, help="Months (default: the longest)."),
    ] = None,
    bom: Annotated[
        Path | None,
        typer.Option(
            "--bom", help="A bill of materials (CSV/XLSX): show its units at risk per month."
        ),
    ] = None,
    demand: Annotated[
        str | None,
        typer.Option(
            "--demand",
            help="Demand scenario (stated, accelerated or a YAML file) instead of flat demand "
            "(or the scenario file's own 'demand:').",
        ),
    ] = None,
    engine: Annotated[
        Engine, typer.Option("--engine", help="vectorized (default) or reference.")
    ] = Engine.VECTORIZED,
    case: Annotated[
        str,
        typer.Option(
            "--case",
            help="Pipeline case in both runs: operating-only (default), announced or expected "
            "(announced projects come online at their start, with their ramp-up).",
        ),
    ] = "operating-only",
    fmt: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, csv, json or xlsx.")
    ] = OutputFormat.TABLE,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot",
            help="Write monthly charts (.png or .svg): value lost, and the price of each "
            "--commodity (default: a value-weighted index of all) in each --region.",
        ),
    ] = None,
    monthly: Annotated[
        str | None,
        typer.Option(
            "--monthly",
            help="Show a monthly table instead of KPIs: commodity (prices, inventories, "
            "deliveries), sector (output and losses), trade or stockpiles.",
        ),
    ] = None,
    region: Annotated[
        list[str] | None,
        typer.Option("--region", help="Only this region (repeat for more); --monthly, --plot."),
    ] = None,
    commodity: Annotated[
        list[str] | None,
        typer.Option("--commodity", help="Only this commodity (repeat); --monthly, --plot."),
    ] = None,
    sector: Annotated[
        list[str] | None,
        typer.Option("--sector", help="Only this end-use sector (repeat); --monthly, --plot."),
    ] = None,
) -> None:
    """Run scenarios against the baseline run; show KPIs per region and sector.

    With --monthly, a month-by-month table (selected with --region, --commodity and
    --sector). With --bom, the company's units at risk per month (csv and xlsx then hold
    those rows; json holds both under keys that name their units).
    """
    selection = workflows.Selection(
        tuple(region or ()), tuple(commodity or ()), tuple(sector or ())
    )
    if monthly is not None and monthly not in workflows.MONTHLY_TABLES:
        raise InputError(
            f"--monthly: got {monthly!r}, expected one of {', '.join(workflows.MONTHLY_TABLES)}"
        )
    if plot is not None and plot.suffix.lower() not in PLOT_SUFFIXES:
        raise InputError(f"--plot {plot}: expected a .png or .svg file")
    names = list(scenarios)
    extra = compare is not None and compare != "baseline" and compare not in names
    if extra:
        assert compare is not None
        names.append(compare)
    err = Console(stderr=True, soft_wrap=True)
    store = state.store()
    with Progress(
        TextColumn("simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        task = bar.add_task("simulate", total=None)

        def on_month(t: int) -> None:
            bar.update(task, completed=t + 1)

        chain, results = workflows.simulate_scenarios(
            names,
            store,
            months=horizon,
            demand=demand,
            engine=engine.value,
            on_month=on_month,
            case=case,
        )
    shown = results[: len(results) - 1] if extra else results
    for res in shown:
        selection.check(res)
    if plot is not None:
        write_plot(shown, plot, selection)
    if monthly is not None:
        records = workflows.monthly_records(shown, monthly, selection)
        emit(records, fmt, out, title=f"monthly {monthly} ({len(records)} rows)")
        return
    reference = next((r for r in results if r.scenario == compare), None) if compare else None
    kpis = _kpi_records(shown, reference)
    totals = [{"scenario": r.scenario, **headline_kpis(r)} for r in shown]
    at_risk: list[dict[str, Any]] = []
    if bom is not None:
        from reechain.workflows.metrics import read_bom

        items = read_bom(bom, chain)
        at_risk = [row for r in shown for row in workflows.units_at_risk(r, items)]
    _show(kpis, totals, at_risk, fmt, out, bom is not None, results[0].months)


def _kpi_records(results: list[Results], reference: Results | None) -> list[dict[str, Any]]:
    """KPIs per scenario, region and sector, with the value lost against ``reference``."""
    rows = []
    ref = {}
    if reference is not None:
        ref = {(k["region"], k["sector"]): k for k in sector_kpis(reference)}
    for res in results:
        for k in sector_kpis(res):
            row = {"scenario": res.scenario, **k}
            if reference is not None:
                other = ref.get((k["region"], k["sector"]))
                base = other["cumulative_value_lost_usd"] if other else 0.0
                row[f"value_lost_vs_{reference.scenario}_usd"] = (
                    k["cumulative_value_lost_usd"] - base
                )
            rows.append(row)
    return rows


def _show(
    kpis: list[dict[str, Any]],
    totals: list[dict[str, Any]],
    at_risk: list[dict[str, Any]],
    fmt: OutputFormat,
    out: Path | None,
    with_bom: bool,
    months: int,
) -> None:
    if fmt is OutputFormat.JSON:
        body: dict[str, Any] = {
            "horizon_months": months,
            "totals_by_scenario": totals,
            "kpis_by_region_and_sector": kpis,
        }
        if with_bom:
            body["units_at_risk_by_month"] = at_risk
        text = json_text(body)
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        return
    if fmt is OutputFormat.TABLE:
        lossy = [k for k in kpis if k["cumulative_shortfall_units"] > 0] or kpis[:20]
        lossy.sort(key=lambda k: -k["cumulative_value_lost_usd"])
        brief = [
            {k: v for k, v in row.items() if k in TABLE_COLUMNS or k.startswith("value_lost_vs")}
            for row in lossy
        ]
        emit(brief, fmt, out, title="KPIs by region and sector (rows with a loss; all: -f csv)")
        if with_bom:
            emit(
                [r for r in at_risk if r["units_at_risk"] > 0] or at_risk[:24],
                fmt,
                out,
                title="units at risk per month",
            )
        return
    emit(at_risk if with_bom else kpis, fmt, out, title="units at risk" if with_bom else "kpis")


def write_plot(
    results: list[Results], path: Path, selection: workflows.Selection | None = None
) -> None:
    """Write monthly charts: output value lost (USD bn a month) in the selected regions and
    sectors, and prices: each selected commodity's price in each selected region as a
    multiple of its baseline price, or without --commodity a value-weighted index of all."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    sel = selection or workflows.Selection()
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    for res in results:
        months = range(res.months)
        s_idx = [res.sectors.index(x) for x in sel.sectors] or slice(None)
        r_idx = [res.regions.index(x) for x in sel.regions] or slice(None)
        lost = res.value_lost_usd[:, s_idx, :][:, :, r_idx].sum(axis=(1, 2))
        top.plot(months, lost / 1e9, label=res.scenario)
        if not sel.commodities:
            bottom.plot(months, price_index(res), label=res.scenario)
            continue
        for name in sel.commodities:
            c = res.commodities.index(name)
            for r in _price_regions(res, c, sel.regions):
                base = res.baseline.price[:, r, c]
                multiple = res.run.price[:, r, c] / np.where(base > 0, base, np.nan)
                bottom.plot(months, multiple, label=f"{res.scenario}: {name}, {res.regions[r]}")
    where = ", ".join(sel.regions) or "all regions"
    top.set_ylabel("output value lost, USD bn a month")
    top.set_title(f"Monthly shortfall ({where}; {', '.join(sel.sectors) or 'all sectors'})")
    if sel.commodities:
        bottom.set_ylabel("price, multiple of baseline")
        bottom.set_title("Prices by region (1 = the baseline run's price)")
    else:
        bottom.set_ylabel("price index (1 = baseline)")
        bottom.set_title("Prices (value-weighted, all regions and commodities)")
    bottom.set_xlabel(f"month (0 = {results[0].month_label(0)})")
    top.legend(fontsize="small")
    bottom.legend(fontsize="small")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)


PRICE_LINES = 6
"""Most regions drawn per commodity when no --region is given."""


def _price_regions(res: Results, c: int, regions: tuple[str, ...]) -> list[int]:
    """The selected regions, or the regions that use most of commodity ``c`` in the baseline."""
    if regions:
        return [res.regions.index(r) for r in regions]
    use = res.baseline.requirement[:, :, c].sum(axis=0)
    ranked = [int(r) for r in np.argsort(-use, kind="stable") if use[r] > 0]
    return ranked[:PRICE_LINES]
