"""Histories: one seed stream per history, mapped onto the chain as valid scenarios."""

from __future__ import annotations

import numpy as np

from reechain.chain import Chain
from reechain.engine.prepare import prepare
from reechain.risk import sample_histories
from reechain.risk.sampler import group_commodities, history_seed


def test_history_i_has_the_stream_spawn_gives_it() -> None:
    spawned = np.random.SeedSequence(2024).spawn(10)
    for i in (0, 3, 9):
        assert np.array_equal(history_seed(2024, i).generate_state(4), spawned[i].generate_state(4))


def test_a_history_is_the_same_whatever_slice_draws_it(sample_chain: Chain) -> None:
    whole = sample_histories(sample_chain, 12, seed=5, horizon_months=36)
    part = sample_histories(sample_chain, 4, seed=5, horizon_months=36, start=8)
    assert whole[8:] == part


def test_histories_are_valid_scenarios_on_the_chain(sample_chain: Chain) -> None:
    scenarios = sample_histories(sample_chain, 30, seed=1, horizon_months=60)
    kinds = {e.kind for s in scenarios for e in s.events}
    assert {"export_restriction", "capacity_outage", "logistics_delay"} <= kinds
    for s in scenarios:
        prepare(sample_chain, s, months=60)  # raises on a name the chain lacks
        for e in s.events:
            if e.kind == "export_restriction":
                assert e.exporter == "CHN"
                assert set(e.commodities) <= set(group_commodities(sample_chain, "all"))
            if e.kind == "capacity_outage":
                assert e.process is not None
                assert not e.process.startswith("CHN")


def test_element_groups_follow_the_2025_lists(sample_chain: Chain) -> None:
    assert group_commodities(sample_chain, "apr2025") == ("Dy_oxide", "Dy_metal", "NdFeB")
    assert "conc_mixed" not in group_commodities(sample_chain, "all")
