"""Turn a compiled :class:`~reechain.chain.Chain` back into dataset tables.

The inverse of compilation: the records written here, saved in the dataset format and
loaded again, compile to a chain equal to the one they came from (a tested round trip).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reechain.chain.model import Chain


def _with_source(record: dict[str, Any], source: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(record)
    for key, value in source.items():
        out[key] = getattr(value, "value", value)
    return out


def chain_to_tables(chain: Chain) -> dict[str, list[dict[str, Any]]]:
    """Return the chain's figures as dataset tables: table name → records."""
    R, C, S = chain.regions, chain.commodities, chain.sectors
    src = chain.sources
    tables: dict[str, list[dict[str, Any]]] = {
        "regions": [
            {"region": r, "name": n, "kind": k}
            for r, n, k in zip(R, chain.region_names, chain.region_kinds, strict=True)
        ],
        "groups": [
            {"group": g, "region": r} for g, members in chain.groups.items() for r in members
        ],
        "stages": [
            {"stage": s, "order": i, "name": n}
            for i, (s, n) in enumerate(zip(chain.stages, chain.stage_names, strict=True))
        ],
        "commodities": [
            {
                "commodity": c,
                "stage": chain.stages[chain.commodity_stage[i]],
                "unit": chain.commodity_units[i],
                "name": chain.commodity_names[i],
                "elements": chain.commodity_elements[i],
            }
            for i, c in enumerate(C)
        ],
        "sectors": [
            {"sector": s, "name": n, "unit": u}
            for s, n, u in zip(S, chain.sector_names, chain.sector_units, strict=True)
        ],
    }
    tables["processes"] = [
        _with_source(
            {
                "process": p,
                "year": chain.year,
                "region": R[chain.process_region[i]],
                "stage": chain.stages[chain.process_stage[i]],
                "technology": chain.process_technology[i],
                "recipe": chain.recipes[chain.process_recipe[i]],
                "capacity_per_year": float(chain.capacity_per_year[i]),
                "activity_per_year": float(chain.activity_per_year[i]),
                "max_utilisation": float(chain.max_utilisation[i]),
                "ramp_rate_per_month": float(chain.ramp_rate_per_month[i]),
                "owner": chain.process_owner[i],
                "status": chain.process_status[i],
                "start_year": None
                if chain.process_start_year[i] < 0
                else int(chain.process_start_year[i]),
            },
            src["processes"][i],
        )
        for i, p in enumerate(chain.processes)
    ]
    tables["recipes"] = [
        _with_source(
            {
                "recipe": chain.recipes[q],
                "commodity": C[c],
                "role": "output" if role else "input",
                "quantity_per_unit": float(chain.recipe_quantity[i]),
            },
            src["recipes"][i],
        )
        for i, (q, c, role) in enumerate(chain.recipe_entries)
    ]
    tables["trade"] = [
        _with_source(
            {
                "year": chain.year,
                "commodity": C[chain.link_commodity[i]],
                "exporter": R[chain.link_exporter[i]],
                "importer": R[chain.link_importer[i]],
                "quantity_per_year": float(chain.link_flow_per_year[i]),
            },
            src["trade"][i],
        )
        for i in range(len(chain.link_flow_per_year))
    ]
    tables["end_uses"] = [
        _with_source(
            {
                "sector": S[s],
                "region": R[r],
                "year": chain.year,
                "output_per_year": float(chain.output_per_year[s, r]),
                "value_usd_per_unit": float(chain.value_usd_per_unit[s, r]),
                "jobs_per_unit": float(chain.jobs_per_unit[s, r]),
            },
            src["end_uses"][i],
        )
        for i, (s, r) in enumerate(chain.end_use_entries)
    ]
    tables["intensities"] = [
        _with_source(
            {"sector": S[s], "commodity": C[c], "quantity_per_unit": float(chain.intensity[s, c])},
            src["intensities"][i],
        )
        for i, (s, c) in enumerate(chain.intensity_entries)
    ]
    tables["inventories"] = [
        _with_source(
            {
                "region": R[r],
                "commodity": C[c],
                "target_days": float(chain.inventory_target_days[r, c]),
                "restoration_months": float(chain.inventory_restoration_months[r, c]),
            },
            src["inventories"][i],
        )
        for i, (r, c) in enumerate(chain.inventory_entries)
    ]
    tables["stockpiles"] = [
        _with_source(
            {
                "holder": R[chain.stockpile_holder[i]],
                "commodity": C[chain.stockpile_commodity[i]],
                "quantity": float(chain.stockpile_quantity[i]),
                "max_release_per_month": float(chain.stockpile_max_release_per_month[i]),
            },
            src["stockpiles"][i],
        )
        for i in range(len(chain.stockpile_quantity))
    ]
    tables["prices"] = [
        _with_source(
            {
                "commodity": c,
                "year": int(chain.price_year[i]),
                "price_usd_per_kg": float(chain.price_usd_per_kg[i]),
            },
            src["prices"][i],
        )
        for i, c in enumerate(C)
    ]
    tables["elasticities"] = [
        _with_source(
            {
                "commodity": c,
                "elasticity": float(chain.elasticity[i]),
                "price_cap_multiple": float(chain.price_cap_multiple[i]),
            },
            src["elasticities"][i],
        )
        for i, c in enumerate(C)
    ]
    tables["residuals"] = [
        _with_source(
            {
                "year": chain.year,
                "region": R[chain.residual_region[i]],
                "commodity": C[chain.residual_commodity[i]],
                "kind": chain.residual_kind[i],
                "quantity_per_year": float(chain.residual_quantity[i]),
            },
            src["residuals"][i],
        )
        for i in range(len(chain.residual_quantity))
    ]
    tables["pipeline"] = [row.model_dump(mode="json") for row in chain.pipeline]
    return tables
