"""Data preparation (shared by both engines): what it refuses and what it keeps in memory."""

from __future__ import annotations

import numpy as np
import pytest

import reechain
from reechain.engine import prepare, prepare_batch
from reechain.engine.curves import check_stages as _check_stages
from reechain.engine.groups import TABLES
from reechain.engine.switching import apply_switching
from reechain.errors import ConsistencyError
from reechain.scenario import Scenario


@pytest.fixture(scope="module")
def chain() -> reechain.Chain:
    return reechain.compile_chain(reechain.load_dataset("sample"))


def test_a_process_whose_inputs_are_not_upstream_is_refused_by_index(chain: reechain.Chain) -> None:
    stage = np.asarray(chain.process_stage).copy()
    p = int(np.nonzero(np.asarray(chain.process_inputs).any(axis=1))[0][0])
    stage[p] = 0  # inputs now from its own stage or later
    with pytest.raises(ConsistencyError, match=rf"process {p}: the engine needs outputs"):
        _check_stages(chain, stage, chain.process_inputs, chain.process_outputs)
    _check_stages(chain, chain.process_stage, chain.process_inputs, chain.process_outputs)


def test_months_nothing_changes_are_one_read_only_slice(chain: reechain.Chain) -> None:
    """A baseline run's shares, caps and intensities are the same slice every month: one
    view, no memory per month, and the batch keeps a single slice of each."""
    prep = prepare(chain, months=120)
    assert prep.link_cap_slices.shape[0] == 1
    assert np.isinf(prep.link_cap).all()
    assert prep.intensity_slices.shape[0] == 1
    assert (prep.intensity_index == 0).all()
    for name in ("sourcing_share", "extra_supply"):
        months = getattr(prep, name)
        assert months.shape[0] == 120, name
        assert months.strides[0] == 0, name
        assert not months.flags.writeable, name
    batch = prepare_batch(chain, [None, None], months=120)
    assert all(getattr(batch.tables, name).shape[0] == 1 for name in TABLES)


def test_a_restriction_keeps_one_slice_of_caps_per_distinct_month(
    chain: reechain.Chain,
) -> None:
    cut = Scenario.model_validate(
        {
            "name": "cut",
            "dataset": "sample",
            "horizon_months": 12,
            "events": [
                {
                    "kind": "export_restriction",
                    "exporter": chain.regions[int(np.argmax(chain.exports.sum(axis=1)))],
                    "commodities": list(chain.commodities),
                    "importers": "all",
                    "start": "2025-03",
                    "duration_months": 2,
                    "severity": 1.0,
                }
            ],
        }
    )
    prep = prepare(chain, cut, months=12)
    # months 0-1 and 4-11 unbounded, months 2-3 the cut: two distinct slices
    assert prep.link_cap_slices.shape[0] == 2
    assert prep.link_cap_index.tolist() == [0, 0, 1, 1] + [0] * 8
    assert np.isinf(prep.link_cap[0]).all()
    assert not np.isinf(prep.link_cap[2]).all()
    assert np.array_equal(prep.link_cap[2], prep.link_cap[3])


DEFAULT_CUT = {
    "kind": "export_restriction",
    "exporter": "CHN",
    "commodities": ["Dy2O3", "Tb4O7", "Dy_metal", "Tb_metal"],
    "importers": ["JPN", "USA"],
    "start": "2025-03",
    "duration_months": 12,
    "severity": 1.0,
}


def test_grade_switches_keep_one_intensity_slice_per_stretch_between_starts() -> None:
    """A Dy/Tb cut on the default chain triggers grade switches with lags of 6 and 9 months
    (thrifting 24): the intensities are one slice per stretch between those starts, not one
    per month, and each month's slice is what switching every month one by one gives."""
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    scenario = Scenario.model_validate(
        {"name": "cut", "dataset": "default", "horizon_months": 48, "events": [DEFAULT_CUT]}
    )
    prep = prepare(chain, scenario, months=48)
    assert 1 < prep.intensity_slices.shape[0] <= 4
    R = len(chain.regions)
    every = np.array(np.broadcast_to(chain.intensity, (48, R, *chain.intensity.shape)))
    slices, index, cost = apply_switching(chain, scenario, every)  # months one by one
    np.testing.assert_array_equal(prep.intensity, slices[index])
    np.testing.assert_array_equal(prep.adjustment_cost_usd_per_unit, cost)
