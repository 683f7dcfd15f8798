"""Engine benchmark: each mode against one local server, next to a bare version with no tracing.

    python benchmarks/engine.py [--json] [-n 1000] [--concurrency 100] [--latency-ms 100]

For each mode it prints wall time, the ideal lower bound for the settings, the wall time of a bare
version of the same technique (plain aiohttp gather, plain ThreadPoolExecutor + httpx, ...), and
the ratios wall/ideal and wall/bare. Sequential runs fewer requests (a thousand one-by-one
requests at 100 ms would take 100 s) and processes fewer workers (each is a whole interpreter);
the JSON says exactly what each mode ran.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import ssl
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
import certifi
import httpx

from gui.core.engine import Run
from gui.core.jobs import make_jobs
from gui.core.run_model import RunModel
from gui.core.settings import RunSettings, make_settings
from gui.core.stats import KnownNetwork, summarize
from gui.core.trace import BatchSink
from gui.server import LocalServer, NetworkConditions


def traced_wall_s(settings: RunSettings, base_url: str, network: KnownNetwork) -> tuple[float, float, int]:
    sink = BatchSink()
    run = Run(settings, base_url, sink)
    asyncio.run(run.execute())
    model = RunModel(run.jobs)
    model.apply(sink.drain())
    summary = summarize(model, settings, run.wall_s, network)
    assert summary.ok == settings.count, f"{settings.mode}: only {summary.ok} of {settings.count} ok"
    assert summary.ideal_s is not None
    return run.wall_s, summary.ideal_s, summary.ok


# --- bare versions: the same technique with no tracing at all ---------------------------------


# Loading CA certificates takes ~20 ms per client; the engine loads them once, and so do we,
# so that the comparison measures tracing, not certificate loading.
_TLS = ssl.create_default_context(cafile=certifi.where())


def bare_sequential(urls: list[str], concurrency: int) -> None:
    with httpx.Client(verify=_TLS) as client:
        for url in urls:
            client.get(url).json()


def bare_threads(urls: list[str], concurrency: int) -> None:
    local = threading.local()

    def fetch(url: str) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(verify=_TLS)
        local.client.get(url).json()

    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(fetch, urls))


async def _bare_asyncio(urls: list[str], concurrency: int) -> None:
    semaphore = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def fetch(url: str) -> None:
            async with semaphore, session.get(url) as response:
                await response.json()

        await asyncio.gather(*(fetch(url) for url in urls))


def bare_asyncio(urls: list[str], concurrency: int) -> None:
    asyncio.run(_bare_asyncio(urls, concurrency))


_process_client: httpx.Client | None = None


def _bare_process_fetch(url: str) -> None:
    global _process_client
    if _process_client is None:
        _process_client = httpx.Client()
    _process_client.get(url).json()


def bare_processes(urls: list[str], concurrency: int) -> None:
    with ProcessPoolExecutor(concurrency, multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_bare_process_fetch, urls))


BARE = {"sequential": bare_sequential, "threads": bare_threads, "asyncio": bare_asyncio, "processes": bare_processes}


def bench_mode(
    mode: str, count: int, concurrency: int, base_url: str, network: KnownNetwork, repeats: int
) -> dict[str, Any]:
    settings = make_settings(mode=mode, count=count, concurrency=concurrency)
    urls = [job.url for job in make_jobs(settings, base_url)]
    walls, bares = [], []
    ideal = 0.0
    for _ in range(repeats):  # alternate, so drift on the machine hits both alike
        wall, ideal, _ = traced_wall_s(settings, base_url, network)
        walls.append(wall)
        started = time.perf_counter()
        BARE[mode](urls, settings.workers)
        bares.append(time.perf_counter() - started)
    wall_s, bare_s = statistics.median(walls), statistics.median(bares)
    return {
        "requests": count,
        "concurrency": settings.workers,
        "repeats": repeats,
        "wall_s": round(wall_s, 4),
        "ideal_s": round(ideal, 4),
        "bare_wall_s": round(bare_s, 4),
        "wall_over_ideal": round(wall_s / ideal, 3),
        "wall_over_bare": round(wall_s / bare_s, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--sequential-n", type=int, default=30, help="requests for the sequential mode")
    parser.add_argument("--process-workers", type=int, default=8, help="workers for the processes mode")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--modes", default="sequential,threads,asyncio,processes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    conditions = NetworkConditions(latency_ms=args.latency_ms)
    network = KnownNetwork(args.latency_ms)
    plan = {
        "sequential": (args.sequential_n, 1),
        "threads": (args.n, args.concurrency),
        "asyncio": (args.n, args.concurrency),
        "processes": (args.n, args.process_workers),
    }
    results: dict[str, Any] = {}
    with LocalServer(conditions) as server:
        for mode in args.modes.split(","):
            count, concurrency = plan[mode]
            results[mode] = bench_mode(mode, count, concurrency, server.base_url, network, args.repeats)
            if not args.json:
                r = results[mode]
                print(
                    f"{mode:<11} n={r['requests']:<5} c={r['concurrency']:<4} wall {r['wall_s']:7.3f} s  "
                    f"ideal {r['ideal_s']:7.3f} s  bare {r['bare_wall_s']:7.3f} s  "
                    f"wall/ideal {r['wall_over_ideal']:5.2f}  wall/bare {r['wall_over_bare']:5.2f}",
                    flush=True,
                )
    if args.json:
        print(json.dumps({"latency_ms": args.latency_ms, "modes": results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
