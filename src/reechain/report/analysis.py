"""Briefings on risk and optimiser runs: key numbers, figures, assumptions and sources.

A stored ``risk`` run gives its loss distribution (world), the chance of any loss, the
exceedance curve drawn from its per-history figures, what the worst histories are made of,
and the Monte Carlo precision; an ``optimize`` run gives the chosen portfolio, its cost and
the loss it leaves in and out of sample with intervals, the engine loop, the frontier, the
bill split and any warning. Both list every source of
the dataset (and, for the optimiser, of the candidate interventions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reechain.data.dataset import Dataset
from reechain.report import figures
from reechain.report.briefing import confidence_counts, dataset_sources
from reechain.store import RunInfo
from reechain.units import usd
from reechain.version import __version__

KINDS = ("risk", "optimize")


@dataclass(frozen=True)
class AnalysisBriefing:
    """Everything an analysis briefing shows, ready for the template."""

    title: str
    kind: str
    subject: str
    dataset: str
    run_id: str
    created: str
    code_version: str
    headline: list[dict[str, str]]
    tables: list[dict[str, Any]]
    figures: list[dict[str, str]]
    assumptions: list[str]
    confidence: dict[str, int]
    sources: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    """What the reader must not miss (shown first)."""


def build_analysis_briefing(
    run: RunInfo, outputs: dict[str, Any], dataset: Dataset
) -> AnalysisBriefing:
    """Return the briefing of a finished ``risk`` or ``optimize`` run from its ``outputs``
    (result name → parsed JSON or bytes) and its ``dataset``."""
    common = {
        "dataset": f"{dataset.name} (base year {dataset.meta.base_year})",
        "run_id": run.id,
        "created": run.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        "code_version": __version__,
        "confidence": confidence_counts(dataset),
    }
    if run.kind == "risk":
        return _risk(run, outputs, dataset_sources(dataset), common)
    return _optimize(run, outputs, dataset_sources(dataset), common)


def _risk(
    run: RunInfo, out: dict[str, Any], sources: list[dict[str, Any]], common: dict[str, Any]
) -> AnalysisBriefing:
    dist = out.get("distribution", [])
    world = next(
        (
            r
            for r in dist
            if r["dimension"] == "world" and r["measure"] == "cumulative_value_lost_usd"
        ),
        None,
    )
    headline = []
    if world:
        headline = [
            {
                "label": "Expected value lost",
                "value": usd(world["mean"]),
                "note": f"mean over {world['n']} histories",
            },
            {
                "label": "1-in-20 loss (P95)",
                "value": usd(world["p95"]),
                "note": f"expected shortfall beyond it {usd(world['es95'])}",
            },
            {"label": "1-in-100 loss (P99)", "value": usd(world["p99"]), "note": "world"},
            {
                "label": "Chance of any loss",
                "value": f"{100 * world['prob_positive']:.0f} %",
                "note": "share of histories with end-use output lost",
            },
        ]
    regions = sorted(
        (
            r
            for r in dist
            if r["dimension"] == "region"
            and r["measure"] == "cumulative_value_lost_usd"
            and r["mean"] > 0
        ),
        key=lambda r: -r["mean"],
    )[:10]
    tables = [
        {
            "title": "Regions that lose most",
            "columns": ["region", "mean", "P95", "ES95", "chance of loss"],
            "rows": [
                [
                    r["key"],
                    usd(r["mean"]),
                    usd(r["p95"]),
                    usd(r["es95"]),
                    f"{100 * r['prob_positive']:.0f} %",
                ]
                for r in regions
            ],
        },
        {
            "title": "What the worst 5 % of histories are made of",
            "columns": ["by", "what", "share"],
            "rows": [
                [r["dimension"].replace("_", " "), r["key"], f"{100 * r['share']:.1f} %"]
                for r in out.get("attribution", [])
                if r.get("basis") == "tail_p95"
            ],
        },
    ]
    pictures = []
    if isinstance(out.get("figures.npz"), bytes):
        from reechain.risk import ChunkSummary

        summary = ChunkSummary.from_bytes(out["figures.npz"])
        per_history = np.asarray(summary.value_region_year).sum(axis=(1, 2))
        pictures.append(figures.exceedance_figure(per_history))
    p = run.params
    precision = [str(r["warning"]) for r in out.get("precision", []) if r.get("warning")]
    assumptions = [
        f"{p.get('runs')} disruption histories of {p.get('horizon_months')} months on top of "
        f"scenario {run.scenario}, seed {p.get('seed')}; each history i has the same random "
        "stream however the work is split.",
        "Events (export restrictions, mine closures, outages, shipping) are drawn from the "
        "bundled calibrated event models; losses are measured against the baseline run.",
        "Low-confidence inputs were "
        + ("sampled within their bounds." if p.get("sample_inputs") else "held at their values."),
        *precision,
    ]
    return AnalysisBriefing(
        title=f"Disruption risk on top of {run.scenario}",
        kind="risk",
        subject=run.scenario,
        headline=headline,
        tables=tables,
        figures=pictures,
        assumptions=assumptions,
        sources=sources,
        **common,
    )


def _optimize(
    run: RunInfo, out: dict[str, Any], sources: list[dict[str, Any]], common: dict[str, Any]
) -> AnalysisBriefing:
    summary = {str(r["quantity"]): r for r in out.get("summary", [])}

    def money(key: str) -> str:
        row = summary.get(key)
        return usd(float(row["value"])) if row else "—"

    chosen = [r for r in out.get("portfolio", []) if r.get("chosen")]
    checks = {str(r["evaluation"]): r for r in out.get("out_of_sample", [])}
    oos = checks.get("out-of-sample, engine")
    inside = checks.get("in-sample, engine")

    def interval(row: dict[str, Any] | None) -> str:
        if row is None:
            return "not checked"
        return (
            f"95 % CI {usd(float(row['expected_loss_low_usd']))} to "
            f"{usd(float(row['expected_loss_high_usd']))}, {row['histories']} histories"
        )

    gap = summary.get("surrogate vs engine gap (in sample)")
    loop = summary.get("engine-loop iterations")
    headline = [
        {
            "label": "The bill",
            "value": money("bill (first-stage cost)"),
            "note": f"{len(chosen)} interventions: capex, stock purchases and opex, discounted",
        },
        {
            "label": "Expected loss left (engine, in sample)",
            "value": usd(float(inside["expected_loss_usd"])) if inside else "—",
            "note": interval(inside),
        },
        {
            "label": "Expected loss left (engine, out of sample)",
            "value": usd(float(oos["expected_loss_usd"])) if oos else "—",
            "note": interval(oos),
        },
        {
            "label": "Optimiser vs engine",
            "value": "—" if gap is None or gap["value"] is None else f"{float(gap['value']):+.1%}",
            "note": f"after {loop['value'] if loop else '?'} engine-loop iteration(s)",
        },
    ]
    tables = [
        {
            "title": "The chosen portfolio and what it costs",
            "columns": [
                "intervention",
                "kind",
                "place",
                "partner",
                "size (t)",
                "capex",
                "stock purchase",
                "opex / holding",
                "bill",
                "first year",
                "confidence",
            ],
            "rows": [
                [
                    r["candidate"],
                    r["kind"],
                    r["place"],
                    r["partner"],
                    "" if r.get("size_t") is None else f"{float(r['size_t']):,.1f}",
                    usd(float(r.get("capex_discounted_usd", r.get("capex_usd")) or 0)),
                    usd(float(r.get("purchase_usd") or 0)),
                    usd(float(r.get("running_usd") or 0)),
                    usd(float(r.get("bill_usd") or 0)),
                    r.get("first_year") or "",
                    r.get("confidence") or "",
                ]
                for r in chosen
            ],
        },
        {
            "title": "Who pays: the bill split (Shapley value of the savings game)",
            "columns": [
                "partner",
                "bill",
                "avoided loss",
                "net benefit",
                "standalone cost",
                "standalone net benefit",
                "rule",
            ],
            "rows": [
                [
                    r["partner"],
                    usd(float(r["bill_usd"])),
                    usd(float(r["avoided_loss_usd"])),
                    usd(float(r["net_benefit_usd"])),
                    usd(float(r["standalone_cost_usd"])),
                    usd(float(r["standalone_net_benefit_usd"])),
                    r["rule"],
                ]
                for r in out.get("bill", [])
            ],
        },
        {
            "title": "Checked by the engine: in sample against out of sample",
            "columns": [
                "evaluation",
                "histories",
                "expected loss",
                "95 % interval",
                "P95 lost output",
            ],
            "rows": [
                [
                    r["evaluation"],
                    r["histories"],
                    usd(float(r["expected_loss_usd"])),
                    f"{usd(float(r['expected_loss_low_usd']))} – "
                    f"{usd(float(r['expected_loss_high_usd']))}",
                    usd(float(r["p95_lost_output_usd"])),
                ]
                for r in out.get("out_of_sample", [])
            ],
        },
        {
            "title": "The engine in the loop",
            "columns": ["iteration", "optimiser's expected loss", "engine's", "gap", "chosen"],
            "rows": [
                [
                    r["iteration"],
                    usd(float(r["surrogate_expected_loss_usd"])),
                    usd(float(r["engine_expected_loss_usd"])),
                    "—" if r["relative_gap"] is None else f"{float(r['relative_gap']):+.1%}",
                    len(str(r["chosen"]).split()),
                ]
                for r in out.get("engine_loop", [])
            ],
        },
    ]
    pictures = [figures.frontier_figure(out["frontier"])] if out.get("frontier") else []
    p = run.params
    assumptions = [
        f"Partnership {run.scenario}: horizon {p.get('horizon_years')} years, "
        f"{p.get('scenarios')} sampled disruptions, budget "
        + (usd(float(p["budget_usd"])) if p.get("budget_usd") else "as the partnership file says")
        + ".",
        "A two-stage stochastic programme (HiGHS) picks the portfolio; its second stage is a "
        "linear version of the engine, refitted to the engine's losses history by history "
        "until the two agree within the run's tolerance.",
        "In-sample histories are stratified by event severity (the tail over-sampled) and "
        "weighted so that their weighted mean is unbiased; the out-of-sample check is plain "
        "Monte Carlo on fresh histories.",
        "The bill (capex, stock purchases, opex and holding, discounted) is split by the "
        "Shapley value of the savings game, kept in the core when the core is non-empty; "
        "no partner pays a negative share without side payments, nor more than its "
        "standalone cost.",
    ]
    from reechain.optimize.candidates import bundled_candidates

    if p.get("candidates_file", "default") == "default":
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for candidate in bundled_candidates().values():
            key = (candidate.source, str(candidate.source_year))
            entry = seen.setdefault(
                key,
                {
                    "source": candidate.source,
                    "year": str(candidate.source_year),
                    "url": str(getattr(candidate, "url", "") or ""),
                    "figures": 0,
                    "confidence": "candidates",
                },
            )
            entry["figures"] += 1
        sources = [*seen.values(), *sources]
    warnings = [str(r["warning"]) for r in out.get("warnings", [])]
    return AnalysisBriefing(
        warnings=warnings,
        title=f"Partnership portfolio: {run.scenario}",
        kind="optimize",
        subject=run.scenario,
        headline=headline,
        tables=tables,
        figures=pictures,
        assumptions=assumptions,
        sources=sources,
        **common,
    )
