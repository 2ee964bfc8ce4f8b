"""The batch engine (the compiled kernel) against the reference engine (the oracle), and
chunking.

DESIGN.md §4: the two implementations agree to 1e-9 relative on random chains and
scenarios; results are bit-identical for any chunking of the scenario axis.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import reechain
from reechain.chain import Chain
from reechain.engine import (
    prepare,
    prepare_batch,
    run_batch,
    run_reference,
    run_vectorized,
    stack_prepared,
    waterfill,
)
from reechain.engine.market import MarketParameters, load_market
from reechain.engine.vectorized import RUN_FIELDS
from reechain.scenario import Scenario, load_composed

from .chains import random_chains
from .test_invariants import T, events, policies

RTOL = 1e-9


@st.composite
def chains_and_batches(draw: st.DrawFn) -> tuple[Chain, list[Scenario]]:
    """A random chain and 1–4 random scenarios on it (None-free; padding exercised)."""
    chain = draw(random_chains())
    scenarios = [
        Scenario.model_validate(
            {
                "name": f"random{k}",
                "dataset": "tiny",
                "horizon_months": T,
                "events": draw(events(chain)),
                "policies": draw(policies(chain)),
            }
        )
        for k in range(draw(st.integers(1, 4)))
    ]
    return chain, scenarios


def _close(name: str, want: np.ndarray, got: np.ndarray) -> None:
    finite = np.isfinite(want)
    assert np.array_equal(finite, np.isfinite(got)), name
    scale = max(1.0, float(np.abs(want[finite]).max(initial=0.0)))
    diff = np.abs(np.where(finite, want - got, 0.0)).max(initial=0.0)
    assert diff <= RTOL * scale, (name, diff, scale)


@given(chains_and_batches())
def test_vectorized_agrees_with_reference(case: tuple[Chain, list[Scenario]]) -> None:
    """Every field of every month of every scenario agrees with the reference to 1e-9."""
    chain, scenarios = case
    preps = [prepare(chain, s, months=T) for s in scenarios]
    wants = [run_reference(prep) for prep in preps]
    run = run_vectorized(stack_prepared(preps))
    for b, want in enumerate(wants):
        got = run.scenario(b)
        for name in (*RUN_FIELDS, "initial_user_inventory"):
            _close(name, getattr(want, name), getattr(got, name))


@given(chains_and_batches(), st.sampled_from([1, 3]))
def test_results_bit_identical_for_any_chunking(
    case: tuple[Chain, list[Scenario]], size: int
) -> None:
    """Chunks of 1, 3 and K scenarios give bit-identical arrays."""
    chain, scenarios = case
    scenarios = scenarios * 2  # K of 2–8 so that chunks of 3 split unevenly
    batch = prepare_batch(chain, scenarios, months=T)
    whole = run_vectorized(batch)
    parts = [run_vectorized(batch.take(slice(lo, lo + size))) for lo in range(0, batch.size, size)]
    for name in RUN_FIELDS:
        glued = np.concatenate([_pad_to(p.arrays[name], whole.arrays[name]) for p in parts])
        assert np.array_equal(glued, whole.arrays[name]), name


def _pad_to(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """Chunks pad processes and stockpiles to their own maximum: pad to the whole's."""
    missing = [(0, w - p) for p, w in zip(part.shape[1:], whole.shape[1:], strict=True)]
    return np.pad(part, [(0, 0), *missing])


@given(chains_and_batches())
def test_run_batch_kpis_bit_identical_for_any_chunking(
    case: tuple[Chain, list[Scenario]],
) -> None:
    chain, scenarios = case
    runs = [run_batch(chain, scenarios, months=T, chunk_size=n) for n in (1, 3, len(scenarios))]
    for other in runs[1:]:
        for name, value in vars(runs[0]).items():
            if isinstance(value, np.ndarray):
                assert np.array_equal(value, getattr(other, name)), name


