"""The engines on the default dataset and its bundled scenario library: the compiled kernel
agrees with the reference engine field by field, and run_batch's KPIs are simulate's,
reduced (the definitions of engine.kpis, once)."""

from __future__ import annotations

from itertools import groupby

import numpy as np
import pytest

import reechain
from reechain.chain import Chain
from reechain.engine import run_batch, simulate
from reechain.engine.arrays import RUN_FIELDS
from reechain.engine.kpis import months_to_recovery, share_pct
from reechain.scenario import Scenario, library_scenarios, load_scenario

RTOL = 1e-9


@pytest.fixture(scope="module")
def chain() -> Chain:
    return reechain.compile_chain(reechain.load_dataset("default"))


@pytest.fixture(scope="module")
def library(chain: Chain) -> list[Scenario]:
    return [load_scenario(path, chain) for path in library_scenarios("default").values()]


def _close(name: str, want: np.ndarray, got: np.ndarray) -> None:
    assert want.shape == got.shape, name
    finite = np.isfinite(want)
    assert np.array_equal(finite, np.isfinite(got)), name
    scale = max(1.0, float(np.abs(want[finite]).max(initial=0.0)))
    diff = np.abs(np.where(finite, want - got, 0.0)).max(initial=0.0)
    assert diff <= RTOL * scale, (name, diff, scale)


def test_the_kernel_agrees_with_the_reference_on_the_library(
    chain: Chain, library: list[Scenario]
) -> None:
    assert len(library) >= 7
    for scenario in library:
        fast = simulate(chain, scenario)
        slow = simulate(chain, scenario, engine="reference")
        for run in ("run", "baseline"):
            for name in (*RUN_FIELDS, "initial_user_inventory"):
                want = getattr(getattr(slow, run), name)
                got = getattr(getattr(fast, run), name)
                _close(f"{scenario.name} {run}.{name}", want, got)
        for name in ("lost_units", "rationed_units", "material_shortfall", "value_lost_usd"):
            _close(f"{scenario.name} {name}", getattr(slow, name), getattr(fast, name))


def test_run_batch_is_simulate_reduced_on_the_library(
    chain: Chain, library: list[Scenario]
) -> None:
    """Every KPI array of run_batch equals the same reduction of simulate's monthly
    arrays, bit for bit (sums month after month, maxima over months)."""
    by_horizon = sorted(library, key=lambda s: s.horizon_months)
    lost_in_all = 0.0
    for T, group in groupby(by_horizon, key=lambda s: s.horizon_months):
        scenarios = list(group)
        batch = run_batch(chain, scenarios, months=T, chunk_size=2)
        for b, scenario in enumerate(scenarios):
            res = simulate(chain, scenario)
            base_out, base_req = res.baseline.end_use_output, res.baseline.requirement
            lost = res.lost_units
            S, R = lost.shape[1:]
            recovery = np.zeros((S, R), dtype=np.int64)
            for s, r in np.ndindex(S, R):
                months = months_to_recovery(lost[:, s, r], base_out[:, s, r])
                recovery[s, r] = -1 if months is None else months
            wants = {
                "lost_units": lost.sum(axis=0),
                "rationed_units": res.rationed_units.sum(axis=0),
                "priced_out_units": res.priced_out_units.sum(axis=0),
                "value_lost_usd": res.value_lost_usd.sum(axis=0),
                "peak_shortfall_pct": share_pct(lost, base_out).max(axis=0),
                "value_added_lost_usd": res.value_added_lost_usd.sum(axis=0),
                "peak_jobs_at_risk": res.jobs_at_risk.max(axis=0),
                "job_months": res.jobs_at_risk.sum(axis=0),
                "months_to_recovery": recovery,
                "monthly_value_lost_usd": res.value_lost_usd.sum(axis=1),
                "monthly_jobs_at_risk": res.jobs_at_risk.sum(axis=1),
                "material_shortfall_t": res.material_shortfall.sum(axis=0),
                "peak_material_shortfall_pct": share_pct(res.material_shortfall, base_req).max(
                    axis=0
                ),
                "peak_price_usd_per_kg": res.run.price.max(axis=0),
                "floor_payment_usd": res.run.floor_payment_usd.sum(axis=0),
            }
            for name, want in wants.items():
                got = getattr(batch, name)[b]
                assert np.array_equal(got, want), (scenario.name, name)
            assert np.array_equal(batch.baseline_output_units, base_out.sum(axis=0))
        assert batch.scenarios == tuple(s.name for s in scenarios)
        lost_in_all += float(batch.lost_units.sum())
    assert lost_in_all > 0
