"""numba, the compiler of the engine's kernel, and where its on-disk cache lives.

numba is imported with the kernel, on the engine's first run, not with reechain: importing
it takes a tenth of a second, which every command would pay.

**One cache per version of the kernel.** numba's on-disk cache (``cache=True``) keys each
compiled function to its own source file, and is not renewed when a function it calls
from another file changes (the kernel's steps are inlined into :func:`month_kernel`), nor
when a constant it imports changes (constants are frozen into the compiled code). The
kernel spans several modules (:mod:`reechain.engine.kernel`), so before numba is
imported, :func:`configure_cache` points ``NUMBA_CACHE_DIR`` at a directory named after a
hash of every source file the kernel is made of (``KERNEL_SOURCES``: the kernel package,
the groups and units it imports, this module) and of numba's version:
``$XDG_CACHE_HOME/reechain/numba-<hash>`` (``~/.cache`` without ``XDG_CACHE_HOME``; the
system's temporary directory where that cannot be created). Any change to any of those
files, or another numba, gives another directory, so the whole kernel is compiled afresh
(about 20 s) instead of mixing stale parts. A ``NUMBA_CACHE_DIR`` set by the user is left
as it is (and then keeping it fresh is the user's affair).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import os
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])

PACKAGE = Path(__file__).parents[1]
KERNEL_SOURCES = ("engine/jit.py", "units.py", "engine/groups.py", "engine/kernel/*.py")
"""Files (globs under the ``reechain`` package) whose content keys the kernel's cache."""


def source_hash(root: Path = PACKAGE, numba_version: str | None = None) -> str:
    """Return the sha256 of the kernel's source files under ``root`` (names and contents,
    in name order) and of numba's version (default: the installed one)."""
    h = hashlib.sha256()
    version = numba_version if numba_version is not None else metadata.version("numba")
    h.update(f"numba {version}\n".encode())
    files = sorted({path for pattern in KERNEL_SOURCES for path in root.glob(pattern)})
    for path in files:
        h.update(path.relative_to(root).as_posix().encode() + b"\n")
        h.update(path.read_bytes())
    return h.hexdigest()


def cache_dir() -> Path:
    """Return the directory of this kernel's compiled cache (see the module docstring)."""
    name = f"numba-{source_hash()[:16]}"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    for candidate in (
        Path(base) / "reechain" / name,
        Path(tempfile.gettempdir()) / f"reechain-{name}",
    ):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(candidate, os.W_OK):
            return candidate
    return Path(tempfile.mkdtemp(prefix=f"reechain-{name}-"))


@functools.cache
def configure_cache() -> str:
    """Point numba's cache at :func:`cache_dir` unless the user set ``NUMBA_CACHE_DIR``;
    return the directory in force. Called before numba is first imported."""
    chosen = os.environ.get("NUMBA_CACHE_DIR")
    if not chosen:
        chosen = str(cache_dir())
        os.environ["NUMBA_CACHE_DIR"] = chosen
        # numba reads the variable when it is first imported: set it too where some other
        # code imported numba before the kernel
        config = importlib.import_module("numba.core.config")
        setattr(config, "CACHE_DIR", chosen)  # noqa: B010 (numba has no type hints)
    return chosen


def njit(function: F) -> F:
    """``function`` compiled by numba. Cached on disk (:func:`configure_cache`); numpy's
    rules for division by zero; the GIL released while it runs (the server's background
    runs leave its requests alone); inlined into its callers (the kernel's steps are
    functions for reading, not for calling: inlining them keeps the kernel as fast as one
    long function); without numba's reference counting (``_nrt=False``).

    **No reference counting.** numba counts references to arrays with atomic increments
    and decrements, out of line, and an inlined step's arguments are counted afresh at
    every call: passing the ``work`` group (about forty arrays) to the trade of each
    commodity cost about a third of the kernel's time (profiled, 2026-12-04). The kernel
    allocates nothing (its arrays come from Python, views of them are taken inside), so it
    needs no counts; without numba's runtime, anything that would allocate (a temporary
    array, an array assigned to a slice) fails to compile, which keeps it so."""
    configure_cache()
    numba = importlib.import_module("numba")
    compiled: F = numba.njit(
        cache=True, nogil=True, error_model="numpy", inline="always", _nrt=False
    )(function)
    return compiled
