"""``reechain data``: list, show, validate, import, export and summarise datasets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from reechain import workflows
from reechain.chain import compile_chain
from reechain.chain.summary import commodity_summary, residual_summary, stage_summary
from reechain.cli.output import OutputFormat, emit
from reechain.cli.state import state
from reechain.data.tables import schema_records
from reechain.errors import DatasetError, InputError

data_app = typer.Typer(
    help="Datasets: list, show, validate, import, export, summarise.", no_args_is_help=True
)

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]
DatasetArg = Annotated[
    str, typer.Argument(help="A stored or bundled dataset name, or a path (folder or .xlsx).")
]


@data_app.command("list")
def list_datasets(fmt: FormatOption = OutputFormat.TABLE, out: OutOption = None) -> None:
    """List the bundled datasets and those imported into the store."""
    store = state.store()
    stored = {d.name: d for d in store.list_datasets()}
    records = []
    for name in sorted(set(workflows.bundled_datasets()) | set(stored)):
        info = stored.get(name)
        records.append(
            {
                "name": name,
                "bundled": name in workflows.bundled_datasets(),
                "stored": info is not None,
                "title": info.title if info else workflows.load_dataset(name).meta.title,
                "base_year": info.base_year if info else None,
                "rows": info.row_count if info else None,
                "imported_at": info.imported_at.isoformat(timespec="seconds") if info else None,
            }
        )
    emit(records, fmt, out, title="datasets")


@data_app.command("show")
def show(
    dataset: DatasetArg = workflows.DEFAULT_DATASET,
    table: Annotated[str | None, typer.Option("--table", "-t", help="Only this table.")] = None,
    confidence: Annotated[
        str | None,
        typer.Option("--confidence", help="Only rows of this confidence: high, medium or low."),
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", "-w", help="COLUMN=VALUE filter; repeat for more."),
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
) -> None:
    """Show values with their provenance, filtered by table, confidence or column."""
    filters = []
    for item in where or []:
        if "=" not in item:
            raise InputError(f"--where: got {item!r}, expected COLUMN=VALUE")
        column, value = item.split("=", 1)
        filters.append((column.strip(), value.strip()))
    ds = workflows.load_dataset(dataset, state.store())
    records = workflows.show_rows(ds, table, confidence=confidence, where=filters)
    emit(records, fmt, out, title=f"{ds.name}{' / ' + table if table else ''}")


@data_app.command("validate")
def validate(
    path: Annotated[
        str,
        typer.Argument(help="A dataset folder of CSV files, an .xlsx workbook, or a bundled name."),
    ],
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
) -> None:
    """Check a dataset: every row and cross-reference problem at once, then the baseline
    balance, which is checked once the rows are valid (exit code 2 if there is a problem)."""
    try:
        ds = workflows.validate_dataset(path)
    except DatasetError as exc:
        if fmt is OutputFormat.TABLE:
            err = Console(stderr=True, soft_wrap=True)
            for problem in exc.problems:
                err.print(f"[red]error:[/red] {escape(str(problem))}", highlight=False)
            n = len(exc.problems)
            then = (
                "; the baseline balance is checked once they are fixed"
                if exc.stage == "rows"
                else " (the baseline balance)"
            )
            err.print(f"{n} problem{'s' if n != 1 else ''} in {path}{then}", highlight=False)
        else:
            emit([p.as_dict() for p in exc.problems], fmt, out, title="problems")
        raise typer.Exit(2) from None
    rows = sum(len(ds.rows(t)) for t in ds.tables)
    message = (
        f"{path}: valid dataset {ds.name!r}, {rows} rows in "
        f"{sum(1 for t in ds.tables if ds.rows(t))} tables, years "
        f"{', '.join(map(str, ds.years()))}; baseline balances"
    )
    if fmt is OutputFormat.TABLE:
        typer.echo(message)
    else:
        emit([{"path": str(path), "name": ds.name, "rows": rows, "valid": True}], fmt, out)


@data_app.command("import")
def import_(
    source: Annotated[str, typer.Argument(help="A dataset folder or .xlsx, or a bundled name.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a stored dataset of the same name.")
    ] = False,
) -> None:
    """Validate a dataset and store it, all or nothing."""
    ds = workflows.import_dataset(source, state.store(), replace=replace)
    rows = sum(len(ds.rows(t)) for t in ds.tables)
    typer.echo(f"imported {ds.name!r}: {rows} rows, base year {ds.meta.base_year}")


@data_app.command("export")
def export(
    dataset: DatasetArg,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for CSV files, or a file ending in .xlsx.")
    ],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace OUT if it exists.")
    ] = False,
) -> None:
    """Write a dataset back out in the import format (CSV folder or XLSX workbook)."""
    ds = workflows.load_dataset(dataset, state.store())
    written = workflows.export_dataset(ds, out, overwrite=overwrite)
    typer.echo(f"exported {ds.name!r} to {written}")


@data_app.command("summary")
def summary(
    dataset: DatasetArg = workflows.DEFAULT_DATASET,
    year: Annotated[int | None, typer.Option("--year", help="Year (default: base year).")] = None,
    by: Annotated[str, typer.Option("--by", help="stage, commodity or residual.")] = "stage",
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
) -> None:
    """Stage-by-stage chain summary: tonnage, leading region, low-confidence share, residuals."""
    views = {"stage": stage_summary, "commodity": commodity_summary, "residual": residual_summary}
    if by not in views:
        raise InputError(f"--by: got {by!r}, expected one of {', '.join(views)}")
    ds = workflows.load_dataset(dataset, state.store())
    chain = compile_chain(ds, year)
    if fmt is OutputFormat.TABLE and by == "stage" and out is None:
        console = Console()
        console.print(
            f"[bold]{escape(ds.meta.title or ds.name)}[/bold] — {chain.year}, "
            f"{len(chain.regions)} regions, {len(chain.commodities)} commodities, "
            f"{len(chain.processes)} processes, {len(chain.sectors)} sectors"
        )
        emit(stage_summary(chain), fmt, title="by stage", console=console)
        emit(commodity_summary(chain), fmt, title="by commodity", console=console)
        emit(residual_summary(chain), fmt, title="balance residuals", console=console)
        return
    emit(views[by](chain), fmt, out, title=f"{ds.name} {chain.year} by {by}")


@data_app.command("schema")
def schema(fmt: FormatOption = OutputFormat.TABLE, out: OutOption = None) -> None:
    """Show the dataset format: every table's columns, types and meaning."""
    emit(schema_records(), fmt, out, title="dataset format")


