"""Figures of the chain metrics: stage concentration, exposure by origin, criticality matrix.

Each function returns a :class:`matplotlib.figure.Figure` built without pyplot (no global
state, no display, no file); :func:`reechain.workflows.metrics.save_plot` writes it as PNG
and SVG.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from reechain.metrics.concentration import Concentration
from reechain.metrics.criticality.result import CriticalityResult
from reechain.metrics.exposure import Exposure

OTHER = "other"
MAX_ORIGINS = 7
"""Origins shown by name in the exposure bars; the rest are summed as "other"."""


def concentration_figure(results: Sequence[Concentration], title: str = "") -> Figure:
    """Return bars of the top region's share per stage or commodity, annotated with HHI.

    Examples
    --------
    >>> from reechain.metrics.concentration import concentration_of
    >>> c = concentration_of([3.0, 1.0], ("CHN", "AUS"), stage="mine", commodity="all")
    >>> len(concentration_figure([c]).axes)
    1
    """
    fig = Figure(figsize=(max(6.0, 0.9 * len(results) + 2), 4.5), layout="constrained")
    ax = fig.add_subplot()
    labels = [
        r.stage if r.commodity in ("all", "") else f"{r.commodity}\n({r.stage})" for r in results
    ]
    x = np.arange(len(results))
    top1 = [100 * r.top1_share for r in results]
    top3 = [100 * r.top3_share for r in results]
    ax.bar(x, top3, color="#b8cde0", label="top 3 regions")
    ax.bar(x, top1, color="#1f4e79", label="top region")
    for i, r in enumerate(results):
        ax.text(i, top3[i] + 1.5, f"{r.top1_region}\nHHI {r.hhi:,.0f}", ha="center", fontsize=8)
    ax.set_xticks(x, labels, fontsize=8)
    ax.set_ylim(0, 118)
    ax.set_ylabel("share of production (%)")
    ax.set_title(title or "Concentration of production by stage")
    ax.legend(loc="lower right", fontsize=8)
    return fig


def exposure_figure(exposures: Sequence[Exposure], title: str = "") -> Figure:
    """Return stacked bars: for each target and stage, the share made in each origin.

    Examples
    --------
    >>> import reechain
    >>> from reechain.metrics.exposure import chain_exposure
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> len(exposure_figure([chain_exposure(chain, "JPN", "NdFeB")]).axes)
    1
    """
    bars: list[tuple[str, dict[str, float]]] = []
    weight: dict[str, float] = {}
    for e in exposures:
        for s, stage in enumerate(e.stages):
            if e.stage_totals[s] <= 0:
                continue
            shares = {e.regions[r]: float(e.stage_shares[s, r]) for r in range(len(e.regions))}
            label = stage if len(exposures) == 1 else f"{e.target}\n{stage}"
            bars.append((label, shares))
            for region, share in shares.items():
                weight[region] = weight.get(region, 0.0) + share
    named = [r for r, w in sorted(weight.items(), key=lambda kv: -kv[1]) if w > 0][:MAX_ORIGINS]
    fig = Figure(figsize=(max(6.0, 0.8 * len(bars) + 3), 4.5), layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(bars))
    bottom = np.zeros(len(bars))
    colors = [f"C{i}" for i in range(len(named))] + ["#bbbbbb"]
    for color, origin in zip(colors, [*named, OTHER], strict=True):
        values = np.array(
            [
                100
                * (
                    shares.get(origin, 0.0)
                    if origin != OTHER
                    else sum(v for k, v in shares.items() if k not in named)
                )
                for _, shares in bars
            ]
        )
        ax.bar(x, values, bottom=bottom, color=color, label=origin)
        bottom += values
    ax.set_xticks(x, [label for label, _ in bars], fontsize=8)
    ax.set_ylim(0, 100)
    ax.set_ylabel("share of stage content made in origin (%)")
    ax.set_title(title or f"True-origin exposure: {', '.join(e.target for e in exposures[:3])}")
    ax.legend(title="origin", bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8)
    return fig


def criticality_figure(results: Sequence[CriticalityResult], title: str = "") -> Figure:
    """Return one scatter panel per method: importance × supply risk, thresholds drawn.

    Examples
    --------
    >>> from reechain.metrics.criticality.result import CriticalityResult
    >>> r = CriticalityResult("eu_crm", "HREE", "eu27", "", 4.0, 3.5, 1.0, 2.8)
    >>> len(criticality_figure([r]).axes)
    1
    """
    methods = list(dict.fromkeys(r.method for r in results))
    fig = Figure(figsize=(4.8 * max(1, len(methods)), 4.5), layout="constrained")
    for i, method in enumerate(methods):
        ax = fig.add_subplot(1, len(methods), i + 1)
        points = [r for r in results if r.method == method]
        labels: dict[tuple[float, float], list[str]] = {}
        for r in points:
            marker = "s" if r.term == "medium" else "o"
            color = "#c00000" if r.critical else "#1f4e79"
            ax.scatter(r.importance, r.supply_risk, marker=marker, color=color)
            at = (round(r.importance, 6), round(r.supply_risk, 6))
            labels.setdefault(at, []).append(r.material + (f" ({r.term})" if r.term else ""))
        for (x, y), names in labels.items():  # one label per point, even when terms coincide
            ax.annotate(
                ", ".join(names), (x, y), xytext=(4, 4), textcoords="offset points", fontsize=8
            )
        first = points[0]
        if first.importance_threshold is not None:
            ax.axvline(first.importance_threshold, color="grey", linestyle="--", linewidth=1)
        if first.supply_risk_threshold is not None:
            ax.axhline(first.supply_risk_threshold, color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel("economic vulnerability" if method == "usgs" else "importance")
        ax.set_ylabel("supply risk")
        ax.set_title(f"{method} — {first.region}")
        x_max = max([r.importance for r in points] + [first.importance_threshold or 0.0])
        y_max = max([r.supply_risk for r in points] + [first.supply_risk_threshold or 0.0])
        ax.set_xlim(0, 1.25 * x_max if x_max > 0 else 1.0)
        ax.set_ylim(0, 1.15 * y_max if y_max > 0 else 1.0)
    if title:
        fig.suptitle(title)
    return fig
