"""Lesson: threads and coroutines win on I/O waits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gui.core.lessons.lesson import LessonFigures, LessonSpec, Variant, network
from gui.core.lessons.measures import by_name, speedup

if TYPE_CHECKING:  # a FinishedRun names its mode through the registry, which lists these lessons
    from gui.core.finished_run import FinishedRun

VARIANTS = (
    Variant("sequential", "sequential", caption="one request after another"),
    Variant("threads", "threads", caption="10 worker threads"),
    Variant("asyncio", "asyncio", caption="10 coroutines on one thread"),
)


def figures(runs: Sequence[FinishedRun]) -> LessonFigures:
    named = by_name([v.name for v in VARIANTS], runs)
    base = named["sequential"]
    at_once = min(base.settings.count, runs[-1].settings.concurrency)
    per_variant = [{"speedup": round(speedup(base, run), 3), "wall_s": round(run.wall_s, 4)} for run in runs]
    return LessonFigures({"at_once": at_once, "speedup_needed": round(0.8 * at_once, 2)}, per_variant)


def verdict(figures: LessonFigures) -> str:
    threads, asyncio_ = (figures.variants[1]["speedup"], figures.variants[2]["speedup"])
    at_once = figures.lesson["at_once"]
    return (
        f"With {at_once} requests in flight, threads finished {threads:.1f}× and coroutines {asyncio_:.1f}× "
        f"faster than one after another: at most {at_once}× is possible, because the waits overlap."
    )


LESSON = LessonSpec(
    id="io-bound",
    title="I/O waits: threads and coroutines overlap them",
    narrative=(
        "Fetching a Pokémon is mostly waiting: the request crosses the network, the server thinks, the answer "
        "comes back. One after another, those waits add up. A pool of threads sends the next request while "
        "another thread is still waiting, because a thread that waits on a socket lets go of the GIL. "
        "Coroutines do the same on a single thread: each await hands the event loop to the others. "
        "With 10 at once, the 40 waits below overlap in about 4 waves instead of 40. Neither makes the "
        "network faster; they stop the program from standing still while it waits."
    ),
    preset={"count": 40, "concurrency": 10},
    conditions=network(100),
    variants=VARIANTS,
    figures=figures,
    plot_key="speedup",
    plot_label="times faster than one after another",
    verdict=verdict,
)
