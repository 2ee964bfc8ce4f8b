"""Pipeline capacity on the engine's timeline: the ``new_capacity`` path for announced projects.

:func:`reechain.engine.prepare.prepare` takes ``online``, the pipeline of a case
(:func:`reechain.chain.pipeline.online`, or one Monte Carlo draw of it; by default the
chain's own ``pipeline_case``, which is ``operating-only``, nothing, for a compiled chain).
Each entry is capacity that comes online like a ``new_capacity`` policy:

- its availability ramps from 1/ramp in its start month to 1 (:meth:`Online.availability`),
  and it runs at its maximum utilisation from the start;
- an entry that is a dataset process (``building`` / ``planned``) sets that process's
  capacity, utilisation and availability; another adds a process named
  ``pipeline:<project>`` after those of the ``new_capacity`` policies;
- its offtakers (its ``offtake`` regions or groups, else every requester, pro rata) raise
  their sourcing share from its region by its output ÷ their baseline requirement, the
  other suppliers scaled down (:func:`reechain.engine.sourcing.shift_shares`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from reechain.chain import Chain
from reechain.chain.pipeline import Online
from reechain.engine.select import regions_of
from reechain.engine.sourcing import shift_shares

FloatArray = NDArray[np.float64]


def place_online(
    chain: Chain,
    entries: Sequence[Online],
    months: int,
    names: list[str],
    region: list[Any],
    stage: list[Any],
    inputs: list[Any],
    outputs: list[Any],
    capacity: list[Any],
    util0: list[Any],
    max_util: list[Any],
    ramps: list[Any],
    availability: list[Any],
) -> list[tuple[int, Online]]:
    """Put each entry's process into prepare's per-process lists (in place); return the
    (process index, entry) of each."""
    placed: list[tuple[int, Online]] = []
    for entry in entries:
        project = entry.project
        k = project.process
        if k < 0:
            k = len(names)
            names.append(f"pipeline:{project.name}")
            region.append(project.region)
            stage.append(project.stage)
            inputs.append(chain.recipe_inputs[project.recipe])
            outputs.append(chain.recipe_outputs[project.recipe])
            capacity.append(0.0)
            util0.append(0.0)
            max_util.append(0.0)
            ramps.append(1.0 / project.ramp_up_months)
            availability.append(np.ones(months))
        capacity[k] = entry.capacity_per_year
        util0[k] = max_util[k] = project.max_utilisation
        availability[k] = entry.availability(months)
        placed.append((k, entry))
    return placed


def shift_online(
    chain: Chain,
    share: FloatArray,
    placed: Sequence[tuple[int, Online]],
    process_region: NDArray[np.int64],
    process_outputs: FloatArray,
    avail: FloatArray,
    requirement: FloatArray,
) -> None:
    """Shift the offtakers' sourcing shares (T, C, R, R) towards each placed entry, in place."""
    R = len(chain.regions)
    for k, entry in placed:
        r = int(process_region[k])
        named = entry.project.offtake
        offtake = regions_of(chain, named) if named else list(range(R))
        full = entry.capacity_per_year / 12 * avail[:, k] * entry.project.max_utilisation
        for c in np.nonzero(process_outputs[k] > 0)[0].tolist():
            out = full * process_outputs[k, c]
            shift_shares(share, int(c), r, offtake, out, requirement[:, c] / 12)
