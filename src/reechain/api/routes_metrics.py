"""See the chain over HTTP: concentration, reliance, true-origin exposure and criticality.

Each route calls the same :mod:`reechain.workflows.metrics` function as ``reechain metrics``
and returns its records (keys name their units), on a bundled dataset or one stored in the
caller's workspace.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from reechain.api.auth import StoreDep, Viewer
from reechain.api.models import ConcentrationOut, CriticalityOut, ExposureOut, RelianceOut
from reechain.api.routes_data import ERRORS
from reechain.metrics.concentration import AggregateTreatment
from reechain.names import NAME_REGEX
from reechain.workflows import metrics as wm
from reechain.workflows.datasets import DEFAULT_DATASET

router = APIRouter(prefix="/api/metrics")
Name = Annotated[str | None, Query(max_length=64)]
Year = Annotated[int | None, Query(ge=1900, le=2100)]
Dataset = Annotated[str, Query(min_length=1, max_length=64, pattern=NAME_REGEX)]


@router.get(
    "/concentration",
    response_model=list[ConcentrationOut],
    response_model_exclude_unset=True,
    responses=ERRORS,
)
def concentration(
    user: Viewer,
    store: StoreDep,
    dataset: Dataset = DEFAULT_DATASET,
    commodity: Name = None,
    stage: Name = None,
    year: Year = None,
    per: Literal["commodity", "stage"] = "commodity",
    aggregates: AggregateTreatment = AggregateTreatment.FRAGMENTED,
) -> list[ConcentrationOut]:
    """Production by region, shares, HHI (0–10,000), top-1/top-3 shares, regions for 90 %."""
    found = wm.concentration(
        dataset,
        commodity=commodity,
        stage=stage,
        year=year,
        per=per,
        aggregates=aggregates,
        store=store,
        workspace=user.workspace,
    )
    return [ConcentrationOut.model_validate(r) for r in wm.records(found)]


@router.get(
    "/reliance",
    response_model=list[RelianceOut],
    response_model_exclude_unset=True,
    responses=ERRORS,
)
def reliance(
    user: Viewer,
    store: StoreDep,
    dataset: Dataset = DEFAULT_DATASET,
    region: Name = None,
    commodity: Name = None,
    stage: Name = None,
    supplier: Annotated[str, Query(max_length=64)] = "CHN",
    year: Year = None,
    per: Literal["commodity", "stage"] = "commodity",
) -> list[RelianceOut]:
    """Net import reliance and the share supplied directly by ``supplier`` (a region, group,
    or ``not:GROUP``), per region (all countries when none is named)."""
    found = wm.reliance(
        dataset,
        regions=region,
        commodity=commodity,
        stage=stage,
        supplier=supplier,
        year=year,
        per=per,
        store=store,
        workspace=user.workspace,
    )
    return [RelianceOut.model_validate(r) for r in wm.records(found)]


@router.get(
    "/exposure",
    response_model=list[ExposureOut],
    response_model_exclude_unset=True,
    responses=ERRORS,
)
def exposure(
    user: Viewer,
    store: StoreDep,
    region: Annotated[str, Query(min_length=1, max_length=64)],
    dataset: Dataset = DEFAULT_DATASET,
    commodity: Name = None,
    sector: Name = None,
    year: Year = None,
) -> list[ExposureOut]:
    """True-origin exposure of a region's supply (or end use) by origin region and stage."""
    found = wm.exposure(
        dataset,
        regions=region,
        commodity=commodity,
        sector=sector,
        year=year,
        store=store,
        workspace=user.workspace,
    )
    return [ExposureOut.model_validate(r) for r in wm.records(found)]


@router.get(
    "/criticality",
    response_model=list[CriticalityOut],
    response_model_exclude_unset=True,
    responses=ERRORS,
)
def criticality(
    user: Viewer,
    store: StoreDep,
    dataset: Dataset = DEFAULT_DATASET,
    method: Name = None,
    region: Name = None,
    material: Name = None,
    year: Year = None,
) -> list[CriticalityOut]:
    """Criticality of each material by each method (EU CRM, USGS-style, DOE-style)."""
    found = wm.criticality(
        dataset,
        materials=[material] if material else None,
        methods=[method] if method else None,
        region=region,
        year=year,
        store=store,
        workspace=user.workspace,
    )
    return [CriticalityOut.model_validate(r) for r in wm.records(found)]
