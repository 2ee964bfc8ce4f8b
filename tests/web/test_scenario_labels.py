"""The Scenario page's form speaks in words: every field of every bundled scenario has a
label with its event or policy, what it is about, and the field's unit, not its YAML key."""

from __future__ import annotations

import pytest

from reechain import workflows
from reechain.scenario.library import library_scenarios
from reechain.web.scenarios import editable_fields, field_label


@pytest.mark.parametrize("name", sorted(library_scenarios("default")))
def test_every_form_label_is_words(name: str) -> None:
    _, text = workflows.scenario_source(name, None)
    labels = [label for _, label, _ in editable_fields(text)]
    assert labels
    assert [x for x in labels if "_" in x or "Policie" in x] == []


def test_labels_name_the_event_what_it_is_about_and_the_unit() -> None:
    _, text = workflows.scenario_source("cn-2025-april", None)
    labels = {path: label for path, label, _ in editable_fields(text)}
    assert labels["events.0.licensing.processing_working_days"] == (
        "Event 1 · export restriction (CHN): licensing, processing (working days)"
    )
    assert labels["policies.0.capacity_per_year"] == (
        "Policy 1 · new capacity (MYS): capacity (commodity units/yr)"
    )


def test_nested_fields_read_as_a_path_of_words() -> None:
    assert field_label("trigger.shortfall_pct") == "trigger, shortfall (% of use)"
    assert field_label("licensing_delay_working_days") == "licensing delay (working days)"
