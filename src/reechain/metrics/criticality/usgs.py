"""USGS-style supply risk (after Nassar et al. 2020, *Science Advances* 6:eaay8647).

Supply risk is the product of three factors, each on 0–1:

- *disruption potential* DP: the likelihood of a foreign supply disruption, here the
  governance-weighted concentration of global production at the material's stage,
  ``Σ_i s_i² · g_i`` with g_i = (2.5 − WGI_i) / 5 (0 best governed, 1 worst);
- *trade exposure* TE: the assessing region's net import reliance at that stage, clipped
  to [0, 1] (a net exporter is not exposed);
- *economic vulnerability* EV: how hard a disruption hits the region's users (Nassar et
  al. use the commodity's cost relative to its users' profit margins), an input per
  material in ``parameters.csv``.

``SR = DP · TE · EV``. Nassar et al. rank commodities rather than apply a threshold, so
``critical`` is None. Simplifications against the paper: one year, not a decade-long
trend; DP from production shares with WGI, not their exact country-risk weighting.
"""

from __future__ import annotations

import numpy as np

from reechain.chain import Chain
from reechain.metrics.criticality.inputs import CriticalityInputs, material_commodities
from reechain.metrics.criticality.result import CriticalityResult
from reechain.metrics.reliance import block_flows, net_import_reliance
from reechain.metrics.selection import region_or_group

NAME = "usgs"


def governance_risk(wgi: np.ndarray) -> np.ndarray:
    """Return (2.5 − WGI) / 5, clipped to [0, 1].

    Examples
    --------
    >>> governance_risk(np.array([2.5, -2.5])).tolist()
    [0.0, 1.0]
    """
    return np.clip((2.5 - wgi) / 5.0, 0.0, 1.0)


def assess(
    chain: Chain, inputs: CriticalityInputs, material: str, region: str = "USA"
) -> list[CriticalityResult]:
    """Return the USGS-style supply risk DP × TE × EV of ``material`` for ``region``.

    Examples
    --------
    >>> import reechain
    >>> from reechain.workflows.metrics import load_criticality_inputs
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> r = assess(chain, load_criticality_inputs(), "LREE", "JPN")[0]
    >>> 0 < r.supply_risk < 1
    True
    """
    spec = inputs.material(material)
    commodities = material_commodities(chain, spec)
    wgi, defaulted = inputs.wgi_scores(chain.regions)
    production = chain.production[:, commodities].sum(axis=1)
    total = production.sum()
    s = production / total if total > 0 else production
    dp = float(np.sum(s**2 * governance_risk(wgi)))
    flows = block_flows(chain, region_or_group(chain, region))
    nir = float(
        net_import_reliance(
            flows.production[commodities].sum(),
            flows.imports[commodities].sum(),
            flows.exports[commodities].sum(),
            flows.stock_change[commodities].sum(),
        )
    )
    te = 0.0 if not np.isfinite(nir) else min(max(nir, 0.0), 1.0)
    ev = inputs.parameter(NAME, material, "economic_vulnerability")
    return [
        CriticalityResult(
            method=NAME,
            material=material,
            region=region,
            term="",
            supply_risk=dp * te * ev,
            importance=ev,
            supply_risk_threshold=None,
            importance_threshold=None,
            components={
                "disruption_potential": dp,
                "trade_exposure": te,
                "economic_vulnerability": ev,
            },
            notes=f"WGI default used for {' '.join(defaulted)}" if defaulted else "",
        )
    ]
