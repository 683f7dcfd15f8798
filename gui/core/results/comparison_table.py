"""Finished runs side by side: the numbers of the comparison table, and how its cells read.

The table widget only displays what ``comparison_rows`` and ``row_cells`` give it, so the
speed-ups and the way a time or a percentage is written are decided (and tested) here, once,
and the explain panel writes its numbers the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from gui.core.modes.catalogue import at_once
from gui.core.results.finished_run import FinishedRun

NO_VALUE = "–"  # a number the run does not have (no ideal on a remote server, no finished request)
NBSP = "\u00a0"  # between a number and its unit, so "95 %" never breaks across two lines

COLUMNS: tuple[str, ...] = (
    "Mode",
    "Wall",
    "Ideal",
    "Efficiency",
    "Peak in flight",
    "p50",
    "p95",
    "Errors",
    "Speed-up",
)
NUMERIC_COLUMNS: frozenset[int] = frozenset(range(1, len(COLUMNS)))  # every column but the mode's name


@dataclass(frozen=True)
class ComparisonRow:
    """One run's line in the comparison."""

    title: str  # the mode's title, as on its button
    requests: int
    workers: int  # how many requests it could run at once
    wall_s: float
    ideal_s: float | None  # None: the network was not the lab's own local server
    efficiency: float | None  # ideal_s / wall_s
    peak_in_flight: int
    p50_ms: float | None
    p95_ms: float | None
    errors: int  # requests that finally failed (retried ones that then succeeded are not counted)
    speedup: float | None  # the slowest complete run's wall / this one's (slowest 1.0); None: stopped
    fastest: bool  # the shortest wall time among complete runs (the first of a tie)


Measure = Callable[[FinishedRun], float]  # seconds of something, lower being better


def wall_time(run: FinishedRun) -> float:
    return run.wall_s


def comparison_rows(runs: Sequence[FinishedRun], measure: Measure | None = None) -> list[ComparisonRow]:
    """One row per run, in the order given. "Fastest" and the speed-up follow ``measure`` (a lesson's
    figure, such as the computing stretch), the wall time where none is given."""
    measure = measure or wall_time
    complete = [i for i, run in enumerate(runs) if is_complete(run)]
    if not complete:
        return [_row(run, None, None, False) for run in runs]
    values = {i: measure(runs[i]) for i in complete}
    slowest = max(values.values())
    fastest = min(complete, key=lambda i: values[i])
    return [_row(run, slowest, values.get(i), i == fastest) for i, run in enumerate(runs)]


def is_complete(run: FinishedRun) -> bool:
    """Every request ended by itself: a stopped run's short wall time would be no speed at all.

    A run that stopped itself (a deadlock) is complete: that is how it ends, every time.
    """
    return (run.summary.cancelled == 0 or run.model.stopped_itself) and run.error is None


def fastest_and_slowest(
    runs: Sequence[FinishedRun], measure: Measure | None = None
) -> tuple[FinishedRun, FinishedRun] | None:
    """The quickest and the slowest complete runs by ``measure`` (wall time), or None when none is complete."""
    measure = measure or wall_time
    complete = [run for run in runs if is_complete(run)]
    if not complete:
        return None
    return min(complete, key=measure), max(complete, key=measure)


def _row(run: FinishedRun, slowest: float | None, value: float | None, fastest: bool) -> ComparisonRow:
    summary = run.summary
    speedup = None if slowest is None or value is None else (slowest / value if value > 0 else 1.0)
    return ComparisonRow(
        title=run.title,
        requests=summary.requests,
        workers=at_once(run.settings),
        wall_s=summary.wall_s,
        ideal_s=summary.ideal_s,
        efficiency=summary.efficiency,
        peak_in_flight=summary.peak_in_flight,
        p50_ms=summary.p50_ms,
        p95_ms=summary.p95_ms,
        errors=summary.failed,
        speedup=speedup,
        fastest=fastest,
    )


def row_cells(row: ComparisonRow) -> tuple[str, ...]:
    """The row's text, one string per column of ``COLUMNS``."""
    return (
        row.title,
        seconds_text(row.wall_s),
        seconds_text(row.ideal_s),
        percent_text(row.efficiency),
        f"{row.peak_in_flight:,}",
        ms_text(row.p50_ms),
        ms_text(row.p95_ms),
        f"{row.errors:,}",
        speedup_text(row.speedup),
    )


def row_setup(row: ComparisonRow) -> str:
    """What the run did, for a tooltip: "151 requests, 10 at once"."""
    return f"{row.requests:,} requests, {row.workers:,} at once"


def seconds_text(seconds: float | None) -> str:
    """ "2.40 s"."""
    return NO_VALUE if seconds is None else f"{seconds:.2f}{NBSP}s"


def ms_text(ms: float | None) -> str:
    """ "152 ms"; below 10 ms one decimal ("2.5 ms"), where a whole number would hide the difference."""
    if ms is None:
        return NO_VALUE
    return f"{ms:.0f}{NBSP}ms" if ms >= 10 else f"{ms:.1f}{NBSP}ms"


def percent_text(fraction: float | None) -> str:
    """ "95 %"."""
    return NO_VALUE if fraction is None else f"{fraction * 100:.0f}{NBSP}%"


def speedup_text(factor: float | None) -> str:
    """ "12.3×"."""
    return NO_VALUE if factor is None else f"{factor:.1f}×"
