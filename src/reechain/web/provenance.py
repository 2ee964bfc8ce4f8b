"""The figures behind a node or link of the chain, each with its source and confidence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reechain.chain import Chain
from reechain.web.flows import in_family

PROVENANCE = ("source", "source_year", "confidence", "method", "url")


def _with_source(record: dict[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    for key in PROVENANCE:
        value = source.get(key)
        record[key] = getattr(value, "value", value)
    return record


def process_rows(chain: Chain, stage: str, region: str) -> list[dict[str, Any]]:
    """Return the processes of ``region`` at ``stage``: capacity, activity and provenance."""
    s, r = chain.stage_index(stage), chain.region_index(region)
    out = []
    for p, name in enumerate(chain.processes):
        if int(chain.process_stage[p]) != s or int(chain.process_region[p]) != r:
            continue
        out.append(
            _with_source(
                {
                    "figure": f"process {name}",
                    "technology": chain.process_technology[p],
                    "owner": chain.process_owner[p],
                    "status": chain.process_status[p],
                    "capacity_per_year": round(float(chain.capacity_per_year[p]), 1),
                    "activity_per_year": round(float(chain.activity_per_year[p]), 1),
                },
                chain.sources["processes"][p],
            )
        )
    return out


def trade_rows(
    chain: Chain, family: str, stage: str, exporter: str, importer: str
) -> list[dict[str, Any]]:
    """Return the baseline trade rows of ``family``'s ``stage`` commodities, exporter → importer."""
    members = set(in_family(chain, family))
    s, i, j = chain.stage_index(stage), chain.region_index(exporter), chain.region_index(importer)
    out = []
    for k in range(len(chain.link_flow_per_year)):
        c = int(chain.link_commodity[k])
        if (
            c in members
            and int(chain.commodity_stage[c]) == s
            and int(chain.link_exporter[k]) == i
            and int(chain.link_importer[k]) == j
        ):
            out.append(
                _with_source(
                    {
                        "figure": f"trade {chain.commodities[c]} {exporter}→{importer}",
                        "quantity_per_year": round(float(chain.link_flow_per_year[k]), 1),
                        "unit": chain.commodity_units[c],
                    },
                    chain.sources["trade"][k],
                )
            )
    return out


def end_use_rows(chain: Chain, sector: str) -> list[dict[str, Any]]:
    """Return the end-use rows of ``sector``: output per region with provenance."""
    s = chain.sector_index(sector)
    out = []
    for n, (ss, r) in enumerate(chain.end_use_entries):
        if int(ss) != s:
            continue
        out.append(
            _with_source(
                {
                    "figure": f"{sector} output in {chain.regions[int(r)]}",
                    "output_per_year": round(float(chain.output_per_year[s, int(r)]), 1),
                    "unit": chain.sector_units[s],
                },
                chain.sources["end_uses"][n],
            )
        )
    return out


def node_rows(chain: Chain, stage: str, name: str) -> list[dict[str, Any]]:
    """Return the figures behind a Sankey node (a (stage, region) or ("use", sector))."""
    if stage == chain.stages[-1] and name in chain.sectors:
        return end_use_rows(chain, name)
    return process_rows(chain, stage, name)


def link_rows(
    chain: Chain, family: str, source: tuple[str, str], target: tuple[str, str]
) -> list[dict[str, Any]]:
    """Return the figures behind a Sankey link: the trade rows, else the producing plants."""
    (stage_a, region_a), (stage_b, name_b) = source, target
    importer = name_b if name_b in chain.regions else None
    rows: list[dict[str, Any]] = []
    if importer is not None and importer != region_a:
        rows.extend(trade_rows(chain, family, stage_a, region_a, importer))
    rows.extend(process_rows(chain, stage_a, region_a))
    if importer is not None:
        rows.extend(process_rows(chain, stage_b, importer))
    else:
        rows.extend(end_use_rows(chain, name_b))
    return rows
