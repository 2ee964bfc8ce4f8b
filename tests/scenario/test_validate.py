"""Bad scenario files: one test per kind of mistake, each checking the whole message.

Every message names the file, the line, the field path, the value found and what was
expected, with "did you mean" for near misses.
"""

from __future__ import annotations

import pytest

from reechain.chain import Chain
from reechain.scenario import ScenarioError, load_scenario, parse_scenario

HEAD = "name: x\ndataset: sample\n"
RESTRICTION = """events:
  - kind: export_restriction
    exporter: CHN
    commodities: [Dy_oxide]
    start: 2025-04
    duration_months: 6
"""


def message(text: str, chain: Chain | None = None) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario("s.yaml", chain, text=text)
    return str(info.value)


def test_a_value_out_of_range(sample_chain: Chain) -> None:
    text = HEAD + RESTRICTION + "    severity: 1.7\n"
    assert message(text, sample_chain) == (
        "s.yaml, line 9, events[0].severity: got 1.7, expected a fraction between 0 and 1"
    )


def test_a_misspelt_region_with_did_you_mean(sample_chain: Chain) -> None:
    text = HEAD + RESTRICTION.replace("CHN", "CHNA") + "    severity: 0.5\n"
    assert message(text, sample_chain) == (
        "s.yaml, line 5, events[0].exporter: got 'CHNA', expected a region of dataset "
        "'sample'; did you mean 'CHN'?"
    )


def test_a_misspelt_commodity_with_did_you_mean(sample_chain: Chain) -> None:
    text = HEAD + RESTRICTION.replace("[Dy_oxide]", "[Dy_oxide, dy_metal]") + "    severity: 1\n"
    assert message(text, sample_chain) == (
        "s.yaml, line 6, events[0].commodities[1]: got 'dy_metal', expected a commodity of "
        "dataset 'sample'; did you mean 'Dy_metal'?"
    )


def test_a_group_that_does_not_exist(sample_chain: Chain) -> None:
    text = HEAD + RESTRICTION + "    severity: 0.5\n    importers: {outside: partner_us_jp}\n"
    assert message(text, sample_chain) == (
        "s.yaml, line 10, events[0].importers.outside: got 'partner_us_jp', expected a region "
        "or group of dataset 'sample'; did you mean 'partners_us_jp'?"
    )


def test_an_unknown_sector(sample_chain: Chain) -> None:
    text = HEAD + "policies:\n  - kind: sector_priority\n    sectors: [catalyst, defence]\n"
    assert message(text, sample_chain) == (
        "s.yaml, line 5, policies[0].sectors[1]: got 'defence', expected a sector of dataset "
        "'sample'"
    )


def test_an_unknown_kind_with_did_you_mean() -> None:
    text = HEAD + "events:\n  - kind: export_restrictoin\n    exporter: CHN\n"
    assert message(text) == (
        "s.yaml, line 4, events[0].kind: got 'export_restrictoin', expected a kind among "
        "export_restriction, capacity_outage, logistics_delay, demand_shock; did you mean "
        "'export_restriction'?"
    )


def test_a_missing_kind() -> None:
    text = HEAD + "policies:\n  - holder: JPN\n"
    assert message(text) == (
        "s.yaml, line 4, policies[0].kind: expected a field 'kind': one of stockpile, "
        "new_capacity, recycling, substitution, partner_preference, price_floor, "
        "sector_priority"
    )


def test_a_missing_field() -> None:
    text = HEAD + (
        "events:\n  - kind: capacity_outage\n    process: CHN_sep\n"
        "    start: 2025-04\n    duration_months: 2\n"
    )
    assert message(text) == (
        "s.yaml, line 4, events[0].fraction: expected a value (this field is required)"
    )


def test_an_unknown_field_with_did_you_mean() -> None:
    text = HEAD + "event:\n  - kind: capacity_outage\n"
    assert message(text) == (
        "s.yaml, line 3, event: got an unknown field 'event', expected one of the fields name, "
        "title, description, dataset, horizon_months, demand, events, policies; "
        "did you mean 'events'?"
    )


def test_an_unknown_nested_field() -> None:
    text = HEAD + (
        "events:\n  - kind: capacity_outage\n    process: CHN_sep\n"
        "    fraction: 0.5\n    start: 2025-04\n    duration_months: 2\n"
        "    recovery: {curve: linear, monthz: 3}\n"
    )
    assert message(text) == (
        "s.yaml, line 9, events[0].recovery.monthz: got an unknown field 'monthz', expected "
        "one of the fields curve, months; did you mean 'months'?"
    )


