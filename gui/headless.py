"""``--headless``: one run with no window. Prints a summary and ASCII lanes, or a JSON report.

Also what the benchmarks and later lessons drive, so it returns its figures as data too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gui.core.exports import ExportError, ascii_timeline, reports_json, write_chrome_trace, write_csv, write_har
from gui.core.lessons.catalogue import LESSONS, lesson_spec
from gui.core.lessons.lesson import lesson_report
from gui.core.modes.catalogue import MODE_NAMES, advice, at_once
from gui.core.results.comparison import parse_modes, same_workload
from gui.core.results.comparison_table import comparison_rows
from gui.core.results.finished_run import FinishedRun
from gui.core.run.engine import Run
from gui.core.run.series import one_after_another
from gui.core.workload.setting_table import RUN_SETTINGS, add_options, values_from
from gui.core.workload.settings import (
    RunSettings,
    SettingsError,
    make_settings,
)
from gui.exit_status import ExitStatus
from gui.history_cli import record_finished
from gui.server import LocalServer, NetworkConditions
from gui.server.cli import conditions_from_args
from gui.server.process import ServerError


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("a run (with --headless or --screenshot)")
    group.add_argument("--mode", choices=MODE_NAMES, default="asyncio")
    add_options(
        group, RUN_SETTINGS
    )  # -n, -c, --timeout-s, --retries, --after-fetch, ... (gui/core/workload/setting_table.py)
    group.add_argument(
        "--select",
        choices=["first", "random"],
        default="first",
        help="first N Pokémon, or N at random (reproducible with --seed)",
    )
    group.add_argument("--pokemon", default="", help="comma-separated names to fetch instead (sets -n)")
    group.add_argument("--base-url", default="", help="a PokéAPI-compatible base URL instead of the local server")
    group.add_argument(
        "--compare",
        metavar="MODES",
        help=f"the same workload in each mode, one after another, e.g. {','.join(MODE_NAMES)}",
    )
    group.add_argument("--lesson", metavar="ID", help="run a lesson's variants and its figure (see --list-lessons)")
    group.add_argument("--json", action="store_true", help="print one JSON report instead of text")
    group.add_argument("--trace", type=Path, help="also write Chrome Trace Event JSON (Perfetto, chrome://tracing)")
    group.add_argument("--csv", type=Path, help="also write one CSV row per request, with every phase time")
    group.add_argument("--har", type=Path, help="also write a HAR 1.2 file (a browser's DevTools opens it)")


def settings_from_args(args: argparse.Namespace) -> RunSettings:
    values: dict[str, Any] = {
        "mode": args.mode,
        "selection": args.select,
        "seed": args.seed,
        "base_url": args.base_url,
        **values_from(args, RUN_SETTINGS),
    }
    if args.pokemon:
        values["names"] = args.pokemon.split(",")
        values["selection"] = "names"
    return make_settings(**values)


@dataclass
class HeadlessResult:
    runs: list[FinishedRun]  # one, or a comparison's runs in the order asked
    interrupted: bool


def run_headless_comparison(runs: list[RunSettings], conditions: NetworkConditions | None) -> HeadlessResult:
    """Each settings in turn against one server, its seeded dice reset before every run."""
    started: list[Run] = []
    with ExitStack() as stack:
        server: LocalServer | None = None
        if not runs[0].base_url:
            server = stack.enter_context(LocalServer(conditions))

        async def run_one(settings: RunSettings) -> Run:
            run = Run(settings, settings.base_url or (server.base_url if server else ""))
            print(
                f"{settings.mode}: fetching {settings.count:,} Pokémon, {at_once(settings)} at once…", file=sys.stderr
            )
            sys.stderr.flush()  # progress for whoever watches (stdout stays the report alone)
            started.append(run)
            await run.execute()
            return run

        reset = server.reset_dice_async if server is not None else None
        interrupted = False
        try:
            asyncio.run(one_after_another(runs, run_one, before_each=reset))
        except KeyboardInterrupt:  # the run under way ended its requests as cancelled; none after it started
            interrupted = True
        played = server.conditions.to_dict() if server is not None else None
        return HeadlessResult([FinishedRun.of(run, played) for run in started], interrupted)


def stop_on_terminate() -> None:
    """SIGTERM (a service manager, ``kill``) stops a headless run as Ctrl+C does: the run under way
    ends its requests as cancelled and the report is still printed, with exit status 130.

    A command started in the background by a shell without job control (``nohup ... &``, a CI
    script) inherits SIGINT ignored; SIGTERM is handed on as SIGINT, so SIGINT is listened to again.
    """
    if hasattr(signal, "SIGTERM"):
        if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, lambda signum, frame: signal.raise_signal(signal.SIGINT))


def headless_main(args: argparse.Namespace) -> int:
    stop_on_terminate()
    if args.lesson:
        return lesson_main(args)
    try:
        settings = settings_from_args(args)
        conditions = conditions_from_args(args)
        plan = same_workload(settings, parse_modes(args.compare)) if args.compare is not None else [settings]
        check_output_paths(args)
    except (SettingsError, ValueError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return ExitStatus.USAGE
    try:
        result = run_headless_comparison(plan, conditions)
    except ServerError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return ExitStatus.COULD_NOT_RUN
    runs = result.runs
    keep_in_history(runs, enabled=not args.no_history)
    written = write_files(args, runs)
    if written is None:
        return ExitStatus.COULD_NOT_RUN
    if args.json:
        report = reports_json(runs)
        print(json.dumps({"runs": [report]} if args.compare and len(runs) == 1 else report, indent=None))
    else:
        print("\n\n".join(text_report(r, result.interrupted) for r in runs))
        if len(runs) > 1:
            print("\n" + comparison_text(runs))
        for line in written:
            print(line)
    return outcome_status(runs, result.interrupted)


def outcome_status(runs: list[FinishedRun], interrupted: bool) -> ExitStatus:
    """0 only when every request of every run succeeded; failed requests get a status and a line.

    A run where nothing was listening must not look like a success with a throughput figure.
    """
    if interrupted:
        return ExitStatus.INTERRUPTED
    failed = sum(run.summary.failed for run in runs)
    if failed:
        total = sum(run.summary.requests for run in runs)
        kinds = sorted({kind for run in runs for kind in run.summary.errors})
        print(f"error: {failed:,} of {total:,} requests failed ({', '.join(kinds)})", file=sys.stderr)
        return ExitStatus.REQUESTS_FAILED
    return ExitStatus.OK


def lesson_main(args: argparse.Namespace) -> int:
    """--lesson ID: the lesson's variants against its own network, then its figure."""
    try:
        spec = lesson_spec(args.lesson)
    except KeyError as problem:
        print(f"error: {problem.args[0]}", file=sys.stderr)
        return ExitStatus.USAGE
    conditions = NetworkConditions().updated({**spec.conditions, "seed": args.seed})
    try:
        check_output_paths(args)
    except SettingsError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return ExitStatus.USAGE
    from gui.core.lessons.lesson import (
        MeasuredRun,
        SeriesProgress,
        progress_text,
        run_series,
        series_report,
        series_text,
    )

    def progress(step: SeriesProgress) -> None:  # a line per run: its start, then its numbers once it ended
        print(progress_text(step), end="\n" if step.measured else "", file=sys.stderr, flush=True)

    series: list[list[MeasuredRun]] | None = None
    try:
        if spec.is_series:  # many runs per variant, each measured with what this process spent on it
            with LocalServer(conditions) as server:
                series = asyncio.run(run_series(spec, server.base_url, conditions.to_dict(), progress))
            result = HeadlessResult([measured[-1].run for measured in series], interrupted=False)
        else:
            result = run_headless_comparison(spec.plans(), conditions)
    except ServerError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return ExitStatus.COULD_NOT_RUN
    except KeyboardInterrupt:  # Ctrl+C in a series: the run under way stopped, the server with it
        print("\ninterrupted: the runs that ended are above", file=sys.stderr)
        return ExitStatus.INTERRUPTED
    runs = result.runs  # a series: each variant's last run (the history is not flooded with the rest)
    keep_in_history(runs, enabled=not args.no_history)
    if result.interrupted:
        return ExitStatus.INTERRUPTED
    if write_files(args, runs) is None:
        return ExitStatus.COULD_NOT_RUN
    reports = [reports_json([run]) for run in runs]
    report = series_report(spec, series, reports) if series is not None else lesson_report(spec, runs, reports)
    if args.json:
        print(json.dumps(report))
    else:
        print(f"{spec.title}\n\n{spec.narrative}\n")
        print(series_text(spec, series) if series is not None else "\n\n".join(text_report(r) for r in runs))
        print(f"\n{claim_text(report)}\n\n{report['verdict']}")
    return outcome_status(runs, interrupted=False)


