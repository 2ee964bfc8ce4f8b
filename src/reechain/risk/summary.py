"""Risk statistics: distributions, tails, exceedance, attribution, precision and policy gain.

From the per-history figures of a run (:class:`~reechain.risk.chunks.ChunkSummary`),
:func:`summarize` returns tables of records (units in the names):

- ``distribution``: per world, region, sector and element (world and each region), for
  cumulative and annual figures (annual: every history-year pooled): mean, standard
  deviation, Monte Carlo standard error of the mean, median, P95 and P99 (supply or value
  at risk), expected shortfall beyond P95 and P99 (mean of the histories at or above
  them) and the probability of any loss;
- ``exceedance``: P(X > x) curves at fixed probabilities (those ≥ 1/N);
- ``attribution``: the share of the tail (histories at or above the world P95 of value
  lost), and of all histories, due to each event kind and each supplier region (each
  history's loss split by its events' attribution weights: an allocation, not a causal
  decomposition);
- ``precision``: relative standard error of the world mean and the order-statistic
  interval of the world P95; a warning and a suggested N when the error is above the
  target;
- ``policy`` (with ``--policy``): per region and world, the loss without and with the
  policy on the same histories, the paired mean difference and its standard error, and
  the standard error unpaired draws would have had.

Every statistic is a function of the per-history arrays in history order, so it is
bit-identical whenever they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.risk.chunks import ChunkSummary, ordered_sum
from reechain.risk.events import KINDS

FloatArray = NDArray[np.float64]
Record = dict[str, Any]

EXCEEDANCE_PROBABILITIES = (0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001)
TARGET_RELATIVE_SE = 0.05
"""Largest acceptable standard error of the world mean, as a fraction of the mean."""


@dataclass(frozen=True, eq=False)
class RiskResult:
    """A finished risk run: its per-history figures and the labels of their axes."""

    figures: ChunkSummary
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    elements: tuple[str, ...]
    suppliers: tuple[str, ...]
    """Regions, then ``shipping``."""
    inputs: tuple[str, ...]
    first_year: int
    """Calendar year of the first simulated year."""
    meta: dict[str, Any] = field(default_factory=dict)
    value_added_ratio: FloatArray | None = None
    """(S, R) value added ÷ gross output (:mod:`reechain.engine.value_added`); None: no
    value-added measures."""

    @property
    def runs(self) -> int:
        """N, the number of histories."""
        return len(self.figures.index)

    @property
    def total_value_lost_usd(self) -> FloatArray:
        """(N,) cumulative value lost over every region and year, USD."""
        return ordered_sum(ordered_sum(self.figures.value_region_year, 1), 1)

    @property
    def policy_total_value_lost_usd(self) -> FloatArray | None:
        """(N,) the same with the policy, or None without one."""
        v = self.figures.policy_value_region_year
        return None if v.shape[1] == 0 else ordered_sum(ordered_sum(v, 1), 1)


def tail_mean(x: FloatArray, threshold: float) -> float:
    """Return the mean of the values at or above ``threshold`` (expected shortfall)."""
    tail = x[x >= threshold]
    return float(tail.mean()) if tail.size else float(threshold)


def statistics(x: FloatArray) -> Record:
    """Return the summary statistics of a sample (same unit as ``x``)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    sd = float(x.std(ddof=1)) if n > 1 else 0.0
    p95, p99 = (float(q) for q in np.quantile(x, [0.95, 0.99]))
    return {
        "n": n,
        "mean": float(x.mean()),
        "sd": sd,
        "mc_se": sd / math.sqrt(n) if n else math.nan,
        "p50": float(np.quantile(x, 0.5)),
        "p95": p95,
        "p99": p99,
        "es95": tail_mean(x, p95),
        "es99": tail_mean(x, p99),
        "prob_positive": float((x > 0).mean()),
    }


def quantile_interval(x: FloatArray, p: float, z: float = 1.96) -> tuple[float, float]:
    """Return a distribution-free ~95 % interval of the p-quantile (order statistics)."""
    s = np.sort(x)
    n = s.size
    half = z * math.sqrt(n * p * (1 - p))
    lo = min(max(math.floor(n * p - half), 0), n - 1)
    hi = min(max(math.ceil(n * p + half), 0), n - 1)
    return float(s[lo]), float(s[hi])


