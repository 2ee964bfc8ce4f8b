"""Tail-aware in-sample histories: stratified by event severity, with weights that sum to 1.

Losses from disruptions are heavy-tailed: most ten-year histories are quiet and a few (a
long Chinese export restriction on heavy rare earths) carry most of the expected loss. A
plain sample of S histories holds few of those. Here a *pool* of ``pool_factor × S``
histories is drawn (histories 0 … M − 1 of the root seed, the same streams as
:func:`~reechain.optimize.histories.sample_histories`), each is scored by
:func:`severity_score`, the pool is cut into strata by score quantile
(:data:`STRATA`), and each stratum is sampled with its own share of the S slots
(:data:`ALLOCATION`: the tail over-sampled). A history of stratum *h* gets the weight
``(M_h ÷ M) ÷ n_h``: the stratum's share of the pool spread over its ``n_h`` draws, so a
weighted mean estimates the pool's (and so the event model's) mean without bias whatever
the score is (two-phase stratified sampling; Cochran, *Sampling Techniques*, 3rd ed.,
section 12.2). The score only decides how efficient the estimate is.

Out-of-sample histories start after the pool (index M on), so they never share a stream
with any history that could have been chosen in sample.

Examples
--------
>>> import reechain
>>> chain = reechain.compile_chain(reechain.load_dataset("default"))
>>> h = stratified_histories(chain, 1, 12, 24, ["USA", "JPN"])
>>> len(h), round(float(h.weights.sum()), 9)
(12, 1.0)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.optimize.histories import Histories, sample_histories
from reechain.scenario.models import Scenario

FloatArray = NDArray[np.float64]

POOL_FACTOR = 3
"""Pool histories drawn per in-sample slot (the pool is only scored, never simulated)."""

STRATA = (0.5, 0.9)
"""Score quantiles that cut the pool into three strata: quiet, moderate, severe (top 10 %)."""

ALLOCATION = (0.3, 0.4, 0.3)
"""Share of the in-sample slots each stratum gets (the severe 10 % of the pool gets 30 %)."""

KIND_WEIGHT = {
    "export_restriction": 1.0,
    "capacity_outage": 0.25,
    "logistics_delay": 0.1,
    "demand_shock": 0.1,
}
"""How much a month of each kind of event counts in the score (a labelled heuristic: a
restriction cuts a whole country's exports, an outage one plant; the weights change only
the variance of the estimate, never its mean)."""


def severity_score(scenario: Scenario) -> float:
    """Return a history's severity score: Σ kind weight × intensity × months, over events.

    Intensity is the restriction's severity (1 for a quota or licensing rule), the
    outage's fraction, else 1; unknown kinds count 0.1.
    """
    total = 0.0
    for event in scenario.events:
        weight = KIND_WEIGHT.get(event.kind, 0.1)
        intensity = getattr(event, "severity", None)
        if intensity is None:
            intensity = getattr(event, "fraction", None)
        if intensity is None:
            intensity = 1.0
        months = getattr(event, "duration_months", None) or scenario.horizon_months
        total += weight * abs(float(intensity)) * float(months)
    return total


def allocate(n: int, pool_counts: Sequence[int]) -> list[int]:
    """Return draws per stratum: ``ALLOCATION`` of ``n``, at least 1 where the stratum has
    pool members, never more than its pool; the remainder goes to the largest strata."""
    counts = list(pool_counts)
    share = np.array(ALLOCATION[: len(counts)], dtype=np.float64)
    share = share / share.sum()
    want = [
        min(c, max(1 if c else 0, int(np.floor(s * n)))) for s, c in zip(share, counts, strict=True)
    ]
    left = n - sum(want)
    order = np.argsort([-c for c in counts], kind="stable").tolist()
    while left > 0:
        moved = False
        for h in order:
            if left and want[h] < counts[h]:
                want[h] += 1
                left -= 1
                moved = True
        if not moved:
            break
    while left < 0:
        h = int(np.argmax(want))
        want[h] -= 1
        left += 1
    return want


def stratified_histories(
    chain: Chain,
    root: int,
    n: int,
    horizon_months: int,
    members: Sequence[str],
    *,
    pool_factor: int = POOL_FACTOR,
    prefix: str = "in",
) -> Histories:
    """Return ``n`` in-sample histories stratified by severity, with their weights.

    ``pool_factor`` 1 gives histories 0 … n − 1 with equal weights (plain Monte Carlo).
    """
    M = max(n, n * pool_factor)
    pool = sample_histories(chain, root, 0, M, horizon_months, members, prefix=prefix)
    if n == M:
        return pool
    scores = np.array([severity_score(s) for s in pool.scenarios])
    cuts = np.quantile(scores, STRATA)
    stratum = np.searchsorted(cuts, scores, side="right")  # 0, 1, 2
    members_of = [np.nonzero(stratum == h)[0] for h in range(len(STRATA) + 1)]
    take = allocate(n, [len(m) for m in members_of])
    chosen: list[int] = []
    weights: list[float] = []
    labels: list[int] = []
    for h, (idx, k) in enumerate(zip(members_of, take, strict=True)):
        if k == 0:
            continue
        picked = idx[:k].tolist()  # seed order: a random sample of the stratum
        chosen += picked
        weights += [len(idx) / M / k] * k
        labels += [h] * k
    order = np.argsort(chosen, kind="stable")
    return Histories(
        tuple(pool.scenarios[chosen[i]] for i in order),
        tuple(pool.seeds[chosen[i]] for i in order),
        np.array([weights[i] for i in order]),
        np.array([labels[i] for i in order], dtype=np.int64),
        pool_size=M,
    )
