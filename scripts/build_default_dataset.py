"""Build reechain's bundled ``default`` dataset from the sourced inputs in ``data-raw/default``.

The inputs are tables of published figures and labelled assumptions, each row with its source
(``sources.csv`` holds publisher, year and address by key). This script derives every other
number, so that anyone can trace a figure to its inputs and regenerate the bundled CSVs:

- separation recipes from published deposit distributions (normalised to 1), metal recipes
  from stoichiometry and a yield, blank-basis magnet intensities from finished-magnet ones;
- China's process activities from its quotas and imported feed, metal activities from the
  magnet makers' needs and sourcing shares;
- sintered magnets in four grades: sectors' magnet mass split by grade (magnet_grades.csv),
  plants split by their home users' grade mix (China: the world's);
- trade: concentrate routes (MP's reported sales to China, customs_trade.csv); China's
  customs-reported magnet exports to Japan, the US, Germany and Korea (magnet_customs.csv)
  first (beyond an importer's use they go to its residual, and no one's push to it is then
  capped at that use); other
  customs-reported oxide flows (US imports by origin, EU imports from Malaysia) next; then
  each non-Chinese producer serves its own users and offers its surplus to named partners
  (capped by their need); China fills the remaining needs only within its customs-reported
  exports (method customs-bulk-shortfall-v1: a shortfall falls on La and Ce oxide); metals
  follow the importers' sourcing shares;
- residual rows: whatever production + imports − use − exports leaves, per region,
  commodity and year, so the baseline balances exactly and the gap is visible.

Run ``python scripts/build_default_dataset.py`` to rewrite ``src/reechain/data/bundled/default``
(``--out PATH`` writes elsewhere). The output is byte-for-byte deterministic.
"""

from __future__ import annotations

import argparse
import csv
import runpy
from collections import defaultdict
from pathlib import Path
from typing import Any

from reechain.data.writers import write_dataset

ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = ROOT / "data-raw" / "default"
OUT_DIR = ROOT / "src" / "reechain" / "data" / "bundled" / "default"
YEARS = (2023, 2024)
BASE_YEAR = 2024
META = {
    "name": "default",
    "title": "reechain default rare-earth chain, base year 2024",
    "base_year": BASE_YEAR,
    "version": "1",
    "description": (
        "Mine to end use for the 16 rare earths in commerce (17 less Pm), 21 regions, 2023 and "
        "2024. Built by scripts/build_default_dataset.py from the sourced inputs in "
        "data-raw/default; every row names its source and confidence, derived rows their "
        "method, assumptions their bounds. Nd and Pr are modelled as separate oxides; NdPr "
        "metal is made from both (75:25)."
    ),
}
SEP_METAL = {"NdPr_metal": "ndpr", "Dy_metal": "dy", "Tb_metal": "tb", "Sm_metal": "sm"}
GRADE_RECIPES = {
    "NdFeB_sintered_lowdy": "ndfeb_sintering_lowdy",
    "NdFeB_sintered": "ndfeb_sintering",
    "NdFeB_sintered_highdy": "ndfeb_sintering_highdy",
    "NdFeB_sintered_gbd": "ndfeb_sintering_gbd",
}
MAGNET_RECIPES = {*GRADE_RECIPES.values(), "ndfeb_bonding", "smco_making"}
SWARF_BASIS = "swarf_average_blank"
CHINA = "CHN"
BULK = ("La2O3", "CeO2")
"""Oxides whose unmet need absorbs a shortfall of customs-reported exports."""
Record = dict[str, Any]
Balance = dict[tuple[str, str], float]


