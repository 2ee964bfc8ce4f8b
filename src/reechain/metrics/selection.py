"""Choosing what a metric looks at: commodities by code or stage, regions by code or group.

Every metric takes names a user typed (``--commodity``, ``--stage``, ``--region``) and turns
them into indices here, so that a bad name gets the same one-line error everywhere: an
unknown name gets "did you mean", and a stage the commodity does not have names the stage
it does have.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.errors import InputError

BoolArray = NDArray[np.bool_]


def select_commodities(
    chain: Chain, commodity: str | None = None, stage: str | None = None
) -> list[int]:
    """Return the indices of the commodities named by ``commodity`` and/or ``stage``.

    With neither, every commodity; with a stage only, the commodities made at that stage.
    ``commodity`` may list several codes separated by commas (``Nd2O3,Pr6O11``).

    Raises
    ------
    NotFoundError
        The commodity or the stage does not exist.
    InputError
        The commodity is made at another stage, or the stage makes no commodity.

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> [chain.commodities[c] for c in select_commodities(chain, stage="metal")]
    ['NdPr_metal', 'Dy_metal']
    >>> select_commodities(chain, "NdPr_oxide,Dy_oxide")
    [1, 2]
    """
    if stage is not None:
        s = chain.stage_index(stage)
    if commodity is not None:
        found = []
        for code in [part.strip() for part in commodity.split(",") if part.strip()]:
            c = chain.commodity_index(code)
            own = chain.stages[int(chain.commodity_stage[c])]
            if stage is not None and own != stage:
                raise InputError(
                    f"commodity {code!r} is made at stage {own!r}, not {stage!r}; "
                    f"drop --stage or pick a commodity made at {stage!r} "
                    f"({', '.join(commodities_at(chain, stage)) or 'none'})"
                )
            if c not in found:
                found.append(c)
        if not found:
            raise InputError("--commodity: got an empty list, expected commodity codes")
        return found
    if stage is not None:
        found = [int(c) for c in np.flatnonzero(chain.commodity_stage == s)]
        if not found:
            with_commodities = [
                chain.stages[i] for i in sorted({int(x) for x in chain.commodity_stage})
            ]
            raise InputError(
                f"stage {stage!r} makes no commodity (it is where commodities are used); "
                f"stages with commodities: {', '.join(with_commodities)}"
            )
        return found
    return list(range(len(chain.commodities)))


def commodities_at(chain: Chain, stage: str) -> list[str]:
    """Return the codes of the commodities made at ``stage``, in chain order."""
    s = chain.stages.index(stage)
    return [chain.commodities[c] for c in np.flatnonzero(chain.commodity_stage == s)]


def region_or_group(chain: Chain, name: str) -> BoolArray:
    """Return an (R,) mask of region ``name`` or of the members of group ``name``.

    A leading ``not:`` or ``!`` takes the complement: ``not:partners_us_jp`` is every
    region outside the group.

    Examples
    --------
    >>> import reechain
    >>> chain = reechain.compile_chain(reechain.load_dataset("sample"))
    >>> region_or_group(chain, "not:partners_us_jp").tolist()
    [True, True, False, False]
    """
    for prefix in ("not:", "!"):
        if name.startswith(prefix):
            return ~region_or_group(chain, name[len(prefix) :])
    return chain.region_mask(name)


def hint(text: str | None) -> str:
    """Return ``"; " + text`` when there is a hint (a "did you mean"), else ``""``."""
    return f"; {text}" if text else ""
