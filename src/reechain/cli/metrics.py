"""``reechain metrics``: concentration, reliance, true-origin exposure and criticality.

Every command loads a dataset (``--dataset``, default the default dataset), compiles the
chain for ``--year`` (default its base year), calls one function of
:mod:`reechain.workflows.metrics` and shows the records (``--format``, ``--out``);
``--plot FILE`` also writes a figure as PNG and SVG.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from reechain import workflows
from reechain.cli.output import OutputFormat, emit
from reechain.cli.state import state
from reechain.errors import InputError
from reechain.metrics.concentration import AggregateTreatment
from reechain.workflows import metrics as wm
from reechain.workflows import outlook as wo
from reechain.workflows.outlook import BeyondPipelineWarning

metrics_app = typer.Typer(
    help="See the chain: concentration, reliance, exposure, criticality.", no_args_is_help=True
)

DatasetOption = Annotated[
    str,
    typer.Option("--dataset", "-d", help="Dataset name (stored or bundled) or path."),
]
YearOption = Annotated[
    int | None, typer.Option("--year", "-y", help="Year (default: the dataset's base year).")
]
CommodityOption = Annotated[
    str | None,
    typer.Option(
        "--commodity", "-c", help="Only this commodity, or several: A,B (added with --by stage)."
    ),
]
StageOption = Annotated[str | None, typer.Option("--stage", "-s", help="Only this stage.")]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]
PlotOption = Annotated[
    Path | None, typer.Option("--plot", help="Also write a figure to FILE (.png and .svg).")
]
ByOption = Annotated[str, typer.Option("--by", help="One row per 'commodity' or per 'stage'.")]
CaseOption = Annotated[
    str,
    typer.Option(
        "--case",
        help="For a future --year: pipeline case operating-only, announced or expected "
        "(expected adds a 10-90 % range).",
    ),
]


def _by(value: str) -> str:
    if value not in ("commodity", "stage"):
        raise InputError(f"--by: got {value!r}, expected 'commodity' or 'stage'")
    return value


TABLE_COLUMNS = {
    "concentration": (
        "stage",
        "commodity",
        "unit",
        "production_per_year",
        "hhi",
        "top1_region",
        "top1_share",
        "top3_share",
        "regions_for_90pct",
        "aggregate_share",
    ),
    "reliance": (
        "region",
        "stage",
        "commodity",
        "apparent_consumption_per_year",
        "import_reliance",
        "supplier",
        "supplier_share",
    ),
    "exposure": (
        "target",
        "stage",
        "commodity",
        "origin_region",
        "embodied_per_year",
        "unit",
        "origin_share",
    ),
    "criticality": (
        "method",
        "material",
        "region",
        "term",
        "supply_risk",
        "importance",
        "critical",
        "notes",
    ),
}
"""Columns the terminal table shows; csv, json and xlsx carry every column."""


def _show(
    kind: str, records: list[dict[str, Any]], fmt: OutputFormat, out: Path | None, title: str
) -> None:
    if fmt is OutputFormat.TABLE:
        keep = TABLE_COLUMNS[kind]
        records = [
            {k: v for k, v in r.items() if k in keep or k.endswith(("_share", "_p10", "_p90"))}
            for r in records
        ]
    emit(records, fmt, out, title=title)


@contextmanager
def _warned() -> Iterator[None]:
    """Show a workflow's warnings (a year past the pipeline's horizon) as one line each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", BeyondPipelineWarning)
        yield
    for item in caught:
        typer.echo(f"warning: {item.message}", err=True)


def _plotted(path: Path | None, written: list[Path]) -> None:
    if path is not None:
        typer.echo(f"figure written to {', '.join(str(p) for p in written)}", err=True)


@metrics_app.command("concentration")
def concentration(
    dataset: DatasetOption = workflows.DEFAULT_DATASET,
    commodity: CommodityOption = None,
    stage: StageOption = None,
    year: YearOption = None,
    region: Annotated[
        list[str] | None,
        typer.Option("--region", "-r", help="Also show this region's share (repeat for more)."),
    ] = None,
    by: ByOption = "stage",
    aggregates: Annotated[
        AggregateTreatment,
        typer.Option(
            "--aggregates",
            help="How ROW/aggregates count: fragmented (lower-bound HHI), include, exclude.",
        ),
    ] = AggregateTreatment.FRAGMENTED,
    case: CaseOption = wo.DEFAULT_CASE,
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
    plot: PlotOption = None,
) -> None:
    """Production by region: shares, HHI (0–10,000), top-1/top-3 shares, regions to 90 %.

    A --year after the dataset's is computed on the chain rolled forward under --case."""
    per = _by(by)
    with _warned():
        results, records = wm.concentration_records(
            dataset,
            commodity=commodity,
            stage=stage,
            year=year,
            per=per,
            aggregates=aggregates,
            case=case,
            share_of=tuple(region or ()),
            store=state.store(),
        )
    if plot is not None:
        _plotted(plot, wm.write_plot(results, plot))
    _show("concentration", records, fmt, out, f"concentration of production ({dataset})")


