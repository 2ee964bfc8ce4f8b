"""The default dataset against published aggregates: the tests behind VALIDATION.md.

Each test computes one figure from the compiled chain and checks it against a published
figure within a stated tolerance. *Independent* rows compare with figures that were not used
to build the data; *input-derived* rows only check that an input is carried faithfully.
Rows that VALIDATION.md records as **fail** are marked ``xfail(strict=True)``: the assertion
states what agreement would mean, the mark records the known gap, and a data change that
closes the gap turns the test red until the row is updated.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import reechain
from reechain.chain import Chain, compile_chain
from reechain.metrics import reliance
from reechain.metrics.concentration import shares

DEFAULT = Path(reechain.bundled_path("default"))
MAGNET_OXIDES = ("Nd2O3", "Pr6O11", "Dy2O3", "Tb4O7")
SINTERED = (
    "NdFeB_sintered_lowdy",
    "NdFeB_sintered",
    "NdFeB_sintered_highdy",
    "NdFeB_sintered_gbd",
)
"""The sintered NdFeB grades (blank basis): Dy-free, medium-Dy, high-Dy and GBD."""
MAGNETS = (*SINTERED, "NdFeB_bonded", "SmCo")
MACHINING_YIELD = 0.8
"""Finished magnet per t of sintered blank (data-raw/default/assumptions.csv)."""
CUSTOMS_REO_CONTENT = 0.8
"""t REO per t gross weight of traded compounds and metals (data-raw/default/assumptions.csv,
the hs-rare-earth-v1 content factor)."""


@pytest.fixture(scope="module")
def chains() -> dict[int, Chain]:
    """The default dataset compiled for 2023 and 2024."""
    dataset = reechain.load_dataset(DEFAULT)
    return {year: compile_chain(dataset, year) for year in (2023, 2024)}


def stage_commodities(chain: Chain, *stages: str) -> list[int]:
    """Return the indices of the commodities made at ``stages``."""
    wanted = {chain.stage_index(s) for s in stages}
    return [c for c, s in enumerate(chain.commodity_stage) if s in wanted]


def indices(chain: Chain, codes: tuple[str, ...]) -> list[int]:
    """Return the indices of commodity ``codes``."""
    return [chain.commodity_index(c) for c in codes]


def primary_separation_share(chain: Chain, region: str) -> float:
    """Return ``region``'s share of oxide output of primary separation (no recycling, no Sc)."""
    sep = chain.stage_index("separate")
    primary = np.array(
        [
            s == sep and chain.recipes[q].startswith("sep_")
            for s, q in zip(chain.process_stage, chain.process_recipe, strict=True)
        ]
    )
    activity = np.zeros(len(chain.regions))
    np.add.at(activity, chain.process_region[primary], chain.activity_per_year[primary])
    return float(activity[chain.region_index(region)] / activity.sum())


def production_share(chain: Chain, region: str, codes: tuple[str, ...]) -> float:
    """Return ``region``'s share of world production of ``codes`` (summed tonnes), by the
    concentration metric's own ``shares``."""
    by_region = chain.production[:, indices(chain, codes)].sum(axis=1)
    return float(shares(by_region)[chain.region_index(region)])


def mined_magnet_ree(chain: Chain) -> np.ndarray:
    """Return (R,) Nd+Pr+Dy+Tb oxide contained in each region's mine output, t REO."""
    mag = indices(chain, MAGNET_OXIDES)
    split: dict[int, dict[str, float]] = {}
    for q, recipe in enumerate(chain.recipes):
        if recipe.startswith("sep_") and chain.recipe_inputs[q].sum() > 0:  # a mine's feed
            feed = int(np.argmax(chain.recipe_inputs[q]))
            content = float(chain.recipe_outputs[q, mag].sum() / chain.recipe_inputs[q].sum())
            split.setdefault(feed, {})[recipe] = content
    out = np.zeros(len(chain.regions))
    for p in np.nonzero(chain.process_stage == chain.stage_index("mine"))[0]:
        conc, region = int(np.argmax(chain.process_outputs[p])), chain.process_region[p]
        recipes = split[conc]
        recipe = "sep_mt_weld" if chain.regions[region] == "AUS" else min(recipes)
        out[region] += chain.activity_per_year[p] * recipes[recipe]
    return out


def import_share_from(chain: Chain, importer: str, exporter: str, codes: list[int]) -> float:
    """Return the share of ``importer``'s imports of ``codes`` (tonnes) from ``exporter``."""
    i, e = chain.region_index(importer), chain.region_index(exporter)
    return float(chain.trade_matrix[codes][:, e, i].sum() / chain.imports[i, codes].sum())


