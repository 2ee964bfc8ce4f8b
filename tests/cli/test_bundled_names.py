"""A bundled dataset's name works wherever the command line expects a dataset, as the README
says: the same name ``data import`` accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from reechain.cli import app

COMMANDS = [
    ["data", "show", "sample", "-t", "regions"],
    ["data", "validate", "sample"],
    ["data", "summary", "sample"],
    ["metrics", "concentration", "-d", "sample"],
    ["metrics", "reliance", "-d", "sample", "-r", "JPN"],
    ["metrics", "exposure", "-d", "sample", "-r", "JPN"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_bundled_name_is_a_dataset(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "-f", "csv"])
    assert result.exit_code == 0, result.stderr


def test_a_bundled_dataset_exports_by_name(tmp_path: Path) -> None:
    out = tmp_path / "sample.xlsx"
    result = CliRunner().invoke(app, ["data", "export", "sample", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_size > 0
