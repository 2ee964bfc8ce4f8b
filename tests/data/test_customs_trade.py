"""The default dataset's trade as customs and companies report it, and the residuals that
absorb what they cannot see (data-raw/default/customs_trade.csv, issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

import reechain
from reechain.data.dataset import Dataset
from reechain.data.residuals import residual_report
from reechain.errors import InputError

DEFAULT = Path(reechain.bundled_path("default"))
CUSTOMS_REO_CONTENT = 0.8
"""t REO per t gross weight (assumptions.csv customs_reo_content, method hs-rare-earth-v1)."""
UNSOURCED = ("reechain default dataset",)
"""How the dataset's own derivations and assumptions name their source."""


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    """The bundled default dataset."""
    return reechain.load_dataset(DEFAULT)


def flows(
    ds: Dataset, year: int, exporter: str, importers: tuple[str, ...], stages: set[str]
) -> float:
    """Return the tonnes of ``stages`` commodities from ``exporter`` to ``importers``."""
    stage = {c.commodity: c.stage for c in ds.rows("commodities")}
    return sum(
        t.quantity_per_year
        for t in ds.rows("trade")
        if t.year == year
        and t.exporter == exporter
        and t.importer in importers
        and stage[t.commodity] in stages
    )


@pytest.mark.xfail(
    strict=True,
    reason=(
        "known gap: 51 rows (2023 and 2024) still rest on assumptions: China's NdPr metal to "
        "ROW (metal_sourcing), Japan's magnet exports and Thailand's bonded magnets "
        "(magnet_push), and Germany's and Korea's magnet exports (magnet_push: their whole "
        "output is surplus since China's customs figures cover their modelled use); no "
        "customs or company figure found for them; see VALIDATION.md"
    ),
)
def test_every_trade_row_above_100_t_cites_a_customs_or_company_source(dataset: Dataset) -> None:
    """Issue 17: no trade row above 100 t/yr without a customs or company source."""
    unsourced = [
        (t.year, t.commodity, t.exporter, t.importer)
        for t in dataset.rows("trade")
        if t.quantity_per_year > 100 and t.source.startswith(UNSOURCED)
    ]
    assert unsourced == []


def test_china_ships_no_more_to_the_us_and_the_eu_than_their_customs_report(
    dataset: Dataset,
) -> None:
    """Census/USGS: 6,229 t REO from China to the US (2024); Eurostat: 6,000 t gross from
    China to the EU (2024) = 4,800 t REO. China's oxides and metals to them stay within."""
    stages = {"separate", "metal"}
    assert flows(dataset, 2024, "CHN", ("USA",), stages) <= 6_229 + 1e-6
    eu = ("EST", "DEU", "FRA")
    assert flows(dataset, 2024, "CHN", eu, stages) <= 6_000 * CUSTOMS_REO_CONTENT + 1e-6


def test_china_exports_of_compounds_and_metals_stay_within_its_customs_total(
    dataset: Dataset,
) -> None:
    """China GAC: 55,431 t (2024) and 52,306 t (2023) gross; on the REO basis of the named
    conversion China's oxide and metal exports do not exceed them."""
    others = tuple(r.region for r in dataset.rows("regions") if r.region != "CHN")
    for year, gross in ((2024, 55_431), (2023, 52_306)):
        shipped = flows(dataset, year, "CHN", others, {"separate", "metal"})
        assert shipped <= gross * CUSTOMS_REO_CONTENT + 1e-6


def test_us_concentrate_to_china_is_mps_reported_sales(dataset: Dataset) -> None:
    """MP Materials 10-K: REO sales volume 32,703 t (2024) and 36,837 t (2023), mainly
    concentrate to Shenghe (China)."""
    for year, sold in ((2024, 32_703), (2023, 36_837)):
        assert flows(dataset, year, "USA", ("CHN",), {"mine"}) == pytest.approx(sold)