def _rows(result: RiskResult) -> list[tuple[str, str, str, FloatArray]]:
    """(dimension, key, measure, sample) of every distribution reported."""
    f = result.figures
    out: list[tuple[str, str, str, FloatArray]] = []
    world_year = ordered_sum(f.value_region_year, 2)
    out.append(("world", "all", "cumulative_value_lost_usd", result.total_value_lost_usd))
    if result.value_added_ratio is not None:
        added = f.value_sector_region * result.value_added_ratio[None]  # (N, S, R)
        by_region = ordered_sum(added, 1)
        out.append(("world", "all", "cumulative_value_added_lost_usd", ordered_sum(by_region, 1)))
        out.extend(
            ("region", region, "cumulative_value_added_lost_usd", by_region[:, r])
            for r, region in enumerate(result.regions)
        )
    out.append(("world", "all", "annual_value_lost_usd", world_year.reshape(-1)))
    for r, region in enumerate(result.regions):
        out.append(
            (
                "region",
                region,
                "cumulative_value_lost_usd",
                ordered_sum(f.value_region_year[:, :, r], 1),
            )
        )
        out.append(
            ("region", region, "annual_value_lost_usd", f.value_region_year[:, :, r].reshape(-1))
        )
    for s, sector in enumerate(result.sectors):
        out.append(
            (
                "sector",
                sector,
                "cumulative_value_lost_usd",
                ordered_sum(f.value_sector_year[:, :, s], 1),
            )
        )
        out.append(
            ("sector", sector, "annual_value_lost_usd", f.value_sector_year[:, :, s].reshape(-1))
        )
        out.append(
            ("sector", sector, "cumulative_lost_units", ordered_sum(f.lost_sector_region[:, s], 1))
        )
    short_cum = ordered_sum(f.shortfall_element_year, 1)  # (N, E, R)
    req = f.requirement_element  # (N, E, R)
    for e, element in enumerate(result.elements):
        places: list[tuple[str, FloatArray, FloatArray, FloatArray]] = [
            (
                "all",
                ordered_sum(short_cum[:, e], 1),
                ordered_sum(f.shortfall_element_year[:, :, e], 2).reshape(-1),
                ordered_sum(req[:, e], 1),
            )
        ]
        for r, region in enumerate(result.regions):
            if req[:, e, r].max() > 0:
                places.append(
                    (
                        region,
                        short_cum[:, e, r],
                        f.shortfall_element_year[:, :, e, r].reshape(-1),
                        req[:, e, r],
                    )
                )
        for where, cum, annual, need in places:
            key = f"{element} {where}"
            out.append(("element", key, "cumulative_shortfall_t", cum))
            out.append(("element", key, "annual_shortfall_t", annual))
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(need > 0, cum / np.where(need > 0, need, 1.0), 0.0)
            out.append(("element", key, "cumulative_shortfall_share", share))
    return out


def distribution_table(result: RiskResult) -> list[Record]:
    """Return the ``distribution`` table (one record per dimension, key and measure)."""
    return [
        {"dimension": d, "key": k, "measure": m, **statistics(x)} for d, k, m, x in _rows(result)
    ]


def exceedance_table(result: RiskResult) -> list[Record]:
    """Return exceedance curves: value exceeded with each probability (cumulative measures)."""
    probabilities = [p for p in EXCEEDANCE_PROBABILITIES if p * result.runs >= 1]
    records = []
    for d, k, m, x in _rows(result):
        if (
            not m.startswith("cumulative")
            or m.endswith("share")
            or m == "cumulative_value_added_lost_usd"  # in the distribution table only
            or (d == "element" and not k.endswith(" all"))
        ):
            continue
        for p, q in zip(probabilities, np.quantile(x, [1 - p for p in probabilities]), strict=True):
            records.append(
                {
                    "dimension": d,
                    "key": k,
                    "measure": m,
                    "exceedance_probability": p,
                    "value": float(q),
                }
            )
    return records


