"""The influence ranking's top rows are sourced (issue 17): the 30 low-confidence rows of
data-raw/influence/ranking.csv with the largest swing of value lost, looked up in the
default dataset as it is now, should carry medium or high confidence with a citation."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import reechain
from reechain.data.dataset import Dataset

ROOT = Path(__file__).resolve().parents[2]
RANKING = ROOT / "data-raw" / "influence" / "ranking.csv"
DEFAULT = Path(reechain.bundled_path("default"))
TOP = 30
UNSOURCED = "reechain default dataset"


@pytest.fixture(scope="module")
def top_rows() -> list[tuple[int, str, dict[str, str], str, str]]:
    """(rank, table, key, confidence now, source now) of the ranking's top rows."""
    dataset: Dataset = reechain.load_dataset(DEFAULT)
    out = []
    with RANKING.open(newline="", encoding="utf-8") as f:
        for row in list(csv.DictReader(f))[:TOP]:
            key = dict(part.split("=", 1) for part in row["row"].split())
            match = [
                r
                for r in dataset.rows(row["table"])
                if all(str(getattr(r, k)) == v for k, v in key.items())
            ]
            assert len(match) == 1, row
            found = match[0]
            conf = str(getattr(found.confidence, "value", found.confidence))
            out.append((int(row["rank"]), row["table"], key, conf, found.source))
    return out


def test_the_ranking_lists_every_swung_row_once_by_falling_swing() -> None:
    with RANKING.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    swings = [float(r["swing_usd"]) for r in rows]
    assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
    assert swings == sorted(swings, reverse=True)
    assert len({(r["table"], r["row"]) for r in rows}) == len(rows)


def test_the_magnet_users_and_japans_stocks_in_the_top_30_are_sourced(
    top_rows: list[tuple[int, str, dict[str, str], str, str]],
) -> None:
    """Magnet-stage stocks everywhere and every stock in Japan come from the 2025 licence
    episode (first production stops 46-60 days in; Shin-Etsu unaffected): medium."""
    magnets = ("NdFeB", "SmCo")
    picked = [
        r
        for r in top_rows
        if r[1] == "inventories"
        and (r[2]["region"] == "JPN" or r[2]["commodity"].startswith(magnets))
    ]
    assert len(picked) >= 15
    for _rank, _table, _key, conf, source in picked:
        assert conf in ("medium", "high")
        assert not source.startswith(UNSOURCED)


def test_vietnams_oxide_and_metal_stocks_cover_shin_etsus_110_days_of_2025(
    top_rows: list[tuple[int, str, dict[str, str], str, str]],
) -> None:
    """Vietnam's metal makers feed Shin-Etsu's Hai Phong sintering, whose magnet plants ran at
    full capacity for more than 110 days after 4 Apr 2025 while China's Dy and Tb exports
    stopped: the Vietnamese oxide stocks in the top 30 cite it (medium), and the oxide and
    metal stocks ahead of the sintering cover at least those 110 days."""
    picked = [r for r in top_rows if r[1] == "inventories" and r[2]["region"] == "VNM"]
    assert {r[2]["commodity"] for r in picked} >= {"Sm2O3", "Dy2O3"}
    for _rank, _table, _key, conf, source in picked:
        assert conf == "medium"
        assert not source.startswith(UNSOURCED)
    days = {
        r.commodity: r.target_days
        for r in reechain.load_dataset(DEFAULT).rows("inventories")
        if r.region == "VNM"
    }
    assert days["Dy2O3"] + days["Dy_metal"] >= 110
    assert days["Nd2O3"] + days["NdPr_metal"] >= 110


@pytest.mark.xfail(
    strict=True,
    reason=(
        "known gap: ranks 2, 22, 29 (Sm metal stocks in the US, ROW and the UK: metal "
        "stage), 8 (the UK's Sm oxide stock: separation stage), 20 (India's monazite stock) "
        "and 7, 23 (NdFeB demand elasticities) are still labelled assumptions: no "
        "published days of cover found; the one published demand response (2010-11 "
        "substitution) points to a less elastic value but is not the engine's "
        "definition, kept pending a decision; see VALIDATION.md [n320] [n430]"
    ),
)
def test_the_30_most_influential_rows_are_medium_or_high_confidence(
    top_rows: list[tuple[int, str, dict[str, str], str, str]],
) -> None:
    low = [(rank, table, key) for rank, table, key, conf, _ in top_rows if conf == "low"]
    assert low == []
