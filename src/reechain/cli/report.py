"""``reechain report``: a briefing on a stored run or a scenario, as HTML or PDF."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from reechain.cli.state import state


class ReportFormat(StrEnum):
    """Formats a briefing can be written in."""

    HTML = "html"
    PDF = "pdf"


def report_command(
    run_or_scenario: Annotated[
        str,
        typer.Argument(
            help="A stored simulate run's id (or its first 8+ characters), or a scenario: "
            "a YAML file, a stored or a bundled name (run now)."
        ),
    ],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="html or pdf.")] = (
        ReportFormat.PDF
    ),
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write.")] = None,
    focus: Annotated[
        str | None,
        typer.Option(
            "--for",
            help="Whose briefing: a region (JPN, USA …), a group (partners_us_jp …) or world "
            "(the default).",
        ),
    ] = None,
    draws: Annotated[
        int,
        typer.Option(
            "--draws",
            min=0,
            max=1000,
            help="Runs with uncertain inputs drawn within their bounds, for the ranges.",
        ),
    ] = 40,
) -> None:
    """Write a briefing: key numbers, what people feel, figures, assumptions, sources.

    A simulate run or a scenario gets the scenario briefing; a risk or optimize run its
    analysis briefing.
    """
    from reechain.workflows.reports import briefing_for, briefing_name, write_briefing

    store = state.store()
    briefing = briefing_for(run_or_scenario, store, focus=focus, draws=draws)
    suffix = f"-{focus}" if focus else ""
    target = out or Path(f"briefing-{briefing_name(briefing)}{suffix}.{fmt.value}")
    path = write_briefing(briefing, target, fmt.value)
    typer.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")
