"""EU Critical Raw Materials methodology (Blengini et al. 2017, EUR 28654).

As applied in the 2017, 2020 and 2023 EU assessments:

Supply risk::

    SR = [HHI_WGI,t(GS) · IR/2 + HHI_WGI,t(sourcing) · (1 − IR/2)] · (1 − EoL_RIR) · SI_SR

- ``HHI_WGI,t = Σ_i s_i² · WGI_i · t_i`` over producing countries i with shares s_i
  (fractions), WGI_i the World Governance Indicator rescaled to 0–10 (10 is the poorest
  governance: ``5 − 2 · WGI``) and t_i a trade adjustment (1 without export restrictions,
  above 1 with them, below 1 under a trade agreement);
- GS is global supply (production at the material's stage); sourcing is the assessing
  region's actual supply mix: its members' own production (each with its own WGI) and
  imports by exporter;
- IR, import reliance = (imports − exports) / (production + imports − exports), in [0, 1];
- EoL_RIR, the end-of-life recycling input rate; SI_SR, the substitution index for supply
  risk (≤ 1).

Economic importance::

    EI = Σ_s A_s · Q_s / Q_max · 10 · SI_EI

with A_s the share of the material's end use in NACE 2-digit sector s, Q_s the sector's
gross value added, Q_max the largest manufacturing sector's, and SI_EI the substitution
index for economic importance. A material is critical when EI ≥ 2.8 and SR ≥ 1.0.

The assessing region may be any region or group (``eu27``, ``JPN``, ``USA``,
``partners_us_jp``); the method's EI inputs are EU value added whatever the region.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from reechain.chain import Chain
from reechain.metrics.criticality.inputs import CriticalityInputs, material_commodities
from reechain.metrics.criticality.result import CriticalityResult
from reechain.metrics.reliance import block_flows
from reechain.metrics.selection import region_or_group

NAME = "eu_crm"
EI_THRESHOLD = 2.8
SR_THRESHOLD = 1.0


def scaled_wgi(wgi: ArrayLike) -> np.ndarray:
    """Return WGI scores (−2.5 to 2.5, higher is better) rescaled to 0 (best) – 10 (worst).

    Examples
    --------
    >>> scaled_wgi([2.5, 0.0, -2.5]).tolist()
    [0.0, 5.0, 10.0]
    """
    return np.clip(5.0 - 2.0 * np.asarray(wgi, dtype=np.float64), 0.0, 10.0)


def hhi_wgi(shares: ArrayLike, wgi_scaled: ArrayLike, trade: ArrayLike = 1.0) -> float:
    """Return Σ s² · WGI · t, shares as fractions, WGI on the 0–10 scale.

    Examples
    --------
    >>> hhi_wgi([0.9, 0.1], [6.0, 2.0])
    4.88
    """
    s = np.asarray(shares, dtype=np.float64)
    return float(np.sum(s**2 * np.asarray(wgi_scaled) * np.asarray(trade)))


def supply_risk(
    hhi_global: float, hhi_sourcing: float, import_reliance: float, eol_rir: float, si_sr: float
) -> float:
    """Return the EU supply risk SR (see the module docstring).

    Examples
    --------
    >>> supply_risk(4.88, 3.0, 1.0, 0.0, 1.0)
    3.94
    """
    ir = min(max(import_reliance, 0.0), 1.0)
    blended = hhi_global * ir / 2 + hhi_sourcing * (1 - ir / 2)
    return float(blended * (1 - eol_rir) * si_sr)


def economic_importance(shares: ArrayLike, gva: ArrayLike, gva_max: float, si_ei: float) -> float:
    """Return the EU economic importance EI = Σ A·Q / Q_max · 10 · SI_EI.

    Examples
    --------
    >>> round(economic_importance([0.5, 0.5], [200.0, 100.0], 250.0, 0.9), 6)
    5.4
    """
    a = np.asarray(shares, dtype=np.float64)
    q = np.asarray(gva, dtype=np.float64)
    return float(np.sum(a * q) / gva_max * 10.0 * si_ei)


def assess(
    chain: Chain, inputs: CriticalityInputs, material: str, region: str = "eu27"
) -> list[CriticalityResult]:
    """Return the EU CRM supply risk and economic importance of ``material`` for ``region``.

    Examples
    --------
    >>> import reechain
    >>> from reechain.workflows.metrics import load_criticality_inputs
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> r = assess(chain, load_criticality_inputs(), "HREE", "JPN")[0]
    >>> r.method, r.critical
    ('eu_crm', True)
    """
    spec = inputs.material(material)
    commodities = material_commodities(chain, spec)
    members = region_or_group(chain, region)
    wgi, defaulted = inputs.wgi_scores(chain.regions)
    wgi10 = scaled_wgi(wgi)
    trade = np.array(
        [inputs.optional(NAME, material, f"t_{r}") or 1.0 for r in chain.regions],
        dtype=np.float64,
    )
    global_supply = chain.production[:, commodities].sum(axis=1)
    gs_shares = global_supply / global_supply.sum() if global_supply.sum() > 0 else global_supply
    hhi_gs = hhi_wgi(gs_shares, wgi10, trade)

    flows = block_flows(chain, members)
    sourcing = flows.production_by_region[commodities].sum(axis=0) + flows.imports_by_exporter[
        commodities
    ].sum(axis=0)
    src_shares = sourcing / sourcing.sum() if sourcing.sum() > 0 else sourcing
    own_trade = np.where(members, 1.0, trade)  # no trade adjustment on one's own output
    hhi_src = hhi_wgi(src_shares, wgi10, own_trade)

    override = inputs.optional(NAME, material, "import_reliance")
    p = float(flows.production[commodities].sum())
    m = float(flows.imports[commodities].sum())
    x = float(flows.exports[commodities].sum())
    ir = override if override is not None else ((m - x) / (p + m - x) if p + m - x > 0 else 0.0)
    ir = min(max(ir, 0.0), 1.0)
    eol = inputs.parameter(NAME, material, "eol_rir")
    si_sr = inputs.parameter(NAME, material, "si_sr")
    sr = supply_risk(hhi_gs, hhi_src, ir, eol, si_sr)

    uses = [u for u in inputs.end_uses if u.material == material]
    si_ei = inputs.parameter(NAME, material, "si_ei")
    gva_max = inputs.parameter(NAME, "*", "gva_max_eur_bn")
    ei = (
        economic_importance([u.share for u in uses], [u.gva_eur_bn for u in uses], gva_max, si_ei)
        if uses
        else float(inputs.parameter(NAME, material, "ei"))
    )
    notes = []
    if defaulted:
        notes.append(f"WGI default used for {' '.join(defaulted)}")
    if override is not None:
        notes.append("import reliance from parameters.csv")
    return [
        CriticalityResult(
            method=NAME,
            material=material,
            region=region,
            term="",
            supply_risk=sr,
            importance=ei,
            supply_risk_threshold=SR_THRESHOLD,
            importance_threshold=EI_THRESHOLD,
            components={
                "hhi_wgi_global": hhi_gs,
                "hhi_wgi_sourcing": hhi_src,
                "import_reliance": ir,
                "eol_rir": eol,
                "si_sr": si_sr,
                "si_ei": si_ei,
                "top_producer_share": float(gs_shares.max()) if gs_shares.size else 0.0,
            },
            notes="; ".join(notes),
        )
    ]
