"""The engine's units: months of days, tonnes of kilograms.

Quantities are commodity units (tonnes for the default dataset) per month, prices USD/kg.
"""

from __future__ import annotations

DAYS_PER_MONTH = 365 / 12
"""Days in the average month (inventory targets in days of use)."""
KG_PER_T = 1000.0
"""Kilograms per tonne (price-floor payments: USD/kg × t)."""
MONTHS_PER_YEAR = 12
"""Annual figures ÷ 12 are monthly ones."""
