"""Validate raw tables into a :class:`Dataset`, reporting every problem at once.

Validation runs in two passes, the second on what the first accepted:

1. **columns and rows**: each file has the required columns and no unknown ones; each row
   parses into its table's row model (types, ranges, provenance rules);
2. **references**: keys are unique; every region, commodity, stage, sector and recipe a row
   names exists (with a "did you mean" for near misses); co-production shares sum to 1;
   every commodity has a base-year price and an elasticity.

A dataset with any problem raises :class:`~reechain.errors.DatasetError` listing all of them.
The third check, that the baseline balances exactly for every year, region and commodity
(DESIGN.md section 3), needs the compiled chain: :func:`reechain.chain.balance.check_balance`,
which every load in :mod:`reechain.workflows` runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from reechain.data.readers import RawDataset, RawTable, read_dataset_files
from reechain.data.tables import (
    TABLES,
    TABLES_BY_NAME,
    CommodityRow,
    Confidence,
    ProcessRow,
    Provenance,
    RecipeRow,
    Row,
)
from reechain.errors import DatasetError, Problem
from reechain.names import all_iso_alpha3, did_you_mean, is_iso_alpha3

REQUIRED_TABLES = ("regions", "stages", "commodities", "processes", "recipes")
"""Tables a dataset cannot do without; the others may be absent (then empty)."""

BALANCE_RELATIVE_TOLERANCE = 1e-9
BALANCE_ABSOLUTE_TOLERANCE = 1e-6
"""A balance gap counts when above max(absolute, relative × the largest term) units."""


MAX_META_TEXT = 10_000
"""The longest text a dataset's metadata may hold (a workbook cell holds 32,767)."""


class DatasetMeta(BaseModel):
    """A dataset's identity: name, title, base year and version."""

    model_config = ConfigDict(extra="allow", frozen=True)

    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    title: str = Field("", max_length=500)
    base_year: int = Field(ge=1900, le=2100)
    version: str = Field("1", max_length=64)
    description: str = Field("", max_length=MAX_META_TEXT)

    @model_validator(mode="after")
    def _extra_fields_fit(self) -> DatasetMeta:
        """Other fields are kept as given, within what every export format can hold."""
        for key, value in (self.model_extra or {}).items():
            if len(key) > 64:
                raise ValueError(f"{key[:40]!r}...: expected a field name of at most 64 characters")
            if len(str(value)) > MAX_META_TEXT:
                raise ValueError(f"{key}: expected at most {MAX_META_TEXT} characters")
        return self


@dataclass(frozen=True)
class Dataset:
    """A validated dataset: its metadata and, per table, its rows and their lines."""

    meta: DatasetMeta
    tables: Mapping[str, tuple[Row, ...]]
    lines: Mapping[str, tuple[int, ...]]
    source: str = ""

    @property
    def name(self) -> str:
        """The dataset's name."""
        return self.meta.name

    def rows(self, table: str) -> tuple[Any, ...]:
        """Return the rows of ``table`` (empty when the dataset has none)."""
        return self.tables.get(table, ())

    def years(self) -> tuple[int, ...]:
        """Return the years that have process data, ascending."""
        return tuple(sorted({r.year for r in self.rows("processes")}))

    def records(self, table: str) -> list[dict[str, Any]]:
        """Return the rows of ``table`` as plain records (enum values as text)."""
        return [r.model_dump(mode="json") for r in self.rows(table)]

    def provenance_records(self) -> list[dict[str, Any]]:
        """Return every row that carries provenance, tagged with its table and line."""
        out: list[dict[str, Any]] = []
        for spec in TABLES:
            if not issubclass(spec.model, Provenance):
                continue
            for line, row in zip(self.lines.get(spec.name, ()), self.rows(spec.name), strict=True):
                dumped = row.model_dump(mode="json")
                record = {
                    "table": spec.name,
                    "line": line,
                    "key": "/".join(str(getattr(row, k)) for k in spec.key),
                    "value_field": spec.model.VALUE_FIELD,
                    "value": getattr(row, spec.model.VALUE_FIELD or "", None),
                }
                record.update({c: dumped[c] for c in spec.columns})
                out.append(record)
        return out


