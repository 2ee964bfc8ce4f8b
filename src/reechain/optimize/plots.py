"""Figures of a partnership analysis (matplotlib ``Figure`` objects; the edges save them)."""

from __future__ import annotations

from matplotlib.figure import Figure

from reechain.optimize.analysis import PartnershipAnalysis


def frontier_figure(analysis: PartnershipAnalysis) -> Figure:
    """Return the cost–resilience frontier (first-stage cost against P95 lost output, USD bn).

    Without a frontier, the figure shows the chosen portfolio's capex by candidate.
    """
    fig = Figure(figsize=(7, 4.5), layout="constrained")
    ax = fig.add_subplot()
    if analysis.frontier:
        cost = [p.first_stage_cost_usd / 1e9 for p in analysis.frontier]
        p95 = [p.p95_lost_output_usd / 1e9 for p in analysis.frontier]
        ax.plot(cost, p95, marker="o", color="tab:blue")
        s = analysis.solution
        ax.scatter(
            [s.first_stage_cost_usd / 1e9],
            [s.p95_lost_output_usd() / 1e9],
            color="tab:red",
            zorder=3,
            label="chosen portfolio",
        )
        ax.set_xlabel("first-stage cost (USD bn)")
        ax.set_ylabel("P95 lost output over histories (USD bn)")
        ax.legend()
        ax.set_title(
            f"Cost–resilience frontier: {analysis.partnership.title or analysis.partnership.name}"
        )
    else:
        rows = [r for r in analysis.portfolio() if r["chosen"]]
        names = [r["candidate"] for r in rows]
        capex = [r["capex_usd"] / 1e9 for r in rows]
        ax.barh(names, capex, color="tab:blue")
        ax.set_xlabel("capex (USD bn)")
        ax.set_title(f"Chosen portfolio: {analysis.partnership.title or analysis.partnership.name}")
    return fig
