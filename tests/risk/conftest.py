"""Shared pieces of the risk tests: the sample chain, a small policy, cluster helpers."""

from __future__ import annotations

from dataclasses import fields

import numpy as np

from reechain.risk import ChunkSummary, RiskResult
from reechain.scenario.models import Scenario

POLICY = Scenario.model_validate(
    {
        "name": "allied-stockpiles",
        "dataset": "sample",
        "policies": [
            {
                "kind": "stockpile",
                "holder": "JPN",
                "commodity": "Dy_oxide",
                "size_days": 120,
                "trigger": {"shortfall_pct": 1},
                "max_release_t_per_month": 1,
            },
            {
                "kind": "stockpile",
                "holder": "USA",
                "commodity": "NdFeB",
                "size_days": 60,
                "trigger": {"shortfall_pct": 1},
                "max_release_t_per_month": 5,
            },
            {
                "kind": "stockpile",
                "holder": "USA",
                "commodity": "NdPr_metal",
                "size_days": 90,
                "trigger": {"shortfall_pct": 1},
                "max_release_t_per_month": 2,
            },
            {
                "kind": "stockpile",
                "holder": "JPN",
                "commodity": "NdFeB",
                "size_days": 60,
                "trigger": {"shortfall_pct": 1},
                "max_release_t_per_month": 3,
            },
        ],
    }
)
"""Strategic stockpiles for Japan and the US on the sample chain (illustrative)."""


def assert_identical(a: ChunkSummary | RiskResult, b: ChunkSummary | RiskResult) -> None:
    """Every per-history array is bit-for-bit the same."""
    fa = a.figures if isinstance(a, RiskResult) else a
    fb = b.figures if isinstance(b, RiskResult) else b
    for f in fields(ChunkSummary):
        x, y = getattr(fa, f.name), getattr(fb, f.name)
        assert x.shape == y.shape, f.name
        assert np.array_equal(x, y), f"{f.name} differs"
        assert x.tobytes() == y.tobytes(), f"{f.name} differs in its bits"
