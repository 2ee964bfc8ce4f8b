"""Scenarios compose with ``+``: ``cn-processing-ban+us-japan-package`` is both at once.

:func:`compose` merges scenarios of one dataset: events and policies are concatenated in
the order given (a policy equal in every field to an earlier one is the same plant,
stockpile or floor and counts once), the horizon is the longest, the name is the names
joined by ``+`` and the title the titles joined by `` + ``. Any ``A+B`` (or ``A+B+C``)
name of scenarios that exist on their own is a scenario; :func:`split_name` gives its parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reechain.errors import InputError
from reechain.scenario.library import library_path
from reechain.scenario.models import Policy, Scenario
from reechain.scenario.validate import load_scenario

SEPARATOR = "+"


def split_name(name: str) -> list[str]:
    """Return the parts of a composed name (one part when ``name`` has no ``+``).

    Examples
    --------
    >>> split_name("cn-processing-ban+us-japan-package")
    ['cn-processing-ban', 'us-japan-package']
    """
    parts = [p.strip() for p in name.split(SEPARATOR)]
    if any(not p for p in parts):
        raise InputError(f"scenario {name!r}: an empty part around '+'; write A+B")
    return parts


def compose(scenarios: Sequence[Scenario]) -> Scenario:
    """Return one scenario with the events and policies of all (same dataset; horizon max).

    Examples
    --------
    >>> from reechain.scenario import library_path, load_scenario
    >>> ban = load_scenario(library_path("cn-processing-ban"))
    >>> package = load_scenario(library_path("us-japan-package"))
    >>> both = compose([ban, package])
    >>> both.name, both.horizon_months, len(both.events), len(both.policies)
    ('cn-processing-ban+us-japan-package', 48, 1, 22)
    """
    if not scenarios:
        raise InputError("compose: no scenario given")
    if len(scenarios) == 1:
        return scenarios[0]
    datasets = sorted({s.dataset for s in scenarios})
    if len(datasets) > 1:
        raise InputError(
            "cannot compose scenarios written for different datasets: "
            + ", ".join(f"{s.name} ({s.dataset})" for s in scenarios)
        )
    return Scenario(
        name=SEPARATOR.join(s.name for s in scenarios),
        title=" + ".join(s.title or s.name for s in scenarios),
        description="\n\n".join(s.description for s in scenarios if s.description),
        dataset=datasets[0],
        horizon_months=max(s.horizon_months for s in scenarios),
        events=tuple(e for s in scenarios for e in s.events),
        policies=_once(p for s in scenarios for p in s.policies),
    )


def _once(policies: Iterable[Policy]) -> tuple[Policy, ...]:
    """``policies`` in order, each distinct policy once."""
    kept: list[Policy] = []
    for policy in policies:
        if policy not in kept:
            kept.append(policy)
    return tuple(kept)


def load_composed(name: str, dataset: str | None = None) -> Scenario:
    """Return the bundled scenario ``name``, composing ``A+B`` names from their parts.

    Examples
    --------
    >>> load_composed("cn-2010+us-japan-package").horizon_months
    48
    """
    return compose([load_scenario(library_path(part, dataset)) for part in split_name(name)])
