"""Projections of the bundled scenarios: the IEA validation, balances and engine paths."""

from __future__ import annotations

import numpy as np
import pytest

from reechain.demand import compile_inputs, demand_multiple, project
from reechain.demand.projection import Projection
from reechain.demand.scenarios import builtin_scenario
from reechain.demand.tables import load_demand_tables
from reechain.errors import InputError, NotFoundError
from reechain.workflows.demand import magnet_demand_kt

IEA_MAGNET_REE_KT = {2023: 93.0, 2030: 131.0}
"""IEA Global Critical Minerals Outlook 2024, magnet rare earths, announced-pledges case."""


@pytest.fixture(scope="module")
def accelerated() -> Projection:
    return project(compile_inputs(load_demand_tables(), builtin_scenario("accelerated")))


@pytest.fixture(scope="module")
def stated() -> Projection:
    return project(compile_inputs(load_demand_tables(), builtin_scenario("stated")))


def test_accelerated_magnet_demand_is_within_15_percent_of_iea_announced_pledges(
    accelerated: Projection,
) -> None:
    ours = magnet_demand_kt(accelerated, [2023, 2030])
    for year, published in IEA_MAGNET_REE_KT.items():
        assert abs(ours[year] / published - 1) <= 0.15, (year, ours[year], published)


def test_stated_path_is_below_the_accelerated_path_after_2024(
    stated: Projection, accelerated: Projection
) -> None:
    ours = magnet_demand_kt(stated, range(2025, 2051))
    theirs = magnet_demand_kt(accelerated, range(2025, 2051))
    assert all(ours[y] < theirs[y] for y in ours)
    # documented against its sources: 2023 is calibrated to 93 kt, EVs about 7 % of it
    assert magnet_demand_kt(stated, [2023])[2023] == pytest.approx(93.0, rel=1e-3)


def test_evs_are_about_seven_percent_of_magnet_demand_in_2023(stated: Projection) -> None:
    x = stated.inputs
    t = list(x.years).index(2023)
    e = [x.elements.index(n) for n in ("Nd", "Pr", "Dy", "Tb")]
    ev = stated.demand_t_per_year[t, :, x.sectors.index("ev_traction_motor")][..., e].sum()
    assert ev / stated.magnet_demand_t_per_year()[t] == pytest.approx(0.07, abs=0.02)


def test_element_stock_balances_and_recovery_never_exceeds_end_of_life(
    accelerated: Projection,
) -> None:
    p = accelerated
    change = np.diff(p.stock_t, axis=0, prepend=0.0)
    scale = float(p.stock_t.max())
    assert np.abs(p.demand_t_per_year - p.end_of_life_t_per_year - change).max() <= 1e-9 * scale
    assert (p.secondary_t_per_year <= p.end_of_life_t_per_year + 1e-9 * scale).all()
    assert (p.secondary_t_per_year >= 0).all()
    assert p.corrected_inflows == 0


def test_secondary_supply_grows_as_magnets_reach_end_of_life(
    stated: Projection, accelerated: Projection
) -> None:
    def nd(p: Projection, year: int) -> float:
        t = list(p.inputs.years).index(year)
        return float(p.secondary_t_per_year[t, ..., p.inputs.elements.index("Nd")].sum())

    assert nd(stated, 2024) < nd(stated, 2035) < nd(stated, 2050)
    assert nd(accelerated, 2050) > nd(stated, 2050)


def test_thrifting_and_dy_lean_magnets_cut_dy_per_ev(accelerated: Projection) -> None:
    x = accelerated.inputs
    s, dy = x.sectors.index("ev_traction_motor"), x.elements.index("Dy")
    years = list(x.years)
    assert x.intensity_kg_per_unit[years.index(2050), s, dy] < (
        0.5 * x.intensity_kg_per_unit[years.index(2024), s, dy]
    )


def test_a_demand_path_is_one_in_its_base_year_and_maps_regions(stated: Projection) -> None:
    path = demand_multiple(
        stated,
        ["ev_traction_motor", "wind_generator"],
        ["JPN", "DEU", "BRA"],
        base_year=2024,
        groups={"eu27": ("DEU", "FRA")},
    )
    assert path.shape == (27, 3, 2)
    assert np.allclose(path[0], 1.0)
    x = stated.inputs
    t, b = list(x.years).index(2040), list(x.years).index(2024)
    eu, s = x.regions.index("eu27"), x.sectors.index("ev_traction_motor")
    expected = stated.demand_t_per_year[t, eu, s].sum() / stated.demand_t_per_year[b, eu, s].sum()
    assert path[16, 1, 0] == pytest.approx(expected)  # DEU follows eu27


def test_units_basis_follows_sales_not_material(stated: Projection) -> None:
    units = demand_multiple(stated, ["ev_traction_motor"], ["CHN"], base_year=2024, basis="units")
    material = demand_multiple(stated, ["ev_traction_motor"], ["CHN"], base_year=2024)
    assert units[-1, 0, 0] > material[-1, 0, 0]  # thrifting and substitution


def test_an_unknown_sector_fails_clearly_unless_left_flat(stated: Projection) -> None:
    with pytest.raises(
        NotFoundError, match=r"sector 'ev_traction_motors' has no demand path.*did you mean"
    ):
        demand_multiple(stated, ["ev_traction_motors"], ["JPN"], base_year=2024)
    flat = demand_multiple(stated, ["ev_traction_motors"], ["JPN"], base_year=2024, unmapped="flat")
    assert (flat == 1.0).all()
    mapped = demand_multiple(
        stated,
        ["ev_traction_motors"],
        ["JPN"],
        base_year=2024,
        sector_map={"ev_traction_motors": "ev_traction_motor"},
    )
    assert mapped[-1, 0, 0] > 1.0


def test_years_out_of_order_or_outside_the_projection_are_refused(stated: Projection) -> None:
    with pytest.raises(InputError, match="years out of order"):
        demand_multiple(stated, ["ev_traction_motor"], ["JPN"], base_year=2024, years=[2030, 2025])
    with pytest.raises(InputError, match="outside the demand projection"):
        demand_multiple(stated, ["ev_traction_motor"], ["JPN"], base_year=2060)


def test_accelerated_2050_magnet_demand_is_within_20_percent_of_iea(
    accelerated: Projection,
) -> None:
    """Documented, looser: IEA GCMO 2024 gives 181 kt for 2050; ours is ~15 % above it."""
    ours = magnet_demand_kt(accelerated, [2050])[2050]
    assert abs(ours / 181.0 - 1) <= 0.20


def test_stated_path_carries_iea_steps_ev_sales_and_gwec_wind(stated: Projection) -> None:
    x = stated.inputs
    t = list(x.years).index(2030)
    ev, wind = x.sectors.index("ev_traction_motor"), x.sectors.index("wind_generator")
    assert x.activity_per_year[t, :, ev].sum() == pytest.approx(45e6)  # GEVO 2024 STEPS
    assert x.activity_per_year[t, :, wind].sum() == pytest.approx(228_700)  # GWEC 2024 outlook
