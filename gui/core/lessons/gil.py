"""Lesson: CPU work and the GIL. Threads take turns on one core; processes use them all."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gui.core.lessons.lesson import LessonFigures, LessonSpec, Variant, network
from gui.core.lessons.measures import by_name, compute_span_s, step_totals

if TYPE_CHECKING:  # a FinishedRun names its mode through the registry, which lists these lessons
    from gui.core.finished_run import FinishedRun

WORKERS = 2  # as many as this machine's cores: more would only queue for them
STEP = {"after_fetch": "compute", "step_ms": 20}

VARIANTS = (
    Variant("sequential", "sequential", STEP, "one after another"),
    Variant("threads", "threads", STEP, f"{WORKERS} worker threads, one GIL"),
    Variant("processes", "processes", STEP, f"{WORKERS} worker processes, a GIL each"),
)


def gil_enabled() -> bool:
    """False only on a free-threaded build running without its GIL (Python 3.13+)."""
    check = getattr(sys, "_is_gil_enabled", None)
    return bool(check()) if check is not None else True


def figures(runs: Sequence[FinishedRun]) -> LessonFigures:
    named = by_name([v.name for v in VARIANTS], runs)
    base = compute_span_s(named["sequential"])
    per_variant = []
    for run in runs:
        span = compute_span_s(run)
        wall, cpu = step_totals(run)
        per_variant.append(
            {
                "cpu_speedup": round(base / span, 3) if span > 0 else 0.0,
                "compute_span_s": round(span, 4),
                "cpu_s": round(cpu, 4),
                "gil_wait_s": round(max(wall - cpu, 0.0), 4),  # ready to run, but another thread held the GIL
            }
        )
    lesson = {
        "gil_enabled": gil_enabled(),
        "cores": os.cpu_count() or 1,
        "workers": WORKERS,
        "step_ms": STEP["step_ms"],
    }
    return LessonFigures(lesson, per_variant)


def verdict(figures: LessonFigures) -> str:
    threads, processes = figures.variants[1], figures.variants[2]
    waited = threads["gil_wait_s"] / max(threads["gil_wait_s"] + threads["cpu_s"], 1e-9)
    gil = "with the GIL on" if figures.lesson["gil_enabled"] else "on a free-threaded build (no GIL)"
    return (
        f"Computing, {gil}: threads {threads['cpu_speedup']:.2f}× (their computing spent {waited:.0%} of its "
        f"time waiting for the GIL), processes {processes['cpu_speedup']:.2f}× on {figures.lesson['cores']} cores."
    )


LESSON = LessonSpec(
    id="gil",
    title="CPU work and the GIL: threads take turns, processes run together",
    narrative=(
        "This time each Pokémon costs about 20 ms of pure-Python work after it arrives: a type-matchup "
        "simulation on its base stats. Waiting on the network lets other threads run, but computing does not: "
        "CPython's global interpreter lock (the GIL) lets one thread run Python code at a time. So two threads "
        "take turns, and each computing bar splits into the time its thread really ran (dark) and the time it "
        "was ready but waiting for the GIL (pale), measured from the thread's own CPU clock. Two processes each "
        "have an interpreter and a GIL of their own, so on two cores they really compute at the same time, once "
        "their start-up is paid. The figure compares only the computing stretch of each run. In the window, drawing "
        "the bars takes a share of a core as well, so the processes score a little lower there than on the "
        "command line (--headless --lesson gil)."
    ),
    preset={"count": 100, "concurrency": WORKERS},
    conditions=network(0),
    variants=VARIANTS,
    figures=figures,
    plot_key="cpu_speedup",
    plot_label="times faster at computing than one after another",
    verdict=verdict,
)
