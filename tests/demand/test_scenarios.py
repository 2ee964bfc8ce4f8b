"""User-defined demand scenarios in YAML: what they change, and their error messages."""

from __future__ import annotations

import numpy as np
import pytest

from reechain.demand import builtin_scenario, compile_inputs, parse_scenario, project
from reechain.demand.tables import DemandTables, load_demand_tables
from reechain.errors import InputError, NotFoundError


@pytest.fixture(scope="module")
def tables() -> DemandTables:
    return load_demand_tables()


def parse(text: str, tables: DemandTables) -> object:
    return parse_scenario(text, "demand.yaml", tables)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "name: x\nrecycling:\n  ev_traction_motor:\n    collection_rate: {2035: 1.7}\n",
            "demand.yaml, line 4, recycling.ev_traction_motor.collection_rate.2035: got 1.7, "
            "expected a fraction between 0 and 1",
        ),
        (
            "name: x\nre_share:\n  wind_generator: {2030: -0.2}\n",
            "demand.yaml, line 3, re_share.wind_generator.2030: got -0.2, "
            "expected a fraction between 0 and 1",
        ),
        (
            "name: x\nlifetimes:\n"
            "  ev_traction_motor: {distribution: normal, mean_years: 0, std_years: 2}\n",
            "demand.yaml, line 3, lifetimes.ev_traction_motor.mean_years: got 0, "
            "expected a number above 0",
        ),
        (
            "name: x\nbased_on: fast\n",
            "demand.yaml, line 2, based_on: got 'fast', expected one of 'stated' or 'accelerated'",
        ),
        (
            "name: x\nfirst_year: 2040\nlast_year: 2030\n",
            "demand.yaml, line 2, first_year: got 2040, expected a year at or before last_year "
            "(2030); years out of order",
        ),
        (
            "name: x\nactivity_multiplier:\n  ev_motr: {2030: 1.2}\n",
            "demand.yaml, line 3, activity_multiplier.ev_motr: got 'ev_motr', expected a demand "
            "sector",
        ),
        (
            "name: x\nintensity_multiplier:\n  ev_traction_motor: {Dz: {2030: 0.5}}\n",
            "demand.yaml, line 3, intensity_multiplier.ev_traction_motor.Dz: got 'Dz', "
            "expected an element",
        ),
        ("name: x\ncolour: red\n", "demand.yaml, line 2, colour: got an unknown field"),
        ("name: [x\n", "demand.yaml, line 2"),
        ("- just\n- a list\n", "demand.yaml: got list, expected a mapping of fields"),
    ],
)
def test_bad_scenarios_say_file_line_field_value_and_expected(
    text: str, message: str, tables: DemandTables
) -> None:
    with pytest.raises(InputError) as info:
        parse(text, tables)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_unknown_names_suggest_the_nearest(tables: DemandTables) -> None:
    with pytest.raises(NotFoundError, match="did you mean 'ree_free_motor'"):
        parse("name: x\nsubstitution:\n  ree_free_motors: {max_adoption: 0.5}\n", tables)
    with pytest.raises(NotFoundError, match="did you mean 'stated'"):
        builtin_scenario("stated_")


def test_yaml_is_loaded_safely(tables: DemandTables) -> None:
    with pytest.raises(InputError):
        parse("name: !!python/object/apply:os.system ['true']\n", tables)


def test_a_user_scenario_changes_only_what_it_names(tables: DemandTables) -> None:
    text = """
name: more-evs
based_on: stated
activity_multiplier:
  ev_traction_motor: {2024: 1.0, 2030: 1.5}
recycling:
  ev_traction_motor: {collection_rate: {2040: 0.9}}
"""
    mine = compile_inputs(tables, parse(text, tables))  # type: ignore[arg-type]
    base = compile_inputs(tables, builtin_scenario("stated"))
    ev, wind = base.sectors.index("ev_traction_motor"), base.sectors.index("wind_generator")
    t2030 = list(base.years).index(2030)
    assert mine.activity_per_year[t2030, :, ev].sum() == pytest.approx(
        1.5 * base.activity_per_year[t2030, :, ev].sum()
    )
    assert np.array_equal(mine.activity_per_year[..., wind], base.activity_per_year[..., wind])
    assert mine.collection_rate[list(base.years).index(2045), ev] == pytest.approx(0.9)
    t2024 = list(base.years).index(2024)
    assert mine.collection_rate[t2024, ev] == base.collection_rate[t2024, ev]


def test_stock_in_use_runs_a_sector_stock_driven_and_reports_corrections(
    tables: DemandTables,
) -> None:
    text = """
name: falling-fleet
stock_in_use:
  wind_generator: {2000: 1000, 2024: 400000, 2035: 100000, 2050: 900000}
"""
    p = project(compile_inputs(tables, parse(text, tables)))  # type: ignore[arg-type]
    x = p.inputs
    w = x.sectors.index("wind_generator")
    assert x.stock_driven[w]
    assert x.stock_driven.sum() == 1
    assert (p.units_inflow_per_year >= 0).all()
    assert p.corrected_inflows > 0  # the fleet cannot shrink faster than turbines retire
    t = list(x.years).index(2050)
    assert p.units_in_use[t, :, w].sum() == pytest.approx(900000, rel=1e-9)