def test_the_us_imports_from_malaysia_and_estonia_as_census_reports(dataset: Dataset) -> None:
    """Census 2024 origin shares × USGS's 8,090 t REO: Malaysia 728 t, Estonia 485 t."""
    assert flows(dataset, 2024, "MYS", ("USA",), {"separate"}) == pytest.approx(728)
    assert flows(dataset, 2024, "EST", ("USA",), {"separate"}) == pytest.approx(485)


def test_residual_report_sums_every_region_residual_and_import(dataset: Dataset) -> None:
    """The report's totals are the residual rows by sign and the trade rows by importer."""
    report = residual_report(dataset, 2024)
    assert list(report) == [r.region for r in dataset.rows("regions")]
    rows = [r for r in dataset.rows("residuals") if r.year == 2024]
    minus = -sum(r.quantity_per_year for r in rows if r.quantity_per_year < 0)
    plus = sum(r.quantity_per_year for r in rows if r.quantity_per_year > 0)
    trade = sum(t.quantity_per_year for t in dataset.rows("trade") if t.year == 2024)
    assert sum(x.unrecorded_supply for x in report.values()) == pytest.approx(minus)
    assert sum(x.stock_build for x in report.values()) == pytest.approx(plus)
    assert sum(x.recorded_imports for x in report.values()) == pytest.approx(trade)
    for x in report.values():
        assert 0.0 <= x.unrecorded_share <= 1.0


def test_customs_shortfalls_fall_on_lanthanum_and_cerium_not_on_heavy_rare_earths(
    dataset: Dataset,
) -> None:
    """Method customs-bulk-shortfall-v1: where China's customs figures are below the
    importers' needs, La and Ce oxide absorb it; Japan's Dy and Tb need is met in full."""
    la_ce = residual_report(dataset, 2024, frozenset({"La2O3", "CeO2"}))
    hre = residual_report(dataset, 2024, frozenset({"Dy2O3", "Tb4O7", "Dy_metal", "Tb_metal"}))
    assert la_ce["JPN"].unrecorded_supply > 0
    assert la_ce["USA"].unrecorded_supply > 0
    assert hre["JPN"].unrecorded_supply == 0
    assert hre["USA"].unrecorded_supply == 0


def test_residual_report_refuses_a_year_without_data(dataset: Dataset) -> None:
    """A year the dataset does not cover is the user's mistake, named with the years held."""
    with pytest.raises(InputError, match=r"2019.*2023, 2024"):
        residual_report(dataset, 2019)


def test_germany_korea_and_the_us_take_42_percent_of_chinas_magnet_exports(
    dataset: Dataset,
) -> None:
    """China GAC via Metalnomist (Aug 2024): Germany, South Korea and the US took 42 % of
    China's permanent-magnet exports (HS 8505.11.10) in Jan-Jul 2024; ours 2024, finished
    basis (sintered blanks × 0.8); tolerance ±5 pp. Input-derived: the three flows are
    China's customs figures (magnet_customs.csv: Germany and Korea 12 × their Sep 2024
    month, the US its 2025 total and annual change), not the Jan-Jul shares."""
    stage = {c.commodity: c.stage for c in dataset.rows("commodities")}
    finished: dict[str, float] = {}
    for t in dataset.rows("trade"):
        if t.year == 2024 and t.exporter == "CHN" and stage[t.commodity] == "magnet":
            factor = 0.8 if t.commodity.startswith("NdFeB_sintered") else 1.0
            finished[t.importer] = finished.get(t.importer, 0.0) + t.quantity_per_year * factor
    share = sum(finished.get(r, 0.0) for r in ("DEU", "KOR", "USA")) / sum(finished.values())
    assert abs(share - 0.42) <= 0.05


