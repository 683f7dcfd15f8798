"""Lesson: asyncio is one thread taking turns; threads that compute take turns too, at the GIL's pace."""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from gui.core.lessons.claims import Check
from gui.core.lessons.gil import gil_enabled
from gui.core.lessons.lesson import Figure, LessonFigures, LessonSpec, Variant, network
from gui.core.lessons.measures import by_name
from gui.core.trace.overlap import Interval, pairwise_overlap_s, union_s
from gui.core.watches import thread_turns
from gui.core.workload.after_fetch import AfterFetch

if TYPE_CHECKING:  # for types only
    from gui.core.results.finished_run import FinishedRun

COROUTINES = 4
THREADS = 2  # one per core on a two-core machine: the cores are there, the GIL is what they share
LATENCY_MS = 20
# Each answer's computing: wide enough to see a coroutine's tick, eight turns long for a thread, and
# longer than a fetch, so two threads cannot settle into one computing while the other fetches.
STEP_MS = 40

TURNS_AT_LEAST = 10  # one after another hands over about once a step; taking turns, a dozen times a step
TURN_FACTOR_AT_MOST = 2.0  # the median turn, within this factor of the switch interval either way
OVERLAP_AT_MOST_MS = 0.5  # what two threads' measured running may share on a GIL build: it should be none

VARIANTS = (
    Variant(
        "asyncio",
        "asyncio",
        caption=f"{COROUTINES} coroutines on one event loop: every turn each has on the loop is timed",
    ),
    Variant(
        "threads",
        "threads",
        {"concurrency": THREADS},
        caption=f"{THREADS} worker threads, one per core: each times its own computing, stretch by stretch",
    ),
)


def coroutine_figure(run: FinishedRun) -> Figure:
    """Steps are exact intervals: the overlap is computed, not assumed (on one loop it must be 0)."""
    by_lane: dict[str, list[Interval]] = defaultdict(list)
    for sliver in run.model.slivers:
        if sliver.lane is not None:
            by_lane[sliver.lane].append((sliver.t0, sliver.t1))
    every_step = [(s.t0, s.t1) for s in run.model.slivers]  # the run's other tasks kept the loop busy too
    in_order = sorted((s.t0, s.lane) for s in run.model.slivers if s.lane is not None)
    overlap_s = pairwise_overlap_s(by_lane)
    return {
        "running_overlap_s": round(overlap_s, 6),
        "running_overlap_ms": round(overlap_s * 1000, 3),  # the same, as the verdict says it
        "turns": sum(1 for (_, a), (_, b) in pairwise(in_order) if a != b),  # the loop went on to another
        "loop_busy_fraction": round(union_s(every_step) / run.wall_s, 3) if run.wall_s > 0 else 0.0,
        "running_s": round(sum(t1 - t0 for steps in by_lane.values() for t0, t1 in steps), 4),
        "steps": sum(len(steps) for steps in by_lane.values()),
        "wall_s": round(run.wall_s, 3),
    }


def thread_figure(run: FinishedRun) -> tuple[Figure, Interval | None]:
    """The threads' running stretches are exact too (each thread stamped its own, see
    gui.core.watches.thread_turns): their overlap, the turns they took, and where to zoom to see them."""
    computing = run.settings.after_fetch == AfterFetch.COMPUTE  # else its slivers are a sampler's, not stretches
    stretches = [s for s in run.model.slivers if s.lane is not None and computing]
    by_lane: dict[str, list[Interval]] = defaultdict(list)
    for sliver in stretches:
        by_lane[str(sliver.lane)].append((sliver.t0, sliver.t1))
    steps: dict[str, list[Interval]] = defaultdict(list)
    for span in run.model.spans:
        if span.lane is not None:
            steps[span.lane] += [(s.t0, s.t1) for s in span.steps if s.step == AfterFetch.COMPUTE]
    for intervals in steps.values():
        intervals.sort()
    taking = thread_turns.turn_taking(stretches, steps)
    overlap_s = pairwise_overlap_s(by_lane)
    median_s = taking.median_turn_s
    figure = {
        "running_overlap_s": round(overlap_s, 6),
        "running_overlap_ms": round(overlap_s * 1000, 3),
        "turns": len(taking.handovers),
        "median_turn_ms": round(median_s * 1000, 2) if median_s is not None else None,
        "full_turns": len(taking.full_turns_s),  # the turns the median is of: began and ended with a hand-over
        "threads_computed": len(by_lane),
        "computing_together_s": round(pairwise_overlap_s(steps), 4),  # pairs of threads in a computing step
        "running_s": round(sum(t1 - t0 for t0, t1 in (i for lane in by_lane.values() for i in lane)), 4),
        "stretches": len(stretches),
        "wall_s": round(run.wall_s, 3),
    }
    return figure, taking.busiest()


