"""``reechain scenario``: list, show and validate scenario files."""

from __future__ import annotations

import typer

scenario_app = typer.Typer(help="Scenario files: list, show, validate.", no_args_is_help=True)
