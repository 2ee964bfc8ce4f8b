"""Whose briefing it is: a region, a group of regions or the world, and the human names a
reader sees for its products, materials and events.

A briefing "for JPN" reads every number for Japan's sectors and materials; "for
partners_us_jp" sums the group's members; "for world" sums every region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reechain.chain import Chain
from reechain.errors import InputError
from reechain.names import did_you_mean

WORLD = "world"


@dataclass(frozen=True)
class Focus:
    """The regions a briefing is about, with the name a reader uses for them."""

    code: str
    label: str
    regions: tuple[str, ...]

    @property
    def is_world(self) -> bool:
        """True when the briefing covers every region."""
        return self.code == WORLD


def resolve_focus(chain: Chain, text: str | None) -> Focus:
    """Return the focus named by ``text``: ``world`` (or nothing), a region or a group."""
    code = (text or WORLD).strip()
    if code.lower() == WORLD:
        return Focus(WORLD, "the world", chain.regions)
    if code in chain.regions:
        return Focus(code, chain.region_names[chain.regions.index(code)], (code,))
    if code in chain.groups:
        members = tuple(chain.groups[code])
        names = ", ".join(chain.region_names[chain.regions.index(r)] for r in members)
        return Focus(code, f"{code.replace('_', ' ')} ({names})", members)
    hint = did_you_mean(code, [*chain.regions, *chain.groups, WORLD])
    raise InputError(
        f"--for: got {code!r}, expected a region, a group or 'world'"
        + (f"; did you mean {hint!r}?" if hint else "")
    )


def _first_clause(name: str) -> str:
    """A dataset name without its parenthesised detail: 'hard disk drives (HDD)' → 'hard
    disk drives'."""
    return name.split(" (")[0].split(", counted in")[0].strip()


def product_label(chain: Chain, sector: str) -> str:
    """What a reader calls a sector's unit of output: the product counted, not a part of it.

    A sector counted in vehicles is named by its vehicles ("conventional light vehicles"),
    not by the magnets' place in them; a non-magnet use by its field ("metallurgy").
    """
    s = chain.sector_index(sector)
    name, unit = _first_clause(chain.sector_names[s]), chain.sector_units[s]
    if unit == "vehicles" and " of " in name:
        return name.rsplit(" of ", 1)[1]
    if unit == "t_REO":
        return name.split(":")[0]
    return name


def unit_label(unit: str) -> str:
    """A unit as written in a sentence: ``t_REO`` → ``t of oxide``."""
    return {"t_REO": "t of oxide", "t_magnet": "t of magnets", "t_metal": "t of metal"}.get(
        unit, unit
    )


def commodity_label(chain: Chain, commodity: str) -> str:
    """A commodity's name as a reader knows it ('dysprosium oxide')."""
    return _first_clause(chain.commodity_names[chain.commodity_index(commodity)])


def region_label(chain: Chain, region: str) -> str:
    """A region's name ('Japan'), or the code for a group."""
    if region in chain.regions:
        return chain.region_names[chain.regions.index(region)]
    return region


def _list(words: list[str], most: int = 3) -> str:
    """'a, b and c'; with more than ``most``, 'a, b, c and 2 more'; '; ' between items that
    have commas of their own."""
    sep = "; " if any("," in w for w in words) else ", "
    if len(words) > most:
        return sep.join(words[:most]) + f" and {len(words) - most} more"
    if len(words) <= 2:
        return " and ".join(words)
    return sep.join(words[:-1]) + " and " + words[-1]


def month_label(text: Any) -> str:
    """'2025-04' → 'April 2025'."""
    names = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    year, month = str(text).split("-")
    return f"{names[int(month) - 1]} {year}"


def describe_event(item: Mapping[str, Any], chain: Chain) -> str:
    """One sentence a reader understands for an event of a scenario file."""
    kind = item.get("kind")
    start = month_label(item["start"]) if "start" in item else ""
    months = item.get("duration_months")
    span = f"for {months} months from {start}" if months else f"from {start}"
    if kind == "export_restriction":
        who = region_label(chain, str(item["exporter"]))
        goods = _list([commodity_label(chain, c) for c in item.get("commodities", [])])
        importers = item.get("importers", "all")
        if isinstance(importers, list):
            to = "to " + _list([region_label(chain, r) for r in importers])
        elif isinstance(importers, Mapping):
            to = f"to every region outside {importers.get('outside')}"
        else:
            to = "to every importer"
        delay = float(item.get("licensing_delay_working_days") or 0)
        licence = item.get("licensing")
        if isinstance(licence, Mapping):
            delay = float(licence.get("processing_working_days") or delay)
        if isinstance(licence, Mapping) and not item.get("severity"):
            share = licence.get("approval_share")
            how = "requires a licence for each of its exports" + (
                f" ({100 * float(share):.0f} % approved)" if share is not None else ""
            )
            exempt = licence.get("general_licences") or []
            if exempt:
                how += f", general licences for {_list([region_label(chain, r) for r in exempt])}"
        elif item.get("quota_t_per_year") is not None:
            how = f"caps at {float(item['quota_t_per_year']):,.0f} t a year its exports"
        elif float(item.get("severity") or 0) > 0:
            how = f"withholds {100 * float(item['severity']):.0f} % of its exports"
        else:
            how = "requires a licence for each of its exports"
        if delay > 0:
            how += f" (licences take about {delay:.0f} working days)"
        end = f" (refused to {_list(item['end_uses'])})" if item.get("end_uses") else ""
        return f"{who} {how} of {goods} {to}{end}, {span}."
    if kind == "capacity_outage":
        where = item.get("process") or (
            f"{region_label(chain, str(item.get('region')))}'s {item.get('stage')} plants"
        )
        return f"{100 * float(item['fraction']):.0f} % of {where} capacity is lost, {span}."
    if kind == "demand_shock":
        return f"End-use requirement changes by {100 * float(item['change']):+.0f} %, {span}."
    if kind == "logistics_delay":
        return f"Shipments take {float(item['delay_days']):.0f} days longer, {span}."
    return f"{str(kind).replace('_', ' ').capitalize()}, {span}."


def describe_policy(item: Mapping[str, Any], chain: Chain) -> str:
    """One short phrase for a policy of a scenario file."""
    kind = str(item.get("kind", "policy"))
    if kind == "new_capacity":
        where = region_label(chain, str(item["region"]))
        return (
            f"new {item['stage']} capacity in {where}, "
            f"{float(item['capacity_per_year']):,.0f} a year from {month_label(item['start'])}"
        )
    if kind == "stockpile":
        holder = region_label(chain, str(item["holder"]))
        return f"a {holder} stockpile of {commodity_label(chain, str(item['commodity']))}"
    return kind.replace("_", " ")


__all__ = [
    "WORLD",
    "Focus",
    "commodity_label",
    "describe_event",
    "describe_policy",
    "month_label",
    "product_label",
    "region_label",
    "resolve_focus",
    "unit_label",
]
