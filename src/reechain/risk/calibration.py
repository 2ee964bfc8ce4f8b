"""Calibration: the event model's parameters from the documented history of disruptions.

For each kind, over the *modelled* events that start inside the calibration window
(January 2010 to December 2025, 16 years, by default):

- **frequency**: rate = n ÷ window years (the Poisson maximum-likelihood estimate), with
  a 90 % exact Poisson interval as its bounds (chi-square quantiles);
- **duration** (months): lognormal, log-mean and log-sd (ddof 1) of the durations;
  log-sd at least :data:`MIN_LOG_SD` (few events); ongoing events are censored at the
  window's end, so durations are on the short side;
- **severity** (fraction withheld or lost): Beta by moments: mean m (clipped to
  [0.05, 0.95]) and concentration κ = m(1 − m)/var − 1 (clipped to [2, 50]; 10 when the
  severities do not vary);
- **logistics delay** (days): lognormal like durations;
- **choices**: element groups (restrictions) or stages (outages) in proportion to counts;
  **targeted probability**: share of restrictions aimed at named importers, not all;
- **correlation**: restrictions and Myanmar closures share an annual tension factor
  Z ~ Gamma(mean 1, variance v), with v = (var − mean) ÷ mean² of the window's annual
  counts of those two kinds (method of moments for a negative binomial; 0 when the
  counts are not over-dispersed). Elements are correlated through the groups: an event
  withholds every element of its group at once.

Example
-------
>>> from reechain.risk.tables import load_events
>>> from reechain.risk.calibration import calibrate
>>> params = {p.parameter: p.value for p in calibrate(load_events())}
>>> params["mine_closure.rate_per_year"]  # three closures in 16 years
0.1875
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
from scipy.stats import chi2

from reechain.risk.events import COUPLED_KINDS, KINDS, HistoricalEvent, ModelParameter

WINDOW = ("2010-01", "2025-12")
"""Calibration window, first and last month (inclusive)."""
MIN_LOG_SD = 0.25
"""Smallest log-sd of a duration or delay distribution."""
DEFAULT_CONCENTRATION = 10.0
"""Beta concentration when the severities of a kind do not vary."""
SOURCE = "reechain/risk/bundled/events.csv (calibration.py)"


def window_years(window: tuple[str, str] = WINDOW) -> float:
    """Return the length of the calibration window in years."""
    (y0, m0), (y1, m1) = ((int(w[:4]), int(w[5:7])) for w in window)
    return ((y1 - y0) * 12 + (m1 - m0) + 1) / 12


def in_window(
    events: Sequence[HistoricalEvent], window: tuple[str, str] = WINDOW
) -> list[HistoricalEvent]:
    """Return the modelled events that start inside ``window``."""
    return [e for e in events if e.modelled and window[0] <= e.start <= window[1]]


def poisson_interval(n: int, years: float, level: float = 0.90) -> tuple[float, float]:
    """Return the exact Poisson interval (events per year) for ``n`` events in ``years``."""
    alpha = 1 - level
    lower = 0.0 if n == 0 else float(chi2.ppf(alpha / 2, 2 * n)) / 2 / years
    upper = float(chi2.ppf(1 - alpha / 2, 2 * n + 2)) / 2 / years
    return lower, upper


def _log_fit(values: Sequence[float]) -> tuple[float, float]:
    logs = np.log(np.asarray(values, dtype=float))
    sd = float(np.std(logs, ddof=1)) if len(logs) > 1 else 0.0
    return float(np.mean(logs)), max(sd, MIN_LOG_SD)


def _beta_fit(values: Sequence[float]) -> tuple[float, float]:
    x = np.asarray(values, dtype=float)
    m = min(max(float(np.mean(x)), 0.05), 0.95)
    var = float(np.var(x, ddof=1)) if len(x) > 1 else 0.0
    kappa = DEFAULT_CONCENTRATION if var <= 0 else min(max(m * (1 - m) / var - 1, 2.0), 50.0)
    return m * kappa, (1 - m) * kappa


def tension_variance(
    events: Sequence[HistoricalEvent], window: tuple[str, str] = WINDOW
) -> tuple[float, list[int]]:
    """Return (v, annual counts) of the coupled kinds over the window's years."""
    first, last = int(window[0][:4]), int(window[1][:4])
    years = Counter(e.year for e in in_window(events, window) if e.kind in COUPLED_KINDS)
    counts = [years.get(y, 0) for y in range(first, last + 1)]
    mean, var = float(np.mean(counts)), float(np.var(counts))
    return (max((var - mean) / mean**2, 0.0) if mean > 0 else 0.0), counts


