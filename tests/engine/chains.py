"""Tiny chains for engine tests: built from plain records, balanced by construction.

``make_chain`` turns a compact description into a compiled :class:`~reechain.chain.Chain`
(rows go through the dataset's row models; every row is marked as a test figure).
``random_chains`` is a hypothesis strategy of small balanced chains: 2–3 regions, stages
mine → refine → make → use, one ore, two co-produced oxides, one product, two sectors.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

from reechain.chain import Chain, compile_chain
from reechain.data.dataset import Dataset, DatasetMeta
from reechain.data.tables import TABLES_BY_NAME
from reechain.engine.market import MarketParameters

BASE_YEAR = 2024
STATIC = MarketParameters(
    cover_horizon_months=1.0,
    elasticity_scale=1.0,
    heavy_elasticity_scale=1.0,
    magnet_elasticity_scale=1.0,
    adjustment=1.0,
    precaution=0.0,
    wedge=0.0,
    coproduct_linkage=0.0,
)
"""The price step reduced to the first rule, P = P₀ × min(1, A/U)^(1/ε), where users hold no
stock: the price clears at once, no precaution, no wedge, no co-product linkage (the hand-
worked examples of the other rules use it; the price step's own examples vary it)."""
SOURCE = {"source": "reechain engine tests (made-up numbers)", "confidence": "high"}
REGIONS = ("CHN", "JPN", "USA")


def make_chain(
    *,
    regions: tuple[str, ...],
    stages: tuple[str, ...],
    commodities: dict[str, str],
    sectors: tuple[str, ...] = (),
    recipes: list[tuple[str, str, str, float]] = (),  # type: ignore[assignment]
    processes: list[dict[str, Any]] = (),  # type: ignore[assignment]
    trade: list[tuple[str, str, str, float]] = (),  # type: ignore[assignment]
    end_uses: list[tuple[str, str, float]] = (),  # type: ignore[assignment]
    intensities: list[tuple[str, str, float]] = (),  # type: ignore[assignment]
    inventories: list[tuple[str, str, float, float]] = (),  # type: ignore[assignment]
    stockpiles: list[tuple[str, str, float, float]] = (),  # type: ignore[assignment]
    prices: dict[str, float] | None = None,
    elasticity: float | dict[str, float] = -0.5,
    price_cap: float = 10.0,
    residuals: list[tuple[str, str, float]] = (),  # type: ignore[assignment]
    groups: dict[str, tuple[str, ...]] | None = None,
    value: float = 100.0,
    jobs: float = 0.01,
) -> Chain:
    """Return the compiled chain of a compact description (numbers per year)."""
    y = BASE_YEAR
    rows: dict[str, list[dict[str, Any]]] = {
        "regions": [{"region": r, "name": r} for r in regions],
        "groups": [
            {"group": g, "region": r} for g, members in (groups or {}).items() for r in members
        ],
        "stages": [{"stage": s, "order": i} for i, s in enumerate(stages)],
        "commodities": [{"commodity": c, "stage": s, "unit": "t"} for c, s in commodities.items()],
        "sectors": [{"sector": s, "unit": "units"} for s in sectors],
        "recipes": [
            {"recipe": q, "commodity": c, "role": role, "quantity_per_unit": x, **SOURCE}
            for q, c, role, x in recipes
        ],
        "processes": [
            {
                "year": y,
                "technology": "",
                "owner": "",
                "status": "operating",
                "max_utilisation": 1.0,
                "ramp_rate_per_month": 0.05,
                **SOURCE,
                **p,
            }
            for p in processes
        ],
        "trade": [
            {
                "year": y,
                "commodity": c,
                "exporter": e,
                "importer": i,
                "quantity_per_year": q,
                **SOURCE,
            }
            for c, e, i, q in trade
        ],
        "end_uses": [
            {
                "sector": s,
                "region": r,
                "year": y,
                "output_per_year": q,
                "value_usd_per_unit": value,
                "jobs_per_unit": jobs,
                **SOURCE,
            }
            for s, r, q in end_uses
        ],
        "intensities": [
            {"sector": s, "commodity": c, "quantity_per_unit": q, **SOURCE}
            for s, c, q in intensities
        ],
        "inventories": [
            {"region": r, "commodity": c, "target_days": d, "restoration_months": m, **SOURCE}
            for r, c, d, m in inventories
        ],
        "stockpiles": [
            {"holder": r, "commodity": c, "quantity": q, "max_release_per_month": m, **SOURCE}
            for r, c, q, m in stockpiles
        ],
        "prices": [
            {"commodity": c, "year": y, "price_usd_per_kg": (prices or {}).get(c, 10.0), **SOURCE}
            for c in commodities
        ],
        "elasticities": [
            {
                "commodity": c,
                "elasticity": elasticity if isinstance(elasticity, float) else elasticity[c],
                "price_cap_multiple": price_cap,
                **SOURCE,
            }
            for c in commodities
        ],
        "residuals": [
            {
                "year": y,
                "region": r,
                "commodity": c,
                "kind": "stock_change",
                "quantity_per_year": q,
                **SOURCE,
            }
            for r, c, q in residuals
        ],
    }
    tables = {
        name: tuple(TABLES_BY_NAME[name].model.model_validate(r) for r in records)
        for name, records in rows.items()
    }
    lines = {name: tuple(range(2, 2 + len(t))) for name, t in tables.items()}
    meta = DatasetMeta(name="tiny", base_year=y)
    return compile_chain(Dataset(meta, tables, lines, "tests"))


def month(t: int) -> str:
    """Return engine month ``t`` of the test chains as YYYY-MM (month 0 = 2025-01)."""
    return f"{BASE_YEAR + 1 + t // 12}-{t % 12 + 1:02d}"


@st.composite
def random_chains(draw: st.DrawFn, inventories: bool = True, price_cap: float = 10.0) -> Chain:
    """Small balanced chains: mine → refine (co-production) → make → use, 2–3 regions.

    ``inventories=False`` gives every user inventory a target of 0 days; ``price_cap=1``
    keeps every price at P₀ (no demand response).
    """
    n = draw(st.integers(2, 3))
    regions = REGIONS[:n]
    pos = st.floats(0.5, 5.0)
    w = st.integers(0, 4)
    yield_a = draw(st.floats(0.2, 0.8))
    per_product = draw(st.floats(0.5, 2.0))
    # end use: sector s1 uses product, s2 uses oxide B
    end_uses, out1, out2 = [], [], []
    for r in regions:
        a, b = float(draw(st.integers(0, 100))), float(draw(st.integers(0, 100)))
        out1.append(a)
        out2.append(b)
        if a > 0:
            end_uses.append(("s1", r, a))
        if b > 0:
            end_uses.append(("s2", r, b))
    if sum(out1) <= 0 or sum(out2) <= 0:
        end_uses = [("s1", regions[0], 50.0), ("s2", regions[-1], 40.0)]
        out1 = [50.0] + [0.0] * (n - 1)
        out2 = [0.0] * (n - 1) + [40.0]
    i1, i2 = draw(pos), draw(pos)
    use = {c: np.zeros(n) for c in ("ore", "oxA", "oxB", "prod")}
    use["prod"] += np.array(out1) * i1
    use["oxB"] += np.array(out2) * i2

    def split(total: float) -> np.ndarray:
        weights = np.array([float(draw(w)) for _ in regions])
        if weights.sum() <= 0:
            weights[draw(st.integers(0, n - 1))] = 1.0
        return total * weights / weights.sum()

    processes, production = [], {c: np.zeros(n) for c in use}
    make = split(use["prod"].sum())
    for k, r in enumerate(regions):
        if make[k] > 0:
            processes.append(_process(f"{r}_make", r, "make", "making", make[k], draw))
    production["prod"] = make
    use["oxA"] += make * per_product
    refine_total = max(use["oxA"].sum() / yield_a, use["oxB"].sum() / (1 - yield_a))
    refine_total *= 1 + draw(st.floats(0, 0.2))
    refine = split(refine_total)
    for k, r in enumerate(regions):
        if refine[k] > 0:
            processes.append(_process(f"{r}_refine", r, "refine", "refining", refine[k], draw))
    production["oxA"] = refine * yield_a
    production["oxB"] = refine * (1 - yield_a)
    use["ore"] += refine
    mine = split(use["ore"].sum())
    for k, r in enumerate(regions):
        if mine[k] > 0:
            processes.append(_process(f"{r}_mine", r, "mine", "mining", mine[k], draw))
    production["ore"] = mine

    trade, residuals = [], []
    for c in use:
        excess = production[c].sum() - use[c].sum()
        stock = production[c] * excess / production[c].sum() if excess > 0 else np.zeros(n)
        for k, r in enumerate(regions):
            if stock[k] > 1e-12:
                residuals.append((r, c, float(stock[k])))
        net = production[c] - stock - use[c]
        surplus, deficit = np.maximum(net, 0), np.maximum(-net, 0)
        if deficit.sum() <= 0:
            continue
        for i in range(n):
            for j in range(n):
                q = surplus[i] * deficit[j] / deficit.sum()
                if i != j and q > 1e-12:
                    trade.append((c, regions[i], regions[j], float(q)))
    stocks = (
        [
            (r, c, draw(st.sampled_from([0.0, 15.0, 45.0])), draw(st.sampled_from([1.0, 3.0])))
            for r in regions
            for c in ("oxA", "prod")
        ]
        if inventories
        else []
    )
    chain = make_chain(
        regions=regions,
        stages=("mine", "refine", "make", "use"),
        commodities={"ore": "mine", "oxA": "refine", "oxB": "refine", "prod": "make"},
        sectors=("s1", "s2"),
        recipes=[
            ("mining", "ore", "output", 1.0),
            ("refining", "ore", "input", 1.0),
            ("refining", "oxA", "output", yield_a),
            ("refining", "oxB", "output", 1 - yield_a),
            ("making", "oxA", "input", per_product),
            ("making", "prod", "output", 1.0),
        ],
        processes=processes,
        trade=trade,
        end_uses=end_uses,
        intensities=[("s1", "prod", i1), ("s2", "oxB", i2)],
        inventories=stocks,
        prices={"ore": 2.0, "oxA": 30.0, "oxB": 5.0, "prod": 80.0},
        elasticity=draw(st.sampled_from([-0.3, -0.5, -1.0])),
        residuals=residuals,
        price_cap=price_cap,
        groups={"partners": regions[1:]},
    )
    return chain


def _process(
    name: str, region: str, stage: str, recipe: str, activity: float, draw: st.DrawFn
) -> dict[str, Any]:
    utilisation = draw(st.floats(0.6, 1.0))
    return {
        "process": name,
        "region": region,
        "stage": stage,
        "recipe": recipe,
        "capacity_per_year": activity / utilisation,
        "activity_per_year": activity,
        "max_utilisation": 1.0,
        "ramp_rate_per_month": draw(st.sampled_from([0.0, 0.05, 0.2])),
    }
