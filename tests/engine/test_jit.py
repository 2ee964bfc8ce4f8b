"""numba's cache of the kernel is kept per version of all the kernel's source files
(``reechain.engine.jit``): a change to any of them, or another numba, compiles afresh."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from reechain.engine.jit import KERNEL_SOURCES, PACKAGE, source_hash


def _copy_sources(to: Path) -> None:
    for pattern in KERNEL_SOURCES:
        for path in PACKAGE.glob(pattern):
            target = to / path.relative_to(PACKAGE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def test_a_change_to_any_kernel_file_changes_the_cache_key(tmp_path: Path) -> None:
    _copy_sources(tmp_path)
    first = source_hash(tmp_path, "0.68.1")
    assert first == source_hash(tmp_path, "0.68.1")
    assert first == source_hash(PACKAGE, "0.68.1")
    seen = {first, source_hash(tmp_path, "0.69.0")}
    for name in (
        "engine/kernel/close.py",
        "engine/kernel/__init__.py",
        "units.py",
        "engine/groups.py",
        "engine/jit.py",
    ):
        path = tmp_path / name
        path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
        seen.add(source_hash(tmp_path, "0.68.1"))
    assert len(seen) == 7


def _cache_dir_in_child(env: dict[str, str]) -> list[str]:
    code = (
        "import os, reechain.engine.kernel, numba; "
        "print(os.environ['NUMBA_CACHE_DIR']); print(numba.config.CACHE_DIR)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.split()


def test_the_kernel_cache_is_named_after_its_sources(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    want = str(tmp_path / "reechain" / f"numba-{source_hash()[:16]}")
    assert _cache_dir_in_child(env) == [want, want]
    assert Path(want).is_dir()


def test_a_cache_directory_the_user_set_is_kept(tmp_path: Path) -> None:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "mine"))
    assert _cache_dir_in_child(env) == [str(tmp_path / "mine")] * 2


def test_the_kernel_runs_uncompiled_for_debugging_with_the_same_numbers() -> None:
    """``NUMBA_DISABLE_JIT=1`` runs the same kernel functions as plain Python."""
    code = (
        "import numpy as np, reechain, sys; "
        "from reechain.engine import prepare_batch, run_vectorized; "
        "from reechain.scenario import library_path, load_scenario; "
        "chain = reechain.compile_chain(reechain.load_dataset('sample')); "
        "s = load_scenario(library_path('dy-restriction')); "
        "run = run_vectorized(prepare_batch(chain, [None, s], months=4)); "
        "np.save(sys.stdout.buffer, np.concatenate([a.ravel() for a in run.arrays.values()])); "
        "import numba.core.config as c; assert bool(c.DISABLE_JIT) == (sys.argv[1] == '1')"
    )

    def run(disabled: str) -> bytes:
        env = dict(os.environ, NUMBA_DISABLE_JIT=disabled)
        command = [sys.executable, "-c", code, disabled]
        return subprocess.run(command, capture_output=True, check=True, env=env).stdout

    import io

    import numpy as np

    plain, compiled = (np.load(io.BytesIO(run(flag))) for flag in ("1", "0"))
    assert plain.shape == compiled.shape
    np.testing.assert_allclose(plain, compiled, rtol=1e-12, atol=1e-9)
