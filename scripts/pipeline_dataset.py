"""The default dataset's project pipeline, from ``data-raw/default/pipeline*.csv``.

``pipeline.csv`` lists announced projects row by row with a source key (looked up in
``sources.csv`` or ``pipeline_sources.csv``); a blank ``probability`` or ``delay_years``
takes the base rate of the row's development stage from ``pipeline_stage_rates.csv``,
whose method and source the row's ``probability_method`` then names.
``build_default_dataset.py`` calls :func:`pipeline_rows` for the ``pipeline`` table.
"""

from __future__ import annotations

from typing import Any

Record = dict[str, Any]
INTEGERS = ("start_year", "start_month", "ramp_up_months")
NUMBERS = ("capacity_per_year", "max_utilisation", "probability", "delay_years")


def pipeline_rows(raw: dict[str, list[dict[str, str]]]) -> list[Record]:
    """Return the ``pipeline`` table's records from the raw input tables."""
    sources = {s["key"]: s for s in [*raw["sources"], *raw.get("pipeline_sources", [])]}
    rates = {r["development_stage"]: r for r in raw["pipeline_stage_rates"]}
    out: list[Record] = []
    for row in raw.get("pipeline", []):
        record: Record = {}
        for key, text in row.items():
            if key in ("source_key", "note", "confidence", "method", "lower", "upper"):
                continue
            record[key] = text
        rate = rates[row["development_stage"]]
        if not row["probability"]:
            record["probability"] = rate["probability"]
            rate_source = sources[rate["source_key"]]
            record["probability_method"] = (
                f"base rate of stage '{row['development_stage']}' "
                f"(pipeline_stage_rates.csv): {rate['method']} [{rate_source['source']}]"
            )
        if not row["delay_years"]:
            record["delay_years"] = rate["delay_years"]
        for key in INTEGERS:
            record[key] = int(record[key])
        for key in NUMBERS:
            record[key] = float(record[key])
        src = sources[row["source_key"]]
        record.update(
            {
                "source": src["source"],
                "source_year": int(src["source_year"]),
                "url": src["url"],
                "note": row["note"],
                "confidence": row["confidence"],
                "method": row["method"],
                "lower": float(row["lower"]) if row["lower"] else None,
                "upper": float(row["upper"]) if row["upper"] else None,
            }
        )
        out.append(record)
    return out
