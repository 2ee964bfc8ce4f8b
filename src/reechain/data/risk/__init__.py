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
from typing import Any

from pydantic import BaseModel, ValidationError

from reechain.errors import InputError
from reechain.risk.events import HistoricalEvent, ModelParameter

RISK_DATA_DIR = Path(__file__).parent
"""Folder of the bundled risk tables."""


def _read(path: Path, model: type[BaseModel]) -> list[Any]:
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, raw in enumerate(csv.DictReader(handle), start=2):
            data = {k: v for k, v in raw.items() if v not in ("", None)}
            if "modelled" in data:
                data["modelled"] = data["modelled"].strip().lower() in ("yes", "true", "1")
            try:
                rows.append(model.model_validate(data))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(x) for x in first["loc"]) or "row"
                raise InputError(
                    f"{path.name}, line {line}, {where}: got {first.get('input')!r}, "
                    f"expected {first['msg']}"
                ) from exc
    return rows


def load_events(path: str | Path | None = None) -> tuple[HistoricalEvent, ...]:
    """Return the historical disruptions (bundled ``events.csv`` unless ``path`` is given)."""
    return tuple(_read(Path(path) if path else RISK_DATA_DIR / "events.csv", HistoricalEvent))


def load_parameters(path: str | Path | None = None) -> tuple[ModelParameter, ...]:
    """Return the event-model parameters (bundled ``parameters.csv`` unless ``path``)."""
    return tuple(_read(Path(path) if path else RISK_DATA_DIR / "parameters.csv", ModelParameter))


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
