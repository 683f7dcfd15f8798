"""The command line: the window by default, or ``--serve`` / ``--headless`` / ``--screenshot``.

Exit statuses are in ``gui/exit_status.py`` (and the README).
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from gui.exit_status import ExitStatus
from gui.headless import add_run_arguments, check_output_paths, headless_main
from gui.server.cli import OneLineParser, add_condition_arguments, port_number, serve_main

DISTRIBUTION = "poke-concurrency-lab"
SCREENSHOT_SUFFIXES = (".png",)

DEFAULT_LATENCY_MS = 150.0  # enough for concurrency to show, short enough to stay lively


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="poke-lab",
        description="Poké Concurrency Lab: watch sequential, threaded, asyncio and multi-process "
        "HTTP requests on a live timeline.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
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
    parser.add_argument(
        "--port", type=port_number, default=8000, help="with --serve: TCP port on 127.0.0.1 (0 = any free)"
    )
    parser.add_argument("--start", action="store_true", help="window: start --mode as soon as the server is up")
    parser.add_argument("--per-request", action="store_true", help="window: one timeline row per request")
    parser.add_argument(
        "--theme",
        choices=["system", "light", "dark"],
        default="system",
        help="window colours (default: follow the system)",
    )
    parser.add_argument(
        "--at",
        metavar="T",
        help="with --screenshot: show the run as it was T seconds in (or T%% of it, e.g. 50%%), replayed "
        "from its recorded events",
    )
    parser.add_argument(
        "--size",
        type=screen_size,
        metavar="WxH",
        help="with --screenshot: the screen the window is laid out on, e.g. 1280x720 (a projector's); "
        "default 1920x1080",
    )
    parser.add_argument(
        "--present",
        action="store_true",
        help="window: presenter mode (full screen, large type, high contrast; F11 leaves it)",
    )
    add_run_arguments(parser)
    add_condition_arguments(parser, latency_ms=DEFAULT_LATENCY_MS)
    return parser


SCREEN_SIDE = (640, 7680)  # from a small projector's side to an 8K screen's


def screen_size(text: str) -> tuple[int, int]:
    """``--size 1280x720``: checked here, so a wrong size is one sentence, not a traceback."""
    width, x, height = text.lower().partition("x")
    low, high = SCREEN_SIDE
    if not x or not width.strip().isdigit() or not height.strip().isdigit():
        raise argparse.ArgumentTypeError(f"must be WIDTHxHEIGHT in pixels, e.g. 1280x720; got {text!r}")
    size = int(width), int(height)
    if not all(low <= side <= high for side in size):
        raise argparse.ArgumentTypeError(f"each side must be {low} to {high} pixels, got {text!r}")
    return size


def installed_version() -> str:
    """The version pip installed (importlib.metadata), so it can never disagree with pyproject."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "(not installed: run pip install .)"


def check_screenshot_path(path: Path) -> None:
    """Before the window opens: a PNG in a folder that exists, or one line saying what is wrong."""
    if path.suffix.lower() not in SCREENSHOT_SUFFIXES:
        raise ValueError(f"--screenshot {path}: only PNG is supported; give a name ending in .png")
    folder = path.expanduser().parent
    if not folder.is_dir():
        raise ValueError(f"--screenshot {path}: the folder {folder} does not exist")
    if path.is_dir():
        raise ValueError(f"--screenshot {path}: that is a folder; give a file name")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.at is not None:
        from gui.core.session.replay import parse_moment

        try:
            if args.screenshot is None:
                raise ValueError("--at is for --screenshot: the picture of a run at a moment of it")
            parse_moment(args.at)
        except ValueError as problem:
            print(f"error: {problem}", file=sys.stderr)
            return ExitStatus.USAGE
    if args.size is not None and args.screenshot is None:
        print("error: --size is for --screenshot: the screen a picture is laid out on", file=sys.stderr)
        return ExitStatus.USAGE
    if args.screenshot is not None:
        try:
            check_screenshot_path(args.screenshot)
            check_output_paths(args)
        except ValueError as problem:
            print(f"error: {problem}", file=sys.stderr)
            return ExitStatus.USAGE
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

    return run_app(args, explicit_options(args))


def explicit_options(args: argparse.Namespace) -> set[str]:
    """Option names given on the command line (they win over the saved settings)."""
    defaults = build_parser().parse_args([])
    return {name for name, value in vars(args).items() if getattr(defaults, name, None) != value}