def figures(runs: Sequence[FinishedRun]) -> LessonFigures:
    named = by_name([v.name for v in VARIANTS], runs)
    threads, zoom = thread_figure(named["threads"])
    lesson = {
        "gil_enabled": gil_enabled(),
        "coroutines": named["asyncio"].settings.concurrency,
        "threads": named["threads"].settings.concurrency,
        "step_ms": named["threads"].settings.step_ms,
        "switch_interval_ms": round(sys.getswitchinterval() * 1000, 3),
        "stretches_traced": thread_turns.supported(),
        # Where the window zooms the threads' band to: the stretch with the most turns.
        "zoom": {"variant": "threads", "t0_s": round(zoom[0], 4), "t1_s": round(zoom[1], 4)} if zoom else None,
    }
    return LessonFigures(lesson, [coroutine_figure(named["asyncio"]), threads])


def checks(figures: LessonFigures) -> list[Check]:
    lesson = figures.lesson
    coroutines, threads = figures.variants
    made = [_coroutines_one_at_a_time(lesson, coroutines)]
    if not lesson["stretches_traced"]:
        made.append(_not_traced_here())
    elif lesson["gil_enabled"]:
        made += [_threads_one_at_a_time(threads), _threads_took_turns(threads), _turns_at_the_switch(lesson, threads)]
    else:
        made.append(_threads_at_once(threads))
    return made


def _coroutines_one_at_a_time(lesson: Figure, coroutines: Figure) -> Check:
    n, steps, overlap = lesson["coroutines"], coroutines["steps"], coroutines["running_overlap_ms"]
    return Check(
        "time two coroutines ran at the same moment, in ms",
        overlap,
        "==",
        0,
        f"The {n} coroutines ran in {steps} steps and no two steps ever overlapped (0 ms): the loop ran one "
        f"at a time, and went from one coroutine to another {coroutines['turns']} times.",
        f"Two coroutines' steps overlapped for {overlap:g} ms, which one loop cannot do: the timing of the "
        "steps is wrong (a bug in the app), not the lesson.",
    )


def _threads_one_at_a_time(threads: Figure) -> Check:
    overlap, together = threads["running_overlap_ms"], threads["computing_together_s"]
    computed = threads["threads_computed"]
    if computed < 2:
        held = f"{_how_many_computed(computed)}, so no two threads could run at the same moment ({overlap:g} ms)."
    elif together > 0:
        blur = "" if overlap == 0 else " (at each hand-over, the stamps may blur by a few microseconds)"
        held = (
            f"The threads were computing at the same time for {together:.2f} s, yet their running stretches "
            f"overlapped for {overlap:g} ms{blur}: the GIL let one of them run Python at a time."
        )
    else:
        held = f"The threads never computed at the same time, so their running could not overlap ({overlap:g} ms)."
    return Check(
        "time two threads ran Python at the same moment, in ms",
        overlap,
        "<=",
        OVERLAP_AT_MOST_MS,
        held,
        f"The threads' running stretches overlapped for {overlap:g} ms, more than one GIL allows: something in "
        "their computing ran outside the GIL.",
    )


def _threads_took_turns(threads: Figure) -> Check:
    turns, together, computed = threads["turns"], threads["computing_together_s"], threads["threads_computed"]
    if computed < 2:
        missed = f"{_how_many_computed(computed)}, so there was no one to take turns with ({turns} turns)."
    elif together <= 0:
        missed = f"The threads never computed at the same time, so they had no turns to take ({turns} turns)."
    else:
        missed = (
            f"In {together:.2f} s of computing at the same time, the threads took only {turns} turns: "
            "too few to tell taking turns from one after another."
        )
    return Check(
        "turns two computing threads took",
        turns,
        ">=",
        TURNS_AT_LEAST,
        f"In {together:.2f} s of computing at the same time, the {computed} threads took {turns} turns: one ran "
        "while the other waited for the GIL, then the other way round.",
        missed,
    )