def load_dataset(path: str | Path) -> Dataset:
    """Return the validated dataset at ``path``; raise DatasetError listing every problem."""
    raw = read_dataset_files(Path(path))
    return validate_raw(raw)


def validate_raw(raw: RawDataset) -> Dataset:
    """Validate raw tables into a Dataset (the two passes in the module docstring)."""
    problems = list(raw.problems)
    meta = _validate_meta(raw, problems)
    tables: dict[str, tuple[Row, ...]] = {}
    lines: dict[str, tuple[int, ...]] = {}
    for spec in TABLES:
        table = raw.tables.get(spec.name)
        if table is None:
            if spec.name in REQUIRED_TABLES:
                problems.append(
                    Problem(spec.filename, None, None, None, "this table (file missing)")
                )
            tables[spec.name], lines[spec.name] = (), ()
            continue
        tables[spec.name], lines[spec.name] = _validate_table(table, problems)
    _check_required_rows(raw, meta, tables, problems)
    if meta is None:
        raise DatasetError(problems)
    broken = {p.file for p in problems}
    dataset = Dataset(meta, tables, lines, raw.source)
    _check_references(dataset, raw, problems, broken)
    if problems:
        raise DatasetError(problems)
    return dataset


def _validate_meta(raw: RawDataset, problems: list[Problem]) -> DatasetMeta | None:
    try:
        return DatasetMeta.model_validate(raw.meta)
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            found = None if err["type"] == "missing" else str(err.get("input"))
            problems.append(Problem(raw.meta_file, None, field, found, _expected(err)))
        return None


def _check_required_rows(
    raw: RawDataset,
    meta: DatasetMeta | None,
    tables: Mapping[str, tuple[Row, ...]],
    problems: list[Problem],
) -> None:
    """A table the chain needs has rows, and processes has rows for the base year."""
    failed = {p.file for p in problems}
    for name in REQUIRED_TABLES:
        table = raw.tables.get(name)
        if table is not None and not table.rows and table.file not in failed:
            problems.append(Problem(table.file, None, None, "no rows", "at least one row"))
    processes = tables.get("processes", ())
    years = sorted({row.year for row in processes if isinstance(row, ProcessRow)})
    if meta is not None and years and meta.base_year not in years:
        problems.append(
            Problem(
                TABLES_BY_NAME["processes"].filename,
                None,
                "year",
                ", ".join(map(str, years)),
                f"rows for the base year {meta.base_year} (dataset.toml)",
            )
        )


def _validate_table(
    table: RawTable, problems: list[Problem]
) -> tuple[tuple[Row, ...], tuple[int, ...]]:
    spec = TABLES_BY_NAME[table.name]
    header_ok = True
    for column in sorted({c for c in table.header if table.header.count(c) > 1}):
        header_ok = False
        problems.append(
            Problem(
                table.file,
                1,
                column,
                f"{column!r} {table.header.count(column)} times",
                "each column once (the last would silently win)",
            )
        )
    for column in table.header:
        if column not in spec.columns:
            header_ok = False
            problems.append(
                Problem(
                    table.file,
                    1,
                    column,
                    column,
                    f"a column of {spec.name}",
                    did_you_mean(column, spec.columns) or f"columns are {', '.join(spec.columns)}",
                )
            )
    for column in spec.required:
        if column not in table.header:
            header_ok = False
            problems.append(Problem(table.file, 1, column, None, f"a column named '{column}'"))
    if not header_ok:
        return (), ()
    rows: list[Row] = []
    row_lines: list[int] = []
    for line, values in table.rows:
        data = {k: v.strip() for k, v in values.items() if v.strip() != ""}
        try:
            rows.append(spec.model.model_validate(data))
            row_lines.append(line)
        except ValidationError as exc:
            for err in exc.errors():
                where, found = _locate(err, data)
                problems.append(Problem(table.file, line, where, found, _expected(err)))
    return tuple(rows), tuple(row_lines)


def _locate(err: Any, data: Mapping[str, str]) -> tuple[str | None, str | None]:
    if err["loc"]:
        field = str(err["loc"][0])
        return field, data.get(field)
    message = str(err.get("ctx", {}).get("error", err["msg"]))
    named = message.split(":", 1)[0] if ":" in message else None
    return named, (data.get(named) if named else None)