def _param(
    name: str,
    value: float,
    unit: str,
    method: str,
    *,
    bounds: tuple[float, float] | None = None,
    note: str = "",
) -> ModelParameter:
    value = round(value, 9)
    return ModelParameter(
        parameter=name,
        value=value,
        unit=unit,
        confidence="low" if bounds else "medium",
        method=method,
        source=SOURCE,
        note=note,
        lower=None if bounds is None else min(round(bounds[0], 9), value),
        upper=None if bounds is None else max(round(bounds[1], 9), value),
    )


def calibrate(
    events: Sequence[HistoricalEvent], window: tuple[str, str] = WINDOW
) -> tuple[ModelParameter, ...]:
    """Return the event model's parameters calibrated on ``events`` (rates per year, months)."""
    years = window_years(window)
    used = in_window(events, window)
    out: list[ModelParameter] = []
    for kind in KINDS:
        rows = [e for e in used if e.kind == kind]
        n = len(rows)
        if n == 0:
            raise ValueError(f"no modelled {kind} event in the window {window[0]}..{window[1]}")
        ids = " ".join(e.id for e in rows)
        out.append(
            _param(
                f"{kind}.rate_per_year",
                n / years,
                "events/year",
                f"{n} events / {years:g} years ({ids})",
                bounds=poisson_interval(n, years),
                note="bounds: 90 % exact Poisson interval",
            )
        )
        mu, sd = _log_fit([e.duration_months or 1.0 for e in rows])
        out.append(_param(f"{kind}.duration_log_mean", mu, "log months", "mean of log durations"))
        out.append(_param(f"{kind}.duration_log_sd", sd, "log months", "sd of log durations"))
        if kind == "logistics":
            mu, sd = _log_fit([e.delay_days or 1.0 for e in rows])
            out.append(_param(f"{kind}.delay_log_mean", mu, "log days", "mean of log delays"))
            out.append(_param(f"{kind}.delay_log_sd", sd, "log days", "sd of log delays"))
        else:
            a, b = _beta_fit([e.severity or 0.0 for e in rows])
            out.append(_param(f"{kind}.severity_a", a, "", "Beta by moments of severities"))
            out.append(_param(f"{kind}.severity_b", b, "", "Beta by moments of severities"))
        if kind in ("export_restriction", "plant_outage"):
            groups = Counter(e.group for e in rows)
            for group, count in sorted(groups.items()):
                out.append(
                    _param(f"{kind}.choice.{group}", count / n, "probability", f"{count} of {n}")
                )
        if kind == "export_restriction":
            targeted = sum(e.importers != "all" for e in rows)
            out.append(
                _param(
                    f"{kind}.targeted_probability",
                    targeted / n,
                    "probability",
                    f"{targeted} of {n} aimed at named importers",
                )
            )
    v, counts = tension_variance(events, window)
    mean = float(np.mean(counts))
    out.append(
        _param(
            "tension.variance",
            v,
            "",
            f"(var - mean)/mean^2 of annual counts {counts} (mean {mean:g})",
            bounds=(0.0, max(3 * v, 1.0)),
            note="few years with events: the variance is uncertain",
        )
    )
    return tuple(out)


def expected_annual_counts(parameters: Sequence[ModelParameter]) -> dict[str, float]:
    """Return the expected number of events per year of each kind (the rates)."""
    values = {p.parameter: p.value for p in parameters}
    return {kind: values[f"{kind}.rate_per_year"] for kind in KINDS}


def observed_annual_counts(
    events: Sequence[HistoricalEvent], window: tuple[str, str] = WINDOW
) -> dict[str, float]:
    """Return the observed number of modelled events per year of each kind in the window."""
    years = window_years(window)
    counts = Counter(e.kind for e in in_window(events, window))
    return {kind: counts.get(kind, 0) / years for kind in KINDS}


def lognormal_mean(log_mean: float, log_sd: float) -> float:
    """Return the mean of a lognormal distribution."""
    return math.exp(log_mean + log_sd**2 / 2)