def non_china_share(dataset: Dataset, year: int, importer: str, prefix: str) -> float:
    """Return the share of ``importer``'s ``prefix`` magnet imports not from China, finished
    basis (sintered blanks × 0.8)."""
    by_origin: dict[str, float] = {}
    for t in dataset.rows("trade"):
        if t.year == year and t.importer == importer and t.commodity.startswith(prefix):
            factor = 0.8 if t.commodity.startswith("NdFeB_sintered") else 1.0
            by_origin[t.exporter] = by_origin.get(t.exporter, 0.0) + t.quantity_per_year * factor
    return 1.0 - by_origin.get("CHN", 0.0) / sum(by_origin.values())


def test_the_us_and_korea_import_as_much_from_outside_china_as_their_customs_report(
    dataset: Dataset,
) -> None:
    """US import data via Rare Earth Exchanges (Jun 2025): sintered NdFeB imports USD 69.9 M
    in Q1 2024, 58.4 M from China, so 16.5 % from elsewhere; Korea customs via Pointe Economy
    (Dec 2025): NdFeB magnet imports 89.9 % from China in 2024 (basis not stated), so 10.1 %
    from elsewhere. The US figure by value; ours 2024 by weight; tolerance ±5 pp. Independent
    of the non-Chinese flows (Japan's, Germany's, Korea's and Thailand's pushes are assumed
    shares, not built from these figures); China's flows are its customs figures."""
    assert abs(non_china_share(dataset, 2024, "USA", "NdFeB_sintered") - 0.165) <= 0.05
    assert abs(non_china_share(dataset, 2024, "KOR", "NdFeB") - 0.101) <= 0.05


COMTRADE_ADVERSARY_PARTNERS = ("USA", "JPN", "KOR", "DEU", "FRA", "GBR", "AUS", "CAN")
"""The modelled regions among the 20 partners of the Comtrade extract's 'Adversary' group (the
US, Japan, Korea, Germany, the Netherlands, France, Belgium, Slovakia, the UK, Australia,
Canada, Taiwan, Norway, Austria, Italy, Spain, Sweden, Switzerland, Czechia, New Zealand)."""
CHINA_RE_METAL_EXPORTS_2024_USD = 73.87e6
"""UN Comtrade, China as reporter, HS 2805.30 (all rare-earth metals, Sc and Y), exports in
2024 to those 20 partners: USD 73.87 M for 7,391 t (monthly records over 10 kg, summed), as
tabulated in qennis/ChinaCriticalMineralComtrade, data_output/tables/strategic_premium_hs6.csv
(commit 44040f4, bloc 'Adversary'); see VALIDATION.md n440."""


@pytest.mark.xfail(
    strict=True,
    reason=(
        "known gap: the chain keeps China's NdPr metal exports at their 2023 level in 2024 "
        "(metal_sourcing shares × the importers' need: 1,432 t to the US, Japan, Korea and "
        "Germany, USD 93.1 M at the Fastmarkets FOB price), while China's customs value all "
        "its rare-earth metal exports to 20 such partners at USD 73.9 M in 2024 (USD 224 M "
        "in 2023); see VALIDATION.md n440"
    ),
)
def test_chinas_ndpr_metal_to_its_2024_customs_partners_is_worth_no_more_than_reported(
    dataset: Dataset,
) -> None:
    """China's NdPr metal to the modelled regions among the 20 partners, valued at the
    dataset's 2024 NdPr metal price (Fastmarkets FOB China), cannot exceed what China's
    customs report for all rare-earth metals (HS 2805.30) to the 20 together. Independent:
    the metal flows are the importers' modelled need × origin shares, not these figures."""
    price = next(
        p.price_usd_per_kg
        for p in dataset.rows("prices")
        if p.commodity == "NdPr_metal" and p.year == 2024
    )
    tonnes = sum(
        t.quantity_per_year
        for t in dataset.rows("trade")
        if t.year == 2024
        and t.exporter == "CHN"
        and t.importer in COMTRADE_ADVERSARY_PARTNERS
        and t.commodity == "NdPr_metal"
    )
    assert tonnes * 1_000 * price <= CHINA_RE_METAL_EXPORTS_2024_USD
