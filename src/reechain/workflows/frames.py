"""Results as pandas DataFrames, for notebooks: one function that takes whatever the Python
API returns (a scenario run, its results, metric results, a demand projection, a dataset)
and gives one tidy table, with months as monthly periods.

The tables are the records the CLI and the REST API show, so a notebook, a CSV export and
the dashboard agree column for column.

Examples
--------
>>> import reechain
>>> frame = reechain.to_frame(reechain.concentration("sample", stage="separate"))
>>> list(frame.columns[:3])
['stage', 'commodity', 'unit']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from reechain.data.dataset import Dataset
from reechain.demand.projection import Projection
from reechain.engine.results import Results
from reechain.errors import InputError

if TYPE_CHECKING:
    import pandas as pd


def to_frame(obj: Any, table: str | None = None, **options: Any) -> pd.DataFrame:
    """Return ``obj`` as a DataFrame.

    Parameters
    ----------
    obj
        A :class:`~reechain.workflows.ScenarioRun` or :class:`~reechain.Results` (``table``
        names one of the result tables, default ``kpis_sector``); a list of metric results
        (concentrations, reliances, exposures, criticality results; ``options`` go to their
        records, e.g. ``top=3``); a demand :class:`~reechain.demand.projection.Projection`
        (``options`` go to :func:`~reechain.workflows.demand_records`); a
        :class:`~reechain.Dataset` (``table`` names one of its tables); or a list of records.
    table
        Which table, where ``obj`` has several.
    """
    import pandas as pd

    results = getattr(obj, "results", obj)
    if isinstance(results, Results):
        return _months(_result_frame(results, table or "kpis_sector"))
    if table is not None and not isinstance(obj, Dataset):
        raise InputError(f"table: {type(obj).__name__} has one table; give no table name")
    if isinstance(obj, Projection):
        from reechain.workflows.demand import demand_records

        return pd.DataFrame(demand_records(obj, **options))
    if isinstance(obj, Dataset):
        if table is None or table not in obj.tables:
            raise InputError(f"table: got {table!r}, expected one of {', '.join(obj.tables)}")
        from reechain.workflows.datasets import show_rows

        return pd.DataFrame(show_rows(obj, table))
    if isinstance(obj, Sequence) and not isinstance(obj, str):
        if all(isinstance(r, Mapping) for r in obj):
            return _months(pd.DataFrame(list(obj)))
        from reechain.workflows.metrics import records

        return pd.DataFrame(records(obj, **options))
    raise InputError(
        f"to_frame: got a {type(obj).__name__}, expected a scenario run, results, metric "
        "results, a demand projection, a dataset or a list of records"
    )


def _result_frame(results: Results, table: str) -> pd.DataFrame:
    import pandas as pd

    from reechain.workflows.simulate import result_tables

    tables = result_tables(results)
    if table not in tables:
        raise InputError(f"table: got {table!r}, expected one of {', '.join(tables)}")
    frame = pd.DataFrame(tables[table])
    frame.insert(0, "scenario", results.scenario)
    return frame


def _months(frame: pd.DataFrame) -> pd.DataFrame:
    """The ``month`` column (YYYY-MM text) as monthly periods, so plots and resampling work."""
    import pandas as pd

    if "month" in frame.columns and len(frame):
        frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    return frame


__all__ = ["to_frame"]
