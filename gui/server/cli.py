"""Command-line options for network conditions, shared by ``--serve`` and ``--headless``.

Also the command line's conventions, shared by every entry point: a bad value is one line on
stderr and exit status 2 (argparse's), never a traceback or a screenful of usage.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import NoReturn

from gui.core.workload.dataset import pokedex
from gui.core.workload.setting_table import NETWORK_SETTINGS, add_options, values_from
from gui.exit_status import ExitStatus
from gui.server.conditions import NetworkConditions
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
    """The network options (gui/core/workload/setting_table.py), plus ``--seed``, which both the server's dice
    and a random choice of Pokémon use."""
    group = parser.add_argument_group("network conditions of the local server")
    add_options(group, NETWORK_SETTINGS, latency_ms=latency_ms)
    group.add_argument("--seed", type=int, default=0, help="makes every random choice reproducible")


def conditions_from_args(args: argparse.Namespace) -> NetworkConditions:
    """Build conditions from parsed options; a bad value raises ValueError with a readable message."""
    values = values_from(args, NETWORK_SETTINGS)
    values["jitter"] = values["jitter"] or ("uniform" if values["jitter_ms"] else "none")
    return NetworkConditions().updated({**values, "seed": args.seed})


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
