"""Scenarios compose with ``+``: events and policies merged, horizon the longest."""

from __future__ import annotations

import pytest

from reechain.errors import InputError
from reechain.scenario import Scenario, compose, load_composed, split_name
from reechain.workflows.simulate import validate_scenario


def _s(name: str, dataset: str = "tiny", horizon: int = 12, **more: object) -> Scenario:
    return Scenario.model_validate(
        {"name": name, "title": name.upper(), "dataset": dataset, "horizon_months": horizon} | more
    )


def test_compose_merges_events_and_policies_in_order() -> None:
    shock = {"kind": "demand_shock", "change": 0.1, "start": "2025-01"}
    priority = {"kind": "sector_priority", "sectors": ["s1"]}
    a = _s("a", horizon=12, events=[shock])
    b = _s("b", horizon=30, policies=[priority], events=[shock | {"change": -0.2}])
    both = compose([a, b])
    assert both.name == "a+b"
    assert both.title == "A + B"
    assert both.horizon_months == 30
    assert [e.change for e in both.events] == [0.1, -0.2]  # type: ignore[union-attr]
    assert both.policies == b.policies
    assert compose([a]) is a


def test_a_policy_in_two_parts_counts_once() -> None:
    """The same plant in both parts is one plant, not two; a different one is kept."""
    plant = {
        "kind": "new_capacity",
        "region": "r1",
        "stage": "mine",
        "capacity_per_year": 5,
        "start": "2025-01",
    }
    a = _s("a", policies=[plant])
    b = _s("b", policies=[plant, plant | {"capacity_per_year": 7}])
    both = compose([a, b])
    assert [p.capacity_per_year for p in both.policies] == [5, 7]  # type: ignore[union-attr]


def test_the_lynas_heavy_circuit_is_built_once_in_april_2025_plus_the_package() -> None:
    both = load_composed("cn-2025-april+us-japan-package")
    circuits = [p for p in both.policies if getattr(p, "recipe", None) == "sep_segh_dy_tb"]
    assert len(circuits) == 1


def test_compose_refuses_scenarios_of_different_datasets() -> None:
    with pytest.raises(InputError, match="different datasets"):
        compose([_s("a"), _s("b", dataset="other")])


def test_split_name_refuses_empty_parts() -> None:
    assert split_name("a+b+c") == ["a", "b", "c"]
    with pytest.raises(InputError, match="empty part"):
        split_name("a++b")


def test_any_a_plus_b_of_bundled_names_is_a_scenario() -> None:
    both = load_composed("cn-processing-ban+us-japan-package")
    assert both.dataset == "default"
    assert len(both.events) == 1
    assert len(both.policies) > 5
    again = validate_scenario("mmr-closure+cn-2010")
    assert again.name == "mmr-closure+cn-2010"
    assert again.horizon_months == 36
    assert len(again.events) == 3
