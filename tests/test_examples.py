"""The examples the README points to run, and say something sensible."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from typer.testing import CliRunner

from reechain.cli import app

EXAMPLES = Path(__file__).parents[1] / "examples"
runner = CliRunner()


def test_the_example_bill_of_materials_traces_every_product_to_100_percent() -> None:
    result = runner.invoke(
        app, ["metrics", "exposure", "--bom", str(EXAMPLES / "bom.csv"), "--format", "json"]
    )
    assert result.exit_code == 0, result.stderr
    shares: dict[tuple[str, str], float] = defaultdict(float)
    for record in json.loads(result.stdout):
        if record["commodity"] == "all":
            shares[record["target"], record["stage"]] += record["origin_share"]
    products = {target for target, _ in shares}
    assert {"Compact EV drive unit", "Offshore turbine generator", "Server hard disk"} <= products
    assert all(abs(total - 1.0) < 1e-9 for total in shares.values())
