"""The command line: the window by default, or ``--serve`` / ``--headless`` / ``--screenshot``."""

from __future__ import annotations

import argparse
from pathlib import Path

from gui.headless import add_run_arguments, headless_main
from gui.server.cli import add_condition_arguments, serve_main

DEFAULT_LATENCY_MS = 150.0  # enough for concurrency to show, short enough to stay lively


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="poke-lab",
        description="Poké Concurrency Lab: watch sequential, threaded, asyncio and multi-process "
        "HTTP requests on a live timeline.",
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--serve", action="store_true", help="only run the local PokéAPI server in the foreground")
    what.add_argument("--headless", action="store_true", help="one run with no window; print a summary")
    what.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="run --mode (or --compare) to the end in the window (no display needed) and save a PNG of it",
    )
    what.add_argument("--history", action="store_true", help="list the kept runs (--json for JSON) and exit")
    what.add_argument("--list-lessons", action="store_true", help="list the lessons' ids and titles and exit")
    parser.add_argument("--no-history", action="store_true", help="keep no record of this session's runs")
    parser.add_argument("--port", type=int, default=8000, help="with --serve: TCP port on 127.0.0.1 (0 = any free)")
    parser.add_argument("--start", action="store_true", help="window: start --mode as soon as the server is up")
    parser.add_argument("--per-request", action="store_true", help="window: one timeline row per request")
    parser.add_argument(
        "--theme",
        choices=["system", "light", "dark"],
        default="system",
        help="window colours (default: follow the system)",
    )
    add_run_arguments(parser)
    add_condition_arguments(parser, latency_ms=DEFAULT_LATENCY_MS)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.serve:
        return serve_main(args)
    if args.headless:
        return headless_main(args)
    if args.list_lessons:
        from gui.headless import list_lessons

        print(list_lessons())
        return 0
    if args.history:
        from gui.history_cli import history_main

        return history_main(as_json=args.json)
    from gui.qt.app import run_app  # Qt is imported only when a window is wanted

    return run_app(args)
