"""``--headless``: one run with no window. Prints a summary and ASCII lanes, or a JSON report.

Also what the benchmarks and later lessons drive, so it returns its figures as data too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gui.core.engine import Run
from gui.core.export import ascii_timeline, chrome_trace, json_report
from gui.core.registry import MODE_NAMES
from gui.core.run_model import RunModel
from gui.core.settings import (
    MAX_CONCURRENCY,
    MAX_REQUESTS,
    RunSettings,
    SettingsError,
    advice,
    make_settings,
)
from gui.core.stats import KnownNetwork, RunSummary, summarize
from gui.core.trace import BatchSink
from gui.server import LocalServer, NetworkConditions
from gui.server.cli import conditions_from_args
from gui.server.process import ServerError


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("a run (with --headless or --screenshot)")
    group.add_argument("--mode", choices=MODE_NAMES, default="asyncio")
    group.add_argument("-n", "--count", type=int, default=151, help=f"requests, 1-{MAX_REQUESTS:,} (default 151)")
    group.add_argument(
        "--concurrency",
        "-c",
        type=int,
        default=10,
        help=f"workers or requests in flight, 1-{MAX_CONCURRENCY:,} (default 10)",
    )
    group.add_argument(
        "--select",
        choices=["first", "random"],
        default="first",
        help="first N Pokémon, or N at random (reproducible with --seed)",
    )
    group.add_argument("--pokemon", default="", help="comma-separated names to fetch instead (sets -n)")
    group.add_argument("--timeout-s", type=float, default=10.0, help="per-request timeout")
    group.add_argument("--retries", type=int, default=0, help="retries per request (backoff, Retry-After)")
    group.add_argument("--base-url", default="", help="a PokéAPI-compatible base URL instead of the local server")
    group.add_argument("--json", action="store_true", help="print one JSON report instead of text")
    group.add_argument("--trace", type=Path, help="also write Chrome Trace Event JSON (Perfetto, chrome://tracing)")


def settings_from_args(args: argparse.Namespace) -> RunSettings:
    values: dict[str, Any] = {
        "mode": args.mode,
        "count": args.count,
        "concurrency": args.concurrency,
        "selection": args.select,
        "seed": args.seed,
        "timeout_s": args.timeout_s,
        "retries": args.retries,
        "base_url": args.base_url,
    }
    if args.pokemon:
        values["names"] = args.pokemon.split(",")
        values["selection"] = "names"
    return make_settings(**values)


@dataclass
class HeadlessResult:
    settings: RunSettings
    conditions: NetworkConditions | None
    model: RunModel
    summary: RunSummary
    interrupted: bool


def run_headless(settings: RunSettings, conditions: NetworkConditions | None) -> HeadlessResult:
    """Start the local server (unless a base URL is given), run, and summarise."""
    with ExitStack() as stack:
        base_url = settings.base_url
        if not base_url:
            base_url = stack.enter_context(LocalServer(conditions)).base_url
        sink = BatchSink()
        run = Run(settings, base_url, sink)
        interrupted = False
        try:
            asyncio.run(run.execute())
        except KeyboardInterrupt:
            interrupted = True
    model = RunModel(run.jobs)
    model.apply(sink.drain())
    network = None
    if conditions is not None and not settings.base_url:
        network = KnownNetwork(conditions.latency_ms, conditions.bandwidth_kbps, conditions.max_concurrent)
    return HeadlessResult(settings, conditions, model, summarize(model, settings, run.wall_s, network), interrupted)


def headless_main(args: argparse.Namespace) -> int:
    try:
        settings = settings_from_args(args)
        conditions = conditions_from_args(args)
    except (SettingsError, ValueError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        result = run_headless(settings, conditions)
    except ServerError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    if args.trace:
        args.trace.write_text(json.dumps(chrome_trace(result.model, f"{settings.mode} run")), encoding="utf-8")
    if args.json:
        extra = {"conditions": conditions.to_dict() if not settings.base_url else None}
        print(json.dumps(json_report(settings, result.summary, result.model, extra), indent=None))
    else:
        print(text_report(result))
        if args.trace:
            print(f"\nChrome trace written to {args.trace} (open it in https://ui.perfetto.dev or chrome://tracing)")
    return 130 if result.interrupted else 0


def text_report(result: HeadlessResult) -> str:
    s, summary = result.settings, result.summary
    lines = [
        f"{s.mode}: {summary.requests} requests, {s.workers} at once"
        + (f", server latency {result.conditions.latency_ms:g} ms" if result.conditions and not s.base_url else "")
    ]
    lines += [f"note: {note}" for note in [*s.notes, *advice(s)]]
    if result.interrupted:
        lines.append("interrupted: the rest were cancelled")
    lines.append("")
    lines.append(ascii_timeline(result.model, summary.wall_s))
    lines.append("")
    lines.append(f"wall time          {summary.wall_s:8.3f} s")
    if summary.ideal_s is not None and summary.efficiency is not None:
        lines.append(f"ideal lower bound  {summary.ideal_s:8.3f} s   efficiency {summary.efficiency:.0%}")
    lines.append(f"effective conc.    {summary.effective_concurrency:8.1f}     peak in flight {summary.peak_in_flight}")
    lines.append(f"throughput         {summary.throughput_rps:8.1f} requests/s")
    if summary.p50_ms is not None:
        lines.append(f"latency p50/95/99  {summary.p50_ms:.0f} / {summary.p95_ms:.0f} / {summary.p99_ms:.0f} ms")
    lines.append(f"ok {summary.ok}, failed {summary.failed}, cancelled {summary.cancelled}, retries {summary.retries}")
    if summary.errors:
        lines.append("errors: " + ", ".join(f"{kind} x{count}" for kind, count in sorted(summary.errors.items())))
    return "\n".join(lines)
