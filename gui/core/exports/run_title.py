"""How an export names a run: what a trace viewer's process row and a HAR page are called."""

from __future__ import annotations

from gui.core.modes.catalogue import at_once
from gui.core.results.finished_run import FinishedRun


def run_title(run: FinishedRun) -> str:
    """The mode's title, how many requests and how many at once, e.g. "Threads: 20 requests, 5 at once"."""
    return f"{run.title}: {run.summary.requests} requests, {at_once(run.settings)} at once"