def _rows(draw: st.DrawFn, n: int) -> tuple[float, Any, Any]:
    amount = draw(st.floats(0, 100))
    weights = np.array([draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 7.3])) for _ in range(n)])
    limits = np.array([draw(st.sampled_from([0.0, 0.1, 1.0, 3.0, 50.0, np.inf])) for _ in range(n)])
    limits = np.minimum(limits, weights * draw(st.floats(0.5, 20)))
    return amount, weights, limits


@st.composite
def waterfill_cases(draw: st.DrawFn) -> list[tuple[float, Any, Any]]:
    n = draw(st.integers(1, 12))
    return [_rows(draw, n) for _ in range(draw(st.integers(1, 6)))]


@given(waterfill_cases())
def test_the_kernels_waterfill_is_the_references(rows: list[tuple[float, Any, Any]]) -> None:
    """Capped proportional fill: the kernel's answer is the reference's to 1e-12, places
    min(amount, what the limits allow) and gives no entry more than its limit."""
    from reechain.engine.kernel import waterfill as kernel_waterfill

    for a, w, lim in rows:
        want = waterfill(a, w, lim)
        n = len(w)
        got, offer, active = np.zeros(n), np.zeros(n), np.zeros(n, dtype=bool)
        placed = kernel_waterfill(a, w, lim, got, offer, active)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12 * max(1.0, a))
        placeable = np.where((w > 0) & (lim > 0), lim, 0.0).sum()
        np.testing.assert_allclose(placed, min(a, placeable), rtol=1e-12, atol=1e-12)
        assert (got <= lim * (1 + 1e-15)).all()


def test_chunks_are_small_enough_to_stay_in_cache() -> None:
    """The compiled kernel is fastest when a chunk's month stays in cache; memory bounds
    the chunk too."""
    import reechain
    from reechain.engine import default_chunk_size
    from reechain.engine.runs import COMPILED_CHUNK

    chain = reechain.compile_chain(reechain.load_dataset("default"))
    assert default_chunk_size(chain, 120) == COMPILED_CHUNK
    assert 1 <= default_chunk_size(chain, 1_000_000) < COMPILED_CHUNK


@st.composite
def markets(draw: st.DrawFn) -> MarketParameters:
    """Any market parameters within the calibration's search bounds."""
    unit = st.floats(0.0, 1.0)
    return MarketParameters(
        cover_horizon_months=draw(st.floats(1.0, 24.0)),
        elasticity_scale=draw(st.floats(0.2, 5.0)),
        heavy_elasticity_scale=draw(st.floats(0.2, 5.0)),
        magnet_elasticity_scale=draw(st.floats(0.2, 5.0)),
        adjustment=draw(st.floats(0.02, 1.0)),
        precaution=draw(st.floats(0.0, 3.0)),
        precaution_months=draw(st.floats(1.0, 36.0)),
        wedge=draw(unit),
        coproduct_linkage=draw(unit),
        licence_approval_share=draw(unit),
        licence_processing_working_days=draw(st.floats(0.0, 90.0)),
    )


@given(chains_and_batches(), markets())
def test_vectorized_agrees_with_reference_for_any_market(
    case: tuple[Chain, list[Scenario]], market: MarketParameters
) -> None:
    """The price step's every parameter (wedge, co-product linkage, precaution …) in both
    engines: every field agrees to 1e-9."""
    chain, scenarios = case
    preps = [prepare(chain, s, months=T, market=market) for s in scenarios]
    run = run_vectorized(stack_prepared(preps))
    for b, prep in enumerate(preps):
        want, got = run_reference(prep), run.scenario(b)
        for name in (*RUN_FIELDS, "initial_user_inventory"):
            _close(name, getattr(want, name), getattr(got, name))


def test_both_engines_link_co_products_on_the_default_chain() -> None:
    """cn-2010 on the default chain (joint separations) with linkage and the wedge on."""
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    market = load_market().replace(coproduct_linkage=0.7, wedge=0.6)
    prep = prepare(chain, load_composed("cn-2010"), months=18, market=market)
    assert prep.coproduct_weights.any()
    want, got = run_reference(prep), run_vectorized(stack_prepared([prep])).scenario(0)
    for name in ("price", "deliveries", "end_use_output", "user_inventory", "requests"):
        _close(name, getattr(want, name), getattr(got, name))