def _how_many_computed(computed: int) -> str:
    return "No thread computed" if computed == 0 else f"Only {'one thread' if computed == 1 else computed} computed"


def _turns_at_the_switch(lesson: Figure, threads: Figure) -> Check:
    interval, median = lesson["switch_interval_ms"], threads["median_turn_ms"]
    if median is None:
        return Check(
            "the median turn, as a factor of the switch interval",
            float("nan"),
            "<=",
            TURN_FACTOR_AT_MOST,
            "",
            f"No turn began and ended with a hand-over, so how long a turn lasts is not known from this run "
            f"(the switch interval is {interval:g} ms).",
        )
    factor = max(median / interval, interval / median) if median > 0 else float("inf")
    if median > interval:
        why = "a thread whose core another program took keeps the GIL until it runs again, which lengthens its turn"
    else:
        why = "the threads let go of the GIL before the interpreter asked, so something in their work released it"
    return Check(
        "the median turn, as a factor of the switch interval",
        round(factor, 2),
        "<=",
        TURN_FACTOR_AT_MOST,
        f"A turn lasted {median:.1f} ms (the median of {threads['full_turns']}): about the interpreter's switch "
        f"interval of {interval:g} ms, after which a waiting thread asks the running one to let go.",
        f"A turn lasted {median:.1f} ms (the median of {threads['full_turns']}), far from the interpreter's switch "
        f"interval of {interval:g} ms: {why}.",
        load_sensitive=True,  # a thread whose core is taken keeps the GIL until it runs again
    )


def _threads_at_once(threads: Figure) -> Check:
    overlap, together = threads["running_overlap_ms"], threads["computing_together_s"]
    return Check(
        "time two threads ran Python at the same moment, in ms",
        overlap,
        ">",
        OVERLAP_AT_MOST_MS,
        f"This Python runs without a GIL (a free-threaded build): the threads ran at the same moment for "
        f"{overlap:g} ms of the {together:.2f} s they computed together, and took {threads['turns']} turns.",
        f"This Python runs without a GIL, yet the threads ran at the same moment for only {overlap:g} ms of the "
        f"{together:.2f} s they computed together.",
        load_sensitive=True,
    )


def _not_traced_here() -> Check:
    return Check(
        "turns two computing threads took",
        float("nan"),
        ">=",
        TURNS_AT_LEAST,
        "",
        "This system's thread clock is too coarse to time a thread's running stretches, so the threads' turns "
        "are not shown here.",
    )


def facts(figures: LessonFigures) -> list[str]:
    zoom = figures.lesson["zoom"]
    if zoom is None:
        return []
    return [
        f"Zoom into {zoom['t0_s'] * 1000:.0f}-{zoom['t1_s'] * 1000:.0f} ms of the threads' run to see the turns "
        "one by one."
    ]


LESSON = LessonSpec(
    id="slivers",
    title="Asyncio is one thread taking turns",
    narrative=(
        "A coroutine's bar spans from its request's start to its end, but the coroutine is not running all that "
        "time. It runs in short steps, from one await to the next; in between it is paused while the loop runs "
        "another."
        "\n\n"
        "The ticks along the bottom of each lane are those steps, timed as the event loop really ran them; the "
        "rest of the bar is waiting. On one loop no two ticks ever overlap, however many coroutines there are: "
        'that is what "one thread taking turns" means.'
        "\n\n"
        "Below, two threads compute on a machine with two cores, and each one stamps the stretches it really ran. "
        "They take turns too, not at an await but when the GIL changes hands. The switch interval is how long "
        "Python lets one thread keep the GIL while another thread is waiting for it (5 ms unless a program "
        "changes it), so their ticks alternate."
    ),
    preset={
        "count": 24,
        "concurrency": COROUTINES,
        "after_fetch": AfterFetch.COMPUTE.value,
        "step_ms": STEP_MS,
        "trace_slivers": True,
    },
    conditions=network(LATENCY_MS),
    variants=VARIANTS,
    figures=figures,
    plot_key="turns",
    plot_label="turns taken: times one worker stopped and another ran",
    plot_unit=" turns",
    checks=checks,
    facts=facts,
)
