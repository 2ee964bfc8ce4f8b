"""``reechain metrics``: concentration, reliance, true-origin exposure and criticality."""

from __future__ import annotations

import typer

metrics_app = typer.Typer(
    help="See the chain: concentration, reliance, exposure, criticality.", no_args_is_help=True
)
