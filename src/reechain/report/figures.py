"""The briefing's figures, drawn with matplotlib (no browser needed) as PNG data URIs."""

from __future__ import annotations

import base64
import io

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reechain.chain import Chain
from reechain.report.focus import Focus, commodity_label, product_label, region_label
from reechain.report.summary import in_focus, losses_by_month
from reechain.store.run_tables import RunTables

COLORS = ("#3b75af", "#ef8636", "#519e3e", "#c53a32", "#8d69b8", "#84584e")
DPI = 150


def _png(fig: Figure) -> str:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def wrapped(name: str, width: int = 28) -> str:
    """A label wrapped onto lines of at most ``width`` characters: never cut."""
    import textwrap

    return "\n".join(textwrap.wrap(name, width)) or name


def _figure() -> tuple[Figure, Axes]:
    fig = Figure(figsize=(7.2, 3.1))
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    return fig, ax


def briefing_figures(tables: RunTables, chain: Chain, focus: Focus) -> list[dict[str, str]]:
    """Return the briefing's figures for ``focus``: title, caption and PNG data URI of each.

    Labels are the products' and materials' names, wrapped rather than cut, and figures are
    saved with their whole text inside (``bbox_inches="tight"``).
    """
    out: list[dict[str, str]] = []
    mc = in_focus(tables.monthly_commodity, focus)
    kc = in_focus(tables.kpis_commodity, focus)
    worst = (
        kc[kc["cumulative_shortfall_t"] > 0]
        .sort_values("cumulative_shortfall_t", ascending=False)
        .head(4)
    )
    pairs = [(str(r["region"]), str(r["commodity"])) for _, r in worst.iterrows()]
    months = sorted(tables.monthly_commodity["month"].astype(str).unique())
    ticks = list(range(0, len(months), max(1, len(months) // 8)))

    def label(region: str, commodity: str) -> str:
        name = commodity_label(chain, commodity)
        return name if len(focus.regions) == 1 else f"{name}, {region_label(chain, region)}"

    fig, ax = _figure()
    for i, (region, commodity) in enumerate(pairs):
        sel = mc[(mc["region"] == region) & (mc["commodity"] == commodity)]
        p0 = float(chain.price_usd_per_kg[chain.commodity_index(commodity)])
        ax.plot(
            range(len(sel)),
            sel["price_usd_per_kg"].to_numpy() / p0,
            color=COLORS[i % 6],
            label=label(region, commodity),
            linewidth=1.8,
        )
    ax.axhline(1.0, color="#444444", linestyle="--", linewidth=1, label="baseline run")
    ax.set_ylabel("price ÷ baseline price")
    ax.set_xticks(ticks, [months[t] for t in ticks], fontsize=7)
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    out.append(
        {
            "title": f"Prices of the materials {focus.label} runs shortest of",
            "caption": "Each price as a multiple of the baseline run's price.",
            "src": _png(fig),
        }
    )

    by_month = losses_by_month(tables, focus)
    fig, ax = _figure()
    if not by_month.empty:
        top = by_month.max().sort_values(ascending=False).head(5).index
        for i, sector in enumerate(top):
            ax.plot(
                range(len(by_month)),
                by_month[sector].to_numpy(),
                color=COLORS[i % 6],
                label=wrapped(product_label(chain, str(sector)), 34),
                linewidth=1.8,
            )
        ax.set_ylabel("% of baseline output not made")
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        idx = [str(m) for m in by_month.index]
        step = max(1, len(idx) // 8)
        ax.set_xticks(range(0, len(idx), step), idx[::step], fontsize=7)
    else:
        ax.text(0.5, 0.5, "no end-use output lost", ha="center", transform=ax.transAxes)
    out.append(
        {
            "title": f"Month by month: output {focus.label} does not make",
            "caption": "Share of each sector's baseline output lost, for the five sectors that "
            "lose most.",
            "src": _png(fig),
        }
    )

    ks = in_focus(tables.kpis_sector, focus)
    lost = ks.groupby("sector")["cumulative_value_lost_usd"].sum().sort_values(ascending=False)
    lost = lost[lost > 0].head(8)
    fig, ax = _figure()
    if len(lost):
        names = [wrapped(product_label(chain, str(s))) for s in lost.index]
        ax.barh(names[::-1], (lost.to_numpy() / 1e6)[::-1], color=COLORS[0])
        ax.set_xlabel("million USD over the horizon")
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    else:
        ax.text(0.5, 0.5, "no end-use output lost", ha="center", transform=ax.transAxes)
    out.append(
        {
            "title": f"Value of output lost in {focus.label}, by product",
            "caption": "Gross output value, summed over the horizon.",
            "src": _png(fig),
        }
    )
    return out


def exceedance_figure(per_history_usd: object) -> dict[str, str]:
    """Return the exceedance curve of per-history world losses (USD) as a briefing figure."""
    import numpy as np

    values = np.sort(np.asarray(per_history_usd, dtype=np.float64))[::-1] / 1e9
    prob = np.arange(1, values.size + 1) / max(values.size, 1)
    fig, ax = _figure()
    ax.step(values, prob, where="post", color=COLORS[0], linewidth=1.8)
    ax.set_yscale("log")
    ax.set_xlabel("world value lost over the horizon (billion USD)")
    ax.set_ylabel("probability of exceeding")
    return {
        "title": "Chance that world losses exceed a level",
        "caption": f"Exceedance curve over {values.size} histories.",
        "src": _png(fig),
    }


def frontier_figure(rows: list[dict[str, object]]) -> dict[str, str]:
    """Return the cost–resilience frontier (cost against expected loss) as a briefing figure."""
    ordered = sorted(rows, key=lambda r: float(str(r["first_stage_cost_usd"])))
    fig, ax = _figure()
    ax.plot(
        [float(str(r["first_stage_cost_usd"])) / 1e9 for r in ordered],
        [float(str(r["expected_loss_usd"])) / 1e9 for r in ordered],
        "o-",
        color=COLORS[3],
    )
    ax.set_xlabel("cost of the portfolio (billion USD)")
    ax.set_ylabel("expected loss (billion USD)")
    return {
        "title": "Cost–resilience frontier",
        "caption": "Each point is the best portfolio under a budget; further right costs more "
        "and leaves less loss.",
        "src": _png(fig),
    }
