"""``reechain risk``: Monte Carlo over disruption histories, here or on a Dask cluster.

The lead registers it with ``app.command("risk")(risk_command)``. The run is stored
(kind ``risk``) and resumes from its stored chunks when it was interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from reechain.cli.output import OutputFormat, emit, json_text
from reechain.cli.state import state
from reechain.errors import InputError, ReechainError

TABLES = ("distribution", "exceedance", "attribution", "precision", "policy", "sensitivity")


def _usd(value: float) -> str:
    return f"{value / 1e9:,.1f} bn" if abs(value) >= 1e8 else f"{value:,.0f}"


def _overview(tables: dict[str, list[dict[str, Any]]], console: Console, title: str) -> None:
    precision = tables["precision"][0]
    console.print(f"[bold]{escape(title)}[/bold]")
    rows = [
        r
        for r in tables["distribution"]
        if r["measure"] == "cumulative_value_lost_usd" and r["dimension"] in ("world", "region")
    ]
    rows.sort(key=lambda r: (r["dimension"] != "world", -r["mean"]))
    table = Table(title="cumulative value lost over the horizon (USD)")
    for column in ("region", "mean", "± MC s.e.", "P95", "P99", "ES95", "ES99", "P(loss)"):
        table.add_column(column, justify="left" if column == "region" else "right")
    for r in rows[:11]:
        if r["mean"] <= 0 and r["dimension"] != "world":
            continue
        table.add_row(
            r["key"] if r["dimension"] == "region" else "world",
            _usd(r["mean"]),
            _usd(r["mc_se"]),
            _usd(r["p95"]),
            _usd(r["p99"]),
            _usd(r["es95"]),
            _usd(r["es99"]),
            f"{r['prob_positive']:.0%}",
        )
    console.print(table)
    tail = [r for r in tables["attribution"] if r["basis"] == "tail_p95"]
    if tail:
        console.print(
            "tail (≥ P95) attributed to: "
            + ", ".join(f"{r['key']} {r['share']:.0%}" for r in tail if r["share"] >= 0.01)
        )
    for r in tables["policy"][:1]:
        console.print(
            f"policy: avoids {_usd(r['mean_avoided'])} USD on average "
            f"(paired s.e. {_usd(r['paired_se'])}; unpaired draws would give "
            f"{_usd(r['unpaired_se'])})"
        )
    if tables["sensitivity"]:
        top = ", ".join(r["input"] for r in tables["sensitivity"][:5])
        console.print(f"inputs that move the tail most: {escape(top)}")
    if precision["warning"]:
        console.print(f"[yellow]warning:[/yellow] {escape(precision['warning'])}")


def risk_command(
    scenario: Annotated[
        str, typer.Argument(help="Scenario the histories are added to (file, stored or bundled).")
    ] = "baseline",
    runs: Annotated[int, typer.Option("--runs", "-n", help="Number of histories N.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Root seed.")] = 0,
    horizon: Annotated[int, typer.Option("--horizon", help="Months per history.")] = 120,
    chunk_size: Annotated[
        int | None, typer.Option("--chunk-size", help="Histories per chunk (result unchanged).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Start a local Dask cluster of N workers.")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Run on the Dask cluster at tcp://HOST:PORT.")
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option("--policy", help="Scenario file whose policies run on the same histories."),
    ] = None,
    demand: Annotated[
        str | None, typer.Option("--demand", help="Demand scenario (default: flat).")
    ] = None,
    sample_inputs: Annotated[
        bool,
        typer.Option("--sample-inputs", help="Draw low-confidence inputs within their bounds."),
    ] = False,
    engine: Annotated[
        str | None, typer.Option("--engine", help="reference or vectorized (default: fastest).")
    ] = None,
    draw_pipeline: Annotated[
        bool,
        typer.Option(
            "--draw-pipeline",
            help="Draw each history's pipeline: which projects reach production and when "
            "(chance and delay by development stage).",
        ),
    ] = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = (
        OutputFormat.TABLE
    ),
    table: Annotated[
        str | None,
        typer.Option("--table", help=f"Table for csv/xlsx/json: one of {', '.join(TABLES)}."),
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")] = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write exceedance curves (and tornado) here.")
    ] = None,
) -> None:
    """Quantify risk: N disruption histories, their shortfalls and value lost."""
    from reechain.workflows.risk import run_risk_analysis, write_risk_plot

    err = Console(stderr=True, soft_wrap=True)
    try:
        if table is not None and table not in TABLES:
            raise InputError(f"--table: got {table!r}, expected one of {', '.join(TABLES)}")
        with Progress(
            TextColumn("histories"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        ) as bar:
            task = bar.add_task("risk", total=runs)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            run = run_risk_analysis(
                scenario,
                state.store(),
                runs=runs,
                seed=seed,
                horizon_months=horizon,
                chunk_size=chunk_size,
                workers=workers,
                scheduler=scheduler,
                policy=policy,
                demand=demand,
                sample_inputs=sample_inputs,
                engine=engine,
                progress=progress,
                draw_pipeline=draw_pipeline,
            )
        if run.resumed_chunks:
            err.print(f"resumed run {run.run_id}: {run.resumed_chunks} chunks were stored")
        if plot is not None:
            write_risk_plot(run.result, run.tables, plot)
        if fmt is OutputFormat.TABLE:
            if out is not None:
                raise InputError("--out needs --format csv, json or xlsx")
            _overview(run.tables, Console(), f"risk of {scenario}: {runs} histories, seed {seed}")
        elif fmt is OutputFormat.JSON and table is None:
            text = json_text({"run_id": run.run_id, "meta": run.result.meta, **run.tables}, 1)
            if out is None:
                sys.stdout.write(text)
            else:
                out.write_text(text, encoding="utf-8")
        else:
            emit(run.tables[table or "distribution"], fmt, out, title=table or "distribution")
    except ReechainError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", markup=True, highlight=False)
        raise typer.Exit(2) from None