def _expected(err: Any) -> str:
    ctx = err.get("ctx", {})
    kind = err["type"]
    if kind == "missing":
        return "a value (this column is required)"
    if kind in ("float_parsing", "float_type"):
        return "a number"
    if kind == "finite_number":
        return "a finite number (not NaN or infinity)"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "a whole number"
    if kind == "greater_than_equal":
        return f"a number ≥ {ctx['ge']:g}"
    if kind == "greater_than":
        return f"a number > {ctx['gt']:g}"
    if kind == "less_than_equal":
        return f"a number ≤ {ctx['le']:g}"
    if kind == "less_than":
        return f"a number < {ctx['lt']:g}"
    if kind in ("literal_error", "enum"):
        return f"one of {ctx.get('expected')}"
    if kind == "string_too_short":
        return "a non-empty text"
    if kind == "string_pattern_mismatch":
        return f"text matching {ctx.get('pattern')}"
    if kind == "value_error":
        message = str(ctx.get("error", err["msg"]))
        return message.split(": ", 1)[1] if ": " in message else message
    return str(err["msg"]).lower()


def _check_references(
    dataset: Dataset, raw: RawDataset, problems: list[Problem], broken: set[str]
) -> None:
    """Check keys and cross-references of the rows that parsed.

    A reference into a table that itself had problems (``broken`` files) is not checked:
    its rows may be missing only because they failed to parse, and the first problem is
    the one to fix.
    """

    def file_of(table: str) -> str:
        found = raw.tables.get(table)
        return found.file if found else TABLES_BY_NAME[table].filename

    names = {
        "region": {r.region for r in dataset.rows("regions")},
        "stage": {r.stage for r in dataset.rows("stages")},
        "commodity": {r.commodity for r in dataset.rows("commodities")},
        "sector": {r.sector for r in dataset.rows("sectors")},
        "recipe": {r.recipe for r in dataset.rows("recipes")},
    }
    table_of = {
        "region": "regions",
        "stage": "stages",
        "commodity": "commodities",
        "sector": "sectors",
        "recipe": "recipes",
    }
    where = {kind: TABLES_BY_NAME[table].filename for kind, table in table_of.items()}
    columns = {"exporter": "region", "importer": "region", "holder": "region"}
    _check_region_codes(dataset, file_of("regions"), problems)
    for spec in TABLES:
        file = file_of(spec.name)
        for line, row in zip(dataset.lines[spec.name], dataset.rows(spec.name), strict=True):
            for column in spec.columns:
                kind = columns.get(column, column)
                if kind not in names or (spec.name == table_of[kind] and column == kind):
                    continue
                if file_of(table_of[kind]) in broken:
                    continue
                value = getattr(row, column)
                if value is not None and value not in names[kind]:
                    problems.append(
                        Problem(
                            file,
                            line,
                            column,
                            value,
                            f"a {kind} listed in {where[kind]}",
                            did_you_mean(value, names[kind]),
                        )
                    )
        _check_unique_keys(spec.name, file, dataset, problems)
    if not {file_of("recipes"), file_of("commodities"), file_of("processes")} & broken:
        _check_recipes(dataset, file_of("recipes"), file_of("processes"), problems)
    if not {file_of("processes"), file_of("pipeline")} & broken:
        _check_pipeline(dataset, file_of("pipeline"), problems)
    if not {file_of("prices"), file_of("elasticities"), file_of("commodities")} & broken:
        _check_prices(dataset, file_of("prices"), file_of("elasticities"), problems)


def _check_unique_keys(table: str, file: str, dataset: Dataset, problems: list[Problem]) -> None:
    key = TABLES_BY_NAME[table].key
    seen: dict[tuple[object, ...], int] = {}
    for line, row in zip(dataset.lines[table], dataset.rows(table), strict=True):
        value = tuple(getattr(row, k) for k in key)
        if value in seen:
            problems.append(
                Problem(
                    file,
                    line,
                    ",".join(key),
                    "/".join(map(str, value)),
                    "a unique key",
                    f"line {seen[value]} has the same key",
                )
            )
        else:
            seen[value] = line


