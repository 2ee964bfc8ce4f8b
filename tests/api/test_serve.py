"""``reechain serve`` and ``reechain users``: auth is mandatory beyond loopback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from reechain.cli import app

runner = CliRunner()


def test_beyond_loopback_the_server_refuses_to_start_without_users() -> None:
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: auth is on but there is no user: create one with")


def test_beyond_loopback_auth_cannot_be_switched_off() -> None:
    result = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--no-auth"])
    assert result.exit_code == 2
    assert "--no-auth is refused for --host 0.0.0.0" in result.stderr


def test_users_add_token_list_revoke() -> None:
    added = runner.invoke(app, ["users", "add", "ana", "--role", "viewer", "--workspace", "t1"])
    assert added.exit_code == 0, added.stderr
    token = runner.invoke(app, ["users", "token", "ana"]).stdout.strip()
    assert token.startswith("rc_")
    assert len(token) > 40
    listed = json.loads(runner.invoke(app, ["users", "list", "-f", "json"]).stdout)
    assert [(u["name"], u["role"], u["workspace"], u["tokens"]) for u in listed] == [
        ("ana", "viewer", "t1", 1)
    ]
    assert runner.invoke(app, ["users", "revoke", token[:10]]).stdout == "revoked 1 token\n"
    again = runner.invoke(app, ["users", "revoke", "ana"])
    assert (again.exit_code, again.stderr) == (2, "error: no live token for 'ana'\n")


def test_a_bad_role_is_one_line() -> None:
    result = runner.invoke(app, ["users", "add", "ana", "--role", "boss"])
    assert result.exit_code == 2
    assert result.stderr == ("error: role: got 'boss', expected one of viewer, analyst, admin\n")


def test_the_server_runs_on_asyncios_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not uvloop: at saturation it leaves some connections waiting (p99 ten times the p50)."""
    import uvicorn

    from reechain import config

    for name in (
        "REECHAIN_SERVE_AUTH",
        "REECHAIN_SERVE_JOBS",
        config.DATABASE_URL_ENV,
        config.ALLOWED_HOSTS_ENV,
    ):
        monkeypatch.setenv(name, "")  # set by `--processes 2`; restored after the test
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    for processes in ("1", "2"):
        result = runner.invoke(app, ["serve", "--port", "8765", "--processes", processes])
        assert result.exit_code == 0, result.stderr
    assert [call["loop"] for call in calls] == ["asyncio", "asyncio"]


def _served_app(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[Any, str]:
    """Return the app `reechain serve ARGS` would run, and what the command printed."""
    import uvicorn

    calls: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(app))
    result = runner.invoke(app, ["serve", *args])
    assert result.exit_code == 0, result.stderr
    return calls[0], result.stdout


def test_the_server_answers_loopback_and_allowed_hosts_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from fastapi.testclient import TestClient

    monkeypatch.setenv("REECHAIN_ALLOWED_HOSTS", "reechain.example.org, intranet")
    served, printed = _served_app(monkeypatch, "--allowed-host", "Analysis.Example.org")
    assert "hosts: loopback, analysis.example.org, intranet, reechain.example.org" in printed
    for host, status in (
        ("127.0.0.1:8000", 200),
        ("intranet", 200),
        ("analysis.example.org:443", 200),
        ("attacker.example", 400),
    ):
        with TestClient(served, base_url=f"http://{host}") as client:
            assert (host, client.get("/api/health").status_code) == (host, status)


def test_a_specific_bind_address_is_served_by_that_name(monkeypatch: pytest.MonkeyPatch) -> None:
    runner.invoke(app, ["users", "add", "ada", "--role", "admin"])
    _, printed = _served_app(monkeypatch, "--host", "10.1.2.3")
    assert "hosts: loopback, 10.1.2.3)" in printed
    _, printed = _served_app(monkeypatch, "--host", "0.0.0.0")
    assert "hosts: loopback)" in printed  # any address names no host: say which with --allowed-host


def test_an_allowed_host_with_a_port_or_scheme_is_one_line() -> None:
    for bad in ("reechain.example:8000", "https://reechain.example", "a b"):
        result = runner.invoke(app, ["serve", "--allowed-host", bad])
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: allowed host: got {bad!r}, expected a host")
