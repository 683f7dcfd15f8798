"""Scale: 100,000 requests headless (asyncio, 1,000 at once), its peak memory, its trace and report.

    python benchmarks/scale.py [--json] [-n 100000] [--concurrency 1000] [--latency-ms 100]

The run goes the way ``--headless --trace FILE --json`` goes (``run_headless_comparison``, then
the Chrome trace and the JSON report written to a temporary folder), in a child process of its
own so that its peak resident memory (``VmHWM``) is the run's alone. The local server is another
process and is not counted. ``main.py --headless --count 100000 -c 1000 --trace t.json --json``
is the same run from the command line.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GOAL_RSS_MB = 600


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux ``VmHWM``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(count: int, concurrency: int, latency_ms: float) -> dict[str, Any]:
    """In the child: the run, then its files, then the figures."""
    from gui.core.exports import reports_json, write_chrome_trace
    from gui.core.workload.settings import make_settings
    from gui.headless import run_headless_comparison
    from gui.server import NetworkConditions

    settings = make_settings(mode="asyncio", count=count, concurrency=concurrency)
    started = time.perf_counter()
    result = run_headless_comparison([settings], NetworkConditions(latency_ms=latency_ms))
    run_s = time.perf_counter() - started
    finished = result.runs[0]
    with tempfile.TemporaryDirectory() as folder:
        trace = Path(folder) / "trace.json"
        started = time.perf_counter()
        write_chrome_trace(trace, [finished])
        report = json.dumps(reports_json([finished]))
        files_s = time.perf_counter() - started
        trace_mb = trace.stat().st_size / 1e6
    summary = finished.summary
    return {
        "requests": count,
        "concurrency": concurrency,
        "ok": summary.ok,
        "completed": summary.ok == count,
        "wall_s": round(summary.wall_s, 3),
        "ideal_s": round(summary.ideal_s or 0.0, 3),
        "run_and_model_s": round(run_s, 3),
        "trace_written_mb": round(trace_mb, 1),
        "report_written_kb": round(len(report) / 1e3, 1),
        "files_s": round(files_s, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "goal_peak_rss_mb": GOAL_RSS_MB,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.n, args.concurrency, args.latency_ms)))
        return 0
    command = [sys.executable, __file__, "--child", "-n", str(args.n), "--concurrency", str(args.concurrency)]
    command += ["--latency-ms", str(args.latency_ms)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 1
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    if args.json:
        print(json.dumps({"headless": figures}))
    else:
        f = figures
        print(
            f"{f['requests']:,} requests at {f['concurrency']:,} at once: {f['ok']:,} ok in {f['wall_s']} s "
            f"(ideal {f['ideal_s']} s); peak RSS {f['peak_rss_mb']} MB (goal <= {GOAL_RSS_MB}); "
            f"trace {f['trace_written_mb']} MB and report {f['report_written_kb']} KB written in {f['files_s']} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
