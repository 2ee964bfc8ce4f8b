"""``reechain serve`` and ``reechain users``: the server and its accounts."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from reechain import config
from reechain.cli.output import OutputFormat, emit
from reechain.cli.state import state
from reechain.errors import InputError
from reechain.store import ROLES

EVENT_LOOP = "asyncio"
"""uvicorn's event loop. Not uvloop (uvicorn's choice when it is installed): on a saturated
server uvloop leaves some connections unserved for hundreds of milliseconds while it serves
others, so the p99 latency is ten times the median; asyncio's own loop serves them in turn at
the same throughput (``benchmarks/bench_api_load.py``, BENCHMARKS.md)."""

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
    """Serve the REST API (docs at /docs) on the store of the data directory."""
    import uvicorn

    from reechain.api import create_app
    from reechain.api.auth import auth_required
    from reechain.api.guards import LOOPBACK_NAMES, allowed_hosts, split_names

    names = [*split_names(os.environ.get(config.ALLOWED_HOSTS_ENV, "")), *(allowed_host or [])]
    try:
        hosts = allowed_hosts(names, bound=host)
    except ValueError as exc:
        raise InputError(str(exc)) from exc

    beyond_loopback = auth_required(host)
    if auth is False and beyond_loopback:
        raise InputError(
            f"--no-auth is refused for --host {host}: bound beyond loopback, "
            "anyone who can reach the port could read and change your data"
        )
    use_auth = beyond_loopback if auth is None else auth
    store = state.store()
    if use_auth and not store.has_users():
        raise InputError(
            "auth is on but there is no user: create one with `reechain users add "
            "NAME --role admin --workspace WORKSPACE`, then `reechain users token "
            "NAME`"
        )
    served = sorted(hosts - LOOPBACK_NAMES)
    typer.echo(
        f"reechain serving on http://{host}:{port}/ (dashboard: /; API docs: /docs; auth "
        f"{'on: sign in at /login with an API token' if use_auth else 'off'}; "
        f"store: {store.dialect}; hosts: loopback{''.join(', ' + h for h in served)})"
    )
    if processes == 1:
        uvicorn.run(
            create_app(store, auth=use_auth, workers=workers, allowed_hosts=served),
            host=host,
            port=port,
            log_level="warning",
            loop=EVENT_LOOP,
        )
        return
    # Several processes: uvicorn starts them itself and each builds the app from the
    # environment (same store, same auth).
    os.environ.update(
        {
            "REECHAIN_SERVE_AUTH": "1" if use_auth else "0",
            "REECHAIN_SERVE_JOBS": str(workers),
            config.ALLOWED_HOSTS_ENV: ",".join(served),
            config.DATABASE_URL_ENV: config.database_url(state.home),
        }
    )
    store.close()
    uvicorn.run(
        "reechain.api.app:create_app_from_env",
        factory=True,
        workers=processes,
        host=host,
        port=port,
        log_level="warning",
        loop=EVENT_LOOP,
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
