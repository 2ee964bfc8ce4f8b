"""``reechain demand``: demand to 2050 by element, region and sector, and secondary supply.

Register it on the root app with ``app.add_typer(demand_app, name="demand")``. The
sub-app turns a :class:`~reechain.errors.ReechainError` into one red line and exit code 2
by itself too, so it behaves the same when run on its own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from reechain.cli.output import OutputFormat, emit
from reechain.workflows import demand as workflow
from reechain.workflows.datasets import DEFAULT_DATASET

demand_app = typer.Typer(
    help="Demand to 2050 and secondary supply from stock in use.",
    no_args_is_help=True,
)

ScenarioOption = Annotated[
    str,
    typer.Option("--scenario", "-s", help="Demand scenario: stated, accelerated, or a YAML file."),
]
ElementOption = Annotated[
    list[str] | None, typer.Option("--element", "-e", help="Only this element (repeatable).")
]
RegionOption = Annotated[
    list[str] | None, typer.Option("--region", "-r", help="Only this region (repeatable).")
]
SectorOption = Annotated[
    list[str] | None, typer.Option("--sector", help="Only this sector (repeatable).")
]
FromOption = Annotated[int | None, typer.Option("--from", help="First year shown.")]
ToOption = Annotated[int | None, typer.Option("--to", help="Last year shown.")]
TotalOption = Annotated[
    list[str] | None,
    typer.Option("--total", help="Sum over region, sector or element (repeatable)."),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]
PlotOption = Annotated[
    Path | None, typer.Option("--plot", help="Also draw a chart into this file (.png, .svg).")
]
DataOption = Annotated[
    Path | None, typer.Option("--data", help="A folder of demand tables instead of the bundled.")
]
AnchorOption = Annotated[
    str,
    typer.Option(
        "--anchor",
        help="Dataset whose end-use requirement is the base year (one world with the chain).",
    ),
]
UnanchoredOption = Annotated[
    bool,
    typer.Option(
        "--unanchored", help="The demand module's own base year (calibrated to IEA 2023)."
    ),
]


def _run(
    kind: workflow.Kind,
    value: str,
    scenario: str,
    element: list[str] | None,
    region: list[str] | None,
    sector: list[str] | None,
    first: int | None,
    last: int | None,
    total: list[str] | None,
    fmt: OutputFormat,
    out: Path | None,
    plot: Path | None,
    data: Path | None,
    anchor: str = DEFAULT_DATASET,
    unanchored: bool = False,
) -> None:
    projection = workflow.project_demand(scenario, data=data, anchor=None if unanchored else anchor)
    records = workflow.demand_records(
        projection,
        kind=kind,
        elements=element,
        regions=region,
        sectors=sector,
        first_year=first,
        last_year=last,
        total_over=total or (),
    )
    if plot is not None:
        workflow.plot_records(records, value, plot)
    safe = re.sub(r"[\[\]:*?/\\]", "_", projection.inputs.scenario)  # valid as a sheet title
    emit(records, fmt, out, title=f"{kind} {safe}")
    corrected = projection.corrected_inflows
    if corrected:
        Console(stderr=True).print(
            f"note: {corrected} negative stock-driven inflows were set to zero "
            "(the stock stays above its target there)"
        )


@demand_app.command("project")
def project_command(
    scenario: ScenarioOption = "stated",
    element: ElementOption = None,
    region: RegionOption = None,
    sector: SectorOption = None,
    first: FromOption = None,
    last: ToOption = None,
    total: TotalOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
    plot: PlotOption = None,
    data: DataOption = None,
    anchor: AnchorOption = DEFAULT_DATASET,
    unanchored: UnanchoredOption = False,
) -> None:
    """Demand by year, region, sector and element (tonnes of element per year); the base
    year is the chain's end-use requirement unless --unanchored."""
    _run(
        "demand", "demand_t_per_year", scenario, element, region, sector, first, last, total,
        fmt, out, plot, data, anchor, unanchored,
    )  # fmt: skip


@demand_app.command("recycling")
def recycling_command(
    scenario: ScenarioOption = "stated",
    element: ElementOption = None,
    region: RegionOption = None,
    sector: SectorOption = None,
    first: FromOption = None,
    last: ToOption = None,
    total: TotalOption = None,
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
    plot: PlotOption = None,
    data: DataOption = None,
    anchor: AnchorOption = DEFAULT_DATASET,
    unanchored: UnanchoredOption = False,
) -> None:
    """End-of-life flows and secondary supply by year, region, sector and element."""
    _run(
        "recycling", "secondary_t_per_year", scenario, element, region, sector, first, last,
        total, fmt, out, plot, data, anchor, unanchored,
    )  # fmt: skip


@demand_app.command("scenarios")
def scenarios_command(fmt: FormatOption = OutputFormat.TABLE, out: OutOption = None) -> None:
    """List the bundled demand scenario families."""
    emit(workflow.demand_scenarios(), fmt, out, title="demand scenarios")
