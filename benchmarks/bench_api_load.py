"""Load benchmark of the REST API on loopback: latency of reading results and listing runs.

Run: ``.venv/bin/python benchmarks/bench_api_load.py [--clients 50] [--requests 5000]``.
Starts ``reechain serve`` on a free loopback port with a fresh data directory, stores one
finished run, then sends a bounded number of requests from concurrent clients (half read a
stored result, half list runs) and prints p50/p99 latency per kind and the error count.
It stops by itself and sends traffic to 127.0.0.1 only.

The load comes from ``wrk`` (Debian's package) when it is installed — a C client leaves the
CPU to the server on a small machine — for a fixed time per endpoint (``--seconds``, at
least 5,000 requests on this machine); otherwise from an asyncio client in this process
that sends ``--requests`` requests (it competes for the CPU, so its latencies are an upper
bound).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


async def load(base: str, run_id: str, clients: int, total: int) -> dict[str, list[float]]:
    latencies: dict[str, list[float]] = {"result": [], "list": [], "errors": []}
    counter = iter(range(total))

    async def client(session: httpx.AsyncClient) -> None:
        for i in counter:
            path = f"/api/runs/{run_id}/results/stages" if i % 2 == 0 else "/api/runs?limit=20"
            start = time.perf_counter()
            try:
                response = await session.get(base + path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            elapsed = time.perf_counter() - start
            latencies["result" if i % 2 == 0 else "list"].append(elapsed)
            if not ok:
                latencies["errors"].append(elapsed)

    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(timeout=10, limits=limits) as session:
        await asyncio.gather(*(client(session) for _ in range(clients)))
    return latencies


def wrk_load(url: str, clients: int, seconds: int) -> tuple[float, float, int, int, float]:
    """Return p50 and p99 latency (s), errors, requests sent and requests/s, from wrk.

    wrk runs for a fixed time (it stops by itself); errors are non-2xx responses plus
    socket errors (connect, read, write, timeout).
    """
    import re
    import shutil

    out = subprocess.run(
        [shutil.which("wrk") or "wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout

    def seconds_of(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, sockets.groups())) if sockets else 0)
    sent = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return seconds_of("50%"), seconds_of("99%"), errors, sent, rate


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument(
        "--requests",
        type=int,
        default=5000,
        help="requests sent by the asyncio client (without wrk)",
    )
    parser.add_argument("--seconds", type=int, default=5, help="duration of each wrk run")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="reechain-load-"))
    env = {**os.environ, "REECHAIN_HOME": str(home)}
    exe = [sys.executable, "-m", "reechain"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(home / "server.log", "w")  # noqa: SIM115 (closed with the server)
    server = subprocess.Popen(
        [*exe, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_until_up(base)
        run_id = httpx.post(
            f"{base}/api/runs", json={"kind": "summary", "dataset": "sample"}, timeout=10
        ).json()["id"]
        while httpx.get(f"{base}/api/runs/{run_id}").json()["status"] != "done":
            time.sleep(0.05)
        import shutil

        if shutil.which("wrk"):
            for kind, path in (
                ("result", f"/api/runs/{run_id}/results/stages"),
                ("list", "/api/runs?limit=20"),
            ):
                p50, p99, bad, sent, rate = wrk_load(base + path, args.clients, args.seconds)
                print(
                    f"  {kind:<7} p50 {p50 * 1e3:7.1f} ms   p99 {p99 * 1e3:7.1f} ms   "
                    f"errors {bad}   {rate:,.0f} requests/s   ({sent} requests in "
                    f"{args.seconds} s, wrk, {args.clients} connections)"
                )
            return
        start = time.perf_counter()
        latencies = asyncio.run(load(base, run_id, args.clients, args.requests))
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    print(
        f"{args.requests} requests from {args.clients} clients in {wall:.1f} s "
        f"({args.requests / wall:,.0f} requests/s); errors: {len(latencies['errors'])}"
    )
    for kind in ("result", "list"):
        values = latencies[kind]
        print(
            f"  {kind:<7} p50 {percentile(values, 50) * 1e3:7.1f} ms   "
            f"p99 {percentile(values, 99) * 1e3:7.1f} ms   ({len(values)} requests)"
        )


if __name__ == "__main__":
    main()
