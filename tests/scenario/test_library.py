"""The bundled scenario library: every file is valid on its dataset and runs."""

from __future__ import annotations

import pytest

import reechain
from reechain.errors import NotFoundError
from reechain.scenario import library_path, library_scenarios, load_scenario


def test_the_library_has_a_baseline_and_illustrations() -> None:
    names = library_scenarios("sample")
    assert "baseline" in names
    assert len(names) >= 4


@pytest.mark.parametrize("name", sorted(library_scenarios()))
def test_every_library_scenario_is_valid_on_its_dataset(name: str) -> None:
    path = library_path(name)
    scenario = load_scenario(path)
    assert scenario.name == name == path.stem
    assert path.parent.name == scenario.dataset
    load_scenario(path, reechain.compile_chain(reechain.load_dataset(scenario.dataset)))


def test_an_unknown_name_gets_a_suggestion() -> None:
    with pytest.raises(NotFoundError, match="did you mean 'baseline'"):
        library_path("baselin")


def test_round_trip_to_data() -> None:
    scenario = load_scenario(library_path("magnet-ban"))
    again = type(scenario).model_validate(scenario.to_data())
    assert again == scenario