def read_csv(path: Path) -> list[dict[str, str]]:
    """Return the rows of a CSV file as dicts of stripped text, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def num(text: str) -> float | None:
    """Return ``text`` as a float, or None when it is empty."""
    return float(text) if text else None


def process_row(
    process: str,
    region: str,
    stage: str,
    technology: str,
    recipe: str,
    owner: str,
    status: str,
    start_year: int | str | None,
) -> Record:
    """Return the structural columns of a process row (start year None when unknown)."""
    start = int(start_year) if start_year else None
    return {
        "process": process,
        "region": region,
        "stage": stage,
        "technology": technology,
        "recipe": recipe,
        "owner": owner,
        "status": status,
        "start_year": start,
    }


class Builder:
    """Assembles the dataset tables year by year from the raw inputs.

    Parameters
    ----------
    raw_dir
        Folder of the sourced input tables (``data-raw/default``).
    """

    def __init__(self, raw_dir: Path) -> None:
        self.raw = {p.stem: read_csv(p) for p in sorted(raw_dir.glob("*.csv"))}
        self.sources = {s["key"]: s for s in self.raw["sources"]}
        self.assume = {a["name"]: a for a in self.raw["assumptions"]}
        self.stage_of = {c["commodity"]: c["stage"] for c in self.raw["commodities"]}
        self.tables: dict[str, list[Record]] = {
            name: [dict(r) for r in self.raw[name]]
            for name in ("regions", "groups", "stages", "commodities", "sectors")
        }
        for name in ("processes", "recipes", "trade", "end_uses", "intensities"):
            self.tables[name] = []
        for name in ("inventories", "stockpiles", "prices", "elasticities", "residuals"):
            self.tables[name] = []
        self.recipe_io: dict[str, list[tuple[str, str, float]]] = defaultdict(list)

    # --- provenance helpers ------------------------------------------------------------

    def prov(
        self,
        key: str,
        note: str,
        confidence: str,
        method: str = "",
        lower: float | None = None,
        upper: float | None = None,
    ) -> Record:
        """Return the provenance columns for a row citing source ``key``."""
        src = self.sources[key]
        return {
            "source": src["source"],
            "source_year": int(src["source_year"]),
            "url": src["url"],
            "note": note,
            "confidence": confidence,
            "method": method,
            "lower": lower,
            "upper": upper,
        }

    def prov_of(self, row: dict[str, str], **override: Any) -> Record:
        """Return the provenance of a raw input row, with fields overridden."""
        out = self.prov(
            row["source_key"],
            row.get("note", ""),
            row.get("confidence", "high") or "high",
            row.get("method", ""),
            num(row.get("lower", "")),
            num(row.get("upper", "")),
        )
        out.update(override)
        return out

    def value(self, name: str) -> float:
        """Return the value of assumption ``name`` (assumptions.csv)."""
        return float(self.assume[name]["value"])

    def bounds(self, name: str) -> tuple[float, float]:
        """Return the (lower, upper) bounds of assumption ``name``."""
        row = self.assume[name]
        return float(row["lower"]), float(row["upper"])

    # --- recipes -----------------------------------------------------------------------

    def add_recipe_row(self, recipe: str, commodity: str, role: str, q: float, p: Record) -> None:
        """Add one recipe row and remember it for the balance arithmetic."""
        self.tables["recipes"].append(
            {"recipe": recipe, "commodity": commodity, "role": role, "quantity_per_unit": q, **p}
        )
        self.recipe_io[recipe].append((commodity, role, q))

    def build_recipes(self) -> None:
        """Mining, separation (deposit splits), scandium, metal and magnet recipes."""
        for deposit in ("bayan_obo", "bastnaesite", "monazite", "ionic_clay", "loparite"):
            self.add_recipe_row(
                f"mine_{deposit}",
                f"conc_{deposit}",
                "output",
                1.0,
                self.prov("reechain_assumption", "one t REO of concentrate per unit", "high"),
            )
        profiles: dict[str, dict[str, tuple[float, bool, str]]] = defaultdict(dict)
        for row in self.raw["deposit_splits"]:
            profiles[row["profile"]][row["commodity"]] = (
                float(row["percent"]),
                row["trace_assumed"] == "true",
                row["note"],
            )
        feed = self.value("separation_feed_per_oxide")
        lo, hi = self.bounds("separation_feed_per_oxide")
        self.kept: dict[str, float] = {}
        for sep in self.raw["separation_recipes"]:
            recipe = sep["recipe"]
            if sep["profile"] == "ionic_blend":
                self.add_feed_row(recipe, sep["feed"], feed, lo, hi, 1.0, "")
                self._blend_recipe(recipe, profiles["longnan"], profiles["xunwu"])
                continue
            # oxides the plants of this recipe leave unseparated in a mixed compound (e.g.
            # Lynas's SEGH) are not outputs: the shares are those of the separated oxides,
            # and the feed per t of separated oxide grows by 1 ÷ their share of the feed
            unseparated = set(sep["unseparated"].split())
            whole = profiles[sep["profile"]]
            profile = {c: v for c, v in whole.items() if c not in unseparated}
            total = sum(p for p, _, _ in profile.values())
            kept = total / sum(p for p, _, _ in whole.values())
            self.kept[recipe] = kept
            self.add_feed_row(recipe, sep["feed"], feed, lo, hi, kept, sep["note"])
            for commodity, (percent, trace, note) in profile.items():
                share = percent / total
                method = f"{percent} % ÷ {total:g} % ({sep['profile']} distribution summed)"
                if unseparated:
                    method = (
                        f"{percent} % ÷ {total:g} % ({sep['profile']} distribution summed "
                        f"over the separated oxides)"
                    )
                    note = f"{note}; {sep['note']}"
                if trace:
                    p = self.prov("castor_hedrick", note, "low", method, share / 3, share * 3)
                else:
                    p = self.prov("castor_hedrick", note, "medium", method)
                self.add_recipe_row(recipe, commodity, "output", share, p)
        self.add_recipe_row(
            "sc_byproduct",
            "Sc2O3",
            "output",
            1.0,
            self.prov(
                "usgs_sc", "Sc2O3 recovered as a by-product (feed outside the chain)", "high"
            ),
        )
        for row in self.raw["metal_recipes"]:
            yld = self.value("metal_reduction_yield")
            y_lo, y_hi = self.bounds("metal_reduction_yield")
            stoich = float(row["element_share"]) * float(row["oxide_per_element"])
            q = stoich / yld
            method = (
                f"{row['element_share']} (element share of metal) × {row['oxide_per_element']} "
                f"(t oxide per t element) ÷ {yld} (reduction yield)"
            )
            p = self.prov(
                row["source_key"], row["note"], "low", method, stoich / y_hi, stoich / y_lo
            )
            self.add_recipe_row(row["recipe"], row["oxide"], "input", q, p)
        for recipe, metal in (
            ("ndpr_reduction", "NdPr_metal"),
            ("dy_reduction", "Dy_metal"),
            ("tb_reduction", "Tb_metal"),
            ("sm_reduction", "Sm_metal"),
        ):
            p = self.prov("reechain_assumption", "one t of metal per unit of activity", "high")
            self.add_recipe_row(recipe, metal, "output", 1.0, p)
        self.swarf_basis: list[tuple[str, float]] = []
        for row in self.raw["magnet_recipes"]:
            q = float(row["quantity_per_unit"])
            if row["recipe"] == SWARF_BASIS:
                self.swarf_basis.append((row["commodity"], q))
                continue
            self.add_recipe_row(row["recipe"], row["commodity"], row["role"], q, self.prov_of(row))
        self.build_swarf_recipe()

    def add_feed_row(
        self, recipe: str, feed: str, q: float, lo: float, hi: float, kept: float, why: str
    ) -> None:
        """Add the concentrate input of a separation recipe: ``q`` t feed per t oxide ÷
        ``kept``, the share of the feed's REO separated (no row when the feed is outside
        the chain)."""
        if not feed:
            return
        row = self.assume["separation_feed_per_oxide"]
        p = self.prov_of(row, lower=lo, upper=hi)
        if kept < 1:
            method = (
                f"{row['value']} t feed per t oxide ÷ {kept:.6g} (share of the feed's REO "
                f"separated; the rest leaves unseparated: {why})"
            )
            p = self.prov_of(row, method=method, lower=lo / kept, upper=hi / kept)
        self.add_recipe_row(recipe, feed, "input", q / kept, p)

    def build_swarf_recipe(self) -> None:
        """Recycling of magnet-making swarf: oxides in the proportions of the average sintered
        blank (``swarf_average_blank`` rows of magnet_recipes.csv: swarf of all grades mixed)."""
        oxide_per_metal: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for row in self.raw["metal_recipes"]:
            stoich = float(row["element_share"]) * float(row["oxide_per_element"])
            oxide_per_metal[row["metal"]].append((row["oxide"], stoich))
        content: dict[str, float] = defaultdict(float)
        for metal, q in self.swarf_basis:
            for oxide, stoich in oxide_per_metal[metal]:
                content[oxide] += q * stoich
        self.swarf_oxide_per_blank = sum(content.values())
        for oxide, q in content.items():
            method = (
                f"{q:.6g} t {oxide} per t blank (average blank × oxide per metal) ÷ "
                f"{self.swarf_oxide_per_blank:.6g} t oxide per t blank"
            )
            note = "oxide split of recycled swarf = composition of a sintered blank"
            p = self.prov("reechain_derived", note, "medium", method)
            self.add_recipe_row(
                "swarf_recycling", oxide, "output", q / self.swarf_oxide_per_blank, p
            )

    def _blend_recipe(
        self,
        recipe: str,
        heavy: dict[str, tuple[float, bool, str]],
        light: dict[str, tuple[float, bool, str]],
    ) -> None:
        """Ion-adsorption split: a blend of HREE-rich and LREE-rich clay distributions."""
        w = self.value("ionic_hree_share")
        h_total = sum(p for p, _, _ in heavy.values())
        l_total = sum(p for p, _, _ in light.values())
        for commodity in heavy:
            h, l_ = heavy[commodity][0] / h_total, light[commodity][0] / l_total
            share = w * h + (1 - w) * l_
            method = (
                f"{w} × Longnan {heavy[commodity][0]} % ÷ {h_total:g} + {1 - w:g} × Xunwu "
                f"{light[commodity][0]} % ÷ {l_total:g} (ionic_hree_share blend)"
            )
            note = "ion-adsorption clay split: blend of published HREE- and LREE-rich distributions"
            p = self.prov("castor_hedrick", note, "low", method, min(h, l_), max(h, l_))
            self.add_recipe_row(recipe, commodity, "output", share, p)

    def build_intensities(self) -> None:
        """Intensities; magnet intensities given per finished magnet go to blank basis."""
        y = self.value("magnet_machining_yield")
        y_lo, y_hi = self.bounds("magnet_machining_yield")
        self.intensity: dict[str, list[tuple[str, float]]] = defaultdict(list)
        grades: dict[str, list[dict[str, str]]] = defaultdict(list)
        for g in self.raw["magnet_grades"]:
            grades[g["sector"]].append(g)
        for row in self.raw["intensities"]:
            if row["commodity"] == "NdFeB_sintered":
                for g in grades[row["sector"]]:
                    self.add_grade_intensity(row, g, y, y_lo, y_hi)
                continue
            q = float(row["quantity_per_unit"])
            p = self.prov_of(row)
            if row["blank_basis"] == "true":
                lo = num(row["lower"]) or q
                hi = num(row["upper"]) or q
                method = f"{q:g} t finished magnet per unit ÷ {y} (machining yield, blank basis)"
                p = self.prov_of(
                    row, confidence="low", method=method, lower=lo / y_hi, upper=hi / y_lo
                )
                q = q / y
            self.tables["intensities"].append(
                {
                    "sector": row["sector"],
                    "commodity": row["commodity"],
                    "quantity_per_unit": q,
                    **p,
                }
            )
            self.intensity[row["sector"]].append((row["commodity"], q))

    def add_grade_intensity(
        self, row: dict[str, str], g: dict[str, str], y: float, y_lo: float, y_hi: float
    ) -> None:
        """Add the intensity of one sintered grade: sector magnet mass × the grade's share."""
        q, share = float(row["quantity_per_unit"]), float(g["share"])
        s_lo = num(g["lower"]) if g["lower"] else share
        s_hi = num(g["upper"]) if g["upper"] else share
        lo = (num(row["lower"]) or q) * (s_lo or 0.0) / y_hi
        hi = (num(row["upper"]) or q) * (s_hi or 0.0) / y_lo
        method = (
            f"{q:g} t finished sintered NdFeB per unit ({row['note']}; {row['source_key']}) "
            f"× {share:g} ({g['commodity']} share: {g['note']}) ÷ {y} (machining yield, "
            "blank basis)"
        )
        p = self.prov_of(g, confidence="low", method=method, lower=lo, upper=hi)
        qty = q * share / y
        self.tables["intensities"].append(
            {"sector": row["sector"], "commodity": g["commodity"], "quantity_per_unit": qty, **p}
        )
        self.intensity[row["sector"]].append((g["commodity"], qty))

    def inputs_of(self, recipe: str) -> list[tuple[str, float]]:
        """Return (commodity, quantity) inputs per unit of activity of ``recipe``."""
        return [(c, q) for c, role, q in self.recipe_io[recipe] if role == "input"]

    def outputs_of(self, recipe: str) -> list[tuple[str, float]]:
        """Return (commodity, quantity) outputs per unit of activity of ``recipe``."""
        return [(c, q) for c, role, q in self.recipe_io[recipe] if role == "output"]


