"""``reechain serve`` and ``reechain users``: auth is mandatory beyond loopback."""

from __future__ import annotations

import json

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
