"""Seeds: out-of-sample draws never share a stream with in-sample ones."""

from __future__ import annotations

import numpy as np

import reechain
from reechain.optimize.analysis import draw
from reechain.optimize.histories import draw_history, history_seeds, split_seeds, success_draw
from reechain.optimize.partnership import bundled_partnership


def test_split_seeds_are_disjoint_and_match_history_seeds() -> None:
    split = split_seeds(42, 50, 20)
    inside = {s.spawn_key for s in split.in_sample}
    outside = {s.spawn_key for s in split.out_of_sample}
    assert len(inside) == 50
    assert len(outside) == 20
    assert not inside & outside
    assert [s.spawn_key for s in history_seeds(42, 50, 20)] == [
        s.spawn_key for s in split.out_of_sample
    ]
    assert all(s.entropy == 42 for s in split.in_sample + split.out_of_sample)


def test_draw_uses_disjoint_index_ranges(sample_chain: reechain.Chain) -> None:
    """In sample: chosen from histories 0 … M−1 (the stratification pool, M = 3 × S); out
    of sample: M … M+n−1 of the same root, so no stream can be shared."""
    p = bundled_partnership("us-japan").model_copy(update={"dataset": "sample", "horizon_years": 2})
    inside, fresh = draw(sample_chain, p, 4, 3)
    assert inside.pool_size == 12
    keys_in = [s.spawn_key for s in inside.seeds]
    keys_out = [s.spawn_key for s in fresh.seeds]
    assert len(keys_in) == 4
    assert all(k[0] < 12 for k in keys_in)
    assert keys_out == [(12,), (13,), (14,)]
    assert not {s.name for s in inside.scenarios} & {s.name for s in fresh.scenarios}


def test_without_a_pool_the_draws_are_plain_monte_carlo(sample_chain: reechain.Chain) -> None:
    p = bundled_partnership("us-japan").model_copy(update={"dataset": "sample", "horizon_years": 2})
    inside, fresh = draw(sample_chain, p, 4, 3, pool_factor=1)
    assert [s.spawn_key for s in inside.seeds] == [(0,), (1,), (2,), (3,)]
    assert [s.spawn_key for s in fresh.seeds] == [(4,), (5,), (6,)]
    assert inside.weights.tolist() == [0.25] * 4


def test_success_draws_do_not_depend_on_other_candidates() -> None:
    seed = history_seeds(7, 3, 1)[0]
    assert success_draw(seed, "mp_10x_magnets") == success_draw(seed, "mp_10x_magnets")
    assert success_draw(seed, "mp_10x_magnets") != success_draw(seed, "lynas_texas")
    assert 0 <= success_draw(seed, "x") < 1


def test_fallback_sampler_is_reproducible() -> None:
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    seed = np.random.SeedSequence(3, spawn_key=(5,))
    a = draw_history(chain, seed, 60, ["USA", "JPN"], "a")
    b = draw_history(chain, seed, 60, ["USA", "JPN"], "a")
    assert a == b
    assert all(e.kind in ("export_restriction", "capacity_outage") for e in a.events)