def net_import_reliance(chain: Chain, region: str, codes: list[int]) -> float:
    """Return the reliance metric's net import reliance of ``codes`` summed: (imports −
    exports) / (production + imports − exports), stock change left out as before."""
    r = chain.region_index(region)
    return float(
        reliance.net_import_reliance(
            chain.production[r, codes].sum(),
            chain.imports[r, codes].sum(),
            chain.exports[r, codes].sum(),
        )
    )


# --- independent rows --------------------------------------------------------------------


def test_china_share_of_separation_is_about_91_percent(chains: dict[int, Chain]) -> None:
    """IEA commentary (Oct 2025): China holds about 91 % of separation; tolerance ±3 pp."""
    assert abs(primary_separation_share(chains[2024], "CHN") - 0.91) <= 0.03


def test_china_share_of_magnet_ree_refining_2023_is_92_percent(chains: dict[int, Chain]) -> None:
    """IEA GCMO 2024: China refined 92 % of magnet rare earths in 2023; tolerance ±3 pp."""
    assert abs(production_share(chains[2023], "CHN", MAGNET_OXIDES) - 0.92) <= 0.03


def test_china_share_of_sintered_magnet_making_is_about_94_percent(
    chains: dict[int, Chain],
) -> None:
    """IEA commentary (Oct 2025): China makes about 94 % of sintered magnets; ±3 pp."""
    assert abs(production_share(chains[2024], "CHN", SINTERED) - 0.94) <= 0.03


def test_magnet_ree_demand_2023_is_about_93_kt(chains: dict[int, Chain]) -> None:
    """IEA GCMO 2024: magnet-REE demand 93 kt in 2023; ours = oxide fed to metal; ±15 %."""
    chain = chains[2023]
    metal = chain.process_stage == chain.stage_index("metal")
    demand = (
        chain.activity_per_year[metal, None]
        * chain.process_inputs[metal][:, indices(chain, MAGNET_OXIDES)]
    ).sum()
    assert abs(demand / 93_000 - 1) <= 0.15


def test_japan_imports_60_to_80_percent_of_its_rare_earths_from_china(
    chains: dict[int, Chain],
) -> None:
    """Japan: 60-70 % from China now (DATA-SOURCES), 79.6 % in H1 2024 (customs); 60-80 %."""
    chain = chains[2024]
    share = import_share_from(chain, "JPN", "CHN", stage_commodities(chain, "separate", "metal"))
    assert 0.60 <= share <= 0.80


def test_eu_magnet_imports_from_china_are_93_percent_by_value(chains: dict[int, Chain]) -> None:
    """Eurostat Comext CN 8505 11 10, 2024: China 93 % of EU magnet imports by value; ±5 pp."""
    chain = chains[2024]
    mags = indices(chain, MAGNETS)
    eu = chain.region_mask("eu27")
    value = chain.trade_matrix[mags][:, :, eu].sum(axis=2) * chain.price_usd_per_kg[mags, None]
    share = value[:, chain.region_index("CHN")].sum() / value[:, ~eu].sum()
    assert abs(share - 0.93) <= 0.05


def test_china_ndpr_oxide_output_is_about_66_kt(chains: dict[int, Chain]) -> None:
    """Metalnomist (Aug 2024): 44.5-45.5 kt from quotas + 20-21 kt from imported feed; ±20 %."""
    chain = chains[2024]
    sep = chain.stage_index("separate")
    china = chain.region_index("CHN")
    ndpr = indices(chain, ("Nd2O3", "Pr6O11"))
    output = sum(
        chain.activity_per_year[p] * chain.process_outputs[p, ndpr].sum()
        for p in range(len(chain.processes))
        if chain.process_stage[p] == sep
        and chain.process_region[p] == china
        and chain.recipes[chain.process_recipe[p]].startswith("sep_")
    )
    assert abs(output / 66_000 - 1) <= 0.20


def test_china_australia_myanmar_mine_85_percent_of_magnet_rees(chains: dict[int, Chain]) -> None:
    """IEA GCMO 2024: China + Australia + Myanmar mined 85 % of magnet REEs in 2023; ±5 pp."""
    chain = chains[2023]
    content = mined_magnet_ree(chain)
    top3 = sum(content[chain.region_index(r)] for r in ("CHN", "AUS", "MMR")) / content.sum()
    assert abs(top3 - 0.85) <= 0.05


