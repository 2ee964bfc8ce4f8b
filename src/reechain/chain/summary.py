"""Stage-by-stage summary of a chain: what is made where, and how much rests on guesses.

Pure functions over a compiled chain. "Low-confidence share" is the fraction of a
tonnage that comes from rows marked ``low``: at the producing stages, process activity;
at the use stage, a sector's material use, which is low when its output row or its
intensity row is low.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from reechain.chain.model import Chain


def _low(sources: tuple[Any, ...]) -> np.ndarray:
    return np.array([s["confidence"] == "low" for s in sources], dtype=bool)


def commodity_summary(chain: Chain) -> list[dict[str, Any]]:
    """Return one record per commodity: stage, unit, production, top producer, low share.

    Production is in the commodity's unit per year; shares are fractions of world output.
    At the use stage (no producing processes) the record gives end-use consumption instead.
    """
    low_process = _low(chain.sources["processes"])
    per_process = chain.activity_per_year[:, None] * chain.process_outputs  # (P, C)
    low_output = (
        per_process[low_process].sum(axis=0)
        if low_process.any()
        else np.zeros(len(chain.commodities))
    )
    records = []
    for c, code in enumerate(chain.commodities):
        by_region = chain.production[:, c]
        total = float(by_region.sum())
        top = int(np.argmax(by_region))
        records.append(
            {
                "stage": chain.stages[chain.commodity_stage[c]],
                "commodity": code,
                "unit": chain.commodity_units[c],
                "production": total,
                "producing_regions": int((by_region > 0).sum()),
                "top_region": chain.regions[top] if total > 0 else "",
                "top_share": float(by_region[top] / total) if total > 0 else 0.0,
                "traded": float(chain.exports[:, c].sum()),
                "end_use": float(chain.end_use[:, c].sum()),
                "low_confidence_share": float(low_output[c] / total) if total > 0 else 0.0,
            }
        )
    return records


def stage_summary(chain: Chain) -> list[dict[str, Any]]:
    """Return one record per stage: commodities, tonnage, regions active, low-confidence share.

    Tonnage adds the commodities' own units (t REO, t metal, t magnet) at that stage; at the
    use stage it is the material consumed by sectors, and output is counted per sector.
    """
    by_commodity = commodity_summary(chain)
    records = []
    for s, stage in enumerate(chain.stages):
        rows = [r for r in by_commodity if r["stage"] == stage]
        if not rows:
            records.append(_use_stage(chain, stage))
            continue
        in_stage = chain.process_stage == s
        tonnage = sum(r["production"] for r in rows)
        low = sum(r["production"] * r["low_confidence_share"] for r in rows)
        active = in_stage & (chain.activity_per_year > 0)
        records.append(
            {
                "stage": stage,
                "commodities": len(rows),
                "processes": int(in_stage.sum()),
                "tonnage": tonnage,
                "regions": len(np.unique(chain.process_region[active])),
                "top_region": _top_region(chain, in_stage),
                "low_confidence_share": low / tonnage if tonnage else 0.0,
            }
        )
    return records


def _top_region(chain: Chain, in_stage: np.ndarray) -> str:
    activity = np.zeros(len(chain.regions))
    np.add.at(activity, chain.process_region[in_stage], chain.activity_per_year[in_stage])
    return chain.regions[int(np.argmax(activity))] if activity.sum() > 0 else ""


def _use_stage(chain: Chain, stage: str) -> dict[str, Any]:
    used = chain.output_per_year[:, :, None] * chain.intensity[:, None, :]  # (S, R, C)
    low_output = np.zeros(chain.output_per_year.shape, dtype=bool)
    for (s, r), src in zip(chain.end_use_entries, chain.sources["end_uses"], strict=True):
        low_output[s, r] = src["confidence"] == "low"
    low_intensity = np.zeros(chain.intensity.shape, dtype=bool)
    for (s, c), src in zip(chain.intensity_entries, chain.sources["intensities"], strict=True):
        low_intensity[s, c] = src["confidence"] == "low"
    low = low_output[:, :, None] | low_intensity[:, None, :]
    tonnage = float(used.sum())
    by_region = chain.output_per_year.sum(axis=0)
    return {
        "stage": stage,
        "commodities": int((chain.intensity.sum(axis=0) > 0).sum()),
        "processes": 0,
        "tonnage": tonnage,
        "regions": int((by_region > 0).sum()),
        "top_region": _top_use_region(chain, used),
        "low_confidence_share": float(used[low].sum() / tonnage) if tonnage else 0.0,
    }


def _top_use_region(chain: Chain, used: np.ndarray) -> str:
    per_region = used.sum(axis=(0, 2))
    return chain.regions[int(np.argmax(per_region))] if per_region.sum() > 0 else ""


def residual_summary(chain: Chain) -> list[dict[str, Any]]:
    """Return the explicit balance residuals, with their size relative to the region's supply.

    ``supply_share`` is |residual| / (production + imports) of that region and commodity.
    """
    supply = chain.production + chain.imports
    records = []
    for i, quantity in enumerate(chain.residual_quantity):
        r, c = int(chain.residual_region[i]), int(chain.residual_commodity[i])
        records.append(
            {
                "region": chain.regions[r],
                "commodity": chain.commodities[c],
                "kind": chain.residual_kind[i],
                "quantity": float(quantity),
                "unit": chain.commodity_units[c],
                "supply_share": float(abs(quantity) / supply[r, c]) if supply[r, c] else 0.0,
            }
        )
    return records