def _check_region_codes(dataset: Dataset, file: str, problems: list[Problem]) -> None:
    for line, row in zip(dataset.lines["regions"], dataset.rows("regions"), strict=True):
        if row.kind == "country" and not is_iso_alpha3(row.region):
            problems.append(
                Problem(
                    file,
                    line,
                    "region",
                    row.region,
                    "an ISO 3166 alpha-3 code (or kind 'aggregate')",
                    did_you_mean(row.region, all_iso_alpha3()),
                )
            )


def _check_recipes(
    dataset: Dataset, recipe_file: str, process_file: str, problems: list[Problem]
) -> None:
    stage_of = {c.commodity: c.stage for c in dataset.rows("commodities")}
    outputs: dict[str, list[tuple[int, RecipeRow]]] = defaultdict(list)
    for line, row in zip(dataset.lines["recipes"], dataset.rows("recipes"), strict=True):
        if row.role == "output":
            outputs[row.recipe].append((line, row))
    for recipe in {r.recipe for r in dataset.rows("recipes")} - set(outputs):
        problems.append(
            Problem(recipe_file, None, "role", recipe, "at least one output per recipe")
        )
    for recipe, rows in outputs.items():
        if len(rows) > 1:
            total = sum(r.quantity_per_unit for _, r in rows)
            if abs(total - 1.0) > 1e-6:
                problems.append(
                    Problem(
                        recipe_file,
                        rows[0][0],
                        "quantity_per_unit",
                        f"{total:g}",
                        f"co-production shares of recipe '{recipe}' summing to 1",
                    )
                )
    placed = [
        (process_file, line, proc)
        for line, proc in zip(dataset.lines["processes"], dataset.rows("processes"), strict=True)
    ] + [
        (TABLES_BY_NAME["pipeline"].filename, line, proj)
        for line, proj in zip(dataset.lines["pipeline"], dataset.rows("pipeline"), strict=True)
    ]
    for file, line, proc in placed:
        for _, out in outputs.get(proc.recipe, []):
            if stage_of.get(out.commodity) != proc.stage:
                problems.append(
                    Problem(
                        file,
                        line,
                        "stage",
                        proc.stage,
                        f"the stage of its recipe's output {out.commodity} "
                        f"({stage_of.get(out.commodity)})",
                    )
                )
                break


def _check_pipeline(dataset: Dataset, file: str, problems: list[Problem]) -> None:
    """A project that names a process names one the processes table holds, not operating."""
    status = {p.process: p.status for p in dataset.rows("processes")}
    for line, row in zip(dataset.lines["pipeline"], dataset.rows("pipeline"), strict=True):
        if not row.process:
            continue
        if row.process not in status:
            problems.append(
                Problem(
                    file,
                    line,
                    "process",
                    row.process,
                    "a process listed in processes.csv (or blank for a new one)",
                    did_you_mean(row.process, list(status)),
                )
            )
        elif status[row.process] == "operating":
            problems.append(
                Problem(
                    file,
                    line,
                    "process",
                    row.process,
                    "a building or planned process (this one is operating)",
                )
            )


def _check_prices(
    dataset: Dataset, price_file: str, elasticity_file: str, problems: list[Problem]
) -> None:
    year = dataset.meta.base_year
    priced = {p.commodity for p in dataset.rows("prices") if p.year == year}
    elastic = {e.commodity for e in dataset.rows("elasticities")}
    commodities: tuple[CommodityRow, ...] = dataset.rows("commodities")
    for c in commodities:
        if c.commodity not in priced:
            problems.append(
                Problem(
                    price_file,
                    None,
                    "commodity",
                    c.commodity,
                    f"a {year} price for every commodity",
                )
            )
        if c.commodity not in elastic:
            problems.append(
                Problem(
                    elasticity_file,
                    None,
                    "commodity",
                    c.commodity,
                    "an elasticity for every commodity",
                )
            )


def low_confidence_share(rows: Iterable[Provenance], value_field: str) -> float:
    """Return the fraction of the summed ``value_field`` that rests on low-confidence rows."""
    total = low = 0.0
    for row in rows:
        value = float(getattr(row, value_field))
        total += value
        if row.confidence is Confidence.LOW:
            low += value
    return low / total if total else 0.0
