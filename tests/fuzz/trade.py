"""Generated customs trade files for ``reechain data import-trade``, broken at random.

Inputs: a valid file in either layout the importer reads (UN Comtrade CSV or the plain
``exporter,importer,hs,year,kg,usd``), built from random flows between the default dataset's
regions under the conversion method's HS codes, then given zero to three mutations: random
cell values (non-finite numbers, huge and negative weights, long strings, unicode), removed,
renamed and duplicated columns and rows, a field longer than the csv module's limit, bytes
corruption (invalid UTF-8, NUL bytes, truncation), an empty file; and random options
(``--year``, ``--replace-trade``, ``--rebalance``, in place or to a new folder).

The property: the import is refused with a clean ``ReechainError`` and the dataset folder is
byte for byte as before, with no new folder and no temporary folder left behind; or it is
accepted, and the written dataset loads (rows, references, baseline balance), and the rows
the file brought in name it as their source.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import reechain
from reechain.data.dataset import load_dataset
from reechain.data.trade_import import load_conversions
from reechain.errors import ReechainError
from reechain.workflows.trade import import_trade
from tests.fuzz.datasets import _mutate_rows
from tests.fuzz.harness import Outcome

DEFAULT = Path(reechain.bundled_path("default"))
REGIONS = [r["region"] for r in csv.DictReader(io.StringIO((DEFAULT / "regions.csv").read_text()))]
HS = sorted(load_conversions())
PLAIN = ["exporter", "importer", "hs", "year", "kg", "usd"]
COMTRADE = [
    *("typeCode", "freqCode", "refYear", "period", "reporterCode", "reporterISO"),
    *("flowCode", "partnerCode", "partnerISO", "cmdCode", "netWgt", "grossWgt"),
    "primaryValue",
]
WEIGHTS = ["0", "1", "250", "1500.5", "80000", "2e6", "-1", "1e308", "1e999", "nan", ""]


@dataclass(frozen=True)
class TradeInput:
    """One generated import: the file's bytes and the command's options."""

    data: bytes
    name: str
    year: int | None
    replace_trade: bool
    rebalance: bool
    in_place: bool


def _flow(rng: random.Random) -> tuple[str, str, str, str, str]:
    exporter, importer = rng.sample(REGIONS, 2)
    hs = rng.choice(HS)
    if rng.random() < 0.3:
        hs = f"{hs[:4]}.{hs[4:]}"
    year = rng.choice(["2023", "2024"])
    kg = rng.choice(WEIGHTS) if rng.random() < 0.2 else repr(round(rng.uniform(0, 3e5), 3))
    return exporter, importer, hs, year, kg


def _valid_rows(rng: random.Random) -> list[list[str]]:
    flows = [_flow(rng) for _ in range(rng.randint(1, 6))]
    if rng.random() < 0.5:
        rows = [list(PLAIN)]
        for exp, imp, hs, year, kg in flows:
            rows.append([exp, imp, hs, year, kg, repr(round(rng.uniform(0, 1e8)))])
        return rows
    rows = [list(COMTRADE)]
    for exp, imp, hs, year, kg in flows:
        flow = rng.choice(["M", "X", "M", "X", "RX", ""])
        reporter, partner = (imp, exp) if flow == "M" else (exp, imp)
        if rng.random() < 0.1:
            partner = rng.choice(["W00", ""])
        net, gross = (kg, kg) if rng.random() < 0.8 else ("", kg)
        rows.append(
            ["C", "A", year, year, "0", reporter, flow, "0", partner, hs, net, gross, "1000"]
        )
    return rows


def _mutate(rng: random.Random, rows: list[list[str]]) -> None:
    """One mutation of the dataset fuzz family's kinds, or a field past the csv limit."""
    if rng.random() < 0.08 and len(rows) > 1:
        row = rows[rng.randrange(1, len(rows))]
        row[rng.randrange(len(row))] = "9" * 200_000
        return
    _mutate_rows(rng, rows, rng.random())


def _corrupt(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    choice = rng.random()
    if choice < 0.3 and out:
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    elif choice < 0.5:
        del out[rng.randrange(len(out) + 1) :]
    elif choice < 0.7:
        at = rng.randrange(len(out) + 1)
        out[at:at] = rng.choice([b"\x00", b"\xff\xfe", b"\xe9", b"\r", b'"', b"\x00\x00"])
    elif choice < 0.85:
        out = bytearray(b"\xef\xbb\xbf" + bytes(out))
    else:
        out = bytearray(b"")
    return bytes(out)


def generate(rng: random.Random) -> TradeInput:
    """Return one trade file (valid, then zero to three mutations) and its options."""
    rows = _valid_rows(rng)
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        _mutate(rng, rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=rng.choice(["\n", "\r\n"])).writerows(rows)
    data = buffer.getvalue().encode("utf-8", "surrogatepass")
    if rng.random() < 0.15:
        data = _corrupt(rng, data)
    return TradeInput(
        data=data,
        name=rng.choice(["trade.csv", "comtrade export 2024.csv", "é.csv"]),
        year=rng.choice([None, None, 2023, 2024, 1990]),
        replace_trade=rng.random() < 0.3,
        rebalance=rng.random() < 0.5,
        in_place=rng.random() < 0.5,
    )


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class TradeChecks:
    """Runs each generated import against a working copy of the default dataset."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.dataset = work / "datasets" / "default"
        self.count = 0
        self._reset()

    def _reset(self) -> None:
        shutil.rmtree(self.dataset, ignore_errors=True)
        shutil.copytree(DEFAULT, self.dataset)
        self.before = _digest(self.dataset)

    def check(self, value: TradeInput) -> Outcome:
        self.count += 1
        file = self.work / "files" / str(self.count) / value.name
        file.parent.mkdir(parents=True)
        file.write_bytes(value.data)
        out = None if value.in_place else self.work / "datasets" / f"out-{self.count}"
        parent = self.dataset.parent
        listing = sorted(p.name for p in parent.iterdir())
        try:
            written = import_trade(
                file,
                self.dataset,
                out=out,
                year=value.year,
                replace_trade=value.replace_trade,
                rebalance=value.rebalance,
            )
        except ReechainError:
            untouched = _digest(self.dataset) == self.before
            unchanged = sorted(p.name for p in parent.iterdir()) == listing
            return Outcome.CLEAN if untouched and unchanged else Outcome.PARTIAL
        if sorted(p.name for p in parent.iterdir() if p.name.startswith(".trade-")):
            return Outcome.PARTIAL
        imported = [
            t for t in load_dataset(written).rows("trade") if t.source.startswith(value.name)
        ]
        assert all(t.quantity_per_year >= 0 for t in imported), "a negative imported flow"
        if value.in_place:
            self._reset()
        else:
            shutil.rmtree(written)
        return Outcome.ACCEPTED
