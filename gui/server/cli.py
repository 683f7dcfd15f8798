"""Command-line options for network conditions, shared by ``--serve`` and ``--headless``.

Also the command line's conventions, shared by every entry point: a bad value is one line on
stderr and exit status 2 (argparse's), never a traceback or a screenful of usage.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import NoReturn, cast

from gui.core.dataset import pokedex
from gui.exit_status import ExitStatus
from gui.server.conditions import JITTER_KINDS, JitterKind, NetworkConditions
from gui.server.process import serve_forever

MAX_PORT = 65_535


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: the problem, and where to read more."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitStatus.USAGE, f"{self.prog}: error: {message} (see --help)\n")


def port_number(text: str) -> int:
    """A TCP port for ``--port``: checked here, so a port of 99999 is a sentence, not an OverflowError."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {MAX_PORT}, got {text!r}") from None
    if not 0 <= port <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {MAX_PORT}, got {port}")
    return port


def add_condition_arguments(parser: argparse.ArgumentParser, latency_ms: float = 0.0) -> None:
    group = parser.add_argument_group("network conditions of the local server")
    group.add_argument("--latency-ms", type=float, default=latency_ms, help="delay before each response")
    group.add_argument("--jitter-ms", type=float, default=None, help="spread of the delay (default 0)")
    group.add_argument(
        "--jitter", choices=JITTER_KINDS, default=None, help="jitter shape (default: uniform when --jitter-ms is set)"
    )
    group.add_argument("--bandwidth-kbps", type=float, default=0.0, help="KB/s per response; 0 = unlimited")
    group.add_argument("--error-rate", type=float, default=0.0, help="fraction answered 500/503/429")
    group.add_argument("--drop-rate", type=float, default=0.0, help="fraction of bodies cut halfway")
    group.add_argument("--server-max", type=int, default=0, help="requests served at once; 0 = unlimited")
    group.add_argument("--padding-kb", type=float, default=0.0, help="filler added to each JSON body")
    group.add_argument("--seed", type=int, default=0, help="makes every random choice reproducible")


def conditions_from_args(args: argparse.Namespace) -> NetworkConditions:
    """Build conditions from parsed options; a bad value raises ValueError with a readable message."""
    jitter_ms = args.jitter_ms or 0.0
    jitter = args.jitter or ("uniform" if jitter_ms else "none")
    return NetworkConditions(
        latency_ms=args.latency_ms,
        jitter_ms=jitter_ms,
        jitter=cast(JitterKind, jitter),
        bandwidth_kbps=args.bandwidth_kbps,
        error_rate=args.error_rate,
        drop_rate=args.drop_rate,
        max_concurrent=args.server_max,
        padding_kb=args.padding_kb,
        seed=args.seed,
    )


def serve_main(args: argparse.Namespace) -> int:
    """Run the server in the foreground until Ctrl+C; 0 when stopped, 1 when it could not serve."""
    try:
        conditions = conditions_from_args(args)
    except ValueError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return ExitStatus.USAGE
    try:
        pokedex()  # before binding: a missing dataset must not be blamed on the port
    except OSError as problem:
        print(f"error: the bundled dataset cannot be read: {problem}", file=sys.stderr)
        return ExitStatus.COULD_NOT_RUN
    try:
        asyncio.run(serve_forever(conditions, args.port))
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    except OSError as problem:
        print(f"error: cannot serve on port {args.port}: {problem.strerror or problem}", file=sys.stderr)
        return ExitStatus.COULD_NOT_RUN
    return ExitStatus.OK


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="python -m gui.server", description="Run the local PokéAPI server.")
    parser.add_argument("--port", type=port_number, default=8000, help="TCP port on 127.0.0.1 (0 = any free port)")
    add_condition_arguments(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    return serve_main(build_parser().parse_args(argv))
