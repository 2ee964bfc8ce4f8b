"""``reechain scenario``: list, show, validate, save and run scenario files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from reechain.cli.output import OutputFormat, emit
from reechain.cli.state import state
from reechain.errors import InputError
from reechain.scenario.validate import ScenarioError, parse_scenario
from reechain.workflows import simulate as workflows

scenario_app = typer.Typer(
    help="Scenario files: list, show, validate, save, run.", no_args_is_help=True
)

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]
ScenarioArg = Annotated[
    str, typer.Argument(help="A scenario file (.yaml), or a stored or bundled scenario name.")
]


@scenario_app.command("list")
def list_(fmt: FormatOption = OutputFormat.TABLE, out: OutOption = None) -> None:
    """List the bundled scenarios and those saved in the store."""
    emit(workflows.list_scenarios(state.store()), fmt, out, title="scenarios")


@scenario_app.command("schema")
def schema(
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only this event or policy kind.")
    ] = None,
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
) -> None:
    """The scenario file format: every field of every kind, its type, unit, default,
    meaning and an example."""
    records = workflows.scenario_schema(kind)
    if fmt is not OutputFormat.TABLE:
        emit(records, fmt, out, title="scenario schema")
        return
    if out is not None:
        raise InputError("--out needs --format csv, json or xlsx")
    shown = None
    for r in records:
        if (r["section"], r["kind"]) != shown:
            shown = (r["section"], r["kind"])
            head = f"{r['kind']} ({r['section']})" if r["kind"] else "the scenario file"
            typer.echo(f"\n{head}")
        unit = f" [{r['unit']}]" if r["unit"] else ""
        need = (
            "required"
            if r["required"]
            else "optional"
            if r["default"] is None
            else f"default {json.dumps(r['default'])}"
        )
        typer.echo(f"  {r['field']}: {r['type']}{unit}; {need}")
        typer.echo(f"      {r['description']}; e.g. {json.dumps(r['example'])}")


@scenario_app.command("show")
def show(
    scenario: ScenarioArg, fmt: FormatOption = OutputFormat.TABLE, out: OutOption = None
) -> None:
    """Show a scenario: its YAML text, or (csv/json) its events and policies as records."""
    file, text = workflows.scenario_source(scenario, state.store())
    if fmt is OutputFormat.TABLE:
        if out is not None:
            raise InputError("--out needs --format csv, json or xlsx")
        typer.echo(f"# {file}")
        typer.echo(text.rstrip("\n"))
        return
    parsed, _ = parse_scenario(text, file)
    records = [
        {
            "section": section,
            "index": i,
            "kind": item["kind"],
            "fields": json.dumps({k: v for k, v in item.items() if k != "kind"}),
        }
        for section in ("events", "policies")
        for i, item in enumerate(parsed.model_dump(mode="json")[section])
    ]
    emit(records, fmt, out, title=parsed.name)


def _report(exc: ScenarioError, fmt: OutputFormat, out: Path | None, source: str) -> None:
    if fmt is OutputFormat.TABLE:
        err = Console(stderr=True, soft_wrap=True)
        for problem in exc.problems:
            err.print(f"[red]error:[/red] {escape(str(problem))}", highlight=False)
        n = len(exc.problems)
        err.print(f"{n} problem{'s' if n != 1 else ''} in {source}", highlight=False)
    else:
        emit([p.as_dict() for p in exc.problems], fmt, out, title="problems")
    raise typer.Exit(2)


@scenario_app.command("validate")
def validate(
    scenario: ScenarioArg, fmt: FormatOption = OutputFormat.TABLE, out: OutOption = None
) -> None:
    """Check a scenario against its dataset; list every problem (exit code 2 if any)."""
    try:
        parsed = workflows.validate_scenario(scenario, state.store())
    except ScenarioError as exc:
        _report(exc, fmt, out, scenario)
        return
    message = (
        f"{scenario}: valid scenario {parsed.name!r} on dataset {parsed.dataset!r}: "
        f"{len(parsed.events)} events, {len(parsed.policies)} policies, "
        f"{parsed.horizon_months} months"
    )
    if fmt is OutputFormat.TABLE:
        typer.echo(message)
    else:
        emit([{"scenario": scenario, "name": parsed.name, "valid": True}], fmt, out)


@scenario_app.command("save")
def save(path: Annotated[Path, typer.Argument(help="A scenario file (.yaml).")]) -> None:
    """Validate a scenario file and save it in the store under its name."""
    try:
        parsed = workflows.save_scenario(path, state.store())
    except ScenarioError as exc:
        _report(exc, OutputFormat.TABLE, None, str(path))
        return
    typer.echo(f"saved scenario {parsed.name!r} (dataset {parsed.dataset!r})")


@scenario_app.command("run")
def run(
    scenario: ScenarioArg,
    months: Annotated[
        int | None, typer.Option("--months", min=1, max=1200, help="Horizon in months.")
    ] = None,
    results: Annotated[
        Path | None, typer.Option("--results", help="Folder for every result table.")
    ] = None,
    results_format: Annotated[
        workflows.ResultFormat, typer.Option("--results-format", help="csv, parquet or json.")
    ] = workflows.ResultFormat.CSV,
    fmt: FormatOption = OutputFormat.TABLE,
    out: OutOption = None,
) -> None:
    """Run a scenario (vectorized engine), store the run and show KPIs by sector."""
    try:
        done = workflows.run_scenario(scenario, state.store(), months=months)
    except ScenarioError as exc:
        _report(exc, fmt, out, scenario)
        return
    if results is not None:
        workflows.export_results(done.results, results, results_format)
    emit(
        workflows.result_tables(done.results)["kpis_sector"],
        fmt,
        out,
        title=f"{done.results.scenario} (run {done.run_id})",
    )
