"""DOE-style criticality matrix (US DOE Critical Materials Assessment, 2011 and 2023).

Two axes, each scored 1 (low) to 4 (high), for a short and a medium term:

- *importance to energy* = weighted mean of ``demand`` (the material's use in energy
  technologies) and ``substitutability`` (limits to substitution);
- *supply risk* = weighted mean of ``basic_availability``, ``competing_demand``,
  ``political`` (political, regulatory and social factors), ``codependence`` (by-product
  dependence on other markets) and ``producer_diversity``.

Indicator scores and weights are inputs (``parameters.csv``, assessment ``doe``; names
``<indicator>_<term>`` and ``weight_<indicator>``). Producer diversity, unless given, is
derived from the chain: 1 + 3 · HHI / 10,000 of production at the material's stage, so
the matrix moves with the data. A material is *critical* when both axes reach the
threshold (default 3.0, ``threshold`` parameter); the DOE's own zones (near-critical,
not critical) lie below it.
"""

from __future__ import annotations

import numpy as np

from reechain.chain import Chain
from reechain.metrics.concentration import hhi
from reechain.metrics.concentration import shares as shares_of
from reechain.metrics.criticality.inputs import CriticalityInputs, material_commodities
from reechain.metrics.criticality.result import CriticalityResult

NAME = "doe"
TERMS = ("short", "medium")
IMPORTANCE = ("demand", "substitutability")
SUPPLY_RISK = (
    "basic_availability",
    "competing_demand",
    "political",
    "codependence",
    "producer_diversity",
)
DEFAULT_THRESHOLD = 3.0


def weighted_score(scores: list[float], weights: list[float]) -> float:
    """Return Σ w·x / Σ w.

    Examples
    --------
    >>> weighted_score([4.0, 2.0], [0.75, 0.25])
    3.5
    """
    w = np.asarray(weights, dtype=np.float64)
    return float(np.sum(np.asarray(scores) * w) / w.sum())


def producer_diversity_score(production: np.ndarray) -> float:
    """Return 1 + 3 · HHI/10,000 of ``production`` by region (1 diverse … 4 one producer).

    Examples
    --------
    >>> producer_diversity_score(np.array([1.0, 0.0]))
    4.0
    """
    return float(1.0 + 3.0 * hhi(shares_of(production)) / 10_000.0)


def assess(
    chain: Chain, inputs: CriticalityInputs, material: str, region: str = "USA"
) -> list[CriticalityResult]:
    """Return the DOE-style (importance, supply risk) of ``material``, short and medium term.

    ``region`` labels the result only: the DOE indicators are global.

    Examples
    --------
    >>> import reechain
    >>> from reechain.workflows.metrics import load_criticality_inputs
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> [r.term for r in assess(chain, load_criticality_inputs(), "Dy")]
    ['short', 'medium']
    """
    spec = inputs.material(material)
    commodities = material_commodities(chain, spec)
    derived = producer_diversity_score(chain.production[:, commodities].sum(axis=1))
    threshold = inputs.optional(NAME, "*", "threshold") or DEFAULT_THRESHOLD
    results = []
    for term in TERMS:
        importance = weighted_score(
            [inputs.parameter(NAME, material, f"{k}_{term}") for k in IMPORTANCE],
            [inputs.parameter(NAME, material, f"weight_{k}") for k in IMPORTANCE],
        )
        indicators = {
            k: (
                inputs.optional(NAME, material, f"{k}_{term}")
                if k != "producer_diversity"
                else inputs.optional(NAME, material, f"{k}_{term}") or derived
            )
            for k in SUPPLY_RISK
        }
        missing = [k for k, v in indicators.items() if v is None]
        if missing:
            inputs.parameter(NAME, material, f"{missing[0]}_{term}")  # raises NotFoundError
        risk = weighted_score(
            [float(v) for v in indicators.values() if v is not None],
            [inputs.parameter(NAME, material, f"weight_{k}") for k in SUPPLY_RISK],
        )
        results.append(
            CriticalityResult(
                method=NAME,
                material=material,
                region=region,
                term=term,
                supply_risk=risk,
                importance=importance,
                supply_risk_threshold=threshold,
                importance_threshold=threshold,
                components={f"{k}_score": float(v or 0.0) for k, v in indicators.items()},
            )
        )
    return results
