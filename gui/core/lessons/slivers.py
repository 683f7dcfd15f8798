"""Lesson: asyncio is one thread taking turns; threads really run at once only off the GIL."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gui.core import thread_clocks
from gui.core.lessons.gil import gil_enabled
from gui.core.lessons.lesson import Figure, LessonFigures, LessonSpec, Variant, network
from gui.core.lessons.measures import by_name
from gui.core.overlap import Interval, pairwise_overlap_s, sampled_overlap_s, union_s
from gui.core.steps import AfterFetch

if TYPE_CHECKING:  # a FinishedRun names its mode through the registry, which lists these lessons
    from gui.core.finished_run import FinishedRun

WORKERS = 4
STEP_MS = 10  # a little work on each answer, so a coroutine's running moments are wide enough to see

VARIANTS = (
    Variant("asyncio", "asyncio", caption=f"{WORKERS} coroutines on one event loop: every step of each is timed"),
    Variant("threads", "threads", caption=f"{WORKERS} worker threads: each one's CPU clock, read every few ms"),
)


def coroutine_figure(run: FinishedRun) -> Figure:
    """Steps are exact intervals: the overlap is computed, not assumed (on one loop it must be 0)."""
    by_lane: dict[str, list[Interval]] = defaultdict(list)
    for sliver in run.model.slivers:
        if sliver.lane is not None:
            by_lane[sliver.lane].append((sliver.t0, sliver.t1))
    every_step = [(s.t0, s.t1) for s in run.model.slivers]  # the run's other tasks kept the loop busy too
    overlap_s = pairwise_overlap_s(by_lane)
    return {
        "running_overlap_s": round(overlap_s, 6),
        "running_overlap_ms": round(overlap_s * 1000, 3),  # the same, as the window's bars show it
        "loop_busy_fraction": round(union_s(every_step) / run.wall_s, 3) if run.wall_s > 0 else 0.0,
        "running_s": round(sum(t1 - t0 for steps in by_lane.values() for t0, t1 in steps), 4),
        "steps": sum(len(steps) for steps in by_lane.values()),
        "wall_s": round(run.wall_s, 3),
    }


def thread_figure(run: FinishedRun) -> Figure:
    """Samples say how much each thread ran in each interval, not when in it: the overlap has bounds."""
    samples = [s for s in run.model.slivers if s.lane is not None]
    bounds = sampled_overlap_s(samples)
    return {
        "running_overlap_s": round(bounds.at_least_s, 6),  # certainly ran at the same time
        "running_overlap_ms": round(bounds.at_least_s * 1000, 3),
        "running_overlap_at_most_s": round(bounds.at_most_s, 6),
        "loop_busy_fraction": None,  # threads do not take turns on a loop
        "running_s": round(sum(s.ran_s for s in samples), 4),
        "samples": len({(s.t0, s.t1) for s in samples}),
        "wall_s": round(run.wall_s, 3),
    }


def figures(runs: Sequence[FinishedRun]) -> LessonFigures:
    named = by_name([v.name for v in VARIANTS], runs)
    intervals = {(s.t0, s.t1) for s in named["threads"].model.slivers}
    lesson = {
        "gil_enabled": gil_enabled(),
        "workers": WORKERS,
        "step_ms": STEP_MS,
        "thread_clocks": thread_clocks.supported(),
        "sample_ms": round(statistics.median(t1 - t0 for t0, t1 in intervals) * 1000, 2) if intervals else None,
    }
    return LessonFigures(lesson, [coroutine_figure(named["asyncio"]), thread_figure(named["threads"])])


def verdict(figures: LessonFigures) -> str:
    coroutines, threads = figures.variants
    head = (
        f"The coroutines ran in {coroutines['steps']} separate steps that overlapped for "
        f"{coroutines['running_overlap_s']:g} s: one at a time, and the loop was busy "
        f"{coroutines['loop_busy_fraction']:.0%} of the run."
    )
    if not figures.lesson["thread_clocks"]:
        return head + " This system has no per-thread CPU clocks, so the threads' running moments are not shown."
    return head + (
        f" Two threads ran at the same moment for at least {threads['running_overlap_ms']:.1f} ms and at most "
        f"{threads['running_overlap_at_most_s'] * 1000:.1f} ms of their {threads['running_s']:.2f} s of running "
        "(their clocks are read every few ms, so when exactly is not known)."
    )


LESSON = LessonSpec(
    id="slivers",
    title="Asyncio is one thread taking turns",
    narrative=(
        "A coroutine's bar spans from its request's start to its end, but the coroutine is not running all that "
        "time. It runs in short steps: from one await to the next, and in between it is suspended while the "
        "loop runs another. The dark ticks on each lane are those steps, timed as the event loop really ran them; "
        "the rest of the bar is waiting. On one loop, no two ticks ever overlap, however many coroutines there "
        'are: that is what "one thread taking turns" means. The threads below get their ticks from each '
        "thread's own CPU clock: they too take turns while they run Python code, because of the GIL, and can only "
        "run at the same moment while one of them is outside Python, in the kernel reading its socket. "
        "A thread's clock is read every few milliseconds, so its ticks are as wide as those readings, and paler "
        "where it ran only part of one."
    ),
    preset={
        "count": 40,
        "concurrency": WORKERS,
        "after_fetch": AfterFetch.COMPUTE.value,
        "step_ms": STEP_MS,
        "trace_slivers": True,
    },
    conditions=network(50),
    variants=VARIANTS,
    figures=figures,
    plot_key="running_overlap_ms",
    plot_label="milliseconds two workers certainly ran at the same moment",
    plot_unit=" ms",
    verdict=verdict,
)
