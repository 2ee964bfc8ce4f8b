"""Data review driven by influence: which low-confidence rows move the headline KPIs most.

Method (named ``one-at-a-time swing``): the uncertain inputs are exactly those that
``reechain risk --sample-inputs`` draws (:func:`reechain.risk.inputs.uncertain_inputs`:
low-confidence rows with ``lower``/``upper`` bounds of the elasticities, prices, inventories
and stockpiles tables). Each is set to its lower and then to its upper bound with every other
input at its stated value (:func:`reechain.risk.inputs.apply_inputs`), the library scenarios
run on the compiled engine in one batch (:func:`reechain.engine.run_batch`), and the KPI is
the value lost (USD, cumulative over each scenario's horizon, summed over the scenarios).
The swing is ``|KPI(upper) − KPI(lower)|``; rows are ranked by it, largest first.

With ``--samples N --seed S`` each row also gets Spearman's rank correlation of its value
with the KPI over N joint triangular draws of every input (the draws of ``risk
--sample-inputs``: :func:`reechain.risk.inputs.draw_inputs`), as a check on the swing ranking
that includes interactions.

Trade flows, outputs and activity are not swung, for the reason given in
:mod:`reechain.risk.inputs` (moving one would break the baseline balance).

Example
-------
>>> from reechain.workflows.influence import influence_ranking
>>> rows = influence_ranking("sample", ["dy-restriction"], top=1, months=6)
>>> rows[0]["rank"], rows[0]["method"]
(1, 'one-at-a-time swing')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from reechain.chain import Chain, compile_chain
from reechain.data.dataset import Dataset
from reechain.engine import run_batch
from reechain.errors import InputError
from reechain.risk.events import EventModel
from reechain.risk.inputs import UncertainInput, apply_inputs, draw_inputs, uncertain_inputs
from reechain.risk.sensitivity import spearman
from reechain.scenario import Scenario, library_path, library_scenarios, load_scenario
from reechain.store import Store
from reechain.workflows.datasets import load_dataset

METHOD = "one-at-a-time swing"
"""The name of the method, written in every output row."""

_KEYS = {
    "elasticities": ("commodity",),
    "prices": ("commodity",),
    "inventories": ("region", "commodity"),
    "stockpiles": ("holder", "commodity"),
}


def _row_key(dataset: Dataset, chain: Chain, inp: UncertainInput) -> tuple[int | None, str]:
    """Return (line in TABLE.csv, 'col=value ...') of the dataset row behind ``inp``."""
    if inp.table == "stockpiles":
        k = inp.index[0]
        wanted = {
            "holder": chain.regions[int(chain.stockpile_holder[k])],
            "commodity": chain.commodities[int(chain.stockpile_commodity[k])],
        }
    elif inp.table == "inventories":
        wanted = {
            "region": chain.regions[inp.index[0]],
            "commodity": chain.commodities[inp.index[1]],
        }
    else:
        wanted = {"commodity": chain.commodities[inp.index[0]]}
    key = " ".join(f"{k}={v}" for k, v in wanted.items())
    for i, row in enumerate(dataset.rows(inp.table)):
        year = getattr(row, "year", None)
        if year is not None and inp.table == "prices" and year > chain.year:
            continue
        if all(getattr(row, k, None) == v for k, v in wanted.items()):
            line: int | None = i + 2
            if inp.table != "prices" or year == chain.year:
                return line, key
    return None, key


def _kpi(chain: Chain, scenarios: Sequence[Scenario], months: int | None) -> float:
    res = run_batch(chain, list(scenarios), months=months)
    return float(np.sum(res.value_lost_usd))


def influence_ranking(
    dataset: str | Dataset = "default",
    scenarios: Sequence[str] | None = None,
    *,
    store: Store | None = None,
    top: int | None = None,
    months: int | None = None,
    inputs: Sequence[str] | None = None,
    samples: int = 0,
    seed: int = 0,
) -> list[dict[str, Any]]:
    """Return the low-confidence rows ranked by their swing of value lost (USD).

    Parameters
    ----------
    dataset
        A dataset name (bundled or stored) or a loaded dataset.
    scenarios
        Library scenario names of the dataset (default: all but ``baseline``).
    top
        Keep the ``top`` largest swings (default: all).
    months
        Horizon (default: the longest of the scenarios').
    inputs
        Only the uncertain inputs of these names (for tests and quick looks).
    samples, seed
        With ``samples`` > 0, also draw that many joint samples of every input
        (:func:`reechain.risk.inputs.draw_inputs`, triangular, from ``seed``) and give each
        row Spearman's rank correlation of its value with the KPI
        (:func:`reechain.risk.sensitivity.spearman`) in ``spearman``. The ranking stays by swing.

    Returns
    -------
    list of dict
        rank, table, line, row, swing_usd, kpi_lower_usd, kpi_upper_usd, value, lower,
        upper, confidence, method, kpi, scenarios.
    """
    ds = dataset if isinstance(dataset, Dataset) else load_dataset(dataset, store)
    chain = compile_chain(ds)
    known = library_scenarios(ds.name)
    names = list(scenarios) if scenarios else [n for n in known if n != "baseline"]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InputError(
            f"--scenarios: got {', '.join(unknown)}, expected library scenarios of "
            f"{ds.name!r}: {', '.join(known)}"
        )
    if samples < 0:
        raise InputError(f"--samples: got {samples}, expected 0 or more")
    if top is not None and top < 1:
        raise InputError(f"--top: got {top}, expected a positive whole number")
    loaded = [load_scenario(library_path(n, ds.name), chain) for n in names]
    space = [u for u in uncertain_inputs(chain) if u.table != "event_model"]
    if inputs is not None:
        space = [u for u in space if u.name in set(inputs)]
    model = EventModel((), 0.0)
    base = np.array([u.value for u in space])
    records: list[dict[str, Any]] = []
    for j, inp in enumerate(space):
        kpis = []
        for bound in (inp.lower, inp.upper):
            values = base.copy()
            values[j] = bound
            swung, _ = apply_inputs(chain, model, space, values)
            kpis.append(_kpi(swung, loaded, months))
        line, key = _row_key(ds, chain, inp)
        records.append(
            {
                "table": inp.table,
                "line": line,
                "row": key,
                "swing_usd": abs(kpis[1] - kpis[0]),
                "kpi_lower_usd": kpis[0],
                "kpi_upper_usd": kpis[1],
                "value": inp.value,
                "lower": inp.lower,
                "upper": inp.upper,
                "confidence": "low",
                "method": METHOD,
                "kpi": "value lost, USD, summed over scenarios",
                "scenarios": " ".join(names),
            }
        )
    if samples > 0:
        rng = np.random.default_rng(seed)
        drawn = np.array([draw_inputs(space, rng) for _ in range(samples)])
        kpi = np.array(
            [_kpi(apply_inputs(chain, model, space, v)[0], loaded, months) for v in drawn]
        )
        for j, record in enumerate(records):
            record["spearman"] = spearman(drawn[:, j], kpi)
            record["samples"] = samples
            record["seed"] = seed
    records.sort(key=lambda r: (-r["swing_usd"], r["table"], r["row"]))
    ranked = [{"rank": i + 1, **r} for i, r in enumerate(records)]
    return ranked[:top] if top is not None else ranked


__all__ = ["METHOD", "influence_ranking"]
