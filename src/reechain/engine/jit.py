"""numba, the compiler of the engine's kernel (a core dependency).

numba is imported with the kernel, on the engine's first run, not with reechain: importing
it takes a tenth of a second, which every command would pay.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def njit(function: Callable[..., Any]) -> Any:
    """``function`` compiled by numba. Cached on disk; numpy's rules for division by zero;
    the GIL released while it runs (the server's background runs leave its requests alone);
    inlined into its callers (the kernel's steps are functions for reading, not for
    calling: inlining them keeps the kernel as fast as one long function)."""
    numba = importlib.import_module("numba")
    return numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")(function)