class YearBuilder:
    """Derives one year's processes, end uses, trade and residuals into the builder's tables.

    Parameters
    ----------
    b
        The builder holding the raw inputs, the recipes and the output tables.
    year
        The year to derive.
    """

    def __init__(self, b: Builder, year: int) -> None:
        self.b, self.year = b, year
        self.production: Balance = defaultdict(float)
        self.use: Balance = defaultdict(float)
        self.imports: Balance = defaultdict(float)
        self.exports: Balance = defaultdict(float)
        self.trade: dict[tuple[str, str, str], Record] = {}
        self.util = {(u["stage"], u["region"]): u for u in b.raw["utilisation"]}
        self.regions = [r["region"] for r in b.raw["regions"]]
        self.commodities = [c["commodity"] for c in b.raw["commodities"]]

    def rows(self, table: str) -> list[dict[str, str]]:
        """Return the raw rows of ``table`` for this year."""
        return [r for r in self.b.raw[table] if int(r["year"]) == self.year]

    def build(self) -> None:
        """Derive the whole chain of this year, upstream to downstream, then close it."""
        self.build_mines()
        self.build_separation()
        self.build_end_uses()
        self.build_magnets_and_metals()
        self.balance_stage("separate", "oxide_push")
        self.balance_stage("magnet", "magnet_push")
        self.b.tables["trade"].extend(self.trade.values())
        self.close_balances()

    # --- processes ------------------------------------------------------------------

    def add_process(self, row: Record, activity: float, capacity: float | None, p: Record) -> None:
        """Add a process row (capacity from utilisation when not given) and its flows."""
        u = self.util.get((row["stage"], row["region"])) or self.util[(row["stage"], "*")]
        if capacity is None:
            capacity = round(activity / float(u["baseline_utilisation"]), 3)
            p = {
                **p,
                "note": f"{p['note']}; capacity = activity ÷ {u['baseline_utilisation']} "
                f"(assumed baseline utilisation: {u['note']})".lstrip("; "),
            }
        self.b.tables["processes"].append(
            {
                **row,
                "year": self.year,
                "capacity_per_year": capacity,
                "activity_per_year": activity,
                "max_utilisation": float(u["max_utilisation"]),
                "ramp_rate_per_month": float(u["ramp_rate_per_month"]),
                **p,
            }
        )
        for c, q in self.b.outputs_of(row["recipe"]):
            self.production[(row["region"], c)] += activity * q
        for c, q in self.b.inputs_of(row["recipe"]):
            self.use[(row["region"], c)] += activity * q

    def build_mines(self) -> None:
        """Mine processes: USGS output by country; China split by quota and deposit."""
        b = self.b
        quota = {r["kind"]: r for r in self.rows("china_quota")}
        total = float(quota["mining_total"]["quantity_t_reo"])
        ionic = float(quota["mining_ionic"]["quantity_t_reo"])
        split = b.assume["bayan_obo_share_of_rock_quota"]
        rock, share = total - ionic, float(split["value"])
        note = (
            f"China mining quota less the ionic-clay quota, split by the Bayan Obo share "
            f"({split['note']})"
        )
        s_lo, s_hi = b.bounds("bayan_obo_share_of_rock_quota")
        i_lo, i_hi = float(quota["mining_ionic"]["lower"]), float(quota["mining_ionic"]["upper"])
        china = (
            ("bayan_obo", share, s_lo, s_hi, "China Northern Rare Earth (Baotou)"),
            ("bastnaesite", 1 - share, 1 - s_hi, 1 - s_lo, "China Rare Earth Group; Shenghe"),
        )
        for deposit, part, p_lo, p_hi, owner in china:
            method = f"(mining quota {total:g} − ionic quota {ionic:g}) × {part:g}"
            low, up = (total - i_hi) * p_lo, (total - i_lo) * p_hi
            p = b.prov(split["source_key"], note, "low", method, round(low, 3), round(up, 3))
            self.add_mine(CHINA, deposit, round(rock * part, 3), owner, p)
        self.add_mine(
            CHINA,
            "ionic_clay",
            ionic,
            "China Rare Earth Group (southern provinces)",
            b.prov_of(quota["mining_ionic"]),
        )
        for row in self.rows("mine_production"):
            self.add_mine(
                row["region"],
                row["deposit"],
                float(row["quantity_t_reo"]),
                row["owner"],
                b.prov_of(row),
                row["start_year"],
            )

    def add_mine(
        self, region: str, deposit: str, act: float, owner: str, p: Record, start: str = ""
    ) -> None:
        """Add a mining process of ``deposit`` in ``region``."""
        row = process_row(
            f"{region}_mine_{deposit}",
            region,
            "mine",
            deposit,
            f"mine_{deposit}",
            owner,
            "operating",
            start,
        )
        self.add_process(row, act, None, p)

    def build_separation(self) -> None:
        """Concentrate routes, then separation: sourced plants, China and others by feed."""
        b = self.b
        plants = self.rows("separation_plants")
        feed_of = {r["recipe"]: r["feed"] for r in b.raw["separation_recipes"]}
        ratio = b.value("separation_feed_per_oxide")
        sourced: Balance = defaultdict(float)
        for s in plants:
            if s["activity_t"]:
                sourced[(s["region"], feed_of[s["recipe"]])] += float(s["activity_t"]) * ratio
        for route in b.raw["conc_routes"]:
            c, exp = route["commodity"], route["exporter"]
            mine = self.production[(exp, c)]
            base = mine - sourced[(exp, c)] if route["basis"] == "surplus" else mine
            share = float(route["share"])
            q = round(share * base, 3)
            reported = self.customs("concentrate", exp, route["importer"])
            if reported and q > 0:
                sold = float(reported[0]["quantity_t"])
                q = round(min(sold, q), 3)
                method = (
                    f"min({sold:g} t reported ({reported[0]['method']}), {base:g} t "
                    f"{exp} mine output − domestic separation feed); the rest is a stock build"
                )
                self.add_trade(c, exp, route["importer"], q, b.prov_of(reported[0], method=method))
                continue
            if q <= 0:
                continue
            what = "mine output − domestic separation feed" if route["basis"] == "surplus" else ""
            method = f"{share:g} × {base:g} t ({exp} {what or 'mine output'})"
            self.add_trade(c, exp, route["importer"], q, self.scaled(route, q, share, method))
        for s in plants:
            c = feed_of[s["recipe"]]
            row = process_row(
                s["process"],
                s["region"],
                "separate",
                f"solvent extraction ({s['recipe'].removeprefix('sep_')})",
                s["recipe"],
                s["owner"],
                s["status"],
                s["start_year"],
            )
            cap = num(s["capacity_t"])
            # activity and capacity are t of separated oxide: where part of the feed stays
            # unseparated, a reported REO figure (all products) is scaled by the share kept
            kept = b.kept.get(s["recipe"], 1.0) if c else 1.0
            if kept < 1 and cap is not None:
                cap = round(cap * kept, 3)
            if s["activity_t"]:
                if kept < 1:
                    act = round(float(s["activity_t"]) * kept, 3)
                    method = (
                        f"{s['activity_t']} t REO (all products) × {kept:.6g} (share separated; "
                        f"the rest stays mixed); capacity likewise"
                    )
                    self.add_process(row, act, cap, b.prov_of(s, method=method))
                    continue
                self.add_process(row, float(s["activity_t"]), cap, b.prov_of(s))
                continue
            key = (s["region"], c)
            avail = self.production[key] + self.imports[key] - self.exports[key] - sourced[key]
            act = avail / ratio
            method = (
                f"(mine {self.production[key]:g} + imports {self.imports[key]:g} − exports "
                f"{self.exports[key]:g} t of {c}) ÷ {ratio} t feed per t oxide"
            )
            if kept < 1:
                act *= kept
                method = f"{method} × {kept:.6g} (share separated; the rest stays mixed)"
            self.add_process(row, act, cap, b.prov("reechain_derived", s["note"], "medium", method))
        for s in self.rows("scandium"):
            row = process_row(
                s["process"],
                s["region"],
                "separate",
                "by-product recovery",
                "sc_byproduct",
                s["owner"],
                "operating",
                None,
            )
            self.add_process(row, float(s["activity_t"]), float(s["capacity_t"]), b.prov_of(s))

    def scaled(self, raw: dict[str, str], q: float, share: float, method: str) -> Record:
        """Provenance of a flow = share × base: low (bounds scaled) if the share is low."""
        if raw["confidence"] == "low":
            lo, hi = float(raw["lower"]), float(raw["upper"])
            return self.b.prov_of(raw, method=method, lower=q * lo / share, upper=q * hi / share)
        return self.b.prov_of(raw, confidence="medium", method=method, lower=None, upper=None)

    def build_magnets_and_metals(self) -> None:
        """Magnet plants as sourced; metal plants sized to the magnet makers' needs."""
        b = self.b
        plants = self.rows("magnet_plants")
        china = self.rows("china_magnets")[0]
        other = {
            p["process"]: p for p in plants if p["region"] == CHINA and p["activity_t"] != "derived"
        }
        for s in plants:
            row = process_row(
                s["process"],
                s["region"],
                "magnet",
                s["recipe"].split("_")[0],
                s["recipe"],
                s["owner"],
                s["status"],
                s["start_year"],
            )
            if s["activity_t"] == "derived":
                tot = float(china["total_t"])
                t_lo, t_hi = num(china["lower"]) or tot, num(china["upper"]) or tot
                parts = [(k.removeprefix("CHN_magnet_"), o) for k, o in other.items()]
                method = f"China permanent-magnet output {tot:g} − " + " − ".join(
                    f"{name} {float(o['activity_t']):g}" for name, o in parts
                )
                p = b.prov(
                    china["source_key"],
                    s["note"],
                    "low",
                    method,
                    t_lo - sum(float(o["upper"]) for _, o in parts),
                    t_hi - sum(float(o["lower"]) for _, o in parts),
                )
                act = tot - sum(float(o["activity_t"]) for _, o in parts)
                self.add_magnet_plant(row, act, num(s["capacity_t"]), p)
            else:
                act = float(s["activity_t"])
                self.add_magnet_plant(row, act, num(s["capacity_t"]), b.prov_of(s))
        need: Balance = defaultdict(float)
        for proc in b.tables["processes"]:
            if proc["year"] == self.year and proc["recipe"] in MAGNET_RECIPES:
                for c, q in b.inputs_of(proc["recipe"]):
                    need[(proc["region"], c)] += proc["activity_per_year"] * q
        sourcing: dict[str, list[dict[str, str]]] = defaultdict(list)
        for s in b.raw["metal_sourcing"]:
            sourcing[s["importer"]].append(s)
        default = {
            "exporter": CHINA,
            "share": "1",
            "source_key": "reechain_assumption",
            "note": "default: metal from China",
            "confidence": "medium",
        }
        supply: dict[tuple[str, str], list[str]] = defaultdict(list)
        served: Balance = defaultdict(float)
        for (region, metal), q in sorted(need.items(), key=self.order):
            for s in sourcing.get(region, [default]):
                share = float(s["share"])
                part = share * q
                served[(s["exporter"], metal)] += part
                supply[(s["exporter"], metal)].append(f"{region} {share:g} × {q:.6g}")
                if s["exporter"] != region and part > 0:
                    method = f"{share:g} × {region} need {q:.6g} t (magnet output × recipe)"
                    p = (
                        self.scaled(s, part, share, method)
                        if s is not default
                        else b.prov("reechain_derived", "default supplier: China", "medium", method)
                    )
                    self.add_trade(metal, s["exporter"], region, part, p)
        for (region, metal), act in sorted(served.items(), key=self.order):
            code = SEP_METAL[metal]
            row = process_row(
                f"{region}_metal_{code}",
                region,
                "metal",
                "fused-salt electrolysis / metallothermic reduction",
                f"{code}_reduction",
                "metal and alloy makers",
                "operating",
                None,
            )
            method = "metal needs served: " + "; ".join(supply[(region, metal)])
            note = "metal output sized to the magnet makers' needs and sourcing shares"
            self.add_process(row, act, None, b.prov("reechain_derived", note, "medium", method))
        self.build_recycling()

    def grade_mix(self, region: str) -> dict[str, float]:
        """Grade shares of a region's sintered output: its own users' mix outside China
        (makers serve home users first), the world's use mix in China (it supplies all)."""
        regions = self.regions if region == CHINA else [region]
        use = {g: sum(self.use[(r, g)] for r in regions) for g in GRADE_RECIPES}
        if sum(use.values()) <= 0:
            use = {g: sum(self.use[(r, g)] for r in self.regions) for g in GRADE_RECIPES}
        total = sum(use.values())
        return {g: q / total for g, q in use.items()}

    def add_magnet_plant(
        self, row: Record, activity: float, capacity: float | None, p: Record
    ) -> None:
        """Add a magnet plant; an operating sintering plant is split into one process per
        grade in the world's use mix (the medium grade keeps the plant's name)."""
        if row["recipe"] != "ndfeb_sintering" or activity <= 0:
            self.add_process(row, activity, capacity, p)
            return
        for grade, share in self.grade_mix(row["region"]).items():
            recipe = GRADE_RECIPES[grade]
            suffix = recipe.removeprefix("ndfeb_sintering")
            part = {**row, "process": f"{row['process']}{suffix}", "recipe": recipe}
            method = (
                f"{activity:.6g} t sintered output × {share:.6g} (use share of {grade}: makers "
                "assumed to make their home users' grade mix; China the world's)"
            )
            if p["method"]:
                method = f"({p['method']}) × {share:.6g} (world use share of {grade})"
            lo = p["lower"] * share if p["lower"] is not None else None
            hi = p["upper"] * share if p["upper"] is not None else None
            conf = "low" if p["confidence"] == "low" else "medium"
            q = {**p, "method": method, "confidence": conf, "lower": lo, "upper": hi}
            if conf == "low" and lo is None:
                q = {**q, "lower": activity * share * 0.5, "upper": activity * share * 1.5}
            cap = round(capacity * share, 3) if capacity is not None else None
            self.add_process(part, activity * share, cap, q)

    def build_recycling(self) -> None:
        """Swarf recycling where makers recycle: blanks × (1 − yield) × content × recovery."""
        b = self.b
        y = b.value("magnet_machining_yield")
        y_lo, y_hi = b.bounds("magnet_machining_yield")
        content = b.swarf_oxide_per_blank
        for r in b.raw["recycling"]:
            blanks = sum(
                p["activity_per_year"]
                for p in b.tables["processes"]
                if p["year"] == self.year
                and p["region"] == r["region"]
                and p["recipe"] in GRADE_RECIPES.values()
            )
            rec, rec_lo, rec_hi = (float(r[k]) for k in ("recovery", "lower", "upper"))
            act = blanks * (1 - y) * content * rec
            method = (
                f"sintered blanks {blanks:g} t × (1 − machining yield {y}) × {content:.6g} t oxide "
                f"per t blank × recovery {rec}"
            )
            row = process_row(
                f"{r['region']}_recycle_swarf",
                r["region"],
                "separate",
                "recycling of magnet-making swarf",
                "swarf_recycling",
                "magnet makers and recyclers",
                "operating",
                None,
            )
            p = b.prov_of(
                r,
                method=method,
                lower=blanks * (1 - y_hi) * content * rec_lo,
                upper=blanks * (1 - y_lo) * content * rec_hi,
            )
            self.add_process(row, act, None, p)

    def order(self, item: tuple[tuple[str, str], float]) -> tuple[int, int]:
        """Sort key of a (region, commodity) entry: dataset order."""
        (region, commodity), _ = item
        return self.regions.index(region), self.commodities.index(commodity)

    # --- end uses ---------------------------------------------------------------------

    def build_end_uses(self) -> None:
        """Sector output by region: sourced rows, vehicles by difference, non-magnet by share."""
        b = self.b
        growth = {g["sector"]: g for g in b.raw["end_use_growth"]}
        ev: dict[str, float] = {}
        for row in b.raw["end_use_outputs"]:
            self.add_end_use(row, float(row["output_per_year"]), growth[row["sector"]])
            if row["sector"] == "ev_traction_motor":
                ev[row["region"]] = float(row["output_per_year"])
        vehicles = b.raw["vehicle_production"]
        world = 92_500_000.0
        listed = sum(float(v["total_vehicles"]) for v in vehicles if v["total_vehicles"])
        for v in vehicles:
            total = float(v["total_vehicles"]) if v["total_vehicles"] else world - listed
            electrified = ev.get(v["region"], 0.0)
            ev_row = next(
                (
                    r
                    for r in b.raw["end_use_outputs"]
                    if r["sector"] == "ev_traction_motor" and r["region"] == v["region"]
                ),
                None,
            )
            method = f"total production {total:g} − electrified vehicles {electrified:g}"
            if not v["total_vehicles"]:
                method = (
                    f"(world {world:g} − listed countries {listed:g}) − electrified {electrified:g}"
                )
            note = (
                f"conventional light and commercial vehicles; {v['note']}; value and jobs assumed"
            )
            if ev_row is not None and ev_row["confidence"] == "low":
                p = b.prov(
                    v["source_key"],
                    note,
                    "low",
                    method,
                    total - float(ev_row["upper"]),
                    total - float(ev_row["lower"]),
                )
            else:
                p = b.prov(v["source_key"], note, "medium", method)
            raw = {
                "sector": "conventional_vehicle",
                "region": v["region"],
                "value_usd_per_unit": v["value_usd_per_unit"],
                "jobs_per_unit": v["jobs_per_unit"],
                "source_key": v["source_key"],
            }
            self.add_end_use(raw, total - electrified, growth["conventional_vehicle"], p)
        shares: dict[str, list[dict[str, str]]] = defaultdict(list)
        for s in b.raw["nonmagnet_shares"]:
            shares[s["sector"]].append(s)
        for d in b.raw["nonmagnet_demand"]:
            g = float(d["global_t_reo"])
            for s in shares[d["sector"]]:
                share = float(s["share"])
                method = f"world use {g:g} t REO × {s['region']} share {share:g} (assumed)"
                p = b.prov(
                    d["source_key"],
                    d["note"],
                    "low",
                    method,
                    float(d["lower"]) * share,
                    float(d["upper"]) * share,
                )
                raw = {
                    "sector": d["sector"],
                    "region": s["region"],
                    "value_usd_per_unit": d["value_usd_per_unit"],
                    "jobs_per_unit": d["jobs_per_unit"],
                    "source_key": d["source_key"],
                }
                self.add_end_use(raw, g * share, growth[d["sector"]], p)

    def add_end_use(
        self, raw: dict[str, str], output: float, growth: dict[str, str], p: Record | None = None
    ) -> float:
        """Add an end-use row for this year (2023 = 2024 × growth ratio) and its material use."""
        b = self.b
        p = p if p is not None else b.prov_of(raw)
        if self.year != BASE_YEAR:
            ratio = float(growth["ratio_2023_to_2024"])
            output *= ratio
            method = f"{BASE_YEAR} output × {ratio:g} ({growth['note']})"
            if p["method"]:
                method = f"({p['method']}) × {ratio:g} ({growth['note']})"
            if p["confidence"] == "low" or growth["confidence"] == "low":
                r_lo = float(growth["lower"]) if growth["lower"] else ratio
                r_hi = float(growth["upper"]) if growth["upper"] else ratio
                base_lo = p["lower"] if p["lower"] is not None else output / ratio
                base_hi = p["upper"] if p["upper"] is not None else output / ratio
                p = {
                    **p,
                    "confidence": "low",
                    "method": method,
                    "lower": base_lo * r_lo,
                    "upper": base_hi * r_hi,
                }
            else:
                p = {**p, "confidence": "medium", "method": method}
        output = round(output, 3)
        b.tables["end_uses"].append(
            {
                "sector": raw["sector"],
                "region": raw["region"],
                "year": self.year,
                "output_per_year": output,
                "value_usd_per_unit": float(raw["value_usd_per_unit"]),
                "jobs_per_unit": float(raw["jobs_per_unit"]),
                **p,
            }
        )
        for c, q in b.intensity[raw["sector"]]:
            self.use[(raw["region"], c)] += output * q
        return output

    # --- trade and balance ------------------------------------------------------------

    def add_trade(self, c: str, exporter: str, importer: str, q: float, p: Record) -> None:
        """Add (or add to) the flow of ``c`` from ``exporter`` to ``importer``."""
        key = (c, exporter, importer)
        if key in self.trade:
            old = self.trade[key]
            old["quantity_per_year"] += q
            old["method"] = f"{old['method']}; plus {p['method']}"
            old["confidence"] = "medium" if old["confidence"] != "low" else "low"
            if old["lower"] is not None:
                old["lower"] += p["lower"] if p["lower"] is not None else q
                old["upper"] += p["upper"] if p["upper"] is not None else q
        else:
            self.trade[key] = {
                "year": self.year,
                "commodity": c,
                "exporter": exporter,
                "importer": importer,
                "quantity_per_year": q,
                **p,
            }
        self.imports[(importer, c)] += q
        self.exports[(exporter, c)] += q

    def balance_stage(self, stage: str, push_table: str) -> None:
        """Trade of a stage: customs-reported flows first, then producers serve home use and
        offer their surplus to partners, then China's customs-reported exports fill the
        remaining needs; what customs cannot see is left to the residuals."""
        b = self.b
        pushes: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in b.raw[push_table]:
            pushes[row["exporter"]].append(row)
        comms = [c for c in self.commodities if b.stage_of[c] == stage]
        net = {
            c: {r: self.use[(r, c)] - self.production[(r, c)] for r in self.regions} for c in comms
        }
        need = {c: {r: max(v, 0.0) for r, v in net[c].items()} for c in comms}
        understated: set[tuple[str, str]] = set()
        for c in comms:
            if c in GRADE_RECIPES:
                # customs-reported imports serve the importer's users first, so a producer
                # that also imports (Japan, Germany) offers that much more of its own output;
                # imports beyond its users' use free no more than all of it (the engine does
                # not model re-exports: the excess is the importer's residual)
                for imp, q in self.customs_flows(c, need[c]).items():
                    net[c][imp] -= min(q, self.use[(imp, c)])
                    if q > self.use[(imp, c)]:
                        # China alone sends more than the modelled use: the use is
                        # understated, so it caps no one's exports to this importer
                        understated.add((c, imp))
        if stage == "separate":
            self.reported_flows(comms, net, need)
        for c in comms:
            for exporter, rows in pushes.items():
                surplus = max(-net[c][exporter], 0.0)
                for row in rows:
                    share, imp = float(row["share"]), row["importer"]
                    q = share * surplus
                    capped = row["capped"] == "true" and (c, imp) not in understated
                    if capped:
                        q = min(q, need[c][imp])
                    if q <= 1e-9:
                        continue
                    need[c][imp] = max(need[c][imp] - q, 0.0)
                    cap = f", capped at {imp}'s remaining need" if capped else ""
                    if (c, imp) in understated and row["capped"] == "true":
                        cap = f", not capped: China's customs figure alone exceeds {imp}'s use"
                    method = f"{share:g} × {exporter} surplus {surplus:.6g} t{cap}"
                    if capped and q < share * surplus:
                        p = b.prov_of(
                            row,
                            confidence="medium",
                            method=method + " (binding)",
                            lower=None,
                            upper=None,
                        )
                    else:
                        p = self.scaled(row, q, share, method)
                    self.add_trade(c, exporter, imp, q, p)
        self.china_fills(stage, comms, need)

    # --- customs -------------------------------------------------------------------------

    def customs(self, group: str, exporter: str, importer: str) -> list[dict[str, str]]:
        """Return this year's rows of customs_trade.csv for ``group`` and the pair."""
        return [
            r
            for r in self.rows("customs_trade")
            if r["group"] == group and r["exporter"] == exporter and r["importer"] == importer
        ]

    def members(self, importer: str) -> list[str]:
        """Return the regions of ``importer`` (a region or a group of groups.csv)."""
        group = [g["region"] for g in self.b.raw["groups"] if g["group"] == importer]
        return group or [importer]

    def reo(self, row: dict[str, str]) -> tuple[float, str]:
        """Return a customs row's quantity in t REO (t metal for metals) and how: gross
        weight × the content factor of the named method hs-rare-earth-v1."""
        q = float(row["quantity_t"])
        if row["basis"] != "gross":
            return q, f"{q:g} t {row['basis']}"
        k = self.b.value("customs_reo_content")
        return q * k, f"{q:g} t gross × {k:g} (customs_reo_content, method hs-rare-earth-v1)"

    def reported_flows(
        self, comms: list[str], net: dict[str, dict[str, float]], need: dict[str, dict[str, float]]
    ) -> None:
        """Customs-reported oxide and metal-compound flows from producers other than China
        (customs_trade.csv), before any push: split over the commodities in proportion to
        min(the exporter's surplus, the importer's need); what finds no such room is not
        placed (the exporter would re-export what it does not make)."""
        for row in self.rows("customs_trade"):
            if row["group"] != "compounds_metals" or row["exporter"] in (CHINA,):
                continue
            if row["importer"] == "WLD":
                continue
            exp, total = row["exporter"], 0.0
            q_reo, how = self.reo(row)
            room = {
                (c, r): min(max(-net[c][exp], 0.0), need[c][r])
                for c in comms
                for r in self.members(row["importer"])
            }
            total = sum(room.values())
            if total <= 1e-9:
                continue
            scale = min(1.0, q_reo / total)
            for (c, r), w in sorted(room.items()):
                q = w * scale
                if q <= 1e-9:
                    continue
                method = (
                    f"{how} ({row['method'] or row['note']}) × {w:.6g} ÷ {total:.6g} (share of "
                    f"{c} → {r} in min({exp} surplus, {r} need) over the stage)"
                )
                if scale == 1.0:
                    method += f"; the reported {q_reo:.6g} t exceeds that room, the rest unplaced"
                self.add_trade(
                    c,
                    exp,
                    r,
                    q,
                    self.b.prov_of(row, method=method, confidence="medium", lower=None, upper=None),
                )
                need[c][r] -= q
                net[c][exp] += q

    def china_fills(self, stage: str, comms: list[str], need: dict[str, dict[str, float]]) -> None:
        """China supplies remaining needs within its customs-reported exports: an importer
        with its own reported figure gets at most that (less China's metal already sent
        to it); the others share what is left of China's total in proportion to need."""
        b = self.b
        group = "compounds_metals" if stage == "separate" else "magnets"
        y = b.value("magnet_machining_yield")
        weight = {c: (y if c in GRADE_RECIPES else 1.0) for c in comms}  # finished basis
        total_row = self.customs(group, CHINA, "WLD")[0]
        total, total_how = self.reo(total_row)
        skip: set[tuple[str, str]] = set()
        caps: list[tuple[list[str], float, dict[str, str], str]] = []
        if stage == "magnet":
            for row in self.rows("magnet_customs"):
                total -= float(row["finished_t"])
                skip |= {(c, row["importer"]) for c in GRADE_RECIPES}
            total_how += " − reported flows to " + ", ".join(
                r["importer"] for r in self.rows("magnet_customs")
            )
        else:
            for row in self.rows("customs_trade"):
                if row["group"] != group or row["exporter"] != CHINA or row["importer"] == "WLD":
                    continue
                regions = self.members(row["importer"])
                q_reo, how = self.reo(row)
                metal = self.china_metal_to(regions)
                caps.append(
                    (
                        regions,
                        max(q_reo - metal, 0.0),
                        row,
                        f"{how} − China's metal to them {metal:.6g} t",
                    )
                )
                total -= q_reo
                skip |= {(c, r) for c in comms for r in regions}
            capped = {r for regions, _, _, _ in caps for r in regions}
            others = [r for r in self.regions if r not in capped and r != CHINA]
            metal = self.china_metal_to(others)
            total -= metal
            total_how += f" − reported flows − China's metal to the others {metal:.6g} t"
        for regions, cap, row, how in caps:
            self.fill(comms, regions, need, weight, cap, row, how)
        others = [r for r in self.regions if r != CHINA]
        self.fill(comms, others, need, weight, total, total_row, total_how, skip)

    def china_metal_to(self, regions: list[str]) -> float:
        """Return t of metal China sends to ``regions`` (metal-sourcing flows)."""
        return sum(
            r["quantity_per_year"]
            for (c, e, i), r in self.trade.items()
            if e == CHINA and i in regions and self.b.stage_of[c] == "metal"
        )

    def fill(
        self,
        comms: list[str],
        regions: list[str],
        need: dict[str, dict[str, float]],
        weight: dict[str, float],
        available: float,
        row: dict[str, str],
        how: str,
        skip: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset(),
    ) -> None:
        """Add China → region flows within ``available`` t (a customs row's provenance):
        method ``customs-bulk-shortfall-v1``: every need is met in full except lanthanum and
        cerium oxide, which share what is left in proportion to need (customs tonnage is
        mostly La/Ce compounds, and their use outside China rests on the least certain
        inputs, nonmagnet_shares.csv); the unmet part is left to the importer's residual."""
        cells = [(c, r) for c in comms for r in regions if (c, r) not in skip]
        firm = sum(need[c][r] * weight[c] for c, r in cells if c not in BULK)
        bulk = sum(need[c][r] * weight[c] for c, r in cells if c in BULK)
        left = max(available, 0.0)
        f_firm = min(1.0, left / firm) if firm > 0 else 0.0
        f_bulk = min(1.0, max(left - firm, 0.0) / bulk) if bulk > 0 else 0.0
        k_lo, k_hi = self.b.bounds("customs_reo_content")
        k = self.b.value("customs_reo_content")
        for c, r in cells:
            factor = f_bulk if c in BULK else f_firm
            q = need[c][r] * factor
            if q <= 1e-9:
                continue
            method = (
                f"{factor:.6g} × {r} remaining need {need[c][r]:.6g} t ({how} = {left:.6g} t "
                f"for needs {firm:.6g} t + La/Ce {bulk:.6g} t; method customs-bulk-shortfall-v1)"
            )
            if factor < 1 and row["basis"] == "gross":
                lo, hi = q * k_lo / k, min(need[c][r], q * k_hi / k)
                p = self.b.prov_of(row, method=method, confidence="low", lower=lo, upper=hi)
            else:
                p = self.b.prov_of(row, method=method, confidence="medium", lower=None, upper=None)
            self.add_trade(c, CHINA, r, q, p)
            need[c][r] -= q

    def customs_flows(self, c: str, need: dict[str, float]) -> dict[str, float]:
        """China's reported magnet exports to a partner (magnet_customs.csv), before anyone
        else serves it: finished t ÷ machining yield = blanks, split over the sintered
        grades in the importer's own use mix; what exceeds the need is left to residuals.
        Returns the tonnes of ``c`` added per importer."""
        b = self.b
        y = b.value("magnet_machining_yield")
        added: dict[str, float] = defaultdict(float)
        for row in self.rows("magnet_customs"):
            imp = row["importer"]
            uses = {g: self.use[(imp, g)] for g in GRADE_RECIPES}
            share = uses[c] / sum(uses.values())
            fin = float(row["finished_t"])
            q = fin / y * share
            if q <= 1e-9:
                continue
            method = (
                f"{fin:g} t finished ({row['method']}) ÷ {y} (machining yield: finished magnet "
                f"≈ customs gross weight, on blank basis) × {share:.6g} ({imp} use share of {c})"
            )
            lo, hi = float(row["lower"]) / y * share, float(row["upper"]) / y * share
            p = b.prov_of(row, method=method, lower=lo, upper=hi)
            self.add_trade(c, row["exporter"], imp, q, p)
            need[imp] = max(need[imp] - q, 0.0)
            added[imp] += q
        return added

    def close_balances(self) -> None:
        """Residual rows: what production + imports − use − exports leaves, by sign."""
        b = self.b
        keys = set(self.production) | set(self.use) | set(self.imports) | set(self.exports)
        for (region, c), _ in sorted(((k, 0.0) for k in keys), key=self.order):
            terms = (
                self.production[(region, c)],
                self.imports[(region, c)],
                self.use[(region, c)],
                self.exports[(region, c)],
            )
            gap = terms[0] + terms[1] - terms[2] - terms[3]
            if abs(gap) <= max(1e-7, 1e-11 * max(terms)):
                continue
            stage = b.stage_of[c]
            kind = "stock_change" if gap > 0 else "unreported_output"
            note = RESIDUAL_NOTES[(stage, kind)]
            method = (
                f"production {terms[0]:.6g} + imports {terms[1]:.6g} − use {terms[2]:.6g}"
                f" − exports {terms[3]:.6g}"
            )
            b.tables["residuals"].append(
                {
                    "year": self.year,
                    "region": region,
                    "commodity": c,
                    "kind": kind,
                    "quantity_per_year": gap,
                    **b.prov("reechain_derived", note, "medium", method),
                }
            )

    # --- stocks and prices (base year) ------------------------------------------------

    def inventory_row(self, region: str, commodity: str) -> dict[str, str]:
        """Return the row of inventories.csv that sets ``region``'s stock of ``commodity``.

        The most specific row wins: the region at the commodity's stage (a row may list the
        ``commodities`` it is limited to, space-separated; blank means the whole stage), then
        the region at every stage (``*``), then every region at the stage.
        """
        stage = self.b.stage_of[commodity]
        rows = self.b.raw["inventories"]
        for key in ((region, stage), (region, "*"), ("*", stage)):
            for r in rows:
                limited = r.get("commodities", "").split()
                if (r["region"], r["stage"]) == key and (not limited or commodity in limited):
                    return r
        raise KeyError(f"inventories.csv sets no stock for {region} {commodity}")

    def build_stocks_and_prices(self) -> None:
        """Inventories where a region uses a commodity; stockpiles; prices; elasticities."""
        b = self.b
        for (region, c), used in sorted(self.use.items(), key=self.order):
            if used <= 0:
                continue
            row = self.inventory_row(region, c)
            b.tables["inventories"].append(
                {
                    "region": region,
                    "commodity": c,
                    "target_days": float(row["target_days"]),
                    "restoration_months": float(row["restoration_months"]),
                    **b.prov_of(row),
                }
            )
        for s in b.raw["stockpiles"]:
            used = self.use[(s["holder"], s["commodity"])]
            if s["quantity"]:
                qty = float(s["quantity"])
                p = b.prov_of(s)
            else:
                days = b.value(s["days_param"])
                lo, hi = b.bounds(s["days_param"])
                qty = round(days / 365 * used, 3)
                method = f"{days:g} days ÷ 365 × {s['holder']} use {used:.6g} t ({BASE_YEAR})"
                p = b.prov_of(
                    s,
                    method=method,
                    lower=round(lo / 365 * used, 3),
                    upper=round(hi / 365 * used, 3),
                )
            if qty <= 0:
                continue
            b.tables["stockpiles"].append(
                {
                    "holder": s["holder"],
                    "commodity": s["commodity"],
                    "quantity": qty,
                    "max_release_per_month": round(qty / float(s["release_months"]), 3),
                    **p,
                }
            )
        for row in b.raw["prices"]:
            b.tables["prices"].append(
                {
                    "commodity": row["commodity"],
                    "year": int(row["year"]),
                    "price_usd_per_kg": float(row["price_usd_per_kg"]),
                    **b.prov_of(row),
                }
            )
        for row in b.raw["elasticities"]:
            b.tables["elasticities"].append(
                {
                    "commodity": row["commodity"],
                    "elasticity": float(row["elasticity"]),
                    "price_cap_multiple": float(row["price_cap_multiple"]),
                    "cap_source": row["cap_source"],
                    "cap_episode": row["cap_episode"],
                    **b.prov_of(row),
                }
            )


