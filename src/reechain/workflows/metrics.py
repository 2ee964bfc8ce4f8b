"""Metrics in the Python API: load a dataset, compile its chain, run a metric.

The CLI, the REST API and the dashboard call these functions; the numbers come from the
pure functions of :mod:`reechain.metrics`. Each takes a dataset name or path (default
:data:`~reechain.workflows.datasets.DEFAULT_DATASET`) and a year (default: the dataset's
base year); a later year the dataset does not hold is computed on a chain rolled forward
under a pipeline ``case`` (:mod:`reechain.workflows.outlook`); an earlier year without data
raises :class:`~reechain.errors.NotFoundError`.

Examples
--------
>>> from reechain.workflows.metrics import concentration, exposure
>>> [c.top1_region for c in concentration("sample", stage="magnet")]
['CHN']
>>> (japan,) = exposure("sample", regions="JPN", commodity="NdFeB")
>>> round(japan.share("separate", "CHN"), 2)
0.51
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reechain.chain import Chain, compile_chain
from reechain.chain.pipeline import check_case
from reechain.errors import DatasetError, InputError, Problem
from reechain.metrics.bom import BomItem, normalize_header, parse_bom
from reechain.metrics.bom import bom_exposure as _bom_exposure
from reechain.metrics.concentration import AggregateTreatment, Concentration, chain_concentration
from reechain.metrics.criticality import CriticalityInputs, CriticalityResult, parse_inputs
from reechain.metrics.criticality import assess as _assess
from reechain.metrics.exposure import Exposure, chain_exposure, origin_model
from reechain.metrics.reliance import Reliance, chain_reliance
from reechain.names import local_path
from reechain.store import DEFAULT_WORKSPACE, Store

if TYPE_CHECKING:
    from matplotlib.figure import Figure
from reechain.workflows.datasets import DEFAULT_DATASET, load_dataset
from reechain.workflows.outlook import (
    DEFAULT_CASE,
    DEFAULT_DEMAND,
    concentration_ranges,
    future_chain,
)

CRITICALITY_TABLES = ("materials", "wgi", "parameters", "eu_end_uses")
"""The files (``<name>.csv``) of a criticality input folder."""


def load_chain(
    dataset: str | Path | None = None,
    year: int | None = None,
    store: Store | None = None,
    workspace: str = DEFAULT_WORKSPACE,
    case: str = DEFAULT_CASE,
    demand: str | Path | None = DEFAULT_DEMAND,
) -> Chain:
    """Return the compiled chain of ``dataset`` (default: the default dataset) for ``year``.

    A year after the base year that the dataset does not hold is rolled forward under the
    pipeline ``case`` and the ``demand`` scenario (:mod:`reechain.workflows.outlook`).
    """
    check_case(case)
    ds = load_dataset(
        dataset if dataset is not None else DEFAULT_DATASET, store, workspace=workspace
    )
    if year is not None and year > ds.meta.base_year and year not in ds.years():
        return future_chain(compile_chain(ds), year, case, demand=demand)
    return compile_chain(ds, year)


def concentration(
    dataset: str | Path | None = None,
    *,
    commodity: str | None = None,
    stage: str | None = None,
    year: int | None = None,
    per: str = "commodity",
    aggregates: AggregateTreatment | str = AggregateTreatment.FRAGMENTED,
    case: str = DEFAULT_CASE,
    store: Store | None = None,
    workspace: str = DEFAULT_WORKSPACE,
) -> list[Concentration]:
    """Return production concentration per commodity (or per stage), see
    :func:`reechain.metrics.concentration.chain_concentration`."""
    chain = load_chain(dataset, year, store, workspace, case)
    return chain_concentration(chain, commodity, stage, per=per, treatment=aggregates)


def concentration_records(
    dataset: str | Path | None = None,
    *,
    commodity: str | None = None,
    stage: str | None = None,
    year: int | None = None,
    per: str = "commodity",
    aggregates: AggregateTreatment | str = AggregateTreatment.FRAGMENTED,
    case: str = DEFAULT_CASE,
    share_of: Sequence[str] = (),
    store: Store | None = None,
    workspace: str = DEFAULT_WORKSPACE,
) -> tuple[list[Concentration], list[dict[str, Any]]]:
    """Return :func:`concentration`'s results and their records; for a future year in the
    ``expected`` case the records add the range over drawn futures (``*_p10``, ``*_p90``)."""
    results = concentration(
        dataset,
        commodity=commodity,
        stage=stage,
        year=year,
        per=per,
        aggregates=aggregates,
        case=case,
        store=store,
        workspace=workspace,
    )
    out = records(results, share_of=share_of)
    ds = load_dataset(
        dataset if dataset is not None else DEFAULT_DATASET, store, workspace=workspace
    )
    future = year is not None and year > ds.meta.base_year and year not in ds.years()
    if case == "expected" and future and year is not None:
        ranges = concentration_ranges(
            compile_chain(ds),
            year,
            results,
            commodity=commodity,
            stage=stage,
            per=per,
            aggregates=aggregates,
            share_of=share_of,
        )
        out = [{**r, **x} for r, x in zip(out, ranges, strict=True)]
    return results, out


def reliance(
    dataset: str | Path | None = None,
    *,
    regions: str | Sequence[str] | None = None,
    commodity: str | None = None,
    stage: str | None = None,
    supplier: str | None = "CHN",
    year: int | None = None,
    per: str = "commodity",
    case: str = DEFAULT_CASE,
    store: Store | None = None,
    workspace: str = DEFAULT_WORKSPACE,
) -> list[Reliance]:
    """Return net import reliance and supplier share of each region or group in ``regions``
    (default: every country of the dataset)."""
    chain = load_chain(dataset, year, store, workspace, case)
    if regions is None:
        names = [
            r for r, k in zip(chain.regions, chain.region_kinds, strict=True) if k != "aggregate"
        ]
    else:
        names = [regions] if isinstance(regions, str) else list(regions)
    return [
        r
        for name in names
        for r in chain_reliance(chain, name, commodity, stage, supplier=supplier, per=per)
    ]


def exposure(
    dataset: str | Path | None = None,
    *,
    regions: str | Sequence[str],
    commodity: str | None = None,
    sector: str | None = None,
    year: int | None = None,
    case: str = DEFAULT_CASE,
    store: Store | None = None,
    workspace: str = DEFAULT_WORKSPACE,
) -> list[Exposure]:
    """Return the true-origin exposure of each region's (or group's) supply of ``commodity``,
    or of its end use (only ``sector`` when given)."""
    chain = load_chain(dataset, year, store, workspace, case)
    names = [regions] if isinstance(regions, str) else list(regions)
    if not names:
        raise InputError("name what to trace: --region REGION (with --commodity) or --bom FILE")
    model = origin_model(chain)
    return [chain_exposure(chain, name, commodity, sector=sector, model=model) for name in names]


def read_table_file(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """Return the rows of a CSV or XLSX file (first sheet) as (line, {header: text}).

    Headers are normalized with :func:`reechain.metrics.bom.normalize_header`; blank rows
    are skipped; lines count from 1 for the header.
    """
    path = Path(local_path(path, "file"))
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raw = _read_xlsx(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not UTF-8 text ({exc.reason})") from None
        raw = list(csv.reader(io.StringIO(text)))
    else:
        raise InputError(f"{path}: expected a .csv or .xlsx file, got {path.suffix or 'no suffix'}")
    if not raw:
        raise DatasetError([Problem(path.name, None, None, None, "a header row")])
    header = [normalize_header(h) for h in raw[0]]
    rows = []
    for number, values in enumerate(raw[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            raise DatasetError(
                [Problem(path.name, number, None, f"{len(values)} cells", f"{len(header)} cells")]
            )
        rows.append((number, dict(zip(header, [*values, *[""] * len(header)], strict=False))))
    return rows


def _read_xlsx(path: Path) -> list[list[str]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    sheet = book.worksheets[0]
    out = [
        ["" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)) for v in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    book.close()
    return out


def read_bom(path: str | Path, chain: Chain) -> list[BomItem]:
    """Return the validated products of the bill of materials at ``path`` (CSV or XLSX).

    Raises
    ------
    DatasetError
        Every problem, each naming the file, line and column.
    """
    return parse_bom(read_table_file(path), Path(path).name, chain)


def bom_exposure(
    bom: str | Path,
    dataset: str | Path | None = None,
    *,
    year: int | None = None,
    case: str = DEFAULT_CASE,
    store: Store | None = None,
    workspace: str = DEFAULT_WORKSPACE,
) -> list[Exposure]:
    """Return the true-origin exposure of each product of a BOM file, then of all together.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     bom = pathlib.Path(folder) / "bom.csv"
    ...     _ = bom.write_text("product,sector,units_per_year,made_in\\nm,ev_motor,9,USA\\n")
    ...     [e.target for e in bom_exposure(bom, "sample")]
    ['m', 'all products']
    """
    chain = load_chain(dataset, year, store, workspace, case)
    items = read_bom(bom, chain)
    return _bom_exposure(chain, origin_model(chain), items, Path(bom).name)


def criticality_path() -> Path:
    """Return the folder of the bundled criticality inputs."""
    return Path(str(resources.files("reechain.metrics.criticality") / "bundled"))


def load_criticality_inputs(folder: str | Path | None = None) -> CriticalityInputs:
    """Return the criticality inputs of ``folder`` (default: the bundled ones)."""
    root = Path(local_path(folder, "inputs")) if folder is not None else criticality_path()
    tables: dict[str, list[tuple[int, Mapping[str, str]]]] = {}
    for name in CRITICALITY_TABLES:
        path = root / f"{name}.csv"
        if path.is_file():
            with path.open(encoding="utf-8", newline="") as handle:
                tables[name] = [(i, row) for i, row in enumerate(csv.DictReader(handle), start=2)]
        elif name != "eu_end_uses":
            raise InputError(f"{root}: missing {name}.csv (criticality inputs)")
    return parse_inputs(tables)


def criticality(
    dataset: str | Path | None = None,
    *,
    materials: Iterable[str] | None = None,
    methods: Iterable[str] | None = None,
    region: str | None = None,
    year: int | None = None,
    inputs: CriticalityInputs | str | Path | None = None,
    case: str = DEFAULT_CASE,
    store: Store | None = None,
    workspace: str = DEFAULT_WORKSPACE,
) -> list[CriticalityResult]:
    """Return criticality results of ``materials`` by ``methods`` (default: all of each)."""
    chain = load_chain(dataset, year, store, workspace, case)
    if not isinstance(inputs, CriticalityInputs):
        inputs = load_criticality_inputs(inputs)
    return _assess(chain, inputs, materials, methods, region)


def records(results: Iterable[Any], **kwargs: Any) -> list[dict[str, Any]]:
    """Return the records of each result: ``records(**kwargs)`` of an exposure,
    ``as_record(**kwargs)`` of a concentration, ``as_record()`` of anything else."""
    out: list[dict[str, Any]] = []
    for result in results:
        if isinstance(result, Exposure):
            out.extend(result.records(**kwargs))
        elif isinstance(result, Concentration):
            out.append(result.as_record(**kwargs))
        else:
            out.append(result.as_record())
    return out


PLOT_FORMATS = (".png", ".svg")


def save_plot(fig: Figure, path: str | Path) -> list[Path]:
    """Write ``fig`` to ``path`` (.png or .svg) and to the other format beside it.

    Returns the paths written.
    """
    target = Path(path)
    if target.suffix.lower() not in PLOT_FORMATS:
        raise InputError(f"--plot: got {target.name!r}, expected a file ending in .png or .svg")
    target.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix in PLOT_FORMATS:
        out = target.with_suffix(suffix)
        fig.savefig(out, dpi=150 if suffix == ".png" else "figure")
        written.append(out)
    return written


def write_plot(results: Sequence[Any], path: str | Path) -> list[Path]:
    """Draw ``results`` (concentrations, exposures or criticality results) and write the
    figure to ``path`` as PNG and SVG; return the paths written."""
    from reechain.metrics import plots

    if not results:
        raise InputError("--plot: nothing to draw")
    if all(isinstance(r, Concentration) for r in results):
        fig = plots.concentration_figure(results)
    elif all(isinstance(r, Exposure) for r in results):
        fig = plots.exposure_figure(results)
    elif all(isinstance(r, CriticalityResult) for r in results):
        fig = plots.criticality_figure(results)
    else:
        raise InputError("--plot: cannot draw a mix of result kinds")
    return save_plot(fig, path)
