"""Scenario choices and edits for the Scenario page: list, form fields, start a run."""

from __future__ import annotations

import hashlib
from typing import Any

import yaml

from reechain import workflows
from reechain.errors import InputError
from reechain.scenario.library import library_scenarios
from reechain.scenario.yamlfile import safe_load
from reechain.store import Store
from reechain.web.context import Services

EDITABLE = (int, float, str)
SKIPPED_KEYS = ("kind", "name", "title", "dataset", "description")
SECTION_NAMES = {"events": "Event", "policies": "Policy"}
CONTEXT_KEYS = ("exporter", "holder", "region", "process", "sector", "commodity")
"""Fields that say what an event or policy is about, shown beside its kind in the form."""
UNIT_SUFFIXES = (
    "_t_per_year",
    "_t_per_month",
    "_per_year",
    "_working_days",
    "_usd_per_kg",
    "_months",
    "_days",
    "_pct",
    "_t",
)


def scenario_choices(store: Store, workspace: str) -> list[dict[str, str]]:
    """Return the bundled scenarios and those saved in ``workspace``, as dropdown options."""
    options = []
    for record in workflows.list_scenarios(None):
        options.append(
            {
                "label": f"{record['title']} ({record['name']}, {record['dataset']})",
                "value": str(record["name"]),
            }
        )
    for record in store.list_scenarios(workspace=workspace):
        options.append(
            {"label": f"{record['name']} (saved, {record['dataset']})", "value": record["name"]}
        )
    return options


def default_scenario() -> str:
    """Return the scenario the page opens with: a default-dataset one when the library has it."""
    for name in ("cn-2025-april", "cn-processing-ban"):
        if name in library_scenarios():
            return name
    names = list(library_scenarios("default")) or list(library_scenarios())
    return next((n for n in names if n != "baseline"), names[0])


def editable_fields(text: str) -> list[tuple[str, str, Any]]:
    """Return (path, label, value) of each scalar parameter of a scenario's YAML text.

    Paths look like ``horizon_months`` or ``events.0.severity``; nested mappings are
    followed (``policies.1.trigger.shortfall_pct``), lists of scalars are left to the YAML.
    """
    data = _mapping(text)
    out: list[tuple[str, str, Any]] = []
    if isinstance(data.get("horizon_months"), int):
        out.append(("horizon_months", "Horizon (months)", data["horizon_months"]))
    for section, noun in SECTION_NAMES.items():
        for i, item in enumerate(data.get(section) or []):
            if not isinstance(item, dict):
                continue
            kind = str(item.get("kind", noun.lower())).replace("_", " ")
            about = next((str(item[k]) for k in CONTEXT_KEYS if isinstance(item.get(k), str)), None)
            head = f"{noun} {i + 1} · {kind}" + (f" ({about})" if about else "")
            for path, value in _scalars(item, f"{section}.{i}"):
                key = path.split(".", 2)[2]
                out.append((path, f"{head}: {field_label(key)}", value))
    return out


def field_label(key: str) -> str:
    """Return a scenario field's form label: words and its unit, not its YAML key.

    >>> field_label("licensing_delay_working_days"), field_label("trigger.shortfall_pct")
    ('licensing delay (working days)', 'trigger, shortfall (% of use)')
    >>> field_label("capacity_per_year"), field_label("severity")
    ('capacity (commodity units/yr)', 'severity (fraction 0–1)')
    """
    from reechain.scenario.schema import UNITS

    parts = key.split(".")
    last = parts[-1]
    words = last
    for suffix in UNIT_SUFFIXES:
        if last.endswith(suffix) and last != suffix.lstrip("_"):
            words = last[: -len(suffix)]
            break
    text = ", ".join([*parts[:-1], words]).replace("_", " ")
    unit = UNITS.get(last, "")
    return f"{text} ({unit})" if unit else text


def _mapping(text: str) -> dict[str, Any]:
    """Return the scenario YAML ``text`` as a mapping; InputError when it is not one."""
    try:
        data = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = "scenario" + ("" if mark is None else f", line {mark.line + 1}")
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise InputError(f"{where}: {problem}; expected valid YAML") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(f"scenario: got {type(data).__name__}, expected a mapping of fields")
    return data


