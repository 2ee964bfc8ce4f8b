"""One fingerprint of a run's inputs: equal inputs, equal hash (to find, reuse and resume runs)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
from pydantic import BaseModel

from reechain.data.dataset import Dataset
from reechain.store.database import dataset_hash


def inputs_hash(dataset: Dataset | None, **parts: Any) -> str:
    """Return a SHA-256 of a dataset's content and the named ``parts`` of a run's inputs.

    A part may be a pydantic model, a numpy array (hashed by its bytes), or anything JSON
    can write; parts are taken in name order, so the call's keyword order does not matter.
    """
    digest = hashlib.sha256(b"" if dataset is None else dataset_hash(dataset).encode())
    for key in sorted(parts):
        value = parts[key]
        digest.update(key.encode())
        if isinstance(value, np.ndarray):
            digest.update(np.ascontiguousarray(value, dtype=np.float64).tobytes())
        elif isinstance(value, BaseModel):
            digest.update(json.dumps(value.model_dump(mode="json"), sort_keys=True).encode())
        else:
            digest.update(json.dumps(value, sort_keys=True, default=str).encode())
    return digest.hexdigest()


__all__ = ["inputs_hash"]
