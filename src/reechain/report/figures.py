"""The briefing's figures, drawn with matplotlib (no browser needed) as PNG data URIs."""

from __future__ import annotations

import base64
import io

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reechain.chain import Chain
from reechain.store.run_tables import RunTables

COLORS = ("#3b75af", "#ef8636", "#519e3e", "#c53a32", "#8d69b8", "#84584e")
DPI = 150


def _png(fig: Figure) -> str:
    FigureCanvasAgg(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _short(name: str, width: int = 38) -> str:
    name = name.split(" (")[0]
    return name if len(name) <= width else name[: width - 1] + "…"


def _figure() -> tuple[Figure, Axes]:
    fig = Figure(figsize=(7.2, 3.1))
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    return fig, ax


def briefing_figures(tables: RunTables, chain: Chain) -> list[dict[str, str]]:
    """Return the briefing's figures: title, caption and PNG data URI of each."""
    out: list[dict[str, str]] = []
    mc = tables.monthly_commodity
    kc = tables.kpis_commodity
    worst = (
        kc[kc["cumulative_shortfall_t"] > 0]
        .sort_values("cumulative_shortfall_t", ascending=False)
        .head(4)
    )
    pairs = [(str(r["region"]), str(r["commodity"])) for _, r in worst.iterrows()]
    months = sorted(mc["month"].astype(str).unique())
    ticks = list(range(0, len(months), max(1, len(months) // 8)))

    fig, ax = _figure()
    for i, (region, commodity) in enumerate(pairs):
        sel = mc[(mc["region"] == region) & (mc["commodity"] == commodity)]
        ax.plot(
            range(len(sel)),
            sel["shortfall_t"].to_numpy(),
            color=COLORS[i % 6],
            label=f"{commodity} · {region}",
            linewidth=1.8,
        )
    if not pairs:
        ax.text(0.5, 0.5, "no material shortfall", ha="center", transform=ax.transAxes)
    ax.set_ylabel("t per month")
    ax.set_xticks(ticks, [months[t] for t in ticks], fontsize=7)
    if pairs:
        ax.legend(fontsize=7, frameon=False)
    out.append(
        {
            "title": "Material shortfall against the baseline run",
            "caption": "The four largest shortfalls (region and commodity), tonnes per month.",
            "src": _png(fig),
        }
    )

    fig, ax = _figure()
    for i, (region, commodity) in enumerate(pairs):
        sel = mc[(mc["region"] == region) & (mc["commodity"] == commodity)]
        p0 = float(chain.price_usd_per_kg[chain.commodity_index(commodity)])
        ax.plot(
            range(len(sel)),
            sel["price_usd_per_kg"].to_numpy() / p0,
            color=COLORS[i % 6],
            label=f"{commodity} · {region}",
            linewidth=1.8,
        )
    ax.axhline(1.0, color="#444444", linestyle="--", linewidth=1, label="baseline run")
    ax.set_ylabel("price ÷ baseline price")
    ax.set_xticks(ticks, [months[t] for t in ticks], fontsize=7)
    ax.legend(fontsize=7, frameon=False)
    out.append(
        {
            "title": "Prices against the baseline run",
            "caption": "Price of the same commodities as a multiple of the baseline price.",
            "src": _png(fig),
        }
    )

    ks = tables.kpis_sector
    lost = ks.groupby("sector")["cumulative_value_lost_usd"].sum().sort_values(ascending=False)
    lost = lost[lost > 0].head(8)
    fig, ax = _figure()
    if len(lost):
        names = [_short(chain.sector_names[chain.sector_index(str(s))]) for s in lost.index]
        ax.barh(names[::-1], (lost.to_numpy() / 1e6)[::-1], color=COLORS[0])
        ax.set_xlabel("million USD over the horizon")
        ax.tick_params(axis="y", labelsize=7)
        ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    else:
        ax.text(0.5, 0.5, "no end-use output lost", ha="center", transform=ax.transAxes)
    out.append(
        {
            "title": "Value of end-use output lost, by sector",
            "caption": "All regions together, summed over the horizon.",
            "src": _png(fig),
        }
    )

    ms = tables.monthly_sector
    hit = ks.sort_values("cumulative_value_lost_usd", ascending=False).head(1)
    fig, ax = _figure()
    if len(hit) and float(hit.iloc[0]["cumulative_value_lost_usd"]) > 0:
        region, sector = str(hit.iloc[0]["region"]), str(hit.iloc[0]["sector"])
        sel = ms[(ms["region"] == region) & (ms["sector"] == sector)]
        ax.plot(
            range(len(sel)),
            sel["baseline_output_units"].to_numpy(),
            "--",
            color="#444444",
            label="baseline run",
        )
        ax.plot(
            range(len(sel)),
            sel["output_units"].to_numpy(),
            color=COLORS[3],
            label="scenario",
            linewidth=1.8,
        )
        ax.set_ylabel("units per month")
        ax.legend(fontsize=7, frameon=False)
        title = f"Output of {chain.sector_names[chain.sector_index(sector)]} in {region}"
    else:
        ax.text(0.5, 0.5, "no end-use output lost", ha="center", transform=ax.transAxes)
        title = "Output of the hardest-hit sector"
    ax.set_xticks(ticks, [months[t] for t in ticks], fontsize=7)
    out.append(
        {
            "title": title,
            "caption": "The region and sector that lose the most value, against the baseline run.",
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
