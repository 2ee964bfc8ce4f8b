"""Fingerprint the engine's results on the bundled scenario library, to show a refactor
changes no bit.

For each dataset's library (``default`` and ``sample``), every scenario runs through
:func:`reechain.engine.simulate` on the batch engine and on the reference engine, the whole
library through :func:`reechain.engine.run_batch` and the risk runner's batch engine; the
fingerprint is the sha256 of every result array's bytes (with its dtype and shape), per
scenario and field, and of the KPI records (sector and commodity).

Run ``python scripts/engine_fingerprint.py [--out FILE] [--check FILE]``: ``--out`` writes
the fingerprints as JSON (default: print them), ``--check`` compares them with a file and
exits 1 naming each field that differs. ``tests/engine/fingerprints.json`` holds those of
the engine before its consolidation; ``tests/engine/test_fingerprint.py`` checks them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

DATASETS = ("default", "sample")


def digest(value: Any) -> str:
    """Return the sha256 of an array's dtype, shape and bytes (or of JSON of anything else)."""
    h = hashlib.sha256()
    if isinstance(value, np.ndarray):
        arr = np.ascontiguousarray(value)
        h.update(f"{arr.dtype.str}{arr.shape}".encode())
        h.update(arr.tobytes())
    else:
        h.update(json.dumps(value, sort_keys=True, default=repr).encode())
    return h.hexdigest()


def _arrays(obj: Any, prefix: str, out: dict[str, str]) -> None:
    for name, value in sorted(vars(obj).items()):
        if isinstance(value, np.ndarray):
            out[f"{prefix}{name}"] = digest(value)


def fingerprints(datasets: tuple[str, ...] = DATASETS) -> dict[str, dict[str, str]]:
    """Return {case: {field: sha256}} of the engine's results on the bundled library."""
    import reechain
    from reechain.engine import commodity_kpis, run_batch, sector_kpis, simulate
    from reechain.risk.engines import vectorized_engine
    from reechain.scenario import library_scenarios, load_scenario

    found: dict[str, dict[str, str]] = {}
    for dataset in datasets:
        chain = reechain.compile_chain(reechain.load_dataset(dataset))
        scenarios = [load_scenario(p, chain) for p in library_scenarios(dataset).values()]
        for scenario in scenarios:
            for engine in ("vectorized", "reference"):
                results = simulate(chain, scenario, engine=engine)
                fields: dict[str, str] = {}
                _arrays(results, "", fields)
                _arrays(results.run, "run.", fields)
                _arrays(results.baseline, "baseline.", fields)
                fields["sector_kpis"] = digest(sector_kpis(results))
                fields["commodity_kpis"] = digest(commodity_kpis(results))
                found[f"{dataset}/{scenario.name}/simulate-{engine}"] = fields
        horizon = max(s.horizon_months for s in scenarios)
        batch = run_batch(chain, [None, *scenarios], months=horizon)
        fields = {}
        _arrays(batch, "", fields)
        found[f"{dataset}/run_batch"] = fields
        risk = vectorized_engine(chain, scenarios, horizon)
        fields = {}
        _arrays(risk, "", fields)
        found[f"{dataset}/risk_engine"] = fields
    return found


def differences(want: dict[str, dict[str, str]], got: dict[str, dict[str, str]]) -> list[str]:
    """Return one line per case or field whose fingerprint differs or is missing."""
    lines = []
    for case in sorted(set(want) | set(got)):
        a, b = want.get(case, {}), got.get(case, {})
        for name in sorted(set(a) | set(b)):
            if a.get(name) != b.get(name):
                lines.append(f"{case}: {name}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the fingerprints here (JSON)")
    parser.add_argument("--check", type=Path, help="compare with the fingerprints in this file")
    args = parser.parse_args()
    found = fingerprints()
    text = json.dumps(found, indent=1, sort_keys=True) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.check:
        want = json.loads(args.check.read_text(encoding="utf-8"))
        lines = differences(want, found)
        for line in lines:
            print(f"differs: {line}")
        print(f"{sum(len(v) for v in found.values())} fingerprints, {len(lines)} differ")
        return 1 if lines else 0
    if not args.out:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
