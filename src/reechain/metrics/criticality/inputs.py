"""The inputs of the criticality methods: materials, governance scores and parameters.

The inputs are data with provenance (``reechain/metrics/criticality/bundled/*.csv``, one row per
figure with ``source`` and ``confidence``), parsed here into plain mappings; reading the
files is the caller's business (:mod:`reechain.workflows.metrics`).

- ``materials.csv``: a material (``LREE``, ``HREE``, ``Dy`` …), the chain stage at which it
  is assessed and its elements. Its global supply is the production, at that stage, of
  the chain's commodities whose elements are all among the material's.
- ``wgi.csv``: World Governance Indicators per region (mean of the six dimensions,
  −2.5 to 2.5, higher is better governed); the row ``*`` is used for a region without one.
- ``parameters.csv``: one number per (assessment, material, parameter), e.g. the EU
  method's end-of-life recycling input rate; material ``*`` applies to every material.
- ``eu_end_uses.csv``: for the EU method, each material's end-use shares by NACE sector
  and the sectors' gross value added.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.errors import DatasetError, InputError, NotFoundError, Problem
from reechain.names import did_you_mean

FloatArray = NDArray[np.float64]
Rows = Sequence[tuple[int, Mapping[str, str]]]
"""(line, {column: text}) rows of one CSV file."""

WGI_MIN, WGI_MAX = -2.5, 2.5


@dataclass(frozen=True)
class Material:
    """A material assessed for criticality: its stage in the chain and its elements."""

    material: str
    name: str
    stage: str
    elements: frozenset[str]


@dataclass(frozen=True)
class EndUse:
    """One end use of a material in the EU method: share and sector value added."""

    material: str
    application: str
    sector: str
    share: float
    """Fraction of the material's use."""
    gva_eur_bn: float
    """Gross value added of the sector, billion EUR per year."""


@dataclass(frozen=True)
class CriticalityInputs:
    """Parsed criticality inputs (see the module docstring)."""

    materials: Mapping[str, Material]
    wgi: Mapping[str, float]
    parameters: Mapping[tuple[str, str, str], float]
    end_uses: tuple[EndUse, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict)
    """Per parameter key ``assessment/material/parameter``, its source."""

    def material(self, code: str) -> Material:
        """Return material ``code``; NotFoundError with a suggestion otherwise."""
        if code not in self.materials:
            raise NotFoundError(
                f"no criticality material named {code!r}"
                + _hint(did_you_mean(code, list(self.materials)))
                + f"; materials: {', '.join(self.materials)}"
            )
        return self.materials[code]

    def parameter(self, assessment: str, material: str, name: str) -> float:
        """Return a parameter, the material's own or else the ``*`` row."""
        for key in ((assessment, material, name), (assessment, "*", name)):
            if key in self.parameters:
                return self.parameters[key]
        raise NotFoundError(
            f"criticality input missing: {assessment} {name} for {material} "
            "(add a row to parameters.csv)"
        )

    def optional(self, assessment: str, material: str, name: str) -> float | None:
        """Return a parameter if present (the material's own or the ``*`` row), else None."""
        try:
            return self.parameter(assessment, material, name)
        except NotFoundError:
            return None

    def wgi_scores(self, regions: Sequence[str]) -> tuple[FloatArray, tuple[str, ...]]:
        """Return (R,) WGI per region and the regions that took the ``*`` default."""
        default = self.wgi.get("*")
        missing = tuple(r for r in regions if r not in self.wgi)
        if missing and default is None:
            raise NotFoundError(f"no WGI score for {', '.join(missing)} and no '*' default row")
        values = np.array([self.wgi.get(r, default or 0.0) for r in regions], dtype=np.float64)
        return values, missing


def _hint(text: str | None) -> str:
    return f"; {text}" if text else ""


def _number(text: str, file: str, line: int, column: str, problems: list[Problem]) -> float:
    try:
        return float(text)
    except ValueError:
        problems.append(Problem(file, line, column, text, "a number"))
        return float("nan")


