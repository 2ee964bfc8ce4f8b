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
) -> None:
    """Write a briefing: key numbers, what people feel, figures, assumptions, sources.

    A simulate run or a scenario gets the scenario briefing; a risk or optimize run its
    analysis briefing.
    """
    from reechain.workflows.reports import briefing_for, briefing_name, write_briefing

    store = state.store()
    briefing = briefing_for(run_or_scenario, store)
    target = out or Path(f"briefing-{briefing_name(briefing)}.{fmt.value}")
    path = write_briefing(briefing, target, fmt.value)
    typer.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")