@metrics_app.command("reliance")
def reliance(
    dataset: DatasetOption = workflows.DEFAULT_DATASET,
    region: Annotated[
        list[str] | None,
        typer.Option("--region", "-r", help="Region or group (repeat for more; default: all)."),
    ] = None,
    supplier: Annotated[
        str,
        typer.Option(
            "--supplier",
            help="Supplier region or group whose direct share to show; not:GROUP for outside it.",
        ),
    ] = "CHN",
    commodity: CommodityOption = None,
    stage: StageOption = None,
    year: YearOption = None,
    by: ByOption = "commodity",
    case: CaseOption = wo.DEFAULT_CASE,
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
) -> None:
    """Net import reliance (net imports / apparent consumption) and supplier share."""
    with _warned():
        results = wm.reliance(
            dataset,
            regions=region or None,
            commodity=commodity,
            stage=stage,
            supplier=supplier,
            year=year,
            per=_by(by),
            case=case,
            store=state.store(),
        )
    title = f"reliance ({dataset}{f' {year}' if year else ''})"
    _show("reliance", wm.records(results), fmt, out, title)


@metrics_app.command("exposure")
def exposure(
    dataset: DatasetOption = workflows.DEFAULT_DATASET,
    region: Annotated[
        list[str] | None,
        typer.Option("--region", "-r", help="Region or group to trace (repeat for more)."),
    ] = None,
    commodity: Annotated[
        str | None,
        typer.Option("--commodity", "-c", help="Trace the region's supply of this commodity."),
    ] = None,
    sector: Annotated[
        str | None, typer.Option("--sector", help="Only this end-use sector's material.")
    ] = None,
    bom: Annotated[
        Path | None,
        typer.Option(
            "--bom",
            help="Bill of materials to trace instead (CSV or XLSX: product, sector, "
            "units_per_year, made_in, optional magnet_grade and suppliers).",
        ),
    ] = None,
    stage: StageOption = None,
    detail: Annotated[
        bool, typer.Option("--detail", help="Also one row per upstream commodity.")
    ] = False,
    year: YearOption = None,
    case: CaseOption = wo.DEFAULT_CASE,
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
    plot: PlotOption = None,
) -> None:
    """True-origin exposure: where each upstream stage of a supply really happened."""
    with _warned():
        if bom is not None:
            if region:
                raise InputError("--bom traces the products' own regions: drop --region")
            results = wm.bom_exposure(bom, dataset, year=year, case=case, store=state.store())
        else:
            results = wm.exposure(
                dataset,
                regions=region or [],
                commodity=commodity,
                sector=sector,
                year=year,
                case=case,
                store=state.store(),
            )
    records = wm.records(results, detail=detail, stage=stage)
    if plot is not None:
        _plotted(plot, wm.write_plot(results, plot))
    title = f"true-origin exposure ({dataset}{f' {year}' if year else ''})"
    _show("exposure", records, fmt, out, title)


@metrics_app.command("criticality")
def criticality(
    dataset: DatasetOption = workflows.DEFAULT_DATASET,
    method: Annotated[
        list[str] | None,
        typer.Option("--method", "-m", help="eu_crm, usgs or doe (repeat; default: all)."),
    ] = None,
    material: Annotated[
        list[str] | None,
        typer.Option("--material", help="LREE, HREE, NdPr, Dy, Tb … (repeat; default: all)."),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region", "-r", help="Assessing region or group (default: eu27 for eu_crm, USA)."
        ),
    ] = None,
    inputs: Annotated[
        Path | None,
        typer.Option("--inputs", help="Folder of criticality input CSVs (default: bundled)."),
    ] = None,
    year: YearOption = None,
    case: CaseOption = wo.DEFAULT_CASE,
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
    plot: PlotOption = None,
) -> None:
    """Criticality by several methods side by side (EU CRM, USGS-style, DOE-style)."""
    with _warned():
        results = wm.criticality(
            dataset,
            materials=material,
            methods=method,
            region=region,
            year=year,
            inputs=inputs,
            case=case,
            store=state.store(),
        )
    if plot is not None:
        _plotted(plot, wm.write_plot(results, plot))
    _show("criticality", wm.records(results), fmt, out, f"criticality ({dataset})")


@metrics_app.command("outlook")
def outlook(
    dataset: DatasetOption = workflows.DEFAULT_DATASET,
    case: Annotated[
        list[str] | None,
        typer.Option("--case", help="Pipeline case (repeat; default: all three)."),
    ] = None,
    first_year: Annotated[
        int | None, typer.Option("--from", help="First year (default: the base year + 1).")
    ] = None,
    last_year: Annotated[int, typer.Option("--to", help="Last year.")] = 2035,
    commodity: CommodityOption = None,
    stage: StageOption = None,
    by: ByOption = "stage",
    demand: Annotated[
        str, typer.Option("--demand", help="Demand scenario: stated, accelerated or a YAML file.")
    ] = wo.DEFAULT_DEMAND,
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
    plot: PlotOption = None,
) -> None:
    """Supply to 2035: top-1/top-3 shares, HHI and demand against supply, per case and year."""
    with _warned():
        rows = wo.supply_outlook(
            dataset,
            cases=case or wo.CASES,
            first_year=first_year,
            last_year=last_year,
            commodity=commodity,
            stage=stage,
            per=_by(by),
            demand=demand,
            store=state.store(),
        )
    if plot is not None:
        _plotted(plot, wm.save_plot(wo.outlook_figure(rows), plot))
    if fmt is OutputFormat.TABLE:
        keep = (*OUTLOOK_COLUMNS, "top1_share_p10", "top1_share_p90")
        rows = [{k: v for k, v in r.items() if k in keep} for r in rows]
    emit(rows, fmt, out, title=f"outlook ({dataset})")


OUTLOOK_COLUMNS = (
    "case",
    "year",
    "stage",
    "commodity",
    "top1_region",
    "top1_share",
    "top3_share",
    "hhi",
    "gap_per_year",
)