def parse_inputs(tables: Mapping[str, Rows]) -> CriticalityInputs:
    """Return criticality inputs from the rows of ``materials``, ``wgi``, ``parameters``
    and (optional) ``eu_end_uses``; DatasetError lists every problem.

    Examples
    --------
    >>> inputs = parse_inputs({
    ...     "materials": [(2, {"material": "HREE", "stage": "separate", "elements": "Dy Tb",
    ...                        "source": "x"})],
    ...     "wgi": [(2, {"region": "CHN", "wgi": "-0.5", "source": "x"})],
    ...     "parameters": [(2, {"assessment": "eu_crm", "material": "HREE",
    ...                         "parameter": "eol_rir", "value": "0.01", "source": "x"})],
    ... })
    >>> inputs.parameter("eu_crm", "HREE", "eol_rir")
    0.01
    """
    problems: list[Problem] = []
    materials: dict[str, Material] = {}
    for line, row in tables.get("materials", ()):
        _source(row, "materials.csv", line, problems)
        code = row.get("material", "").strip()
        materials[code] = Material(
            material=code,
            name=row.get("name", "").strip(),
            stage=row.get("stage", "").strip(),
            elements=frozenset(row.get("elements", "").split()),
        )
    wgi: dict[str, float] = {}
    for line, row in tables.get("wgi", ()):
        _source(row, "wgi.csv", line, problems)
        value = _number(row.get("wgi", ""), "wgi.csv", line, "wgi", problems)
        if not WGI_MIN <= value <= WGI_MAX:
            problems.append(
                Problem("wgi.csv", line, "wgi", row.get("wgi"), "a score in [−2.5, 2.5]")
            )
        wgi[row.get("region", "").strip()] = value
    parameters: dict[tuple[str, str, str], float] = {}
    sources: dict[str, str] = {}
    for line, row in tables.get("parameters", ()):
        _source(row, "parameters.csv", line, problems)
        key = (
            row.get("assessment", "").strip(),
            row.get("material", "").strip(),
            row.get("parameter", "").strip(),
        )
        if key in parameters:
            problems.append(
                Problem("parameters.csv", line, "parameter", "/".join(key), "a unique key")
            )
        parameters[key] = _number(row.get("value", ""), "parameters.csv", line, "value", problems)
        sources["/".join(key)] = row.get("source", "")
    end_uses = []
    for line, row in tables.get("eu_end_uses", ()):
        _source(row, "eu_end_uses.csv", line, problems)
        end_uses.append(
            EndUse(
                material=row.get("material", "").strip(),
                application=row.get("application", "").strip(),
                sector=row.get("sector", "").strip(),
                share=_number(row.get("share", ""), "eu_end_uses.csv", line, "share", problems),
                gva_eur_bn=_number(
                    row.get("gva_eur_bn", ""), "eu_end_uses.csv", line, "gva_eur_bn", problems
                ),
            )
        )
    if problems:
        raise DatasetError(problems)
    return CriticalityInputs(materials, wgi, parameters, tuple(end_uses), sources)


def _source(row: Mapping[str, str], file: str, line: int, problems: list[Problem]) -> None:
    if not row.get("source", "").strip():
        problems.append(Problem(file, line, "source", None, "a source for every figure"))


def material_commodities(chain: Chain, material: Material) -> list[int]:
    """Return the chain's commodities at the material's stage made only of its elements.

    Raises
    ------
    InputError
        The chain has no such commodity.
    """
    s = chain.stage_index(material.stage)
    found = [
        c
        for c in range(len(chain.commodities))
        if int(chain.commodity_stage[c]) == s
        and chain.commodity_elements[c].split()
        and set(chain.commodity_elements[c].split()) <= material.elements
    ]
    if not found:
        raise InputError(
            f"{chain.dataset} has no commodity at stage {material.stage!r} made only of "
            f"{material.material} elements ({' '.join(sorted(material.elements))})"
        )
    return found


def has_commodities(chain: Chain, material: Material) -> bool:
    """Return whether the chain holds a commodity for ``material`` (see above)."""
    try:
        material_commodities(chain, material)
    except InputError:
        return False
    return True
