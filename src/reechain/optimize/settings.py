"""What a solve is asked to do: objective, constraints and solver options (no arrays)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from reechain.optimize.partnership import Cover, MaxShare, Objective, Partnership


@dataclass(frozen=True)
class Settings:
    """Objective, constraints and solver options of one solve.

    ``fixed_build`` (candidate → 0/1) and ``fixed_size_t`` (stock candidate → tonnes) fix
    the first stage, which turns the MILP into the linear engine's evaluation of a given
    portfolio.
    """

    objective: Objective = Objective.EXPECTED
    value_of_lost_output_share: float = 0.3
    discount_rate: float = 0.0
    budget_usd: float | None = None
    max_share: MaxShare | None = None
    days_of_cover: tuple[Cover, ...] = ()
    cvar_level: float = 0.95
    cvar_limit_usd: float | None = None
    mip_gap: float = 1e-3
    time_limit_s: float = 300.0
    fixed_build: Mapping[str, float] | None = None
    fixed_size_t: Mapping[str, float] | None = None
    skip: frozenset[str] = field(default_factory=frozenset)
    """Constraint names left out (used to find which constraints conflict)."""
    loss_scale: tuple[float, ...] | None = None
    """Per history, the factor on the linear engine's loss (the engine-fitted surrogate,
    :mod:`~reechain.optimize.loop`; None: 1)."""
    loss_offset_usd: tuple[float, ...] | None = None
    """Per history, USD added to the loss (the surrogate's intercept; None: 0)."""
    decompose: bool = True
    """Solve by history decomposition (one LP per history, L-shaped cuts) where the model
    splits; False: always as one MILP."""

    def with_(self, **changes: object) -> Settings:
        """Return a copy with ``changes``."""
        return replace(self, **changes)  # type: ignore[arg-type]


def settings_of(partnership: Partnership) -> Settings:
    """Return the settings a partnership file asks for."""
    return Settings(
        objective=partnership.objective,
        value_of_lost_output_share=partnership.value_of_lost_output_share,
        discount_rate=partnership.discount_rate,
        budget_usd=partnership.budget_usd,
        max_share=partnership.max_share,
        days_of_cover=partnership.days_of_cover,
        cvar_level=partnership.cvar.level,
        cvar_limit_usd=partnership.cvar.limit_usd,
        mip_gap=partnership.mip_gap,
        time_limit_s=partnership.time_limit_s,
    )
