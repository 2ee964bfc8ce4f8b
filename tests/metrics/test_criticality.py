"""Criticality methods: the EU formulas on a hand-worked example, USGS and DOE, plug-ins."""

from __future__ import annotations

from pathlib import Path

import pytest

import reechain
from reechain.chain import Chain
from reechain.errors import NotFoundError
from reechain.metrics.criticality import METHODS, CriticalityResult, assess, parse_inputs
from reechain.metrics.criticality.doe import producer_diversity_score, weighted_score
from reechain.metrics.criticality.eu_crm import (
    economic_importance,
    hhi_wgi,
    scaled_wgi,
    supply_risk,
)
from reechain.workflows.metrics import load_criticality_inputs
from tests.metrics.chains import closing_residuals, write_chain


def tiny_eu_chain(folder: Path) -> Chain:
    """CHN separates 90 t Dy oxide, AUS 10 t; DEU (in eu27) imports 30 from CHN, 20 from AUS."""
    trade = [("Dy_oxide", "CHN", "DEU", 30.0), ("Dy_oxide", "AUS", "DEU", 20.0)]
    production = {("CHN", "Dy_oxide"): 90.0, ("AUS", "Dy_oxide"): 10.0}
    write_chain(
        folder,
        regions=[("CHN", "country"), ("AUS", "country"), ("DEU", "country"), ("FRA", "country")],
        groups=[("eu27", "DEU"), ("eu27", "FRA")],
        stages=["mine", "separate"],
        commodities=[("Dy_oxide", "separate", "Dy")],
        recipes=[("separation", "Dy_oxide", "output", 1.0)],
        processes=[
            ("CHN_sep", "CHN", "separate", "separation", 90.0),
            ("AUS_sep", "AUS", "separate", "separation", 10.0),
        ],
        trade=trade,
        residuals=closing_residuals(production, trade),
        residual_kind="unrecorded_use",
    )
    return reechain.compile_chain(reechain.load_dataset(folder))


def row(**values: object) -> dict[str, str]:
    return {k: str(v) for k, v in {**values, "source": "hand-worked example"}.items()}


INPUTS = parse_inputs(
    {
        "materials": [(2, row(material="HREE", stage="separate", elements="Dy Tb"))],
        "wgi": [
            (2, row(region="CHN", wgi=-0.4)),
            (3, row(region="AUS", wgi=1.4)),
            (4, row(region="DEU", wgi=1.4)),
            (5, row(region="FRA", wgi=1.0)),
        ],
        "parameters": [
            (i, row(assessment=a, material=m, parameter=p, value=v))
            for i, (a, m, p, v) in enumerate(
                [
                    ("eu_crm", "HREE", "eol_rir", 0.01),
                    ("eu_crm", "HREE", "si_sr", 0.95),
                    ("eu_crm", "HREE", "si_ei", 0.92),
                    ("eu_crm", "*", "gva_max_eur_bn", 230),
                    ("usgs", "HREE", "economic_vulnerability", 0.7),
                    ("doe", "*", "weight_demand", 0.75),
                    ("doe", "*", "weight_substitutability", 0.25),
                    ("doe", "*", "weight_basic_availability", 0.4),
                    ("doe", "*", "weight_competing_demand", 0.1),
                    ("doe", "*", "weight_political", 0.2),
                    ("doe", "*", "weight_codependence", 0.1),
                    ("doe", "*", "weight_producer_diversity", 0.2),
                    *[
                        ("doe", "HREE", f"{k}_{t}", v)
                        for t in ("short", "medium")
                        for k, v in [
                            ("demand", 4),
                            ("substitutability", 2),
                            ("basic_availability", 3),
                            ("competing_demand", 2),
                            ("political", 4),
                            ("codependence", 1),
                        ]
                    ],
                ],
                start=2,
            )
        ],
        "eu_end_uses": [
            (
                2,
                row(
                    material="HREE", application="magnets", sector="C27", share=0.5, gva_eur_bn=110
                ),
            ),
            (
                3,
                row(
                    material="HREE",
                    application="catalysts",
                    sector="C20",
                    share=0.5,
                    gva_eur_bn=150,
                ),
            ),
        ],
    }
)


def test_eu_formulas_by_hand() -> None:
    # WGI −0.4 → 5.8 and 1.4 → 2.2 on the 0–10 scale.
    assert scaled_wgi([-0.4, 1.4]).tolist() == pytest.approx([5.8, 2.2])
    assert hhi_wgi([0.9, 0.1], [5.8, 2.2]) == pytest.approx(0.81 * 5.8 + 0.01 * 2.2)
    assert hhi_wgi([0.9, 0.1], [5.8, 2.2], [1.1, 1.0]) == pytest.approx(
        0.81 * 5.8 * 1.1 + 0.01 * 2.2
    )
    # SR = [4.72 · 1/2 + 2.44 · (1 − 1/2)] · (1 − 0.01) · 0.95
    assert supply_risk(4.72, 2.44, 1.0, 0.01, 0.95) == pytest.approx(3.58 * 0.99 * 0.95)
    # IR 0 leaves only the sourcing term
    assert supply_risk(4.72, 2.44, 0.0, 0.0, 1.0) == pytest.approx(2.44)
    # EI = (0.5 · 110 + 0.5 · 150) / 230 · 10 · 0.92
    assert economic_importance([0.5, 0.5], [110, 150], 230, 0.92) == pytest.approx(5.2)


