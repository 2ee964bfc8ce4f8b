"""The engine's results on the bundled scenario library are bit-identical to the
fingerprints recorded before its consolidation (``scripts/engine_fingerprint.py``):
simulate on both engines, run_batch and the risk runner's batch engine, every array."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).parent
SCRIPT = HERE.parents[1] / "scripts" / "engine_fingerprint.py"


def test_the_library_results_are_bit_identical_to_the_recorded_fingerprints() -> None:
    spec = importlib.util.spec_from_file_location("engine_fingerprint", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    want = json.loads((HERE / "fingerprints.json").read_text(encoding="utf-8"))
    got = script.fingerprints()
    assert sum(len(v) for v in got.values()) > 1000
    assert script.differences(want, got) == []