@pytest.mark.xfail(strict=True, reason="known gap: ours 69 %, see VALIDATION.md")
def test_china_mines_62_percent_of_magnet_rees(chains: dict[int, Chain]) -> None:
    """IEA GCMO 2024: China mined 62 % of magnet rare earths in 2023; tolerance ±5 pp."""
    chain = chains[2023]
    content = mined_magnet_ree(chain)
    assert abs(content[chain.region_index("CHN")] / content.sum() - 0.62) <= 0.05


def test_us_net_import_reliance_on_usgs_reported_production_is_about_80_percent(
    chains: dict[int, Chain],
) -> None:
    """USGS MCS 2025: US net import reliance 80 % for compounds and metals (2024), on its
    definition: (imports − exports) / apparent consumption, where production counts only
    the reported separated compounds (NdPr oxide in California); ours likewise counts only
    the US Nd and Pr oxide output as production. Tolerance ±10 pp."""
    chain = chains[2024]
    r, codes = chain.region_index("USA"), stage_commodities(chain, "separate", "metal")
    reported = chain.production[r, indices(chain, ("Nd2O3", "Pr6O11"))].sum()
    nir = reliance.net_import_reliance(
        reported, chain.imports[r, codes].sum(), chain.exports[r, codes].sum()
    )
    assert abs(float(nir) - 0.80) <= 0.10


def test_us_net_import_reliance_on_total_production_is_about_41_percent(
    chains: dict[int, Chain],
) -> None:
    """USGS MCS 2025 salient statistics on total production (footnote 3: 7,600 t), derived:
    (8,310 − 3,010) / 12,900 = 41 %; ours counts all US separated output; ±10 pp."""
    chain = chains[2024]
    nir = net_import_reliance(chain, "USA", stage_commodities(chain, "separate", "metal"))
    assert abs(nir - 0.41) <= 0.10


def test_china_supplies_77_percent_of_us_imports_of_compounds_and_metals_2024(
    chains: dict[int, Chain],
) -> None:
    """US Census 2024 (via fool.com): China 77 % of US rare-earth imports by tonnage; ±10 pp.
    The origin shares are inputs; the check is that the chain carries them."""
    chain = chains[2024]
    share = import_share_from(chain, "USA", "CHN", stage_commodities(chain, "separate", "metal"))
    assert abs(share - 0.77) <= 0.10


def test_china_supplies_70_percent_of_us_imports_of_compounds_and_metals(
    chains: dict[int, Chain],
) -> None:
    """USGS MCS 2025: US import sources 2020-23, China 70 %; the 2023 chain; ±10 pp."""
    chain = chains[2023]
    share = import_share_from(chain, "USA", "CHN", stage_commodities(chain, "separate", "metal"))
    assert abs(share - 0.70) <= 0.10


def test_china_exports_about_55_kt_of_rare_earth_compounds_and_metals(
    chains: dict[int, Chain],
) -> None:
    """China GAC 2024: 55,431 t of rare earths exported (gross weight). Ours (t REO and t
    metal) is put on the same basis by the named conversion (hs-rare-earth-v1: 0.8 t REO
    per t gross, customs_reo_content); tolerance ±20 %."""
    chain = chains[2024]
    exported = chain.exports[
        chain.region_index("CHN"), stage_commodities(chain, "separate", "metal")
    ]
    assert abs(exported.sum() / CUSTOMS_REO_CONTENT / 55_431 - 1) <= 0.20


# --- input-derived rows ---------------------------------------------------------------


def test_world_mine_production_2024_matches_usgs(chains: dict[int, Chain]) -> None:
    """USGS MCS 2025: world mine production 390,000 t REO (rounded) in 2024; ±2 %."""
    chain = chains[2024]
    mined = chain.production[:, stage_commodities(chain, "mine")].sum()
    assert abs(mined / 390_000 - 1) <= 0.02


def test_china_magnet_exports_match_customs(chains: dict[int, Chain]) -> None:
    """China GAC 2024: 58,152 t of magnets exported; ours on a finished basis; ±10 %."""
    chain = chains[2024]
    exported = chain.exports[chain.region_index("CHN"), indices(chain, MAGNETS)]
    n = len(SINTERED)
    finished = exported[:n].sum() * MACHINING_YIELD + exported[n:].sum()
    assert abs(finished / 58_152 - 1) <= 0.10


def test_default_baseline_balances_exactly_in_2023_and_2024(chains: dict[int, Chain]) -> None:
    """DESIGN.md section 3: exact balance for every region, commodity and year."""
    for chain in chains.values():
        assert chain.balance_problems() == []
