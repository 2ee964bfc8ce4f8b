"""The demand workflows: a demand path for a compiled chain, as the engine will take it."""

from __future__ import annotations

import numpy as np
import pytest

from reechain.chain import Chain
from reechain.workflows.demand import demand_path, demand_records, project_demand


def test_demand_path_for_the_sample_chain(sample_chain: Chain) -> None:
    path = demand_path("accelerated", sample_chain)
    assert path.shape == (2050 - sample_chain.base_year + 1, len(sample_chain.regions), 3)
    assert np.allclose(path[0], 1.0)
    wind = sample_chain.sectors.index("wind_generator")
    assert (path[6, :, wind] > 1.0).all()  # 2030: wind additions more than double
    aus = sample_chain.regions.index("AUS")
    assert np.isfinite(path[:, aus]).all()  # AUS takes the ROW path


def test_records_leave_out_rows_that_are_all_zero() -> None:
    p = project_demand("stated")
    rows = demand_records(p, sectors=["catalysts"], elements=["Dy"])
    assert rows == []
    assert demand_records(p, sectors=["catalysts"], elements=["Dy"], keep_zeros=True)


def test_years_outside_the_projection_are_refused() -> None:
    from reechain.errors import InputError

    with pytest.raises(InputError, match="expected years within 2000–2050"):
        demand_records(project_demand("stated"), last_year=2060)


def test_every_sector_and_region_of_the_default_dataset_has_a_path() -> None:
    import reechain

    chain = reechain.compile_chain(reechain.load_dataset("default"))
    path = demand_path("stated", chain)
    assert path.shape == (27, len(chain.regions), len(chain.sectors))
    assert np.isfinite(path).all()
    assert (path >= 0).all()
    assert np.allclose(path[0], 1.0)
    deu, eu = chain.regions.index("DEU"), chain.regions.index("FRA")
    assert np.array_equal(path[:, deu], path[:, eu])  # both take the eu27 path


def test_an_unknown_dataset_sector_fails_with_a_hint(sample_chain: Chain) -> None:
    from reechain.errors import NotFoundError

    with pytest.raises(NotFoundError, match="sector 'wind_generator' has no demand path"):
        demand_path("stated", sample_chain, sector_map={"wind_generator": "wind_turbine"})


def test_the_engines_paths_grow_from_the_chains_own_base_year() -> None:
    """One base year: the default chain's paths are the multiples of the projection anchored
    to its end-use requirement, which weigh each sector's elements as the chain uses them;
    against the unanchored module's they move by at most a few per cent where the chain
    has output, and not at all in the base year."""
    import reechain
    from reechain.demand import demand_multiple
    from reechain.demand.anchor import anchor_to_chain
    from reechain.demand.tables import load_demand_tables

    chain = reechain.compile_chain(reechain.load_dataset("default"))
    tables = load_demand_tables()
    anchored = anchor_to_chain(project_demand("stated", anchor=None), chain, tables.sector_map())
    expected = demand_multiple(
        anchored.projection,
        chain.sectors,
        chain.regions,
        base_year=chain.base_year,
        groups=dict(chain.groups),
        sector_map=tables.sector_map(),
    )
    path = demand_path("stated", chain)
    live = chain.output_per_year.T > 0  # (R, S)
    np.testing.assert_allclose(path[:, live], expected[:, live], rtol=1e-12)
    own = demand_path("stated", chain, anchored=False)
    assert np.abs(path[:, live] / own[:, live] - 1).max() < 0.05
    assert not np.array_equal(path[:, live], own[:, live])
