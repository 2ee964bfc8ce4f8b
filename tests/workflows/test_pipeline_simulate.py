"""``reechain simulate --case`` (issue 18): the pipeline comes online in both runs."""

from __future__ import annotations

import numpy as np
from typer.testing import CliRunner

from reechain.cli import app
from reechain.workflows.simulate import simulate_scenarios


def test_the_announced_case_brings_the_sample_building_plant_online_from_2026() -> None:
    chain, (idle,) = simulate_scenarios(["dy-restriction"], months=24)
    _, (announced,) = simulate_scenarios(["dy-restriction"], months=24, case="announced")
    usa, magnet = chain.regions.index("USA"), chain.commodities.index("NdFeB")
    np.testing.assert_array_equal(announced.run.production[:12], idle.run.production[:12])
    assert announced.run.production[23, usa, magnet] > idle.run.production[23, usa, magnet]
    assert (
        announced.baseline.production[23, usa, magnet] > idle.baseline.production[23, usa, magnet]
    )


def test_an_unknown_case_is_one_line_and_exit_code_2() -> None:
    result = CliRunner().invoke(app, ["simulate", "dy-restriction", "--case", "annnounced"])
    assert result.exit_code == 2
    assert "did you mean 'announced'" in result.stderr
