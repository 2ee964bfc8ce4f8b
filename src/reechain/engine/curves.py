"""Curves over the horizon of a scenario's preparation: new capacity's template and ramp,
outages, the demand path (decisions in :mod:`reechain.engine.prepare`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from reechain.chain import Chain
from reechain.engine.groups import BoolArray, FloatArray, IntArray
from reechain.errors import ConsistencyError
from reechain.scenario.models import CapacityOutage


def template(chain: Chain, r: int, g: int, recipe: str | None) -> int:
    here = np.nonzero((chain.process_region == r) & (chain.process_stage == g))[0]
    anywhere = np.nonzero(chain.process_stage == g)[0]
    if len(here):
        return int(here[0])
    if len(anywhere):
        return int(anywhere[0])
    if recipe is None:
        raise ConsistencyError(
            f"new_capacity: no process at stage {chain.stages[g]!r} to copy a recipe from; "
            "name one with 'recipe'"
        )
    return -1


def ramp(T: int, start: int, ramp_months: int) -> FloatArray:
    """(T,) 0 before ``start``, then (k+1)/ramp in the k-th month, capped at 1."""
    curve = np.zeros(T)
    k = np.arange(T) - start
    on = k >= 0
    curve[on] = 1.0 if ramp_months <= 0 else np.minimum(1.0, (k[on] + 1) / ramp_months)
    return curve


def outage_curve(T: int, start: int, event: CapacityOutage) -> FloatArray:
    """(T,) availability multiplier of an outage: 1 − f in the window, then recovery."""
    curve = np.ones(T)
    end = start + event.duration_months
    curve[start : min(end, T)] = 1 - event.fraction
    if event.recovery.curve == "linear" and event.recovery.months > 0:
        m = event.recovery.months
        for k in range(m):
            if end + k < T:
                curve[end + k] = 1 - event.fraction * (m - k - 1) / m
    return curve


def outage_processes(
    chain: Chain, event: CapacityOutage, P: int, region: IntArray, stage: IntArray
) -> BoolArray:
    hit = np.zeros(P, dtype=bool)
    if event.process is not None:
        hit[chain.processes.index(event.process)] = True
    else:
        assert event.region is not None
        assert event.stage is not None
        hit = (region == chain.region_index(event.region)) & (
            stage == chain.stage_index(event.stage)
        )
    return hit


def demand_path_array(path: Any, T: int, S: int, R: int) -> FloatArray:
    if path is None:
        return np.ones((T, S, R))
    arr = np.asarray(path, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None, None]
    if arr.shape[0] != T or np.any(arr < 0) or not np.all(np.isfinite(arr)):
        raise ConsistencyError(
            f"demand path: got shape {arr.shape}, expected {T} non-negative months"
        )
    return np.broadcast_to(arr, (T, S, R)).copy()


def check_stages(chain: Chain, stage: IntArray, inputs: FloatArray, outputs: FloatArray) -> None:
    """Raise ConsistencyError unless every process makes its stage's commodities from
    earlier stages' ones."""
    cs = np.asarray(chain.commodity_stage)[None, :]
    at = np.asarray(stage)[:, None]
    wrong = ((outputs != 0) & (cs != at)) | ((inputs != 0) & (cs >= at))
    bad = np.nonzero(wrong.any(axis=1))[0]
    if len(bad):
        raise ConsistencyError(
            f"process {bad[0]}: the engine needs outputs at the process's stage and inputs "
            "from earlier stages"
        )
