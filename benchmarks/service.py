"""Service benchmark: `mtus-check serve` (SQLite audit store) on a local port, POST /v1/precheck of a 5-item request
at a fixed concurrency for a fixed time; prints requests per second, p50/p99 latency, and the ratio to in-process
evaluation of the same request (Checker.review and the JSON contract, no HTTP, no audit record).

    .venv/bin/python benchmarks/service.py [--seconds 10] [--concurrency 16] [--workers 2]

The load generator runs on the same machine (one process, asyncio), so on 2 cores it takes CPU from the server."""
import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
REQUEST = ROOT / "examples" / "requests" / "seed-003.yaml"  # five items


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def in_process(body, seconds):
    """Evaluations per second of the same request in this process."""
    sys.path.insert(0, str(ROOT))
    from checker.pipeline import Checker
    from checker.render.views import to_dict
    from checker.service.core import parse_body
    checker = Checker()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        json.dumps(to_dict(checker.review(parse_body(body))))
        count += 1
    return count / (time.perf_counter() - start)


async def load(url, key, body, seconds, concurrency):
    latencies, errors = [], 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        stop = time.perf_counter() + seconds

        async def worker():
            nonlocal errors
            while time.perf_counter() < stop:
                start = time.perf_counter()
                answer = await client.post("/v1/precheck", content=body, headers=headers)
                latencies.append(time.perf_counter() - start)
                errors += answer.status_code != 200
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        took = time.perf_counter() - start
    return latencies, errors, took


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    body = json.dumps(yaml.safe_load(REQUEST.read_text()), default=str).encode()
    folder = tempfile.mkdtemp(prefix="mtus-bench-")
    db = f"sqlite:///{folder}/audit.db"
    cli = [sys.executable, "-m", "checker", "serve"]
    key = subprocess.run(cli + ["keys", "create", "bench", "--database-url", db], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.strip()
    port = _free_port()
    env = dict(os.environ, MTUS_SERVICE_RATE_PER_SECOND="1000000", MTUS_SERVICE_RATE_BURST="1000000")
    server = subprocess.Popen(cli + ["--port", str(port), "--workers", str(args.workers), "--database-url", db],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while True:
            try:
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline or server.poll() is not None:
                sys.exit("the server did not start")
            time.sleep(0.5)
        asyncio.run(load(url, key, body, 2, args.concurrency))  # warm-up: every worker up and compiled
        latencies, errors, took = asyncio.run(load(url, key, body, args.seconds, args.concurrency))
    finally:
        server.terminate()
        server.wait(30)
    rate = len(latencies) / took
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    local = in_process(body, min(args.seconds, 5))
    print(f"POST /v1/precheck, 5 items, concurrency {args.concurrency}, {args.workers} worker(s), "
          f"{os.cpu_count()} cores: {rate:.0f} requests/s over {took:.1f} s, {errors} non-200")
    print(f"latency p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms")
    print(f"in-process evaluation: {local:.0f} requests/s; service / in-process = {rate / local:.2f}")


if __name__ == "__main__":
    main()
