"""``reechain calibrate``: fit the market's behavioural parameters to 2009–2013.

The lead registers it with ``app.command("calibrate")(calibrate_command)``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from reechain.cli.output import OutputFormat, emit, json_text


def calibrate_command(
    seed: Annotated[int, typer.Option(help="Seed of the extra starts and the bootstrap.")] = 0,
    bootstrap: Annotated[
        int, typer.Option(help="Bootstrap draws for the parameters' bounds (0: none).")
    ] = 30,
    max_evaluations: Annotated[
        int, typer.Option(help="Most engine runs of the least-squares fit.")
    ] = 300,
    starts: Annotated[
        int, typer.Option(help="Starting points of the fit (the defaults and seeded draws).")
    ] = 8,
    out: Annotated[
        Path | None,
        typer.Option(help="Write the parameters as a sourced table (market.csv) here."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Show the fit as one JSON document.")
    ] = False,
) -> None:
    """Fit the price step's parameters to the 2009-2013 episode (prices, quota fill),
    show the fit and the parameters' bootstrap bounds, and write them with --out."""
    from reechain.workflows.calibrate import calibrate

    result = calibrate(
        seed=seed, bootstrap=bootstrap, out=out, max_evaluations=max_evaluations, starts=starts
    )
    fit = result.fit
    console = Console()
    if as_json:
        document = {
            "rms_log": fit.rms_log,
            "evaluations": fit.evaluations,
            "seed": fit.seed,
            "starts": fit.starts,
            "parameters": result.parameters(),
            "observations": result.observations(),
        }
        sys.stdout.write(json_text(document))
        return
    fmt = OutputFormat.TABLE
    emit(result.observations(), fmt, title="the 2009-2013 episode: observed and modelled")
    emit(
        result.parameters(),
        fmt,
        title=(
            f"market parameters (RMS log residual {fit.rms_log:.3f}, "
            f"{fit.evaluations} engine runs, seed {fit.seed})"
        ),
    )
    if result.written is not None:
        console.print(f"wrote {result.written}", highlight=False)