def test_a_malformed_month() -> None:
    text = HEAD + "events:\n  - kind: demand_shock\n    change: 0.1\n    start: 2025-13\n"
    assert message(text) == (
        "s.yaml, line 6, events[0].start: got '2025-13', expected a month written YYYY-MM "
        "(e.g. 2025-04)"
    )


def test_a_month_before_month_0(sample_chain: Chain) -> None:
    text = HEAD + "events:\n  - kind: demand_shock\n    change: 0.1\n    start: 2024-03\n"
    assert message(text, sample_chain) == (
        "s.yaml, line 6, events[0].start: got '2024-03', expected a month from 2025-01 "
        "(month 0 follows the base year)"
    )


def test_a_month_beyond_the_horizon(sample_chain: Chain) -> None:
    text = HEAD + (
        "horizon_months: 6\nevents:\n  - kind: demand_shock\n    change: 0.1\n    start: 2026-03\n"
    )
    assert message(text, sample_chain) == (
        "s.yaml, line 7, events[0].start: got '2026-03', expected a month within the horizon "
        "of 6 months from 2025-01"
    )


def test_a_wrong_type() -> None:
    assert message(HEAD + "horizon_months: soon\n") == (
        "s.yaml, line 3, horizon_months: got 'soon', expected a whole number"
    )


def test_severity_and_quota_together() -> None:
    text = HEAD + RESTRICTION + "    severity: 0.5\n    quota_t_per_year: 3\n"
    assert message(text) == (
        "s.yaml, line 4, events[0]: expected one of severity, quota_t_per_year and licensing, "
        "not several"
    )


def test_neither_severity_nor_quota() -> None:
    assert message(HEAD + RESTRICTION) == (
        "s.yaml, line 4, events[0]: expected severity (a fraction withheld), quota_t_per_year "
        "or licensing"
    )


def test_a_trigger_without_a_condition() -> None:
    text = HEAD + (
        "policies:\n  - kind: stockpile\n    holder: JPN\n    commodity: Dy_oxide\n"
        "    size_t: 4\n    trigger: {}\n    max_release_t_per_month: 1\n"
    )
    assert message(text) == (
        "s.yaml, line 8, policies[0].trigger: expected exactly one of date, shortfall_pct, "
        "price_multiple"
    )


def test_an_outage_without_a_target() -> None:
    text = HEAD + (
        "events:\n  - kind: capacity_outage\n    region: CHN\n    fraction: 0.5\n"
        "    start: 2025-04\n    duration_months: 2\n"
    )
    assert (
        message(text) == "s.yaml, line 4, events[0]: expected either process, or region and stage"
    )


def test_an_unsized_stockpile_the_dataset_does_not_hold(sample_chain: Chain) -> None:
    text = HEAD + (
        "policies:\n  - kind: stockpile\n    holder: USA\n    commodity: Dy_oxide\n"
        "    trigger: {shortfall_pct: 10}\n    max_release_t_per_month: 1\n"
    )
    assert message(text, sample_chain) == (
        "s.yaml, line 4, policies[0].size_t: expected size_t or size_days (the dataset has no "
        "stockpile of Dy_oxide held by USA)"
    )


def test_invalid_yaml() -> None:
    assert message(HEAD + "events: [\n") == (
        "s.yaml, line 4: expected valid YAML (expected the node content, but found '<stream end>')"
    )


def test_not_a_mapping() -> None:
    assert message("- a\n- b\n") == (
        "s.yaml, line 1: got list, expected a mapping with name, dataset, events, policies"
    )


def test_every_problem_is_listed() -> None:
    text = HEAD + "horizon_months: 0\nevents:\n  - kind: demand_shock\n    change: 0.1\n"
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, "s.yaml")
    assert [str(p) for p in info.value.problems] == [
        "s.yaml, line 3, horizon_months: got 0, expected a number at or above 1",
        "s.yaml, line 5, events[0].start: expected a value (this field is required)",
    ]
    assert str(info.value).endswith("(and 1 more problem)")


def test_a_field_given_twice() -> None:
    text = HEAD + RESTRICTION + "    severity: 0.5\n    severity: 0.7\n"
    assert message(text) == (
        "s.yaml, line 10, events[0].severity: got 'severity' a second time, expected each "
        "field once (YAML would silently keep the last)"
    )


def test_a_date_instead_of_a_month() -> None:
    text = HEAD + "events:\n  - kind: demand_shock\n    change: 0.1\n    start: 2025-04-01\n"
    assert message(text) == (
        "s.yaml, line 6, events[0].start: got datetime.date(2025, 4, 1), expected a month "
        "written YYYY-MM (e.g. 2025-04)"
    )
