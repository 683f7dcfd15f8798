"""Lesson: a process has memory of its own; threads share theirs."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gui.core.lessons.claims import Check, longer_or_shorter
from gui.core.lessons.lesson import LessonFigures, LessonSpec, Variant, network
from gui.core.lessons.measures import startup_s
from gui.core.workload.after_fetch import AfterFetch

if TYPE_CHECKING:  # for types only
    from gui.core.results.finished_run import FinishedRun

WORKERS = 4
COUNT = 60

VARIANTS = (
    Variant(
        "threads",
        "threads",
        {"after_fetch": AfterFetch.CATCH.value},
        f"{WORKERS} threads add to one counter at the top level of a module",
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
        "the same processes add to one counter in shared memory (multiprocessing.Value)",
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
    lesson = {
        "pokemon": runs[0].settings.count,
        "workers": runs[1].settings.concurrency,
        # a process's memory of its own is a whole interpreter of its own, started before it can catch
        "processes_startup_s": startup_s(runs[1]),
        "processes_wall_s": round(runs[1].wall_s, 3),
        "threads_wall_s": round(runs[0].wall_s, 3),
    }
    return LessonFigures(lesson, per_variant)


def checks(figures: LessonFigures) -> list[Check]:
    threads, processes, shared = figures.variants
    shares = ", ".join(f"{n}" for n in processes["per_worker_counts"].values())
    own = processes["parent_count"] or 0
    return [
        Check(
            "catches the parent read, threads, less the catches made",
            (threads["parent_count"] or 0) - threads["caught"],
            "==",
            0,
            f"Threads: the parent read {threads['parent_count']}, every catch its "
            f"{len(threads['per_worker_counts'])} threads added to one counter.",
            f"Threads: the parent read {threads['parent_count']} of {threads['caught']} catches.",
        ),
        Check(
            "catches the parent read, processes with their own memory",
            own,
            "==",
            0,
            f"Processes: the parent read 0 while its workers counted {shares} in their own memory.",
            f"Processes: the parent read {own} of {processes['caught']} catches, though each worker counts in "
            "its own memory: the counter was shared after all.",
        ),
        Check(
            "worker processes that caught Pokémon",
            processes["distinct_pids"],
            ">=",
            2,
            f"Those catches came from {processes['distinct_pids']} different processes.",
            f"All catches came from {processes['distinct_pids']} process: one process cannot show memory apart.",
        ),
        Check(
            "catches the parent read, shared memory, less the catches made",
            (shared["parent_count"] or 0) - shared["caught"],
            "==",
            0,
            f"Shared memory: the parent read {shared['parent_count']}, every catch.",
            f"Shared memory: the parent read {shared['parent_count']} of {shared['caught']} catches.",
        ),
    ]


def facts(figures: LessonFigures) -> list[str]:
    _, processes, shared = figures.variants
    said = []
    lesson = figures.lesson
    startup = lesson.get("processes_startup_s")
    if startup:
        whole, threads = lesson["processes_wall_s"], lesson["threads_wall_s"]
        than = longer_or_shorter(whole, threads)
        said.append(
            f"Memory of their own costs a start: the processes spent {startup:.2f} s starting their interpreters "
            f"(olive) before the first catch, and their run took {whole:.2f} s, {than} the threads' {threads:.2f} s."
        )
    own_us, shared_us = processes["catch_us_median"], shared["catch_us_median"]
    if own_us is not None and shared_us is not None:
        than = "slower than" if shared_us > own_us else "faster than" if shared_us < own_us else "as fast as"
        said.append(
            f"A catch in shared memory took {shared_us:g} µs (median), {than} {own_us:g} µs in a process's own "
            "memory (a shared counter takes its lock on every catch)."
        )
    return said


LESSON = LessonSpec(
    id="memory",
    title="Own memory: a process counts for itself",
    narrative=(
        "Every worker adds each Pokémon it catches to one counter, caught, kept at the top level of a Python "
        "module (a file of code)."
        "\n\n"
        "Threads live in one process and share its memory: they all add to the same counter, so the parent (the "
        "app's own process) reads every catch. A lock is a token only one worker can hold at a time, while the "
        "others that want it wait; the threads add under one, so that no catch is lost (the next lesson shows "
        "what goes wrong without it)."
        "\n\n"
        "A worker process is a whole new interpreter: it imported the module for itself and adds to its own copy, "
        "so the parent's counter stays at 0 while each child counts its share. Each lane below names its process "
        "id, the number the operating system gives each process."
        "\n\n"
        "To get the count back, a process must send it, as a return value or through a queue (a line of messages "
        "between processes). To pickle is to turn a Python value into bytes, and a pipe is a channel that carries "
        "bytes from one process to another: every result sent back is pickled and goes through a pipe, which "
        "costs something per message."
        "\n\n"
        "Shared memory is memory that several processes can all see: a multiprocessing.Value keeps one counter "
        "there, guarded by a lock that every process takes on every catch. A system call is a program asking the "
        "operating system to do something for it; a process that finds the lock taken makes one to wait for it, "
        "and that costs time."
    ),
    preset={"count": COUNT, "concurrency": WORKERS},
    conditions=network(30),
    variants=VARIANTS,
    figures=figures,
    plot_key="parent_count",
    plot_label="Pokémon the parent counted",
    plot_unit="",
    checks=checks,
    facts=facts,
)
