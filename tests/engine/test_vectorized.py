"""The vectorized engine against the reference engine (the oracle), and chunking.

DESIGN.md §4: the two implementations agree to 1e-9 relative on random chains and
scenarios; results are bit-identical for any chunking of the scenario axis.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reechain.chain import Chain
from reechain.engine import (
    prepare,
    prepare_batch,
    run_batch,
    run_reference,
    run_vectorized,
    stack_prepared,
    waterfill,
    waterfill_rows,
)
from reechain.engine.vectorized import BACKENDS, RUN_FIELDS, default_backend, resolve_backend
from reechain.errors import InputError
from reechain.scenario import Scenario

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
    """Every field of every month of every scenario agrees with the reference to 1e-9,
    on both backends (the compiled kernel and the numpy fallback)."""
    chain, scenarios = case
    preps = [prepare(chain, s, months=T) for s in scenarios]
    batch = stack_prepared(preps)
    wants = [run_reference(prep) for prep in preps]
    for backend in BACKENDS:
        run = run_vectorized(batch, backend=backend)
        for b, want in enumerate(wants):
            got = run.scenario(b)
            for name in (*RUN_FIELDS, "initial_user_inventory"):
                _close(f"{backend}: {name}", getattr(want, name), getattr(got, name))


@given(chains_and_batches(), st.sampled_from([1, 3]))
def test_results_bit_identical_for_any_chunking(
    case: tuple[Chain, list[Scenario]], size: int
) -> None:
    """Chunks of 1, 3 and K scenarios give bit-identical arrays, on both backends."""
    chain, scenarios = case
    scenarios = scenarios * 2  # K of 2–8 so that chunks of 3 split unevenly
    batch = prepare_batch(chain, scenarios, months=T)
    for backend in BACKENDS:
        whole = run_vectorized(batch, backend=backend)
        parts = [
            run_vectorized(batch.take(slice(lo, lo + size)), backend=backend)
            for lo in range(0, batch.size, size)
        ]
        for name in RUN_FIELDS:
            glued = np.concatenate([_pad_to(p.arrays[name], whole.arrays[name]) for p in parts])
            assert np.array_equal(glued, whole.arrays[name]), (backend, name)


def test_the_compiled_backend_is_the_default_where_numba_is_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The test environment installs numba (the ``fast`` extra), so the kernel runs by
    default; ``REECHAIN_ENGINE_BACKEND`` chooses the other."""
    monkeypatch.delenv("REECHAIN_ENGINE_BACKEND", raising=False)
    assert default_backend() == "compiled"
    monkeypatch.setenv("REECHAIN_ENGINE_BACKEND", "numpy")
    assert default_backend() == "numpy"


def test_an_unknown_backend_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match=r"'gpu' is not known; expected one of compiled, numpy"):
        resolve_backend("gpu")
    monkeypatch.setenv("REECHAIN_ENGINE_BACKEND", "gpu")
    with pytest.raises(InputError, match="'gpu' is not known"):
        default_backend()


def test_the_compiled_backend_without_numba_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("reechain.engine.vectorized.COMPILED", False)
    with pytest.raises(InputError, match=r"needs numba: pip install 'reechain\[fast\]'"):
        resolve_backend("compiled")
    monkeypatch.delenv("REECHAIN_ENGINE_BACKEND", raising=False)
    assert default_backend() == "numpy"


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
def test_vectorized_waterfill_is_exact(rows: list[tuple[float, Any, Any]]) -> None:
    """Capped proportional fill, n + 1 passes: each pass places the whole remaining amount
    or fills at least one entry to its limit and removes it, so it ends in at most n + 1
    passes with the reference's answer; rows do not disturb one another.
    """
    amount = np.array([a for a, _, _ in rows])
    weights = np.stack([w for _, w, _ in rows])
    limits = np.stack([lim for _, _, lim in rows])
    got = waterfill_rows(amount, weights, limits)
    for k, (a, w, lim) in enumerate(rows):
        want = waterfill(a, w, lim)
        np.testing.assert_allclose(got[k], want, rtol=1e-12, atol=1e-12 * max(1.0, a))
        alone = waterfill_rows(np.array([a]), w[None], lim[None])[0]
        assert np.array_equal(alone, got[k])
        placeable = np.where((w > 0) & (lim > 0), lim, 0.0).sum()
        np.testing.assert_allclose(got[k].sum(), min(a, placeable), rtol=1e-12, atol=1e-12)
        assert (got[k] <= lim * (1 + 1e-15)).all()


def test_chunks_are_small_on_the_compiled_backend_and_large_on_numpy() -> None:
    """The compiled kernel is fastest when a chunk's month stays in cache; numpy wants
    large chunks. Memory bounds both."""
    import reechain
    from reechain.engine import default_chunk_size
    from reechain.engine.runs import COMPILED_CHUNK

    chain = reechain.compile_chain(reechain.load_dataset("default"))
    numpy_size = default_chunk_size(chain, 120, backend="numpy")
    assert numpy_size > COMPILED_CHUNK
    assert default_chunk_size(chain, 120, backend="compiled") == COMPILED_CHUNK
    assert default_chunk_size(chain, 100_000, backend="compiled") <= max(
        1, default_chunk_size(chain, 100_000, backend="numpy")
    )
