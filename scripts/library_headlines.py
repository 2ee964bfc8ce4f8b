"""Headline losses of the default library's scenarios, for VALIDATION.md's before/after rows.

For each scenario of the default library (the baseline aside), on the default dataset and
its own horizon: gross output lost (world, United States, Japan; USD million), value added
lost (the same; where the engine reports it), the most jobs idle in one month (all sectors
and regions together), the sum of each sector's own peak (what briefings once showed), and
job-months. Run ``python scripts/library_headlines.py OUT.json`` on a checkout (with its
``src`` first on the path) to record them; the numbers print as they come.
"""

from __future__ import annotations

import json
import sys

SCENARIOS = (
    "cn-2010",
    "cn-2025-april",
    "cn-2025-october",
    "cn-processing-ban",
    "mmr-closure",
    "us-japan-package",
    "cn-magnets-japan",
)


def headlines() -> dict[str, dict[str, float]]:
    """Return {scenario: {figure: value}} (USD million, jobs, job-months)."""
    import reechain
    from reechain.engine import simulate
    from reechain.scenario import library_path, load_scenario

    chain = reechain.compile_chain(reechain.load_dataset("default"))
    out: dict[str, dict[str, float]] = {}
    for name in SCENARIOS:
        res = simulate(chain, load_scenario(library_path(name)))
        regions = list(res.regions)
        usa, jpn = regions.index("USA"), regions.index("JPN")
        gross = res.value_lost_usd.sum(axis=(0, 1))
        row = {
            "months": float(res.months),
            "world_gross_output_musd": float(gross.sum()) / 1e6,
            "us_gross_output_musd": float(gross[usa]) / 1e6,
            "japan_gross_output_musd": float(gross[jpn]) / 1e6,
            "sum_of_sector_peak_jobs": float(res.jobs_at_risk.max(axis=0).sum()),
            "peak_jobs_at_once": float(res.jobs_at_risk.sum(axis=(1, 2)).max()),
            "job_months": float(res.jobs_at_risk.sum()),
        }
        added = getattr(res, "value_added_lost_usd", None)  # absent before issue 19
        if added is not None:
            va = added.sum(axis=(0, 1))
            row |= {
                "world_value_added_musd": float(va.sum()) / 1e6,
                "us_value_added_musd": float(va[usa]) / 1e6,
                "japan_value_added_musd": float(va[jpn]) / 1e6,
            }
        out[name] = row
        print(name, {k: round(v, 1) for k, v in row.items()}, flush=True)
    return out


def main() -> None:
    found = headlines()
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w", encoding="utf-8") as handle:
            json.dump(found, handle, indent=1)


if __name__ == "__main__":
    main()