def claim_text(report: dict[str, Any]) -> str:
    """The lesson's checks, one line each, and how busy the machine was."""
    checks = report["claim"]["checks"]
    held = sum(check["held"] for check in checks)
    lines = [f"checks: {held} of {len(checks)} held"]
    for check in checks:
        mark = "ok  " if check["held"] else "MISS"
        lines.append(f"  {mark} {check['what']}: {check['measured']:g} {check['op']} {check['mark']:g}")
    machine = report["machine"]
    if machine["others_cpu_share"] is not None:
        state = "busy" if machine["busy"] else "quiet"
        lines.append(f"machine: {state}, others took {machine['others_cpu_share']:.0%} of {machine['cores']} cores")
    return "\n".join(lines)


def list_lessons() -> str:
    return "\n".join(f"{spec.id:<10} {spec.title}" for spec in LESSONS.values())


def keep_in_history(runs: list[FinishedRun], enabled: bool) -> None:
    """Keep each run; a history that cannot be used gets one note (not one per run)."""
    for run in runs:
        warning = record_finished(run, enabled)
        if warning:
            print(f"note: {warning}", file=sys.stderr)
            return


def check_output_paths(args: argparse.Namespace) -> None:
    """Before any run: a file that could not be written is said now, not after minutes of work."""
    for flag in ("trace", "csv", "har"):
        path: Path | None = getattr(args, flag)
        if path is None:
            continue
        folder = path.expanduser().parent
        if not folder.is_dir():
            raise SettingsError(f"--{flag} {path}: the folder {folder} does not exist")
        if not os.access(folder, os.W_OK):
            raise SettingsError(f"--{flag} {path}: the folder {folder} cannot be written to")
        if path.is_dir():
            raise SettingsError(f"--{flag} {path}: that is a folder; give a file name")


