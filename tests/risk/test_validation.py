"""Ordinal check against USGS OFR 2025-1047: Sm, Tb, Dy and Lu rank above Nd and Pr in
expected loss for the United States (VALIDATION.md).

Ours: the expected cumulative shortfall of each element as a share of the US baseline
requirement of it (separated oxides and metals), over two-year histories of the default
dataset. At N = 240 (seed 2026) Dy 14.2 %, Tb 4.6 %, Lu 4.2 %, Sm 2.0 % against Pr 1.27 %
and Nd 0.49 % (VALIDATION.md): all four rank above both (the US separates no Sm, Tb or
Dy: MP leaves them in its SEG+ concentrate). The test runs N = 40 to stay fast.
"""

from __future__ import annotations

from typing import Any

import pytest

import reechain
from reechain.risk import simulate_risk, summarize

LOW = ("Nd", "Pr")


@pytest.fixture(scope="module")
def us_share() -> dict[str, float]:
    chain = reechain.compile_chain(reechain.load_dataset("default"))
    result = simulate_risk(chain, runs=40, seed=3, horizon_months=24, chunk_size=40)
    rows: list[dict[str, Any]] = summarize(result, ["distribution"])["distribution"]
    return {
        r["key"].split()[0]: r["mean"]
        for r in rows
        if r["dimension"] == "element"
        and r["key"].endswith(" USA")
        and r["measure"] == "cumulative_shortfall_share"
    }


def test_sm_tb_dy_lu_rank_above_nd_and_pr_for_the_united_states(us_share: dict[str, float]) -> None:
    for high in ("Sm", "Tb", "Dy", "Lu"):
        for low in LOW:
            assert us_share[high] > us_share[low], (high, low, us_share)
