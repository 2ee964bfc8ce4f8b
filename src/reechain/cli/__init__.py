"""The ``reechain`` command line: one typer sub-app per command group.

Every command calls :mod:`reechain.workflows` and shows its result; a user's mistake
(a :class:`~reechain.errors.ReechainError`) is one red line and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from reechain.cli.calibrate import calibrate_command
from reechain.cli.data import data_app
from reechain.cli.demand import demand_app
from reechain.cli.metrics import metrics_app
from reechain.cli.optimize import optimize_command
from reechain.cli.report import report_command
from reechain.cli.risk import risk_command
from reechain.cli.scenario import scenario_app
from reechain.cli.serve import serve, users_app
from reechain.cli.simulate import simulate_command
from reechain.cli.state import state
from reechain.errors import ReechainError
from reechain.version import __version__


class _Group(TyperGroup):
    """The root group: a ReechainError anywhere below becomes one red line and exit code 2."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ReechainError as exc:
            Console(stderr=True, soft_wrap=True).print(
                f"[red]error:[/red] {escape(str(exc))}", markup=True, highlight=False
            )
            raise typer.Exit(2) from None


app = typer.Typer(
    name="reechain",
    cls=_Group,
    help="Rare-earth supply-chain security: see the chain, stress it, quantify risk, decide.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(data_app, name="data")
app.add_typer(demand_app, name="demand")
app.add_typer(metrics_app, name="metrics")
app.add_typer(scenario_app, name="scenario")
app.add_typer(users_app, name="users")
app.command("serve")(serve)
app.command("simulate")(simulate_command)
app.command("risk")(risk_command)
app.command("optimize")(optimize_command)
app.command("report")(report_command)
app.command("calibrate")(calibrate_command)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"reechain {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            help="Data directory (default: $REECHAIN_HOME or ~/.local/share/reechain).",
            envvar="REECHAIN_HOME",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Rare-earth supply-chain security: see the chain, stress it, quantify risk, decide."""
    state.home = home


def main() -> None:
    """Run the CLI (the ``reechain`` console script)."""
    app()
