"""Supply by owner nationality (issue 17): Japanese companies' plants wherever they are."""

from __future__ import annotations

from pathlib import Path

import pytest

import reechain
from reechain.chain import Chain
from reechain.errors import InputError
from reechain.metrics.ownership import exposure_by_owner_nationality, owner_nationalities

DEFAULT = Path(reechain.bundled_path("default"))
SINTERED = (
    "NdFeB_sintered_lowdy",
    "NdFeB_sintered",
    "NdFeB_sintered_highdy",
    "NdFeB_sintered_gbd",
)


@pytest.fixture(scope="module")
def chain() -> Chain:
    return reechain.compile_chain(reechain.load_dataset(DEFAULT), 2024)


def test_owner_text_names_home_countries() -> None:
    """Company names in the owner field give their home countries; 'various' none."""
    assert owner_nationalities("Shin-Etsu Magnetic Materials Vietnam (Hai Phong)") == {"JPN"}
    assert owner_nationalities("Proterial (Japan; Chinese sintering plant)") == {"JPN"}
    assert owner_nationalities("MP Materials (Mountain Pass)") == {"USA"}
    assert owner_nationalities("Lynas Malaysia (Kuantan)") == {"AUS"}
    assert owner_nationalities("various") == frozenset()


def test_japanese_companies_sinter_in_japan_vietnam_and_china(chain: Chain) -> None:
    """Japan's own plants make 12,000 t of sintered blanks; Japanese companies also make
    1,870 t in Vietnam (Shin-Etsu) and 2,000 t in China (Proterial): about a quarter of
    their output is abroad, which a territorial view of Japan does not see."""
    japan = exposure_by_owner_nationality(chain, "JPN")
    made = japan.output_of(SINTERED)
    assert made == pytest.approx({"JPN": 12_000, "VNM": 1_870, "CHN": 2_000})
    assert japan.abroad_share(SINTERED) == pytest.approx(3_870 / 15_870)
    territorial = chain.production[chain.region_index("JPN")]
    assert sum(territorial[chain.commodity_index(c)] for c in SINTERED) == pytest.approx(12_000)


def test_japanese_owned_plants_rest_on_chinese_separation(chain: Chain) -> None:
    """The oxides behind Japanese companies' magnets are mostly separated in China."""
    japan = exposure_by_owner_nationality(chain, "JPN")
    assert japan.exposure.share("separate", "CHN") > 0.5
    assert japan.exposure.share("separate", "CHN") < 1.0


def test_a_nationality_owning_nothing_is_refused(chain: Chain) -> None:
    with pytest.raises(InputError, match="owned by a company of 'XXX'"):
        exposure_by_owner_nationality(chain, "XXX")
