"""The command line: the window by default, or ``--serve`` / ``--headless`` / ``--screenshot``."""

from __future__ import annotations

import argparse
import sys

from gui.server.cli import add_condition_arguments, serve_main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="poke-lab",
        description="Poké Concurrency Lab: watch sequential, threaded, asyncio and multi-process "
        "HTTP requests on a live timeline.",
    )
    parser.add_argument("--serve", action="store_true", help="only run the local PokéAPI server in the foreground")
    parser.add_argument("--port", type=int, default=8000, help="with --serve: TCP port on 127.0.0.1 (0 = any free)")
    add_condition_arguments(parser, latency_ms=0.0)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.serve:
        return serve_main(args)
    print("The window arrives with the window issue; try --serve.", file=sys.stderr)
    return 2
