"""Import customs trade statistics into a dataset's trade table, all or nothing.

Two layouts are read:

* the UN Comtrade CSV layout (bulk download and the comtradeapi ``/data/v1/get`` CSV):
  ``refYear`` (or ``period``), ``reporterISO``, ``partnerISO``, ``flowCode`` (``M`` import,
  ``X`` export; other flows are skipped), ``cmdCode`` (HS), ``netWgt`` (kg; ``grossWgt``
  when net weight is empty) and ``primaryValue`` (USD; CIF for imports, FOB for exports).
  Column names as documented in the Comtrade record schema (refYear, period, reporterISO,
  partnerISO, flowCode, cmdCode, netWgt, grossWgt, primaryValue, cifvalue, fobvalue); see
  https://comtradedeveloper.un.org and the schema mirrored at
  github.com/api-evangelist/un-comtrade (json-schema/trade-record.json). Partner ``W00``
  (World) and empty partners are aggregates and are skipped.
* a plain layout: ``exporter,importer,hs,year,kg,usd`` (ISO3 codes, kg net weight).

Conversion method ``hs-rare-earth-v1`` (``conversions.csv`` beside this module): each HS
code maps to one or more reechain commodities with a ``share`` (a stated split, e.g.
NdFeB/SmCo within HS 8505.11) and a ``content`` factor (commodity tonnes per tonne of net
weight, e.g. REO content of compounds), each with bounds, confidence and rationale.
tonnes = kg ÷ 1000 × share × content.

Mirror rule (``importer-reported``): when both the importer's (``M``, CIF) and the exporter's
(``X``, FOB) report exist for the same exporter, importer, HS code and year, the importer's
is used; the exporter's is used only where the importer did not report.

Balance (the simplest honest behaviour): imported rows replace existing trade rows of the
same year, commodity, exporter and importer (``--replace-trade``: every existing row of the
imported years and commodities). The result is written to a temporary folder and loaded
with the full validation, baseline balance included; if any region/commodity no longer
balances the import is refused, the problems name each gap, and nothing is written, unless
``--rebalance``: then each gap is added to the region/commodity's ``stock_change`` residual
row (a new low-confidence row where there is none), the row's method naming the gap and file.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reechain.errors import DatasetError, Problem

METHOD = "hs-rare-earth-v1"
MIRROR_RULE = "importer-reported"
CONVERSIONS = Path(__file__).with_name("conversions.csv")
COMTRADE = ("cmdCode", "flowCode", "reporterISO", "partnerISO")
PLAIN = ("exporter", "importer", "hs", "year", "kg", "usd")


@dataclass(frozen=True)
class Conversion:
    """One HS code → commodity mapping of the conversion method."""

    hs: str
    commodity: str
    share: float
    content: float
    lower: float
    upper: float
    confidence: str
    rationale: str


@dataclass(frozen=True)
class Flow:
    """One reported flow, in kg of net weight."""

    line: int
    exporter: str
    importer: str
    hs: str
    year: int
    kg: float
    usd: float
    reporter: str
    """``importer`` or ``exporter``: who reported it."""


def load_conversions(path: Path = CONVERSIONS) -> dict[str, list[Conversion]]:
    """Return the conversion method's mappings by 6-digit HS code."""
    out: dict[str, list[Conversion]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            out.setdefault(r["hs"], []).append(
                Conversion(
                    r["hs"],
                    r["commodity"],
                    float(r["share"]),
                    float(r["content"]),
                    float(r["lower"]),
                    float(r["upper"]),
                    r["confidence"],
                    r["rationale"],
                )
            )
    return out


def _number(text: str | None) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _text(path: Path) -> str:
    """The file's text; DatasetError when it is not UTF-8 or cannot be read."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError([Problem(path.name, None, None, None, "UTF-8 text", str(exc))]) from None
    except OSError as exc:
        raise DatasetError(
            [Problem(path.name, None, None, None, "a readable file", str(exc))]
        ) from None


def _rows(reader: csv.DictReader[str], name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line, record) of each data line; DatasetError at malformed CSV (a stray quote, a field
    longer than the csv module's limit)."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DatasetError(
                [Problem(name, reader.line_num, None, None, "well-formed CSV", str(exc))]
            ) from None
        yield reader.line_num, record


def read_flows(
    path: Path, regions: Sequence[str], hs_codes: Sequence[str], year: int | None = None
) -> list[Flow]:
    """Return the flows of a trade file; DatasetError listing every problem at once."""
    name = path.name
    problems: list[Problem] = []
    reader = csv.DictReader(io.StringIO(_text(path), newline=""), strict=True)
    try:
        header = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise DatasetError(
            [Problem(name, 1, None, None, "a well-formed CSV header", str(exc))]
        ) from None
    comtrade = all(c in header for c in COMTRADE)
    need = COMTRADE if comtrade else PLAIN
    missing = [c for c in need if c not in header]
    if missing or (comtrade and not {"refYear", "period"} & set(header)):
        for c in missing or ["refYear"]:
            problems.append(Problem(name, 1, c, None, f"a column {c!r} (Comtrade or plain layout)"))
        raise DatasetError(problems)
    flows: list[Flow] = []
    for i, r in _rows(reader, name):
        if comtrade:
            flow = (r.get("flowCode") or "").strip()
            if flow not in ("M", "X"):
                continue
            partner = (r.get("partnerISO") or "").strip()
            if partner in ("", "W00"):
                continue
            reporter = (r.get("reporterISO") or "").strip()
            exp_c, imp_c = (
                ("partnerISO", "reporterISO")
                if flow == "M"
                else (
                    "reporterISO",
                    "partnerISO",
                )
            )
            exp, imp = (partner, reporter) if flow == "M" else (reporter, partner)
            hs, year_col = (r.get("cmdCode") or "").strip(), "refYear"
            year_text = r.get("refYear") or (r.get("period") or "")[:4]
            kg_col = "netWgt" if _number(r.get("netWgt")) not in (None, 0.0) else "grossWgt"
            kg_text, usd_text = r.get(kg_col), r.get("primaryValue")
            who = "importer" if flow == "M" else "exporter"
        else:
            exp_c, imp_c, year_col, kg_col = "exporter", "importer", "year", "kg"
            exp, imp = (r.get("exporter") or "").strip(), (r.get("importer") or "").strip()
            hs, year_text = (r.get("hs") or "").strip(), r.get("year") or ""
            kg_text, usd_text, who = r.get("kg"), r.get("usd"), "importer"
        hs = hs.replace(".", "")
        for col, code in ((exp_c, exp), (imp_c, imp)):
            if code not in regions:
                close = difflib.get_close_matches(code, regions, n=1)
                problems.append(
                    Problem(
                        name,
                        i,
                        col,
                        code,
                        "a region code of the dataset",
                        f"did you mean {close[0]!r}?" if close else None,
                    )
                )
        if hs not in hs_codes:
            problems.append(
                Problem(
                    name,
                    i,
                    "cmdCode" if comtrade else "hs",
                    hs,
                    f"an HS code of method {METHOD}: {', '.join(hs_codes)}",
                )
            )
        kg = _number(kg_text)
        if kg is None or kg < 0:
            problems.append(Problem(name, i, kg_col, kg_text, "a weight in kg, 0 or more"))
        y = _number(year_text)
        if y is None or y != int(y):
            problems.append(Problem(name, i, year_col, year_text, "a year such as 2024"))
        if problems or kg is None or y is None:
            continue
        if year is not None and int(y) != year:
            continue
        flows.append(Flow(i, exp, imp, hs, int(y), kg, _number(usd_text) or 0.0, who))
    if problems:
        raise DatasetError(problems)
    return flows


def mirror(flows: Sequence[Flow]) -> list[Flow]:
    """Apply the mirror rule: the importer's report wins; sum reports of one kind."""
    by_key: dict[tuple[str, str, str, int], dict[str, list[Flow]]] = {}
    for f in flows:
        by_key.setdefault((f.exporter, f.importer, f.hs, f.year), {}).setdefault(
            f.reporter, []
        ).append(f)
    out = []
    for key, kinds in sorted(by_key.items()):
        chosen = kinds.get("importer") or kinds["exporter"]
        kg, usd = sum(f.kg for f in chosen), sum(f.usd for f in chosen)
        out.append(
            Flow(chosen[0].line, key[0], key[1], key[2], key[3], kg, usd, chosen[0].reporter)
        )
    return out


def trade_rows(flows: Sequence[Flow], source: str) -> list[dict[str, str]]:
    """Return trade-table rows (tonnes, provenance) for mirrored flows, one per commodity."""
    conv = load_conversions()
    rows: dict[tuple[str, str, str, str], dict[str, str]] = {}
    for f in flows:
        for c in conv[f.hs]:
            t = f.kg / 1000 * c.share * c.content
            key = (str(f.year), c.commodity, f.exporter, f.importer)
            if key in rows:
                prev = float(rows[key]["quantity_per_year"])
                rows[key]["quantity_per_year"] = repr(prev + t)
                rows[key]["lower"] = repr(float(rows[key]["lower"]) + t / c.content * c.lower)
                rows[key]["upper"] = repr(float(rows[key]["upper"]) + t / c.content * c.upper)
                continue
            rows[key] = {
                "year": str(f.year),
                "commodity": c.commodity,
                "exporter": f.exporter,
                "importer": f.importer,
                "quantity_per_year": repr(t),
                "source": source,
                "source_year": str(f.year),
                "url": "",
                "note": f"HS {f.hs}, {f.reporter}-reported ({MIRROR_RULE} rule); {c.rationale}",
                "confidence": c.confidence,
                "method": f"{METHOD}: {f.kg:g} kg × share {c.share:g} × content {c.content:g}",
                "lower": repr(t / c.content * c.lower) if c.confidence == "low" else "",
                "upper": repr(t / c.content * c.upper) if c.confidence == "low" else "",
            }
    return list(rows.values())


__all__ = [
    "CONVERSIONS",
    "METHOD",
    "MIRROR_RULE",
    "Conversion",
    "Flow",
    "load_conversions",
    "mirror",
    "read_flows",
    "trade_rows",
]
