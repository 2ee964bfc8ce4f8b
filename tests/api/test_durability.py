"""A server killed with SIGKILL mid-run: after a restart the run is failed, never done with
half its results."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

LONG = "name: long\ndataset: default\nhorizon_months: 600\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(home: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "reechain", "--home", str(home), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            assert process.poll() is None, "server exited"
            time.sleep(0.1)
        yield process, base
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def _wait(base: str, run_id: str, until: set[str]) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        run: dict[str, Any] = httpx.get(f"{base}/api/runs/{run_id}", timeout=10).json()
        if run["status"] in until:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} never reached {until}")


def test_a_run_killed_mid_way_is_failed_after_restart(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with server(home) as (process, base):
        saved = httpx.post(f"{base}/api/scenarios", json={"name": "long", "body": LONG}, timeout=60)
        assert saved.status_code == 201, saved.text
        run_id = httpx.post(
            f"{base}/api/runs",
            json={"kind": "simulate", "dataset": "default", "scenario": "long"},
            timeout=10,
        ).json()["id"]
        assert _wait(base, run_id, {"running", "done", "failed"})["status"] == "running"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    with server(home) as (_, base):
        run = httpx.get(f"{base}/api/runs/{run_id}", timeout=10).json()
        assert run["status"] == "failed"
        assert run["error"] == "interrupted: the process running it stopped"
        assert run["outputs"] == []
        missing = httpx.get(f"{base}/api/runs/{run_id}/results/kpis_sector", timeout=10)
        assert missing.status_code == 404
        again = httpx.post(
            f"{base}/api/runs", json={"kind": "summary", "dataset": "default"}, timeout=10
        ).json()["id"]
        assert _wait(base, again, {"done", "failed"})["status"] == "done"
