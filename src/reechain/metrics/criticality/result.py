"""The result every criticality method returns: one point on a criticality matrix."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CriticalityResult:
    """One material's criticality for one assessing region, by one method (and term)."""

    method: str
    material: str
    region: str
    """The assessing region or group."""
    term: str
    """``""``, or ``short``/``medium`` for the DOE matrix."""
    supply_risk: float
    importance: float
    """Economic importance (EU), economic vulnerability (USGS) or importance (DOE)."""
    supply_risk_threshold: float | None
    importance_threshold: float | None
    components: Mapping[str, float] = field(default_factory=dict)
    """The intermediate figures, named with their units or scales."""
    notes: str = ""

    @property
    def critical(self) -> bool | None:
        """Whether both scores reach their thresholds (None when the method has none)."""
        if self.supply_risk_threshold is None or self.importance_threshold is None:
            return None
        return (
            self.supply_risk >= self.supply_risk_threshold
            and self.importance >= self.importance_threshold
        )

    def as_record(self) -> dict[str, Any]:
        """Return a JSON-ready record: scores, thresholds, verdict, then the components."""
        record: dict[str, Any] = {
            "method": self.method,
            "material": self.material,
            "region": self.region,
            "term": self.term,
            "supply_risk": self.supply_risk,
            "importance": self.importance,
            "supply_risk_threshold": self.supply_risk_threshold,
            "importance_threshold": self.importance_threshold,
            "critical": self.critical,
        }
        record.update({k: float(v) for k, v in self.components.items()})
        record["notes"] = self.notes
        return record
