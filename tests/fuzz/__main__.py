"""``python -m tests.fuzz [N]``: run every family with N inputs and print a table of counts."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from fastapi.testclient import TestClient

import reechain
from reechain.chain import compile_chain
from reechain.server import create_server
from reechain.store import Store
from tests.fuzz import api, datasets, scenarios, trade
from tests.fuzz.harness import describe, run_family
from tests.fuzz.test_api_bodies import SEED as API_SEED
from tests.fuzz.test_datasets import CSV_SEED, XLSX_SEED
from tests.fuzz.test_scenarios import SEED
from tests.fuzz.test_trade import SEED as TRADE_SEED


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    family = sys.argv[2] if len(sys.argv) > 2 else "all"
    print("| family | inputs tried | accepted | clean errors | crashes | partial writes |")
    print("|---|---:|---:|---:|---:|---:|")
    tallies = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/store.sqlite")
        checks = datasets.DatasetChecks(Path(tmp), store)
        if family in ("all", "csv"):
            tallies.append(
                run_family("csv", CSV_SEED, datasets.mutate_files, checks.check_folder, n)
            )
            print(tallies[-1].row(), flush=True)
        if family in ("all", "xlsx"):
            book = datasets.sample_book()
            tallies.append(
                run_family(
                    "xlsx",
                    XLSX_SEED,
                    lambda r: datasets.mutate_book(r, book),
                    checks.check_book,
                    n,
                )
            )
            print(tallies[-1].row(), flush=True)
        store.close()
    if family in ("all", "yaml"):
        chain = compile_chain(reechain.load_dataset("sample"))
        tallies.append(
            run_family(
                "scenario yaml",
                SEED,
                scenarios.generate,
                scenarios.ScenarioChecks(chain).check,
                n,
            )
        )
        print(tallies[-1].row(), flush=True)
    if family in ("all", "api"):
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.open(f"sqlite:///{tmp}/store.sqlite")
            with TestClient(create_server(store), base_url="http://127.0.0.1") as client:
                checks = api.ApiChecks(client, store)
                tallies.append(run_family("api bodies", API_SEED, api.generate, checks.check, n))
            store.close()
        print(tallies[-1].row(), flush=True)
    if family in ("all", "trade"):
        with tempfile.TemporaryDirectory() as tmp:
            checks = trade.TradeChecks(Path(tmp))
            tallies.append(run_family("trade files", TRADE_SEED, trade.generate, checks.check, n))
        print(tallies[-1].row(), flush=True)
    for tally in tallies:
        if tally.crashes:
            print(f"\n{tally.family} crashes:\n{describe(tally.crashes)}")
    return 1 if any(t.crashes for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
