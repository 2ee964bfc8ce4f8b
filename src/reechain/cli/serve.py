"""``reechain serve`` and ``reechain users``: the server and its accounts."""

from __future__ import annotations

from typing import Annotated

import typer

from reechain import config
from reechain.cli.output import OutputFormat, emit
from reechain.cli.state import state
from reechain.store import ROLES

users_app = typer.Typer(
    help="Accounts for a shared server: add, token, revoke, list.", no_args_is_help=True
)


def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind; beyond loopback, auth is on.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    auth: Annotated[
        bool | None,
        typer.Option(
            "--auth/--no-auth", help="Require API tokens (default: on unless bound to loopback)."
        ),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, max=32, help="Runs carried out at once.")] = 2,
    processes: Annotated[
        int,
        typer.Option(
            min=1, max=64, help="Server processes (one per core serves the most requests)."
        ),
    ] = 1,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            help="A host name clients use to reach the server (repeatable; also "
            f"{config.ALLOWED_HOSTS_ENV}, comma-separated). Loopback names are always served.",
        ),
    ] = None,
) -> None:
    """Serve the REST API (docs at /docs) and the dashboard on the store of the data
    directory."""
    from reechain.server import serve as run_server

    run_server(
        state.store(),
        host=host,
        port=port,
        auth=auth,
        workers=workers,
        processes=processes,
        allowed_hosts=allowed_host or (),
        database_url=config.database_url(state.home),
        echo=typer.echo,
    )


@users_app.command("add")
def add_user(
    name: Annotated[str, typer.Argument(help="User name (lower case).")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(ROLES)}.")] = "analyst",
    workspace: Annotated[str, typer.Option(help="The workspace the user sees.")] = "default",
) -> None:
    """Create a user with a role in a workspace."""
    user = state.store().add_user(name, role, workspace)
    typer.echo(
        f"added {user.name} ({user.role} in workspace {user.workspace}); "
        f"make a token with `reechain users token {user.name}`"
    )


@users_app.command("token")
def make_token(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Make a new API token for a user and print it (it is shown only once)."""
    typer.echo(state.store().create_token(name))


@users_app.command("revoke")
def revoke(
    name_or_token: Annotated[
        str, typer.Argument(help="A user name (all their tokens) or a token's first characters.")
    ],
) -> None:
    """Revoke a user's tokens, or one token."""
    count = state.store().revoke(name_or_token)
    typer.echo(f"revoked {count} token{'s' if count != 1 else ''}")


@users_app.command("list")
def list_users(
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
) -> None:
    """List users with their role, workspace and number of live tokens."""
    emit(state.store().list_users(), fmt, title="users")
