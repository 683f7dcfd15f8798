"""Lesson: a process has memory of its own; threads share theirs."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gui.core.lessons.lesson import LessonFigures, LessonSpec, Variant, network
from gui.core.steps import AfterFetch

if TYPE_CHECKING:  # a FinishedRun names its mode through the registry, which lists these lessons
    from gui.core.finished_run import FinishedRun

WORKERS = 4
COUNT = 60

VARIANTS = (
    Variant(
        "threads",
        "threads",
        {"after_fetch": AfterFetch.CATCH.value},
        f"{WORKERS} threads add to one module-level counter",
    ),
    Variant(
        "processes",
        "processes",
        {"after_fetch": AfterFetch.CATCH.value},
        f"{WORKERS} processes, each adding to its own copy of the counter",
    ),
    Variant(
        "processes-shared",
        "processes",
        {"after_fetch": AfterFetch.CATCH_SHARED.value},
        "the same processes add to one multiprocessing.Value in shared memory",
    ),
)


def per_worker_counts(run: FinishedRun) -> dict[str, int]:
    """How many Pokémon each lane caught and counted: its share of the work."""
    counts: dict[str, int] = {}
    for span in run.model.spans:
        if span.lane is not None and span.updates:
            counts[span.lane] = counts.get(span.lane, 0) + len(span.updates)
    return dict(sorted(counts.items(), key=_lane_order))


def last_count_seen(run: FinishedRun) -> dict[str, int]:
    """The counter's value after each lane's last catch: its own share, or everyone's if shared."""
    seen: dict[str, int] = {}
    for span in run.model.spans:
        for update in span.updates:
            if span.lane is not None:
                seen[span.lane] = max(seen.get(span.lane, 0), update.written)
    return dict(sorted(seen.items(), key=_lane_order))


def _lane_order(item: tuple[str, int]) -> tuple[int, str]:
    return len(item[0]), item[0]  # "worker_10" after "worker_9"; "pid 99" before "pid 100"


def figure_of(run: FinishedRun) -> dict[str, Any]:
    updates = [u for span in run.model.spans for u in span.updates]
    catch_us = [(u.t_write - u.t_read) * 1e6 for u in updates]
    return {
        "parent_count": run.model.observed.get("caught"),  # what the run's own process read when all were done
        "per_worker_counts": per_worker_counts(run),
        "last_count_seen": last_count_seen(run),  # threads: the shared total; processes: their own share
        "distinct_pids": len({u.pid for u in updates}),
        "caught": len(updates),  # Pokémon the workers caught (and counted, somewhere)
        "catch_us_median": round(statistics.median(catch_us), 2) if catch_us else None,
    }


def figures(runs: Sequence[FinishedRun]) -> LessonFigures:
    per_variant = [figure_of(run) for run in runs]
    return LessonFigures({"pokemon": runs[0].settings.count}, per_variant)


def verdict(figures: LessonFigures) -> str:
    threads, processes, shared = figures.variants
    shares = ", ".join(f"{n}" for n in processes["per_worker_counts"].values())
    return (
        f"Threads: the parent read {threads['parent_count']}, the count all {len(threads['per_worker_counts'])} "
        f"threads added to. Processes: the parent read {processes['parent_count']} while its "
        f"{processes['distinct_pids']} workers counted {shares} in their own memory. Shared memory: the parent "
        f"read {shared['parent_count']}, at {shared['catch_us_median']:g} µs a catch against "
        f"{processes['catch_us_median']:g} µs in a process's own memory."
    )


LESSON = LessonSpec(
    id="memory",
    title="Own memory: a process counts for itself",
    narrative=(
        "Every worker adds each Pokémon it catches to a module-level counter, caught. Threads live in one "
        "process and share its memory: they all add to the same counter, so the parent reads every catch "
        "(under a small lock, so that the race of the next lesson cannot blur this one). A worker process is a "
        "whole new interpreter: it imported the module for itself and adds to its own copy, so the parent's "
        "counter stays at 0 while each child counts its share. Each lane below names its process id. To get "
        "the count back, a process must send it: return values or a queue pickle each result through a pipe "
        "(a cost per message), or a multiprocessing.Value puts one counter in shared memory, guarded by a lock "
        "that every process takes on every catch (a system call, and a wait when another holds it)."
    ),
    preset={"count": COUNT, "concurrency": WORKERS},
    conditions=network(30),
    variants=VARIANTS,
    figures=figures,
    plot_key="parent_count",
    plot_label="Pokémon the parent counted",
    plot_unit="",
    verdict=verdict,
)