def attribution_table(result: RiskResult) -> list[Record]:
    """Return the shares of tail (≥ world P95) and of all value lost by event kind and supplier."""
    f, total = result.figures, result.total_value_lost_usd
    threshold = float(np.quantile(total, 0.95))
    records = []
    for basis, mask in (("tail_p95", total >= threshold), ("all", np.ones(total.size, bool))):
        loss = np.where(mask, total, 0.0)
        whole = float(loss.sum())
        for dimension, labels, weights in (
            ("event_kind", KINDS, f.attribution_kind),
            ("supplier", result.suppliers, f.attribution_supplier),
        ):
            shares = (
                ordered_sum(loss[:, None] * weights, 0) / whole
                if whole > 0
                else np.zeros(len(labels))
            )
            for label, share in zip(labels, shares, strict=True):
                if share > 0:
                    records.append(
                        {
                            "basis": basis,
                            "dimension": dimension,
                            "key": label,
                            "share": float(share),
                        }
                    )
    return records


def precision_table(result: RiskResult, target: float = TARGET_RELATIVE_SE) -> list[Record]:
    """Return the Monte Carlo precision of the world figures, with a warning when too wide."""
    x = result.total_value_lost_usd
    st = statistics(x)
    rel = st["mc_se"] / st["mean"] if st["mean"] > 0 else 0.0
    lo, hi = quantile_interval(x, 0.95)
    suggested = result.runs if rel <= target else math.ceil(result.runs * (rel / target) ** 2)
    warning = (
        f"the Monte Carlo standard error is {rel:.1%} of the mean (target {target:.0%}): "
        f"run about {suggested} histories"
        if rel > target
        else ""
    )
    return [
        {
            "measure": "world cumulative_value_lost_usd",
            "runs": result.runs,
            "mean": st["mean"],
            "mc_se": st["mc_se"],
            "relative_se": rel,
            "target_relative_se": target,
            "p95": st["p95"],
            "p95_interval_low": lo,
            "p95_interval_high": hi,
            "suggested_runs": suggested,
            "warning": warning,
        }
    ]


def paired_statistics(base: FloatArray, policy: FloatArray) -> Record:
    """Return the paired estimate of base − policy and what unpaired draws would give."""
    n = base.size
    diff = base - policy
    var_b = float(base.var(ddof=1)) if n > 1 else 0.0
    var_p = float(policy.var(ddof=1)) if n > 1 else 0.0
    var_d = float(diff.var(ddof=1)) if n > 1 else 0.0
    return {
        "mean_without_policy": float(base.mean()),
        "mean_with_policy": float(policy.mean()),
        "mean_avoided": float(diff.mean()),
        "paired_se": math.sqrt(var_d / n) if n else math.nan,
        "unpaired_se": math.sqrt((var_b + var_p) / n) if n else math.nan,
        "p95_without_policy": float(np.quantile(base, 0.95)),
        "p95_with_policy": float(np.quantile(policy, 0.95)),
    }


def policy_table(result: RiskResult) -> list[Record]:
    """Return the policy's paired gain per region and for the world (empty without one)."""
    f = result.figures
    if f.policy_value_region_year.shape[1] == 0:
        return []
    with_policy = result.policy_total_value_lost_usd
    assert with_policy is not None
    records = [{"region": "world", **paired_statistics(result.total_value_lost_usd, with_policy)}]
    for r, region in enumerate(result.regions):
        base = ordered_sum(f.value_region_year[:, :, r], 1)
        pol = ordered_sum(f.policy_value_region_year[:, :, r], 1)
        if base.any() or pol.any():
            records.append({"region": region, **paired_statistics(base, pol)})
    return records


def summarize(result: RiskResult, tables: Sequence[str] | None = None) -> dict[str, list[Record]]:
    """Return every risk table (``distribution``, ``exceedance``, ``attribution``, …)."""
    from reechain.risk.sensitivity import sensitivity_table

    makers = {
        "distribution": distribution_table,
        "exceedance": exceedance_table,
        "attribution": attribution_table,
        "precision": precision_table,
        "policy": policy_table,
        "sensitivity": sensitivity_table,
    }
    return {name: make(result) for name, make in makers.items() if tables is None or name in tables}