RESIDUAL_NOTES = {
    (
        "mine",
        "stock_change",
    ): "concentrate not separated in the year (stock build at the separator)",
    ("mine", "unreported_output"): "concentrate drawn from stock or unreported mining",
    ("separate", "stock_change"): (
        "oxide produced but not used by the modelled sectors: producer stock build, unsold "
        "co-product (La, Ce, Y surplus) or uses outside the modelled sectors"
    ),
    ("separate", "unreported_output"): (
        "use above recorded production: unreported (illegal) mining, recycled magnet swarf "
        "and other secondary feed, or stock draws"
    ),
    ("metal", "stock_change"): "metal stock build",
    ("metal", "unreported_output"): "metal from stock or unreported output",
    ("magnet", "stock_change"): (
        "magnets made but not used by the modelled sectors: stock build or uses outside them"
    ),
    (
        "magnet",
        "unreported_output",
    ): "magnet use above recorded output: unreported output or stock draws",
}


def build_tables(raw_dir: Path = RAW_DIR) -> dict[str, list[Record]]:
    """Return every table of the default dataset, derived from the inputs in ``raw_dir``."""
    builder = Builder(raw_dir)
    builder.build_recipes()
    builder.build_intensities()
    years = {year: YearBuilder(builder, year) for year in YEARS}
    for year_builder in years.values():
        year_builder.build()
    years[BASE_YEAR].build_stocks_and_prices()
    pipeline = runpy.run_path(str(Path(__file__).with_name("pipeline_dataset.py")))
    builder.tables["pipeline"] = pipeline["pipeline_rows"](builder.raw)
    return builder.tables


def build(out: Path = OUT_DIR, raw_dir: Path = RAW_DIR) -> Path:
    """Write the default dataset to ``out`` (replacing it) and return the path."""
    return write_dataset(build_tables(raw_dir), META, out, overwrite=True)


def main() -> None:
    """Command-line entry: regenerate the bundled default dataset."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder to write")
    args = parser.parse_args()
    print(f"wrote {build(args.out)}")


if __name__ == "__main__":
    main()
