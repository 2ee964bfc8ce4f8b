"""numba where it is installed: the optional compiler of the engine's compiled backend.

numba is the ``fast`` extra (``pip install 'reechain[fast]'``); without it
:data:`AVAILABLE` is False and :func:`reechain.engine.run_vectorized` runs its numpy
backend.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.util import find_spec
from typing import Any

AVAILABLE = find_spec("numba") is not None
"""Whether numba is installed (known without importing it: that takes a tenth of a second,
which every command would pay; it is imported with the kernel, on the engine's first run)."""


def njit(function: Callable[..., Any]) -> Any:
    """``function`` compiled by numba where it is installed, else unchanged (never called
    then). Cached on disk; numpy's rules for division by zero; the GIL released while it
    runs (the server's background runs leave its requests alone); inlined into its callers
    (the kernel's steps are functions for reading, not for calling: inlining them keeps the
    kernel as fast as one long function)."""
    if not AVAILABLE:  # pragma: no cover
        return function
    numba = importlib.import_module("numba")
    return numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(function)
