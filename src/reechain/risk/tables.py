"""The bundled risk data: the history of disruptions and the calibrated event model.

``events.csv`` lists dated, sourced disruptions (see
:class:`reechain.risk.events.HistoricalEvent`); ``parameters.csv`` holds the event model's
parameters with their method and provenance (:class:`reechain.risk.events.ModelParameter`),
the calibrated rows being exactly what :func:`reechain.risk.calibration.calibrate` derives
from ``events.csv``. A bad row is reported with its file, line and what was expected.
"""

from __future__ import annotations

import csv
from pathlib import Path

from reechain.data.rows import read_rows
from reechain.risk.events import HistoricalEvent, ModelParameter

RISK_DATA_DIR = Path(__file__).parent / "bundled"
"""Folder of the bundled risk tables."""


def _prepare(data: dict[str, str]) -> dict[str, object]:
    """Read ``modelled`` as a yes/no flag; other cells validate as text."""
    out: dict[str, object] = dict(data)
    if "modelled" in data:
        out["modelled"] = data["modelled"].lower() in ("yes", "true", "1")
    return out


def load_events(path: str | Path | None = None) -> tuple[HistoricalEvent, ...]:
    """Return the historical disruptions (bundled ``events.csv`` unless ``path`` is given)."""
    return read_rows(
        Path(path) if path else RISK_DATA_DIR / "events.csv", HistoricalEvent, prepare=_prepare
    )


def load_parameters(path: str | Path | None = None) -> tuple[ModelParameter, ...]:
    """Return the event-model parameters (bundled ``parameters.csv`` unless ``path``)."""
    return read_rows(Path(path) if path else RISK_DATA_DIR / "parameters.csv", ModelParameter)


def write_parameters(parameters: tuple[ModelParameter, ...], path: str | Path) -> Path:
    """Write ``parameters`` as a CSV file (how ``parameters.csv`` is regenerated)."""
    out = Path(path)
    columns = list(ModelParameter.model_fields)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        for p in parameters:
            writer.writerow({k: "" if v is None else v for k, v in p.model_dump().items()})
    return out


__all__ = ["RISK_DATA_DIR", "load_events", "load_parameters", "write_parameters"]
