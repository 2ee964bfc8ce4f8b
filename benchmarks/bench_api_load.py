"""Load benchmark of the REST API on loopback: latency of reading results and listing runs.

Run: ``.venv/bin/python benchmarks/bench_api_load.py [--clients 50] [--requests 5000]``.
Starts ``reechain serve`` on a free loopback port with a fresh data directory, stores one
finished run, then sends a bounded number of requests from concurrent clients (half read a
stored result, half list runs) and prints p50/p99 latency per kind and the error count.
It stops by itself and sends traffic to 127.0.0.1 only.

The load comes from ``wrk`` (Debian's package) when it is installed — a C client leaves the
CPU to the server on a small machine — with a Lua script that stops after the set number of
requests; otherwise from an asyncio client in this process (which competes for the CPU, so
its latencies are an upper bound).
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


WRK_SCRIPT = """
local count, limit = 0, tonumber(os.getenv("WRK_LIMIT"))
response = function(status, headers, body)
  count = count + 1
  if status ~= 200 then errors = (errors or 0) + 1 end
  if count >= limit then wrk.thread:stop() end
end
"""


def wrk_load(url: str, clients: int, total: int) -> tuple[float, float, int, float]:
    """Return p50 and p99 latency (s), non-200 responses and requests/s, from wrk."""
    import re
    import shutil

    threads = 2
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    out = subprocess.run(
        [
            shutil.which("wrk") or "wrk",
            f"-t{threads}",
            f"-c{clients}",
            "-d60s",
            "--latency",
            "-s",
            script.name,
            url,
        ],
        env={**os.environ, "WRK_LIMIT": str(total // threads)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    os.unlink(script.name)

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return ms("50%"), ms("99%"), int(bad.group(1)) if bad else 0, rate


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=5000)
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
            half = args.requests // 2
            for kind, path in (
                ("result", f"/api/runs/{run_id}/results/stages"),
                ("list", "/api/runs?limit=20"),
            ):
                p50, p99, bad, rate = wrk_load(base + path, args.clients, half)
                print(
                    f"  {kind:<7} p50 {p50 * 1e3:7.1f} ms   p99 {p99 * 1e3:7.1f} ms   "
                    f"errors {bad}   {rate:,.0f} requests/s   ({half} requests, wrk, "
                    f"{args.clients} connections)"
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