def write_files(args: argparse.Namespace, runs: list[FinishedRun]) -> list[str] | None:
    """--trace, --csv and --har, each written whole or not at all; None (and one line) on failure."""
    writers = (
        (args.trace, write_chrome_trace, "Chrome trace written to {} (open it in https://ui.perfetto.dev)"),
        (args.csv, write_csv, "CSV written to {}"),
        (args.har, write_har, "HAR written to {} (drop it on a browser's DevTools Network tab)"),
    )
    lines = []
    for path, write, done in writers:
        if path is None:
            continue
        try:
            write(path, runs)
        except ExportError as problem:
            print(f"error: {problem}", file=sys.stderr)
            return None
        lines.append(done.format(path))
    return lines


def comparison_text(runs: list[FinishedRun]) -> str:
    lines = ["comparison (same Pokémon, same network; speed-up over the slowest complete run):"]
    for row in comparison_rows(runs):
        speedup = f"{row.speedup:5.1f}x" if row.speedup is not None else "stopped"
        lines.append(f"  {row.title:<11} {row.wall_s:8.3f} s   {speedup}")
    return "\n".join(lines)


def text_report(result: FinishedRun, interrupted: bool = False) -> str:
    s, summary = result.settings, result.summary
    latency = f", server latency {result.conditions['latency_ms']:g} ms" if result.conditions else ""
    lines = [f"{s.mode}: {summary.requests} requests, {at_once(s)} at once{latency}"]
    lines += [f"note: {note}" for note in [*s.notes, *advice(s)]]
    if interrupted and summary.cancelled:
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
