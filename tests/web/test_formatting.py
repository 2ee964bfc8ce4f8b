"""The dashboard's one number formatter: money, percentages, tonnes and plain numbers as
people read them, chosen from a column's name; raw numbers stay in the downloads."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reechain.web.formatting import fmt, fmt_cell, heading, plain, rounded, unit_of


def test_the_issue_number_reads_as_money_or_with_thousands_marks() -> None:
    assert fmt(1052709747.3631749) == "1,052,709,747"
    assert fmt(1052709747.3631749, "USD") == "$1.05 bn"
    assert fmt_cell("cumulative_value_lost_usd", 1052709747.3631749) == "$1.05 bn"


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("capex_usd", 2.5e8, "$250.0 m"),
        ("peak_shortfall_pct", 52.123, "52.1 %"),
        ("share", 0.918, "91.8 %"),
        ("loss_probability", 0.05, "5.00 %"),
        ("shortfall_t", 1234.56, "1,235 t"),
        ("price_usd_per_kg", 333.0, "333 USD/kg"),
        ("capacity_t_per_year", 36.0, "36.0 t/yr"),
        ("source_year", 2024, "2024"),
        ("line", 15234, "15234"),
        ("value", 0.012345, "0.0123"),
        ("value", None, "—"),
        ("value", math.nan, "—"),
        ("owner", "Lynas", "Lynas"),
    ],
)
def test_a_cell_is_formatted_by_its_column(column: str, value: object, shown: str) -> None:
    assert fmt_cell(column, value) == shown


def test_headings_put_the_unit_in_brackets() -> None:
    assert heading("p99_usd") == "p99 (USD)"
    assert heading("cumulative_shortfall_t") == "cumulative shortfall (t)"
    assert heading("largest_foreign_origin") == "largest foreign origin"
    assert unit_of("output lost in JPN") == ""


def test_downloads_get_plain_json_values() -> None:
    import numpy as np

    assert plain(np.float64(2.5)) == 2.5
    assert plain(np.int64(3)) == 3
    assert plain(math.nan) is None
    assert plain("JPN") == "JPN"


@settings(max_examples=200, derandomize=True, deadline=None, database=None)
@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False))
def test_no_number_is_shown_raw(value: float) -> None:
    text = rounded(value)
    digits = text.lstrip("-").split(".")[0].replace(",", "")
    assert all(len(group) <= 3 for group in text.lstrip("-").split(".")[0].split(","))
    assert abs(float(text.replace(",", "")) - value) <= max(0.5, abs(value) * 0.01)
    assert digits.isdigit()
