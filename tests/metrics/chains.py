"""Tiny hand-checkable chains for the metrics tests, written as dataset folders."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import reechain
from reechain.chain import Chain

SOURCE = {"source": "test chain", "confidence": "high"}


def _write(folder: Path, name: str, rows: Sequence[dict[str, object]]) -> None:
    if not rows:
        return
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_chain(
    folder: Path,
    *,
    regions: Sequence[tuple[str, str]],
    stages: Sequence[str],
    commodities: Sequence[tuple[str, str, str]],
    recipes: Sequence[tuple[str, str, str, float]],
    processes: Sequence[tuple[str, str, str, str, float]],
    trade: Sequence[tuple[str, str, str, float]] = (),
    residuals: Sequence[tuple[str, str, float]] = (),
    groups: Sequence[tuple[str, str]] = (),
    residual_kind: str = "stock_change",
    year: int = 2024,
) -> Path:
    """Write a dataset folder: regions (code, kind), commodities (code, stage, elements),
    recipes (recipe, commodity, role, qty), processes (code, region, stage, recipe,
    activity), trade (commodity, exporter, importer, qty), residuals (region, commodity,
    qty, of ``residual_kind``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dataset.toml").write_text(
        f'name = "tiny"\ntitle = "tiny test chain"\nbase_year = {year}\n', encoding="utf-8"
    )
    _write(folder, "regions", [{"region": r, "name": r, "kind": k} for r, k in regions])
    _write(folder, "groups", [{"group": g, "region": r} for g, r in groups])
    _write(folder, "stages", [{"stage": s, "order": i, "name": s} for i, s in enumerate(stages)])
    _write(
        folder,
        "commodities",
        [
            {"commodity": c, "stage": s, "unit": "t_REO", "name": c, "elements": e}
            for c, s, e in commodities
        ],
    )
    _write(
        folder,
        "recipes",
        [
            {"recipe": q, "commodity": c, "role": role, "quantity_per_unit": x, **SOURCE}
            for q, c, role, x in recipes
        ],
    )
    _write(
        folder,
        "processes",
        [
            {
                "process": p,
                "year": year,
                "region": r,
                "stage": s,
                "recipe": q,
                "capacity_per_year": a * 2 + 1,
                "activity_per_year": a,
                "max_utilisation": 1,
                "ramp_rate_per_month": 0.1,
                "status": "operating",
                **SOURCE,
            }
            for p, r, s, q, a in processes
        ],
    )
    _write(
        folder,
        "trade",
        [
            {
                "year": year,
                "commodity": c,
                "exporter": e,
                "importer": i,
                "quantity_per_year": x,
                **SOURCE,
            }
            for c, e, i, x in trade
        ],
    )
    _write(
        folder,
        "residuals",
        [
            {
                "year": year,
                "region": r,
                "commodity": c,
                "kind": residual_kind,
                "quantity_per_year": x,
                **SOURCE,
            }
            for r, c, x in residuals
        ],
    )
    _write(
        folder,
        "prices",
        [
            {"commodity": c, "year": year, "price_usd_per_kg": 10, **SOURCE}
            for c, _, _ in commodities
        ],
    )
    _write(
        folder,
        "elasticities",
        [
            {"commodity": c, "elasticity": -0.3, "price_cap_multiple": 10, **SOURCE}
            for c, _, _ in commodities
        ],
    )
    return folder


def closing_residuals(
    production: dict[tuple[str, str], float],
    trade: Sequence[tuple[str, str, str, float]],
    use: dict[tuple[str, str], float] | None = None,
) -> list[tuple[str, str, float]]:
    """Return stock-change residuals that balance every (region, commodity)."""
    net: dict[tuple[str, str], float] = dict(production)
    for c, e, i, x in trade:
        net[(e, c)] = net.get((e, c), 0.0) - x
        net[(i, c)] = net.get((i, c), 0.0) + x
    for key, x in (use or {}).items():
        net[key] = net.get(key, 0.0) - x
    return [(r, c, x) for (r, c), x in net.items() if abs(x) > 1e-12]


def one_stage_chain(folder: Path) -> Chain:
    """CHN mines 60, AUS 30, ROW 10; JPN imports 30 from CHN and 10 from AUS."""
    trade = [("ore", "CHN", "JPN", 30.0), ("ore", "AUS", "JPN", 10.0)]
    production = {("CHN", "ore"): 60.0, ("AUS", "ore"): 30.0, ("ROW", "ore"): 10.0}
    write_chain(
        folder,
        regions=[("CHN", "country"), ("AUS", "country"), ("JPN", "country"), ("ROW", "aggregate")],
        stages=["mine", "use"],
        commodities=[("ore", "mine", "La Ce")],
        recipes=[("mining", "ore", "output", 1.0)],
        processes=[
            ("CHN_mine", "CHN", "mine", "mining", 60.0),
            ("AUS_mine", "AUS", "mine", "mining", 30.0),
            ("ROW_mine", "ROW", "mine", "mining", 10.0),
        ],
        trade=trade,
        residuals=closing_residuals(production, trade),
    )
    return reechain.compile_chain(reechain.load_dataset(folder))
