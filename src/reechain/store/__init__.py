"""Persistence: datasets, scenarios, runs and results, users and tokens.

A SQLite file in the data directory by default; PostgreSQL when REECHAIN_DATABASE_URL says so.
"""

from reechain.store.accounts import ROLES, User, hash_token
from reechain.store.database import DatasetInfo, Store, dataset_hash
from reechain.store.runs import RunInfo, worker_id
from reechain.store.schema import DEFAULT_WORKSPACE

__all__ = [
    "DEFAULT_WORKSPACE",
    "ROLES",
    "DatasetInfo",
    "RunInfo",
    "Store",
    "User",
    "dataset_hash",
    "hash_token",
    "worker_id",
]
