"""Lesson: one blocking call inside a coroutine freezes the whole event loop."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gui.core.lessons.claims import Check
from gui.core.lessons.lesson import LessonFigures, LessonSpec, Variant, network
from gui.core.lessons.measures import by_name
from gui.core.trace.overlap import most_at_once
from gui.core.watches.loop_watch import HEARTBEAT_PERIOD_S
from gui.core.workload.after_fetch import AfterFetch

if TYPE_CHECKING:  # for types only
    from gui.core.results.finished_run import FinishedRun

BLOCK_MS = 50  # 40 of them: the window (on the same loop) is frozen for about 2 s in all
LAG_ALLOWED_MS = 50  # a loop that answers within this still feels responsive
COROUTINES = 10

VARIANTS = (
    Variant(
        "blocking",
        "asyncio",
        {"after_fetch": AfterFetch.BLOCK.value, "step_ms": BLOCK_MS},
        f"each coroutine calls time.sleep({BLOCK_MS / 1000:g}) after its fetch",
    ),
    Variant(
        "fixed",
        "asyncio",
        {"after_fetch": AfterFetch.AWAIT_IN_THREAD.value, "step_ms": BLOCK_MS},
        f"each coroutine awaits the same pause in another thread: asyncio.to_thread(time.sleep, {BLOCK_MS / 1000:g})",
    ),
)


def loop_lag_max_ms(run: FinishedRun) -> float:
    """How late the heartbeat came at worst: the longest the loop could not answer."""
    return max((lag for _, lag in run.model.loop_lag), default=0.0)


def call_intervals(run: FinishedRun) -> list[tuple[float, float]]:
    return [(step.t0, step.t1) for span in run.model.spans for step in span.steps]


def figures(runs: Sequence[FinishedRun]) -> LessonFigures:
    named = by_name([v.name for v in VARIANTS], runs)
    blocked = call_intervals(named["blocking"])
    block_ms = statistics.median(t1 - t0 for t0, t1 in blocked) * 1000 if blocked else 0.0
    per_variant = []
    for run in runs:
        lags = [lag for _, lag in run.model.loop_lag]
        per_variant.append(
            {
                "loop_lag_max_ms": round(loop_lag_max_ms(run), 1),
                "loop_lag_median_ms": round(statistics.median(lags), 2) if lags else 0.0,
                "calls_at_once_max": most_at_once(call_intervals(run)),  # blocked: never more than one
                "wall_s": round(run.wall_s, 3),
            }
        )
    lesson = {
        "block_ms": round(block_ms, 1),  # measured: one call's median length in the blocking variant
        "lag_needed_ms": round(0.8 * block_ms, 1),  # the blocking variant's worst lag reaches at least this
        "lag_allowed_ms": LAG_ALLOWED_MS,  # the fixed variant's stays under this
        "heartbeat_ms": HEARTBEAT_PERIOD_S * 1000,
        "calls": len(blocked),
        "coroutines": named["fixed"].settings.concurrency,
    }
    return LessonFigures(lesson, per_variant)


def checks(figures: LessonFigures) -> list[Check]:
    blocking, fixed = figures.variants
    lesson = figures.lesson
    block, needed, allowed = lesson["block_ms"], lesson["lag_needed_ms"], lesson["lag_allowed_ms"]
    lag, calls, fixed_calls, fixed_lag = (
        blocking["loop_lag_max_ms"],
        blocking["calls_at_once_max"],
        fixed["calls_at_once_max"],
        fixed["loop_lag_max_ms"],
    )
    one_at_a_time = "one coroutine cannot overlap its calls" if lesson["coroutines"] < 2 else ""
    return [
        Check(
            "the blocking variant's worst loop lag, in ms",
            lag,
            ">=",
            needed,
            f"Each blocking call took {block:.0f} ms, and the loop's heartbeat came up to {lag:.0f} ms late: "
            "while a call held the thread, nothing else on the loop ran.",
            f"The loop's heartbeat came at most {lag:.0f} ms late, less than {needed:.0f} ms, though each "
            f"blocking call took {block:.0f} ms: the heartbeat was not watched through the calls.",
        ),
        Check(
            "blocking calls under way at once, at most",
            calls,
            "==",
            1,
            "The blocking calls never overlapped: they went one after another.",
            f"Up to {calls} blocking calls overlapped, which one thread cannot do: the measurement is wrong.",
        ),
        Check(
            "calls awaited in a thread under way at once, at most",
            fixed_calls,
            ">=",
            2,
            f"Awaited in a thread, up to {fixed_calls} calls were under way at once.",
            f"Awaited in a thread, the calls still went one at a time: {one_at_a_time or 'they never overlapped'}.",
        ),
        Check(
            "the fixed variant's worst loop lag, in ms",
            fixed_lag,
            "<=",
            allowed,
            f"Meanwhile the loop was never more than {fixed_lag:.0f} ms late.",
            f"Yet the loop was {fixed_lag:.0f} ms late at worst, more than {allowed} ms: something else held "
            "the thread (in the window, drawing; or a busy machine).",
            load_sensitive=True,
        ),
    ]


LESSON = LessonSpec(
    id="blocking",
    title="A blocking call freezes the event loop",
    narrative=(
        "Coroutines share one thread: the event loop runs one coroutine until it awaits, then runs the next."
        "\n\n"
        "A blocking call is one that keeps its thread busy until it returns, without awaiting. Here each "
        f"coroutine, after its fetch, pauses {BLOCK_MS} ms with time.sleep, Python's plain way to wait, which is "
        "such a call: it holds the thread, so the loop can run nothing else until it returns. The blocking calls "
        "therefore line up one after another on the ten lanes (a lane is one coroutine's row on the timeline)."
        "\n\n"
        "The heartbeat is a tiny timer the app asks the loop to run every 10 ms; the strip under the timeline "
        "shows it coming late by as long as a blocking call lasts. In this window the coroutines run on the "
        "window's own event loop, so the window itself freezes too while a blocking call runs, and comes back "
        "when the run is over."
        "\n\n"
        "The fix is to await the slow call instead: asyncio.to_thread hands it to another thread and waits for it "
        "there, so the loop keeps running the other coroutines and the heartbeat stays on time."
    ),
    preset={"count": 40, "concurrency": COROUTINES, "watch_loop": True},
    conditions=network(50),
    variants=VARIANTS,
    figures=figures,
    plot_key="loop_lag_max_ms",
    plot_label="the event loop's worst lag, in ms",
    plot_unit=" ms",
    checks=checks,
)