def _scalars(item: dict[str, Any], prefix: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in item.items():
        if key in SKIPPED_KEYS:
            continue
        path = f"{prefix}.{key}"
        if isinstance(value, dict):
            out.extend(_scalars(value, path))
        elif isinstance(value, EDITABLE) and not isinstance(value, bool):
            out.append((path, value))
    return out


def apply_fields(text: str, values: dict[str, Any]) -> tuple[str, bool]:
    """Return the YAML text with form ``values`` (path → value) applied, and whether it changed."""
    data = _mapping(text)
    changed = False
    for path, value in values.items():
        if value is None or value == "":
            continue
        node: Any = data
        keys = path.split(".")
        for key in keys[:-1]:
            node = node[int(key)] if isinstance(node, list) else node.get(key)
            if node is None:
                break
        if node is None:
            continue
        last: Any = int(keys[-1]) if isinstance(node, list) else keys[-1]
        old = node[last] if isinstance(node, list) else node.get(last)
        new = _typed(value, old)
        if new != old:
            node[last] = new
            changed = True
    return (yaml.safe_dump(data, sort_keys=False) if changed else text), changed


def _typed(value: Any, old: Any) -> Any:
    if isinstance(old, int) and not isinstance(old, bool):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return value
        return int(number) if number.is_integer() else number
    if isinstance(old, float):
        try:
            return float(value)
        except (TypeError, ValueError):
            return value
    return str(value)


def start_run(services: Services, text: str, base: str, workspace: str) -> str:
    """Validate a scenario's YAML, save it when it differs from ``base``, start its run.

    Returns the run id; raises ScenarioError (located problems) or InputError.
    """
    store = services.store
    original = ""
    try:
        original = workflows.scenario_source(base, store, workspace=workspace)[1]
    except Exception:
        original = ""
    name = base
    if text.strip() != original.strip():
        data = _mapping(text)
        digest = hashlib.sha256(text.encode()).hexdigest()[:6]
        name = f"{str(data.get('name', base))[:40]}-edit-{digest}"
        data["name"] = name
        if data.get("title"):
            data["title"] = f"{data['title']} (edited)"
        text = yaml.safe_dump(data, sort_keys=False)
    scenario = workflows.validate_scenario_text(
        text, f"scenario {name}", store, workspace=workspace
    )
    if name != base:
        store.save_scenario(name, scenario.dataset, text, workspace=workspace)
    from reechain.workflows import jobs

    run_id = jobs.start(
        store,
        "simulate",
        scenario.dataset,
        scenario=name,
        params={"months": scenario.horizon_months},
        workspace=workspace,
    )
    services.runner.submit(run_id)
    return run_id


def done_runs(store: Store, workspace: str, limit: int = 200) -> list[dict[str, str]]:
    """Return the finished simulate runs of ``workspace`` as dropdown options, newest first."""
    runs = store.list_runs("simulate", limit, workspace=workspace)
    return [
        {
            "label": f"{r.scenario} · {r.dataset} · {r.created_at:%Y-%m-%d %H:%M} · {r.id[:8]}",
            "value": r.id,
        }
        for r in runs
        if r.status == "done"
    ]


def default_comparison(store: Store, workspace: str, scenario: str) -> list[str]:
    """Return the runs the page compares first: the newest run of the event scenario
    ``scenario`` (else of another headline event scenario) against the newest baseline run
    — what the event changes; else the two newest runs."""
    runs = [r for r in store.list_runs("simulate", 200, workspace=workspace) if r.status == "done"]
    chosen: list[str] = []
    for name in (scenario, "cn-2025-april", "cn-processing-ban", "magnet-ban"):
        found = next((r.id for r in runs if r.scenario == name), None)
        if found:
            chosen.append(found)
            break
    baseline = next((r.id for r in runs if r.scenario == "baseline"), None)
    if baseline and baseline not in chosen:
        chosen.append(baseline)
    if len(chosen) == 2:
        return chosen
    return [r.id for r in runs[:2]]
