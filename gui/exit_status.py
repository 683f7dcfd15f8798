"""The command line's exit statuses, one table for every entry point (and the README's list)."""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """What a script calling ``poke-lab`` can tell from the status alone."""

    OK = 0  # done, and every request of every run succeeded
    COULD_NOT_RUN = 1  # the server or the run could not happen, or a file could not be written
    USAGE = 2  # a bad option or value (argparse's own status); nothing was run
    REQUESTS_FAILED = 3  # the run ended, but some (or all) of its requests failed
    INTERRUPTED = 130  # Ctrl+C or SIGTERM mid-run (128 + SIGINT, as shells report it)
