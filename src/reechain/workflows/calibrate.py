"""Calibration of the market's behavioural parameters to the 2009–2013 episode
(:mod:`reechain.risk.market_fit`): the fit, its uncertainty, and the sourced table written.

``reechain calibrate`` calls :func:`calibrate`; writing its ``--out`` to
``src/reechain/engine/bundled/market.csv`` is how the bundled parameters are regenerated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reechain.chain import compile_chain
from reechain.engine.market import MarketRow, write_market
from reechain.errors import InputError
from reechain.risk.market_fit import Fit, calibrate_market, fit_rows
from reechain.workflows.datasets import load_dataset


@dataclass(frozen=True)
class Calibration:
    """What :func:`calibrate` gives: the fit, the table's rows, and where they were written."""

    fit: Fit
    rows: tuple[MarketRow, ...]
    written: Path | None

    def parameters(self) -> list[dict[str, Any]]:
        """One record per parameter: value, bounds, episode, confidence."""
        return [
            {
                "parameter": r.parameter,
                "value": r.value,
                "lower": r.lower,
                "upper": r.upper,
                "episode": r.episode,
                "confidence": str(r.confidence),
            }
            for r in self.rows
        ]

    def observations(self) -> list[dict[str, Any]]:
        """One record per observation: what was observed and what the model gives."""
        return [
            {
                "id": o.id,
                "series": o.series,
                "commodity": o.commodity,
                "market": o.market,
                "date": o.date,
                "observed": o.value,
                "model": round(float(m), 4),
                "ratio": round(float(m) / o.value, 3),
            }
            for o, m in zip(self.fit.observations, self.fit.model, strict=True)
        ]


def calibrate(
    *,
    seed: int = 0,
    bootstrap: int = 30,
    out: str | Path | None = None,
    max_evaluations: int = 300,
    progress: Callable[[int, int], None] | None = None,
    starts: int = 8,
) -> Calibration:
    """Fit the market parameters to the 2009–2013 episode on the default dataset and, when
    ``out`` is given, write them as a sourced table there (replacing it).

    Raises
    ------
    InputError
        ``bootstrap`` below 0, or ``max_evaluations`` or ``starts`` below 1.
    """
    if bootstrap < 0:
        raise InputError(f"--bootstrap: got {bootstrap}, expected 0 or more draws")
    if max_evaluations < 1:
        raise InputError(f"--max-evaluations: got {max_evaluations}, expected 1 or more")
    if starts < 1:
        raise InputError(f"--starts: got {starts}, expected 1 or more")
    chain = compile_chain(load_dataset("default"))
    fit = calibrate_market(
        chain,
        seed=seed,
        bootstrap=bootstrap,
        max_evaluations=max_evaluations,
        progress=progress,
        starts=starts,
    )
    rows = fit_rows(fit)
    written = None
    if out is not None:
        target = Path(out)
        tmp = target.with_name(target.name + ".tmp")
        try:
            write_market(rows, tmp)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        written = target
    return Calibration(fit, rows, written)


__all__ = ["Calibration", "calibrate"]
