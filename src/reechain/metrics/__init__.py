"""See the chain: concentration, reliance, true-origin exposure and criticality.

Pure functions over a compiled :class:`~reechain.chain.Chain`, one module per concept:

- :mod:`.concentration`: production by region, shares, HHI, top-1/top-3, regions to 90 %;
- :mod:`.reliance`: net import reliance and the share supplied by a region or group;
- :mod:`.exposure`: true-origin exposure, a Leontief-style trace through recipes and trade;
- :mod:`.bom`: a company's bill of materials, validated, and its exposure;
- :mod:`.criticality`: EU CRM, USGS-style and DOE-style criticality, side by side;
- :mod:`.plots`: figures of the above (matplotlib, no pyplot).

Examples
--------
>>> import reechain
>>> from reechain.metrics import chain_concentration, chain_exposure
>>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
>>> chain_concentration(chain, "NdFeB")[0].top1_region
'CHN'
>>> round(chain_exposure(chain, "JPN", "NdFeB").share("separate", "CHN"), 2)
0.51
"""

from reechain.metrics.bom import BomItem, bom_exposure, parse_bom
from reechain.metrics.concentration import (
    AggregateTreatment,
    Concentration,
    chain_concentration,
    concentration_of,
    hhi,
    shares,
)
from reechain.metrics.criticality import METHODS, CriticalityInputs, CriticalityResult, assess
from reechain.metrics.exposure import (
    Exposure,
    OriginModel,
    chain_exposure,
    exposure_of,
    origin_model,
    stage_origin_shares,
)
from reechain.metrics.reliance import (
    Reliance,
    apparent_consumption,
    block_flows,
    chain_reliance,
    net_import_reliance,
)

__all__ = [
    "METHODS",
    "AggregateTreatment",
    "BomItem",
    "Concentration",
    "CriticalityInputs",
    "CriticalityResult",
    "Exposure",
    "OriginModel",
    "Reliance",
    "apparent_consumption",
    "assess",
    "block_flows",
    "bom_exposure",
    "chain_concentration",
    "chain_exposure",
    "chain_reliance",
    "concentration_of",
    "exposure_of",
    "hhi",
    "net_import_reliance",
    "origin_model",
    "parse_bom",
    "shares",
    "stage_origin_shares",
]
