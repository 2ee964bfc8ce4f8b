"""The 2010 replay reads the price outside China as the episode's buyers paid it.

The observed 2010-11 prices are China's export prices; the replay runs on today's chain,
whose buyers of China's oxides and metals are not 2010's (Vietnam's and Thailand's metal
makers came later). The calibration and the cn-2010 test therefore weigh each region's
price by its baseline use re-weighted to China's export destinations of 2010
(``risk/bundled/episode_2010_destinations.csv``); the 2025 episodes keep today's weights.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import reechain
from reechain.chain import Chain
from reechain.engine import simulate
from reechain.engine.market import load_market
from reechain.errors import DatasetError
from reechain.risk.market_fit import (
    DESTINATIONS,
    EXPORT_STAGES,
    episode_scenario,
    load_destinations,
    load_observations,
    model_values,
    outside_multiple,
    outside_weights,
    simulate_episode,
)
from reechain.scenario import load_composed


@pytest.fixture(scope="module")
def chain() -> Chain:
    return reechain.compile_chain(reechain.load_dataset("default"))


def group_of(chain: Chain) -> dict[str, str]:
    destinations = load_destinations()
    named = {r: d.group for d in destinations for r in d.regions.split() if r != "*"}
    rest = next(d.group for d in destinations if d.regions == "*")
    return {r: named.get(r, rest) for r in chain.regions if r != "CHN"}


def chinas_exports(chain: Chain) -> np.ndarray:
    """(R,) China's baseline exports of ores, oxides and metals by importer, tonnes."""
    china = chain.regions.index("CHN")
    stages = [chain.stages.index(s) for s in EXPORT_STAGES]
    cs = np.isin(np.asarray(chain.commodity_stage), stages)
    out = np.asarray(chain.trade_matrix)[cs, china].sum(axis=0)
    out[china] = 0.0
    return out


def test_the_episodes_buyers_are_mofcoms_2010_figures() -> None:
    """Japan 49.8 % and the US 19 % of China's rare-earth exports in Jan-Sep 2010; Japan,
    the EU and the US 86 % in Jan-Nov (China's Ministry of Commerce); the shares add up."""
    rows = {d.group: d for d in load_destinations()}
    assert rows["japan"].share == 0.498
    assert rows["japan"].regions == "JPN"
    assert rows["us"].share == 0.19
    assert rows["us"].regions == "USA"
    assert rows["japan"].share + rows["us"].share + rows["eu"].share == pytest.approx(0.86)
    assert sum(d.share for d in rows.values()) == pytest.approx(1.0)
    assert all(d.source and d.url and d.period.startswith("2010") for d in rows.values())


def test_every_named_region_is_in_the_default_chain(chain: Chain) -> None:
    for d in load_destinations():
        assert set(d.regions.split()) - {"*"} <= set(chain.regions), d.group


def test_if_use_followed_todays_exports_each_group_would_weigh_its_2010_share(
    chain: Chain,
) -> None:
    """The re-weighting in one line: a commodity whose use outside China is proportional
    to China's exports today gets, per destination group, exactly that group's 2010 share."""
    use = np.repeat(chinas_exports(chain)[:, None], len(chain.commodities), axis=1)
    w = outside_weights(chain, use, load_destinations())
    groups = group_of(chain)
    for d in load_destinations():
        members = [chain.regions.index(r) for r, g in groups.items() if g == d.group]
        assert w[members, 0].sum() == pytest.approx(d.share), d.group


def test_without_the_episodes_buyers_each_region_weighs_its_baseline_use(chain: Chain) -> None:
    rng = np.random.default_rng(0)
    use = rng.uniform(0, 5, size=(len(chain.regions), len(chain.commodities)))
    w = outside_weights(chain, use)
    china = chain.regions.index("CHN")
    assert (w[china] == 0).all()
    others = [r for r in range(len(chain.regions)) if r != china]
    expected = use[others] / use[others].sum(axis=0)
    np.testing.assert_allclose(w[others], expected)
    np.testing.assert_allclose(w.sum(axis=0), 1.0)


def test_in_the_2010_replay_japan_weighs_more_and_vietnam_less_than_today(chain: Chain) -> None:
    """Dy oxide: Japan took half of China's exports in 2010 and a fifth today; the
    'others' (Vietnam, Thailand: most Dy oxide use outside China today) 14 % then."""
    use = simulate(chain, load_composed("cn-2010")).baseline.requirement[0]
    dy = chain.commodities.index("Dy2O3")
    today = outside_weights(chain, use)[:, dy]
    then = outside_weights(chain, use, load_destinations())[:, dy]
    jpn, vnm = chain.regions.index("JPN"), chain.regions.index("VNM")
    assert then[jpn] > 0.5 > today[jpn]
    assert then[vnm] < today[vnm]
    assert then.sum() == pytest.approx(1.0)


def test_a_region_in_two_groups_and_shares_not_adding_up_are_named(tmp_path: Path) -> None:
    text = DESTINATIONS.read_text().splitlines()
    bad = [text[0], text[1], text[2].replace(",USA,0.19,", ",USA JPN,0.29,"), *text[3:]]
    path = tmp_path / "destinations.csv"
    path.write_text("\n".join(bad) + "\n")
    with pytest.raises(DatasetError) as err:
        load_destinations(path)
    problems = err.value.problems
    assert any(p.line == 3 and p.column == "regions" and p.found == "JPN" for p in problems)
    assert any(p.column == "share" and p.found == "1.1" for p in problems)
    assert all(p.file == "destinations.csv" for p in problems)


def test_the_shares_count_ores_compounds_and_metals_not_magnets() -> None:
    """China's 2010 export figures are of rare earths under the quota (ores, compounds,
    metals); magnets were not counted, so today's shares are taken at the same stages."""
    assert EXPORT_STAGES == ("mine", "separate", "metal")


def test_a_region_the_chain_lacks_is_an_error_not_one_of_the_others(chain: Chain) -> None:
    typo = tuple(
        d.model_copy(update={"regions": "JPNN"}) if d.group == "japan" else d
        for d in load_destinations()
    )
    use = np.ones((len(chain.regions), len(chain.commodities)))
    with pytest.raises(ValueError, match="JPNN"):
        outside_weights(chain, use, typo)


def test_a_table_without_a_rest_row_is_named(tmp_path: Path) -> None:
    text = DESTINATIONS.read_text().splitlines()
    path = tmp_path / "destinations.csv"
    path.write_text("\n".join(line.replace(",*,", ",ROW,") for line in text) + "\n")
    with pytest.raises(DatasetError) as err:
        load_destinations(path)
    assert any(p.column == "regions" and p.found == "0 rows of *" for p in err.value.problems)


def test_the_calibration_reads_the_price_as_the_episodes_buyers_paid_it(chain: Chain) -> None:
    """The calibration and the cn-2010 test read the price the same way: the calibration's
    Dy oxide peak is the destination-weighted one, not today's use-weighted one."""
    obs = tuple(o for o in load_observations() if o.id == "dy-peak-2011")
    scenario = episode_scenario()
    run = simulate_episode(chain, scenario, load_market())
    dy = chain.commodities.index("Dy2O3")
    then = outside_multiple(chain, run.price, run.requirement[0], load_destinations())
    today = outside_multiple(chain, run.price, run.requirement[0])
    got = model_values(chain, scenario, run, obs)[0]
    assert got == pytest.approx(then[:, dy].max())
    assert got != pytest.approx(today[:, dy].max(), rel=0.05)
