"""Criticality methods side by side, each a pluggable function over a chain and inputs.

A method is a function ``(chain, inputs, material, region) -> list[CriticalityResult]``
registered in :data:`METHODS` under its name:

- ``eu_crm``: EU Critical Raw Materials methodology (Blengini et al. 2017), supply risk and
  economic importance, thresholds SR ≥ 1.0 and EI ≥ 2.8 (:mod:`.eu_crm`);
- ``usgs``: USGS-style supply risk, disruption potential × trade exposure × economic
  vulnerability (after Nassar et al. 2020) (:mod:`.usgs`);
- ``doe``: DOE-style matrix, importance × supply risk, short and medium term (:mod:`.doe`).

Inputs are sourced data (:mod:`.inputs`); :func:`assess` runs any set of methods.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import MappingProxyType

from reechain.chain import Chain
from reechain.errors import NotFoundError
from reechain.metrics.criticality import doe, eu_crm, usgs
from reechain.metrics.criticality.inputs import (
    CriticalityInputs,
    has_commodities,
    parse_inputs,
)
from reechain.metrics.criticality.result import CriticalityResult
from reechain.names import did_you_mean

Method = Callable[[Chain, CriticalityInputs, str, str], list[CriticalityResult]]

METHODS: MappingProxyType[str, Method] = MappingProxyType(
    {eu_crm.NAME: eu_crm.assess, usgs.NAME: usgs.assess, doe.NAME: doe.assess}
)
"""Every criticality method by name."""

DEFAULT_REGION = {eu_crm.NAME: "eu27", usgs.NAME: "USA", doe.NAME: "USA"}
"""The assessing region each method was designed for."""


def assess(
    chain: Chain,
    inputs: CriticalityInputs,
    materials: Iterable[str] | None = None,
    methods: Iterable[str] | None = None,
    region: str | None = None,
    *,
    extra: dict[str, Method] | None = None,
) -> list[CriticalityResult]:
    """Return every (method, material) result; ``region`` default: each method's own.

    ``extra`` adds methods (a plug-in) for this call.

    Examples
    --------
    >>> import reechain
    >>> from reechain.workflows.metrics import load_criticality_inputs
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> results = assess(chain, load_criticality_inputs(), ["HREE"], ["eu_crm", "usgs"], "JPN")
    >>> [(r.method, r.material) for r in results]
    [('eu_crm', 'HREE'), ('usgs', 'HREE')]
    """
    available = {**METHODS, **(extra or {})}
    chosen = list(methods) if methods is not None else list(available)
    for name in chosen:
        if name not in available:
            hint = did_you_mean(name, list(available))
            raise NotFoundError(
                f"no criticality method named {name!r}"
                + (f"; {hint}" if hint else "")
                + f"; methods: {', '.join(available)}"
            )
    named = list(materials) if materials is not None else None
    results: list[CriticalityResult] = []
    for name in chosen:
        for material in named if named is not None else _defaults(chain, inputs, name):
            results.extend(
                available[name](chain, inputs, material, region or DEFAULT_REGION.get(name, "USA"))
            )
    return results


def _defaults(chain: Chain, inputs: CriticalityInputs, method: str) -> list[str]:
    """Materials with parameters for ``method`` (all for a plug-in) that the chain holds."""
    named = {m for (a, m, _) in inputs.parameters if a == method and m != "*"}
    candidates = [m for m in inputs.materials if m in named] or list(inputs.materials)
    return [m for m in candidates if has_commodities(chain, inputs.materials[m])]


__all__ = [
    "DEFAULT_REGION",
    "METHODS",
    "CriticalityInputs",
    "CriticalityResult",
    "Method",
    "assess",
    "parse_inputs",
]
