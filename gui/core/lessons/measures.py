"""Measurements lessons share, taken from a run's own spans."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gui.core.trace.overlap import union_s
from gui.core.trace.ready_wait import StepTime, split_step, total
from gui.core.workload.after_fetch import AfterFetch

if TYPE_CHECKING:  # for types only
    from gui.core.results.finished_run import FinishedRun


def speedup(baseline: FinishedRun, run: FinishedRun) -> float:
    """How many times faster than ``baseline`` (wall time over wall time)."""
    return baseline.wall_s / run.wall_s if run.wall_s > 0 else 0.0


def compute_span_s(run: FinishedRun) -> float:
    """How long some computing was going on: the union of every computing step's stretch. Not the
    process start-up, not the fetches between steps (threads would overlap those and look faster)."""
    return union_s((step.t0, step.t1) for span in run.model.spans for step in span.steps)


def step_totals(run: FinishedRun) -> tuple[float, float]:
    """(wall seconds, CPU seconds) summed over every step of every request."""
    steps = [step for span in run.model.spans for step in span.steps]
    return sum(s.t1 - s.t0 for s in steps), sum(s.cpu_s or 0.0 for s in steps)


def compute_waits(run: FinishedRun) -> StepTime:
    """Every computing step's wall time cut into running, waiting for a core and waiting for the GIL
    (see gui.core.trace.ready_wait), summed over the run."""
    return total(
        split_step(step.t1 - step.t0, step.cpu_s, step.core_wait_s)
        for span in run.model.spans
        for step in span.steps
        if step.step == AfterFetch.COMPUTE
    )


def by_name(names: Sequence[str], runs: Sequence[FinishedRun]) -> dict[str, FinishedRun]:
    return dict(zip(names, runs, strict=True))


def startup_s(run: FinishedRun) -> float:
    """How long the run's worker processes took to start (until the last was ready); 0 for threads."""
    return round(max((w.t_ready for w in run.model.worker_starts), default=0.0), 3)
