"""Engine benchmark: each mode against one local server, next to a bare version with no tracing.

    python benchmarks/engine.py [--json] [-n 1000] [--concurrency 100] [--latency-ms 100] [--repeats 5]

For each mode it prints wall time, the ideal lower bound for the settings, the wall time of a bare
version of the same technique (plain aiohttp gather, plain ThreadPoolExecutor + httpx, ...), and
the ratios wall/ideal and wall/bare. Traced and bare runs alternate, so drift on the machine hits
both alike; each ratio is the median of the pairs, with the range of the pairs beside it.
Sequential runs fewer requests (a thousand one-by-one requests at 100 ms would take 100 s) and
processes fewer workers (each is a whole interpreter); the JSON says exactly what each mode ran.

The fifth mode, asyncio in processes, is measured against the bare *single-loop* aiohttp script
(the thing it must beat), after one warm-up run that starts its pool of worker processes (the
pool stays warm, as it does in the app). Its breakdown says where the time beyond the ideal goes:
the first wave (connections are opened), each later wave's time beyond one latency, the tail
after the last answer, and the CPU seconds of its worker processes and of the local server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
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

from gui.core.model.run_model import RunModel
from gui.core.modes.catalogue import at_once
from gui.core.modes.loops_in_processes import processes_for, warm_pool
from gui.core.results.stats import KnownNetwork, summarize
from gui.core.run.engine import Run
from gui.core.trace.events import BatchSink, Phase
from gui.core.workload.jobs import make_jobs
from gui.core.workload.settings import RunSettings, make_settings
from gui.server import LocalServer, NetworkConditions

GOALS = {"threads": 1.02, "asyncio": 1.02}  # wall / bare at most
LOOPS_MARGIN = 0.02  # asyncio in processes: wall/ideal at least this far under the bare single loop's


def traced_run(settings: RunSettings, base_url: str, network: KnownNetwork) -> tuple[Run, RunModel, float]:
    sink = BatchSink()
    run = Run(settings, base_url, sink)
    asyncio.run(run.execute())
    model = RunModel(run.jobs)
    model.apply(sink.drain())
    summary = summarize(model, settings, run.wall_s, network)
    assert summary.ok == settings.count, f"{settings.mode}: only {summary.ok} of {settings.count} ok"
    assert summary.ideal_s is not None
    return run, model, summary.ideal_s


def traced_wall_s(settings: RunSettings, base_url: str, network: KnownNetwork) -> tuple[float, float, int]:
    run, model, ideal = traced_run(settings, base_url, network)
    return run.wall_s, ideal, len(model.spans)


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


class _NoCookies(httpx.Cookies):
    def extract_cookies(self, response: httpx.Response) -> None:
        return None


def bare_threads_like_ours(urls: list[str], concurrency: int) -> None:
    """The bare pool with the traced client's one saving that is not about tracing: no cookie jar.

    Traced against this, the ratio is what the tracing alone costs."""
    local = threading.local()

    def fetch(url: str) -> None:
        if not hasattr(local, "client"):
            local.client = httpx.Client(verify=_TLS)
            local.client._cookies = _NoCookies()
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


BARE = {
    "sequential": bare_sequential,
    "threads": bare_threads,
    "asyncio": bare_asyncio,
    "processes": bare_processes,
    "asyncio-processes": bare_asyncio,  # what one loop per core must beat: the bare single loop
}


def cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (Linux ``/proc``)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def wave_breakdown(model: RunModel, wall_s: float, concurrency: int, latency_s: float) -> dict[str, float]:
    """Where the time beyond ceil(N / C) latencies went: the first wave, each later one, the tail."""
    ends = sorted(s.t[Phase.ENDED] for s in model.spans)
    marks = [ends[min(k + concurrency, len(ends)) - 1] for k in range(0, len(ends), concurrency)]
    later = [b - a - latency_s for a, b in zip(marks, marks[1:], strict=False)]
    return {
        "first_wave_beyond_latency_ms": round((marks[0] - latency_s) * 1000, 1),
        "later_wave_beyond_latency_ms": round(statistics.median(later) * 1000, 1) if later else 0.0,
        "tail_after_last_answer_ms": round((wall_s - ends[-1]) * 1000, 1),
    }


def bench_mode(
    mode: str, count: int, concurrency: int, server: LocalServer, network: KnownNetwork, repeats: int
) -> dict[str, Any]:
    base_url = server.base_url
    settings = make_settings(mode=mode, count=count, concurrency=concurrency)
    urls = [job.url for job in make_jobs(settings, base_url)]
    loops = mode == "asyncio-processes"
    server_pids = [server.pid] if server.pid is not None else []
    if loops:
        traced_run(settings, base_url, network)  # starts the warm pool, before any clock
    walls, bares, alike, extra = [], [], [], []
    ideal = 0.0
    for _ in range(repeats):  # alternate, so drift on the machine hits both alike
        workers = _worker_pids(settings) if loops else []
        before = (cpu_s(workers), cpu_s(server_pids)) if loops else (0.0, 0.0)
        run, model, ideal = traced_run(settings, base_url, network)
        if loops:
            extra.append({
                **wave_breakdown(model, run.wall_s, at_once(settings), network.latency_ms / 1000),
                "workers_cpu_s": round(cpu_s(workers) - before[0], 3),
                "server_cpu_s": round(cpu_s(server_pids) - before[1], 3),
            })  # fmt: skip
        walls.append(run.wall_s)
        started = time.perf_counter()
        BARE[mode](urls, at_once(settings))
        bares.append(time.perf_counter() - started)
        if mode == "threads":
            started = time.perf_counter()
            bare_threads_like_ours(urls, at_once(settings))
            alike.append(time.perf_counter() - started)
    pairs = [w / b for w, b in zip(walls, bares, strict=True)]
    wall_s, bare_s = statistics.median(walls), statistics.median(bares)
    result: dict[str, Any] = {
        "requests": count,
        "concurrency": at_once(settings),
        "repeats": repeats,
        "wall_s": round(wall_s, 4),
        "ideal_s": round(ideal, 4),
        "bare_wall_s": round(bare_s, 4),
        "wall_over_ideal": round(wall_s / ideal, 3),
        "wall_over_ideal_range": [round(min(walls) / ideal, 3), round(max(walls) / ideal, 3)],
        "bare_over_ideal": round(bare_s / ideal, 3),
        "bare_over_ideal_range": [round(min(bares) / ideal, 3), round(max(bares) / ideal, 3)],
        "wall_over_bare": round(statistics.median(pairs), 3),
        "wall_over_bare_range": [round(min(pairs), 3), round(max(pairs), 3)],
    }
    if mode in GOALS:
        result["goal_wall_over_bare"] = GOALS[mode]
    if alike:
        alike_pairs = [w / b for w, b in zip(walls, alike, strict=True)]
        result["wall_over_bare_without_cookie_jar"] = round(statistics.median(alike_pairs), 3)
        result["wall_over_bare_without_cookie_jar_range"] = [round(min(alike_pairs), 3), round(max(alike_pairs), 3)]
    if loops:
        result["processes"] = processes_for(concurrency, count)
        result["under_bare_single_loop"] = round((bare_s - wall_s) / ideal, 3)
        result["goal_under_bare_single_loop"] = LOOPS_MARGIN
        result["breakdown"] = {key: statistics.median(e[key] for e in extra) for key in extra[0]}
    return result


def _worker_pids(settings: RunSettings) -> list[int]:
    warm = warm_pool(processes_for(settings.concurrency, settings.count))
    return list(getattr(warm.pool, "_processes", {}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--sequential-n", type=int, default=30, help="requests for the sequential mode")
    parser.add_argument("--process-workers", type=int, default=8, help="workers for the processes mode")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--modes", default="sequential,threads,asyncio,processes,asyncio-processes")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    conditions = NetworkConditions(latency_ms=args.latency_ms)
    network = KnownNetwork(args.latency_ms)
    plan = {
        "sequential": (args.sequential_n, 1),
        "threads": (args.n, args.concurrency),
        "asyncio": (args.n, args.concurrency),
        "processes": (args.n, args.process_workers),
        "asyncio-processes": (args.n, args.concurrency),
    }
    results: dict[str, Any] = {}
    with LocalServer(conditions) as server:
        for mode in args.modes.split(","):
            count, concurrency = plan[mode]
            results[mode] = bench_mode(mode, count, concurrency, server, network, args.repeats)
            if not args.json:
                print(text_line(mode, results[mode]), flush=True)
    if args.json:
        print(json.dumps({"latency_ms": args.latency_ms, "modes": results}))
    return 0


def text_line(mode: str, r: dict[str, Any]) -> str:
    line = (
        f"{mode:<17} n={r['requests']:<5} c={r['concurrency']:<4} wall {r['wall_s']:7.3f} s  "
        f"ideal {r['ideal_s']:7.3f} s  bare {r['bare_wall_s']:7.3f} s  "
        f"wall/ideal {r['wall_over_ideal']:5.3f} {r['wall_over_ideal_range']}  "
        f"wall/bare {r['wall_over_bare']:5.3f} {r['wall_over_bare_range']}"
    )
    if "goal_wall_over_bare" in r:
        line += f"  (goal <= {r['goal_wall_over_bare']})"
    if "wall_over_bare_without_cookie_jar" in r:
        line += (
            f"\n{'':<17} against a bare pool without httpx's cookie jar either (tracing alone): "
            f"{r['wall_over_bare_without_cookie_jar']} {r['wall_over_bare_without_cookie_jar_range']}"
        )
    if "under_bare_single_loop" in r:
        line += (
            f"\n{'':<17} bare single loop wall/ideal {r['bare_over_ideal']:5.3f} {r['bare_over_ideal_range']}; "
            f"under it by {r['under_bare_single_loop']} (goal >= {r['goal_under_bare_single_loop']}); "
            f"{r['processes']} processes; breakdown {r['breakdown']}"
        )
    return line


if __name__ == "__main__":
    sys.exit(main())
