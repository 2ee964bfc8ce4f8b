"""See the chain over HTTP: concentration, reliance, true-origin exposure and criticality.

Each route calls the same :mod:`reechain.workflows.metrics` function as ``reechain metrics``
and returns its records (keys name their units), on a bundled dataset or one stored in the
caller's workspace.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from reechain.api.auth import StoreDep, Viewer
from reechain.api.models import (
    ConcentrationOut,
    CriticalityOut,
    ExposureOut,
    OutlookOut,
    RelianceOut,
)
from reechain.api.routes_data import ERRORS
from reechain.metrics.concentration import AggregateTreatment
from reechain.names import NAME_REGEX
from reechain.workflows import metrics as wm
from reechain.workflows import outlook as wo
from reechain.workflows.datasets import DEFAULT_DATASET

router = APIRouter(prefix="/api/metrics")
Name = Annotated[str | None, Query(max_length=64)]
Year = Annotated[int | None, Query(ge=1900, le=2100)]
Dataset = Annotated[str, Query(min_length=1, max_length=64, pattern=NAME_REGEX)]
Case = Literal["operating-only", "announced", "expected"]
"""A pipeline case: what a future year's chain is rolled forward with."""


@contextmanager
def _past_horizon_allowed() -> Iterator[None]:
    """A year past 2035 is answered like any other (the CLI warns; JSON has no side channel,
    and the route's description says so)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", wo.BeyondPipelineWarning)
        yield


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
    case: Case = "announced",
) -> list[ConcentrationOut]:
    """Production by region, shares, HHI (0–10,000), top-1/top-3 shares, regions for 90 %.

    A year after the dataset's is rolled forward under the pipeline ``case`` (years past
    2035 hold only the projects announced so far); ``expected`` adds the 10th and 90th
    percentiles over drawn futures."""
    with _past_horizon_allowed():
        _, records = wm.concentration_records(
            dataset,
            commodity=commodity,
            stage=stage,
            year=year,
            per=per,
            aggregates=aggregates,
            case=case,
            store=store,
            workspace=user.workspace,
        )
    return [ConcentrationOut.model_validate(r) for r in records]


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
    case: Case = "announced",
) -> list[RelianceOut]:
    """Net import reliance and the share supplied directly by ``supplier`` (a region, group,
    or ``not:GROUP``), per region (all countries when none is named)."""
    with _past_horizon_allowed():
        found = wm.reliance(
            dataset,
            regions=region,
            commodity=commodity,
            stage=stage,
            supplier=supplier,
            year=year,
            per=per,
            case=case,
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
    case: Case = "announced",
) -> list[ExposureOut]:
    """True-origin exposure of a region's supply (or end use) by origin region and stage."""
    with _past_horizon_allowed():
        found = wm.exposure(
            dataset,
            regions=region,
            commodity=commodity,
            sector=sector,
            year=year,
            case=case,
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
    case: Case = "announced",
) -> list[CriticalityOut]:
    """Criticality of each material by each method (EU CRM, USGS-style, DOE-style)."""
    with _past_horizon_allowed():
        found = wm.criticality(
            dataset,
            materials=[material] if material else None,
            methods=[method] if method else None,
            region=region,
            year=year,
            case=case,
            store=store,
            workspace=user.workspace,
        )
    return [CriticalityOut.model_validate(r) for r in wm.records(found)]


@router.get(
    "/outlook",
    response_model=list[OutlookOut],
    response_model_exclude_unset=True,
    responses=ERRORS,
)
def outlook(
    user: Viewer,
    store: StoreDep,
    dataset: Dataset = DEFAULT_DATASET,
    case: Annotated[list[Case] | None, Query(max_length=3)] = None,
    first_year: Annotated[int | None, Query(ge=1900, le=2035)] = None,
    last_year: Annotated[int, Query(ge=1900, le=2035)] = 2035,
    commodity: Name = None,
    stage: Name = None,
    per: Literal["commodity", "stage"] = "stage",
    demand: Literal["stated", "accelerated"] = "stated",
) -> list[OutlookOut]:
    """Supply to 2035: top-1/top-3 shares, HHI and demand against supply, per case and year
    (the ``expected`` case with its 10-90 % range)."""
    with _past_horizon_allowed():
        rows = wo.supply_outlook(
            dataset,
            cases=case or wo.CASES,
            first_year=first_year,
            last_year=last_year,
            commodity=commodity,
            stage=stage,
            per=per,
            demand=demand,
            store=store,
            workspace=user.workspace,
        )
    return [OutlookOut.model_validate(r) for r in rows]
