"""The engine: month-by-month supply, trade, stocks, prices and end-use output.

:mod:`~reechain.engine.prepare` turns a chain and a scenario into per-month arrays (shared
by every engine); :mod:`~reechain.engine.reference` is the readable per-scenario loop of
DESIGN.md section 4; :mod:`~reechain.engine.results` compares a run with its baseline run.

Examples
--------
>>> import reechain
>>> from reechain.engine import simulate
>>> results = simulate(reechain.compile_chain(reechain.load_dataset("sample")), months=2)
>>> results.run.price.shape
(2, 4, 7)
"""

from reechain.engine.prepare import Prepared, prepare
from reechain.engine.reference import RunArrays, run_reference, waterfill
from reechain.engine.results import (
    Results,
    commodity_kpis,
    compare,
    months_to_recovery,
    sector_kpis,
    simulate,
)

__all__ = [
    "Prepared",
    "Results",
    "RunArrays",
    "commodity_kpis",
    "compare",
    "months_to_recovery",
    "prepare",
    "run_reference",
    "sector_kpis",
    "simulate",
    "waterfill",
]
