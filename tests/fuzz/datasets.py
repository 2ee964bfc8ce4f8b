"""Generated datasets: the bundled sample, as CSV files or a workbook, broken at random.

Mutations: random cell values (non-finite numbers, long strings, formula-like text,
unicode, values from elsewhere), removed and duplicated columns and rows, removed files,
bytes-level corruption; in workbooks also corrupt XML, formula cells without values,
wrong dimensions and damaged zip members.

The property: a dataset is refused with a clean ``ReechainError`` and nothing is stored, or
it is accepted, and then it compiles (or is refused cleanly), exports as CSV and XLSX that
read back as the same dataset, and its rows serialise as JSON.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import random
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import reechain
from reechain.chain import compile_chain
from reechain.data.dataset import Dataset, load_dataset
from reechain.data.tables import TABLES_BY_NAME
from reechain.errors import ReechainError
from reechain.store import Store
from reechain.workflows import import_dataset, show_rows
from tests.fuzz.harness import Outcome

SAMPLE = Path(reechain.bundled_path("sample"))

VALUES = [
    *("", " ", "x", "0", "-1", "-0", "1e308", "1e999", "-1e999", "nan", "NaN", "inf", "-inf"),
    *("Infinity", "1_000", "0x10", "١٢", "9" * 400, "=1+1", "+A1", "-x", "@SUM(A1)", "'"),
    *("'=1", '"', "a,b", "a\nb", "a\r\nb", "\x00", "\x01", "é中😀", "\u202e", "true"),
    *("CHN", "USA", "low", "medium", "high", "2024", "1900", "2101", "None", "null"),
]


def random_text(rng: random.Random) -> str:
    """Return a value: from the tricky list, long, random unicode, or random ASCII."""
    pick = rng.random()
    if pick < 0.6:
        return rng.choice(VALUES)
    if pick < 0.7:
        return rng.choice("ax=-'") * rng.choice([100, 1000, 70_000])
    if pick < 0.85:
        return "".join(chr(rng.randrange(1, 0x2FFFF)) for _ in range(rng.randrange(1, 12)))
    return repr(rng.uniform(-1e6, 1e6))


def _sample_csv() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SAMPLE.iterdir())}


SAMPLE_FILES = _sample_csv()


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def mutate_files(rng: random.Random) -> dict[str, bytes]:
    """Return the sample dataset's files with one to three random mutations."""
    files = {k: v.encode() for k, v in SAMPLE_FILES.items()}
    for _ in range(rng.randint(1, 3)):
        name = rng.choice(sorted(files))
        kind = rng.random()
        if name == "dataset.toml":
            files[name] = _mutate_toml(rng, files[name].decode("utf-8", "replace")).encode(
                "utf-8", "surrogatepass"
            )
            continue
        if kind < 0.1:
            files[name] = _corrupt_bytes(rng, files[name])
            continue
        if kind < 0.13:
            del files[name]
            continue
        try:
            rows = _rows(files[name].decode("utf-8"))
        except (UnicodeDecodeError, csv.Error):
            continue
        if not rows:
            continue
        _mutate_rows(rng, rows, kind)
        files[name] = _csv(rows).encode("utf-8", "surrogatepass")
    return files


def _mutate_rows(rng: random.Random, rows: list[list[str]], kind: float) -> None:
    width = len(rows[0])
    if kind < 0.65 and len(rows) > 1:
        row = rng.randrange(1, len(rows))
        if rows[row]:
            rows[row][rng.randrange(len(rows[row]))] = random_text(rng)
    elif kind < 0.72:
        column = rng.randrange(width)
        for row in rows:
            del row[column : column + 1]
    elif kind < 0.79:
        column = rng.randrange(width)
        for row in rows:
            row.append(row[column] if column < len(row) else "")
    elif kind < 0.86 and len(rows) > 1:
        del rows[rng.randrange(1, len(rows))]
    elif kind < 0.93 and len(rows) > 1:
        rows.insert(rng.randrange(1, len(rows) + 1), list(rows[rng.randrange(1, len(rows))]))
    else:
        rows[0][rng.randrange(width)] = random_text(rng)


def _mutate_toml(rng: random.Random, text: str) -> str:
    lines = text.splitlines()
    i = rng.randrange(len(lines))
    key = lines[i].split("=", 1)[0].strip()
    choice = rng.random()
    if choice < 0.3:
        del lines[i]
    elif choice < 0.7:
        lines[i] = f"{key} = {json.dumps(random_text(rng), ensure_ascii=False)}"
    else:
        lines[i] = f"{key} = {rng.choice(['1e999', 'nan', 'inf', '-1', '[1, 2]', '{a = 1}', ''])}"
    return "\n".join(lines) + "\n"


def _corrupt_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    choice = rng.random()
    if choice < 0.4 and out:
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    elif choice < 0.7:
        del out[rng.randrange(len(out) + 1) :]
    else:
        at = rng.randrange(len(out) + 1)
        out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
    return bytes(out)