def test_eu_method_on_a_tiny_chain_by_hand(tmp_path: Path) -> None:
    chain = tiny_eu_chain(tmp_path / "eu")
    (r,) = assess(chain, INPUTS, ["HREE"], ["eu_crm"], "eu27")
    assert r.components["hhi_wgi_global"] == pytest.approx(4.72)
    assert r.components["hhi_wgi_sourcing"] == pytest.approx(0.36 * 5.8 + 0.16 * 2.2)
    assert r.components["import_reliance"] == pytest.approx(1.0)
    assert r.supply_risk == pytest.approx(3.58 * 0.99 * 0.95)
    assert r.importance == pytest.approx(5.2)
    assert r.critical is True
    assert (r.supply_risk_threshold, r.importance_threshold) == (1.0, 2.8)


def test_a_producer_assessing_itself_has_no_import_reliance(tmp_path: Path) -> None:
    chain = tiny_eu_chain(tmp_path / "eu")
    (r,) = assess(chain, INPUTS, ["HREE"], ["eu_crm"], "CHN")
    # CHN's sourcing is its own output (60 t kept): HHI_WGI = 1² · 5.8; IR = 0.
    assert r.components["import_reliance"] == 0
    assert r.supply_risk == pytest.approx(5.8 * 0.99 * 0.95)


def test_usgs_is_the_product_of_three_factors(tmp_path: Path) -> None:
    chain = tiny_eu_chain(tmp_path / "eu")
    (r,) = assess(chain, INPUTS, ["HREE"], ["usgs"], "eu27")
    dp = 0.81 * (2.5 + 0.4) / 5 + 0.01 * (2.5 - 1.4) / 5
    assert r.components["disruption_potential"] == pytest.approx(dp)
    assert r.components["trade_exposure"] == pytest.approx(1.0)
    assert r.supply_risk == pytest.approx(dp * 1.0 * 0.7)
    assert r.critical is None


def test_doe_matrix_short_and_medium(tmp_path: Path) -> None:
    chain = tiny_eu_chain(tmp_path / "eu")
    short, medium = assess(chain, INPUTS, ["HREE"], ["doe"])
    assert (short.term, medium.term) == ("short", "medium")
    diversity = 1 + 3 * 0.82  # HHI 8,200
    assert short.components["producer_diversity_score"] == pytest.approx(diversity)
    assert short.importance == pytest.approx(4 * 0.75 + 2 * 0.25)
    assert short.supply_risk == pytest.approx(
        3 * 0.4 + 2 * 0.1 + 4 * 0.2 + 1 * 0.1 + diversity * 0.2
    )
    assert short.critical is False
    assert weighted_score([4, 2], [3, 1]) == 3.5
    assert producer_diversity_score(__import__("numpy").array([1.0, 1.0])) == 2.5


def test_methods_are_pluggable(tmp_path: Path) -> None:
    chain = tiny_eu_chain(tmp_path / "eu")

    def constant(
        chain: Chain, inputs: object, material: str, region: str
    ) -> list[CriticalityResult]:
        return [CriticalityResult("mine", material, region, "", 1.0, 2.0, None, None)]

    results = assess(chain, INPUTS, ["HREE"], ["mine"], "eu27", extra={"mine": constant})
    assert [r.method for r in results] == ["mine"]
    assert set(METHODS) == {"eu_crm", "usgs", "doe"}
    with pytest.raises(NotFoundError, match="did you mean 'usgs'"):
        assess(chain, INPUTS, ["HREE"], ["usg"])
    with pytest.raises(NotFoundError, match="no criticality material named 'HRE'"):
        assess(chain, INPUTS, ["HRE"], ["eu_crm"], "eu27")


def test_bundled_inputs_load_with_sources(sample_chain: Chain) -> None:
    inputs = load_criticality_inputs()
    assert {"LREE", "HREE", "NdPr", "Dy", "Tb"} <= set(inputs.materials)
    assert all(inputs.sources.values())
    results = assess(sample_chain, inputs, region="JPN")
    # Tb is absent from the sample chain, so the default run skips it.
    assert {(r.method, r.material) for r in results} >= {("eu_crm", "HREE"), ("doe", "Dy")}
    assert all(r.material != "Tb" for r in results)
