"""numba where it is installed: the optional compiler of the engine's compiled backend.

numba is the ``fast`` extra (``pip install 'reechain[fast]'``); without it
:data:`AVAILABLE` is False and :func:`reechain.engine.run_vectorized` runs its numpy
backend.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

numba: Any
try:
    numba = importlib.import_module("numba")
except ImportError:  # pragma: no cover - the test environment installs numba
    numba = None
AVAILABLE = numba is not None
"""Whether numba is installed."""


def njit(function: Callable[..., Any]) -> Any:
    """``function`` compiled by numba where it is installed, else unchanged (never called
    then). Cached on disk; numpy's rules for division by zero; the GIL released while it
    runs (the server's background runs leave its requests alone); inlined into its callers
    (the kernel's steps are functions for reading, not for calling: inlining them keeps the
    kernel as fast as one long function)."""
    if numba is None:  # pragma: no cover
        return function
    return numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(function)
