"""One call from a chain to a finished risk result: :func:`simulate_risk`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from reechain.chain import Chain
from reechain.engine.value_added import value_added_ratio
from reechain.risk.chunks import ChunkSummary, element_matrix
from reechain.risk.engines import Engine
from reechain.risk.events import EventModel, ModelParameter, model_from_parameters
from reechain.risk.inputs import uncertain_inputs
from reechain.risk.runner import Progress, RiskSpec, run_risk
from reechain.risk.sampler import SHIPPING
from reechain.risk.summary import RiskResult
from reechain.scenario.models import Policy, Scenario

DEFAULT_HORIZON_MONTHS = 120
"""Ten-year histories."""


def make_spec(
    chain: Chain,
    runs: int,
    seed: int,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    *,
    parameters: Sequence[ModelParameter] | None = None,
    base: Scenario | None = None,
    policies: Sequence[Policy] = (),
    sample_inputs: bool = False,
    demand_path: Any = None,
    pipeline: bool = False,
) -> RiskSpec:
    """Return the run's specification (bundled event model unless ``parameters``)."""
    if parameters is None:
        from reechain.risk.tables import load_parameters

        parameters = load_parameters()
    model: EventModel = model_from_parameters(tuple(parameters))
    return RiskSpec(
        seed=int(seed),
        runs=int(runs),
        horizon_months=int(horizon_months),
        model=model,
        base=base,
        policies=tuple(policies),
        inputs=uncertain_inputs(chain, parameters) if sample_inputs else (),
        demand_path=None if demand_path is None else np.asarray(demand_path, dtype=np.float64),
        pipeline=pipeline,
    )


def risk_result(
    chain: Chain, spec: RiskSpec, figures: ChunkSummary, meta: Mapping[str, Any] | None = None
) -> RiskResult:
    """Return the labelled result of a run's per-history figures."""
    elements, _ = element_matrix(chain)
    return RiskResult(
        figures=figures,
        regions=chain.regions,
        sectors=chain.sectors,
        elements=elements,
        suppliers=(*chain.regions, SHIPPING),
        inputs=tuple(i.name for i in spec.inputs),
        first_year=chain.base_year + 1,
        value_added_ratio=value_added_ratio(chain),
        meta={
            "seed": spec.seed,
            "runs": spec.runs,
            "horizon_months": spec.horizon_months,
            "dataset": chain.dataset,
            "base": spec.base.name if spec.base else "",
            "policies": len(spec.policies),
            "sampled_inputs": len(spec.inputs),
            "pipeline_drawn": spec.pipeline,
            **dict(meta or {}),
        },
    )


def simulate_risk(
    chain: Chain,
    runs: int,
    seed: int,
    horizon_months: int = DEFAULT_HORIZON_MONTHS,
    *,
    base: Scenario | None = None,
    policies: Sequence[Policy] = (),
    sample_inputs: bool = False,
    demand_path: Any = None,
    pipeline: bool = False,
    chunk_size: int | None = None,
    engine: Engine | None = None,
    client: Any = None,
    done: Mapping[int, ChunkSummary] | None = None,
    on_chunk: Callable[[int, ChunkSummary], None] | None = None,
    progress: Progress | None = None,
) -> RiskResult:
    """Return the risk result (USD, tonnes) of ``runs`` histories with root ``seed``.

    With ``pipeline``, each history also draws its pipeline future (which projects reach
    production and when, by development stage), seen by its run and its baseline run alike.

    Examples
    --------
    >>> import reechain
    >>> from reechain.risk import simulate_risk, summarize
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> result = simulate_risk(chain, runs=4, seed=1, horizon_months=12)
    >>> result.runs, sorted(summarize(result))[:2]
    (4, ['attribution', 'distribution'])
    """
    spec = make_spec(
        chain,
        runs,
        seed,
        horizon_months,
        base=base,
        policies=policies,
        sample_inputs=sample_inputs,
        demand_path=demand_path,
        pipeline=pipeline,
    )
    figures = run_risk(
        chain,
        spec,
        chunk_size=chunk_size,
        engine=engine,
        client=client,
        done=done,
        on_chunk=on_chunk,
        progress=progress,
    )
    return risk_result(chain, spec, figures)
