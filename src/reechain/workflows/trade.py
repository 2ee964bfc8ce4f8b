"""Refresh a dataset's trade from customs statistics: ``reechain data import-trade``.

The file is read and converted by :mod:`reechain.data.trade_import` (method
``hs-rare-earth-v1``, importer-reported mirror rule); here the rows are written into a copy
of the dataset, which must then load — rows, references and baseline balance — before it
replaces the original (all or nothing). ``rebalance`` first closes each balance gap the new
trade leaves in the stock-change residual rows.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

from reechain.chain import compile_chain
from reechain.data.dataset import load_dataset as read_dataset
from reechain.data.trade_import import load_conversions, mirror, read_flows, trade_rows
from reechain.errors import InputError
from reechain.workflows.datasets import bundled_datasets, bundled_path, load_dataset_path


def import_trade(
    file: str | Path,
    dataset: str | Path,
    *,
    out: str | Path | None = None,
    year: int | None = None,
    replace_trade: bool = False,
    rebalance: bool = False,
) -> Path:
    """Import ``file`` into the trade table of ``dataset`` and write it to ``out``.

    ``dataset`` is a dataset folder or a bundled name; ``out`` defaults to the folder itself
    (required for a bundled name). All or nothing: DatasetError/InputError and nothing written.
    """
    src = Path(dataset)
    if not src.is_dir():
        if str(dataset) not in bundled_datasets():
            raise InputError(f"--dataset: got {str(dataset)!r}, expected a folder or bundled name")
        src = bundled_path(str(dataset))
        if out is None:
            raise InputError("--out: expected a folder to write to for a bundled dataset")
    target = Path(out) if out is not None else src
    if target != src and target.exists():
        raise InputError(f"--out: got {str(target)!r}, expected a folder that does not exist")
    path = Path(file)
    if not path.is_file():
        raise InputError(f"FILE: got {str(path)!r}, expected a trade CSV file")
    with open(src / "regions.csv", encoding="utf-8", newline="") as handle:
        regions = [r["region"] for r in csv.DictReader(handle)]
    flows = mirror(read_flows(path, regions, sorted(load_conversions()), year))
    new = trade_rows(flows, f"{path.name}: customs trade statistics (Comtrade or plain layout)")
    with open(src / "trade.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        old = list(reader)
    keys = {(r["year"], r["commodity"], r["exporter"], r["importer"]) for r in new}
    wide = {(r["year"], r["commodity"]) for r in new}
    kept = [
        r
        for r in old
        if (r["year"], r["commodity"], r["exporter"], r["importer"]) not in keys
        and not (replace_trade and (r["year"], r["commodity"]) in wide)
    ]
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".trade-", dir=parent))
    try:
        work = tmp / "dataset"
        shutil.copytree(src, work)
        with open(work / "trade.csv", "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(kept + new)
        if rebalance:
            rebalance_residuals(work, path.name)
        load_dataset_path(work)
        old_copy = tmp / "old"
        if target.exists():
            target.rename(old_copy)
        try:
            work.rename(target)
        except OSError:
            if old_copy.exists():
                old_copy.rename(target)
            raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def rebalance_residuals(folder: Path, file: str) -> int:
    """Close every baseline gap of ``folder`` in its stock-change residual rows.

    For each year, region and commodity whose baseline no longer balances, the gap is added
    to the ``stock_change`` residual row (a new row, confidence low, where there is none);
    the row's method names the gap and ``file``. Returns how many rows changed or were added.
    """
    ds = read_dataset(folder)
    with open(folder / "residuals.csv", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    changed = 0
    for year in ds.years():
        chain = compile_chain(ds, year, check_balance=False)
        for problem in chain.balance_problems():
            region, commodity = str(problem.found).split(" ")[:2]
            r, c = chain.regions.index(region), chain.commodities.index(commodity)
            gap = float(chain.balance_gap[r, c])
            note = f"; {gap:+.6g} closing the gap left by importing {file} (--rebalance)"
            for row in rows:
                if (row["year"], row["region"], row["commodity"], row["kind"]) == (
                    str(year),
                    region,
                    commodity,
                    "stock_change",
                ):
                    row["quantity_per_year"] = repr(float(row["quantity_per_year"]) + gap)
                    row["method"] = (row["method"] or "") + note
                    for bound in ("lower", "upper"):
                        if row.get(bound):
                            row[bound] = repr(float(row[bound]) + gap)
                    break
            else:
                rows.append(
                    {
                        **dict.fromkeys(fields, ""),
                        "year": str(year),
                        "region": region,
                        "commodity": commodity,
                        "kind": "stock_change",
                        "quantity_per_year": repr(gap),
                        "source": f"reechain data import-trade --rebalance after {file}",
                        "source_year": str(year),
                        "note": "balance residual recomputed after a trade import",
                        "confidence": "low",
                        "method": note.lstrip("; "),
                        "lower": repr(min(0.0, 2 * gap)),
                        "upper": repr(max(0.0, 2 * gap)),
                    }
                )
            changed += 1
    with open(folder / "residuals.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return changed


__all__ = ["import_trade", "rebalance_residuals"]
