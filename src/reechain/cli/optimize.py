"""``reechain optimize``: the partnership optimiser (register with ``app.command``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from reechain.cli.output import OutputFormat, emit, json_text
from reechain.cli.state import state
from reechain.errors import InputError, ReechainError
from reechain.exporting import csv_safe

PRIMARY = "portfolio"


def optimize_command(
    partnership: Annotated[
        str,
        typer.Argument(help="A bundled partnership (us-japan, quad-eu) or a YAML file."),
    ],
    scenarios: Annotated[
        int | None,
        typer.Option("--scenarios", "-s", min=1, help="In-sample disruption histories."),
    ] = None,
    out_of_sample: Annotated[
        int | None,
        typer.Option("--out-of-sample", min=0, help="Fresh histories for the engine check."),
    ] = None,
    frontier: Annotated[
        bool, typer.Option("--frontier", help="Sweep the budget (or CVaR limit).")
    ] = False,
    budget: Annotated[
        float | None, typer.Option("--budget", min=0, help="Budget in USD (replaces the file's).")
    ] = None,
    shares: Annotated[
        bool, typer.Option("--shares/--no-shares", help="Shapley cost sharing between members.")
    ] = True,
    gap_histories: Annotated[
        int,
        typer.Option("--gap-histories", min=0, help="In-sample histories listed in the gap table."),
    ] = 10,
    side_payments: Annotated[
        bool,
        typer.Option(
            "--side-payments/--no-side-payments",
            help="Allow a partner's bill to be negative (paid by the others).",
        ),
    ] = False,
    max_iterations: Annotated[
        int,
        typer.Option("--max-iterations", min=1, max=50, help="Engine-loop solves at most."),
    ] = 5,
    tolerance: Annotated[
        float,
        typer.Option(
            "--tolerance", min=0.001, max=10, help="Surrogate within this gap of the engine."
        ),
    ] = 0.2,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Out-of-sample check on a local Dask cluster."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler", help="Out-of-sample check on the Dask cluster at this address."
        ),
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = (
        OutputFormat.TABLE
    ),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write to this file (csv: the portfolio here, other tables beside it).",
        ),
    ] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write the frontier figure (.png or .svg).")
    ] = None,
) -> None:
    """Choose stockpiles and allied projects for a partnership, and split the bill.

    The second stage is refitted to the engine until within --tolerance in sample; the
    portfolio is checked by the engine out of sample, with a warning when the two disagree.
    """
    from reechain.workflows.optimize import optimize_partnership, write_plot

    try:
        run = optimize_partnership(
            partnership,
            state.store(),
            scenarios=scenarios,
            out_of_sample=out_of_sample,
            budget_usd=budget,
            frontier=frontier,
            shares=shares,
            gap_histories=gap_histories,
            side_payments=side_payments,
            max_iterations=max_iterations,
            tolerance=tolerance,
            workers=workers,
            scheduler=scheduler,
        )
        tables = run.analysis.tables()
        _show(tables, fmt, out, run.run_id)
        for text in run.analysis.warnings():
            Console(stderr=True, soft_wrap=True).print(
                f"[yellow]warning:[/yellow] {escape(text)}", markup=True, highlight=False
            )
        if plot is not None:
            write_plot(run.analysis, plot)
    except ReechainError as exc:
        Console(stderr=True, soft_wrap=True).print(
            f"[red]error:[/red] {escape(str(exc))}", markup=True, highlight=False
        )
        raise typer.Exit(2) from None


def _show(
    tables: dict[str, list[dict[str, Any]]], fmt: OutputFormat, out: Path | None, run_id: Any
) -> None:
    if fmt is OutputFormat.TABLE:
        if out is not None:
            raise InputError("--out needs --format csv, json or xlsx")
        console = Console()
        for name, records in tables.items():
            rows = [r for r in records if name != PRIMARY or r.get("chosen")]
            emit(rows, fmt, None, title=f"{name} (run {run_id})", console=console)
        return
    if fmt is OutputFormat.JSON:
        text = json_text(tables)
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        return
    if fmt is OutputFormat.XLSX:
        if out is None:
            raise InputError("--format xlsx writes a file: add --out FILE.xlsx")
        _write_xlsx(tables, out)
        return
    emit(tables[PRIMARY], fmt, out)
    if out is not None:
        for name, records in tables.items():
            if name != PRIMARY:
                emit(records, fmt, out.with_name(f"{out.stem}-{name}{out.suffix or '.csv'}"))


def _write_xlsx(tables: dict[str, list[dict[str, Any]]], out: Path) -> None:
    import openpyxl

    from reechain.exporting import columns_of

    book = openpyxl.Workbook()
    first = True
    for name, records in tables.items():
        sheet = book.active if first else book.create_sheet()
        assert sheet is not None
        first = False
        sheet.title = name[:31]
        columns = columns_of(records)
        sheet.append(columns)
        for record in records:
            row = []
            for c in columns:
                v = record.get(c)
                row.append(
                    v if v is None or isinstance(v, int | float | bool) else csv_safe(str(v))
                )
            sheet.append(row)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.xlsx")
    book.save(tmp)
    tmp.replace(out)
