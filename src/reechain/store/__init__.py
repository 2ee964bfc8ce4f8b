"""Persistence: datasets, scenarios, runs and results (SQLite file by default)."""

from reechain.store.database import DatasetInfo, RunInfo, Store, dataset_hash

__all__ = ["DatasetInfo", "RunInfo", "Store", "dataset_hash"]