def sample_book() -> bytes:
    """Return the sample dataset exported as a workbook."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = reechain.export_dataset(load_dataset(SAMPLE), Path(tmp) / "s.xlsx")
        return path.read_bytes()


def mutate_book(rng: random.Random, book: bytes) -> bytes:
    """Return a workbook with one to three random mutations of its sheets or its bytes."""
    with zipfile.ZipFile(io.BytesIO(book)) as z:
        members = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheets = sorted(m for m in members if m.startswith("xl/worksheets/"))
    for _ in range(rng.randint(1, 3)):
        part = rng.choice(sheets)
        xml = members[part].decode("utf-8", "replace")
        kind = rng.random()
        if kind < 0.35:
            value = random_text(rng)
            cell = rng.choice(
                [
                    f'<c r="\\1" t="inlineStr"><is><t>{_xml(value)}</t></is></c>',
                    f'<c r="\\1"><v>{_xml(value)}</v></c>',
                    f'<c r="\\1"><f>{_xml(value)}</f></c>',
                    '<c r="\\1" t="e"><v>#N/A</v></c>',
                    f'<c r="\\1" t="s"><v>{rng.randrange(-1, 3)}</v></c>',
                    '<c r="\\1" t="b"><v>1</v></c>',
                ]
            )
            cells = re.findall(r'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>.*?</c>)', xml)
            if cells:
                ref = rng.choice(cells)
                xml = re.sub(
                    rf'<c r="({ref})"[^>]*?(/>|>.*?</c>)', cell.replace("\\2", ""), xml, count=1
                )
        elif kind < 0.5:
            xml = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:{_ref(rng)}"', xml)
        elif kind < 0.6:
            rows = re.findall(r"<row [^>]*>.*?</row>", xml)
            if rows:
                xml = xml.replace(rng.choice(rows), "", 1)
        elif kind < 0.7:
            rows = re.findall(r"<row [^>]*>.*?</row>", xml)
            if rows:
                row = rng.choice(rows)
                xml = xml.replace(row, row + row, 1)
        elif kind < 0.8:
            at = rng.randrange(len(xml))
            xml = xml[:at] + rng.choice(["<", "&", "</c>", "<row>", "\x00", ""]) + xml[at + 1 :]
        else:
            members[part] = _corrupt_bytes(rng, members[part])
            continue
        members[part] = xml.encode("utf-8", "replace")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    data = out.getvalue()
    return _corrupt_bytes(rng, data) if rng.random() < 0.1 else data


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _ref(rng: random.Random) -> str:
    return f"{rng.choice(['A', 'B', 'M', 'XFD'])}{rng.choice([1, 2, 3, 1048576])}"


class NonFiniteAcceptedError(AssertionError):
    """An accepted dataset holds NaN or an infinity (it must have been refused)."""


class DatasetChecks:
    """The property, checked against a private folder and store."""

    def __init__(self, work: Path, store: Store) -> None:
        self.work = work
        self.store = store

    def check_folder(self, files: dict[str, bytes]) -> Outcome:
        folder = self._fresh("input")
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        return self._check(folder)

    def check_book(self, book: bytes) -> Outcome:
        path = self._fresh("input.xlsx")
        path.write_bytes(book)
        return self._check(path)

    def _fresh(self, name: str) -> Path:
        path = self.work / name
        if path.is_dir():
            shutil.rmtree(path)
        path.unlink(missing_ok=True)
        return path

    def _check(self, path: Path) -> Outcome:
        before = {d.name for d in self.store.list_datasets()}
        try:
            dataset = import_dataset(path, self.store, replace=True)
        except ReechainError:
            after = {d.name for d in self.store.list_datasets()}
            return Outcome.CLEAN if after == before else Outcome.PARTIAL
        try:
            self._read_back(dataset)
        finally:
            self.store.delete_dataset(dataset.name)
        return Outcome.ACCEPTED

    def _read_back(self, dataset: Dataset) -> None:
        for table in TABLES_BY_NAME:
            for record in dataset.records(table):
                for key, value in record.items():
                    if isinstance(value, float) and not math.isfinite(value):
                        raise NonFiniteAcceptedError(f"{table}.{key} = {value}")
        stored = self.store.get_dataset(dataset.name)
        _assert_same(stored, dataset, "store")
        with contextlib.suppress(ReechainError):  # inputs that do not fit: a clean refusal
            compile_chain(dataset)
        for out in ("export", "export.xlsx"):
            back = load_dataset(reechain.export_dataset(dataset, self._fresh(out)))
            _assert_same(back, dataset, out)
        rows = show_rows(dataset)
        json.dumps(rows, allow_nan=False, default=str)


def _assert_same(a: Dataset, b: Dataset, where: str) -> None:
    for table in TABLES_BY_NAME:
        if _norm(a.records(table)) != _norm(b.records(table)):
            raise AssertionError(f"{where}: table {table} differs after reading back")
    if a.meta != b.meta:
        raise AssertionError(f"{where}: metadata differs after reading back")


def _norm(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {k: "nan" if isinstance(v, float) and math.isnan(v) else v for k, v in r.items()}
        for r in records
    ]
