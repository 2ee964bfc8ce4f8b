"""A copy of the sample dataset with a pipeline: the fixtures of the pipeline tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import reechain
from reechain.data.tables import TABLES_BY_NAME

SAMPLE = Path(reechain.bundled_path("sample"))

USA_SEPARATION = {
    "project": "USA_sep_new",
    "process": "",
    "region": "USA",
    "stage": "separate",
    "recipe": "separation",
    "product": "mixed oxides",
    "capacity_per_year": "300",
    "operator": "illustrative",
    "place": "Texas",
    "development_stage": "construction",
    "status": "illustrative",
    "start_year": "2027",
    "start_month": "1",
    "ramp_up_months": "24",
    "max_utilisation": "0.85",
    "partners": "",
    "offtake": "",
    "probability": "0.5",
    "probability_method": "illustrative: a coin toss",
    "delay_years": "1",
    "source": "reechain tests",
    "confidence": "high",
}


def with_pipeline(folder: Path, *rows: dict[str, str]) -> Path:
    """Copy the sample dataset into ``folder`` and give it a pipeline.csv of ``rows``."""
    target = folder / "sample_pipeline"
    shutil.copytree(SAMPLE, target)
    columns = TABLES_BY_NAME["pipeline"].columns
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join(row.get(c, "") for c in columns))
    (target / "pipeline.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target