@data_app.command("influence")
def influence(
    dataset: Annotated[
        str, typer.Option("--dataset", "-d", help="Dataset name (bundled or stored).")
    ] = workflows.DEFAULT_DATASET,
    scenarios: Annotated[
        str | None,
        typer.Option("--scenarios", help="Comma-separated library scenarios (default: all)."),
    ] = None,
    top: Annotated[int | None, typer.Option("--top", help="Show the K largest swings.")] = None,
    months: Annotated[int | None, typer.Option("--months", help="Horizon in months.")] = None,
    samples: Annotated[
        int, typer.Option("--samples", help="Also N joint samples: Spearman rho per row.")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the joint samples.")] = 0,
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
) -> None:
    """Rank low-confidence rows by their swing of value lost (one-at-a-time swing)."""
    from reechain.workflows.influence import influence_ranking

    names = [n.strip() for n in scenarios.split(",") if n.strip()] if scenarios else None
    records = influence_ranking(
        dataset,
        names,
        store=state.store(),
        top=top,
        months=months,
        samples=samples,
        seed=seed,
    )
    emit(records, fmt, out, title=f"{dataset}: low-confidence rows by influence")


@data_app.command("import-trade")
def import_trade(
    file: Annotated[Path, typer.Argument(help="Comtrade CSV or exporter,importer,hs,year,kg,usd")],
    dataset: Annotated[
        str, typer.Option("--dataset", "-d", help="Dataset folder or bundled name.")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here (default: in place).")
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this year's flows.")] = None,
    replace_trade: Annotated[
        bool,
        typer.Option("--replace-trade", help="Drop every existing row of imported years/goods."),
    ] = False,
    rebalance: Annotated[
        bool, typer.Option("--rebalance", help="Close balance gaps in stock-change residuals.")
    ] = False,
) -> None:
    """Convert customs trade statistics (HS codes, kg) into trade rows, all or nothing."""
    from reechain.workflows.trade import import_trade as run_import

    try:
        written = run_import(
            file, dataset, out=out, year=year, replace_trade=replace_trade, rebalance=rebalance
        )
    except DatasetError as exc:
        err = Console(stderr=True, soft_wrap=True)
        for problem in exc.problems:
            err.print(f"[red]error:[/red] {escape(str(problem))}", highlight=False)
        err.print(f"{len(exc.problems)} problem(s) in {file}; nothing was written")
        raise typer.Exit(2) from None
    typer.echo(f"imported {file} into {written}")
