"""Every mode is declared here, once: its name, title, key, what it teaches, its code, how it runs.

The window's buttons, the command line's choices, the "press 1-4" hint, the engine's dispatch, the
explain panel and the benchmarks all read this table, so adding a mode (or, later, a lesson) is one
entry here and one module in ``gui.core.modes``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from gui.core.lessons import blocking, deadlock, gil, io_bound, memory, race, slivers, sweep
from gui.core.lessons.lesson import LessonSpec
from gui.core.mode_context import ModeContext
from gui.core.modes import coroutines, processes, sequential, threads


@dataclass(frozen=True)
class ModeSpec:
    name: str  # the id in settings, on the command line and in reports
    title: str  # what a button says
    key: str  # its keyboard shortcut in the window
    summary: str  # one line: what the technique does
    why: str  # what a learner should notice in its timeline (the explain panel's second half)
    textbook: tuple[Callable[..., Any], ...]  # the functions a learner reads, shown in the code panel
    waits_at: str  # text of the line where a worker waits, marked in the code panel
    run: Callable[[ModeContext], Awaitable[None]]  # how the engine runs it
    worker: tuple[str, str] = ("worker", "workers")  # what one unit of its concurrency is called
    one_at_a_time: bool = False  # ignores the concurrency setting
    on_callers_loop: bool = False  # runs on the caller's event loop: stopped by cancelling its task
    slow_to_start: bool = False  # each worker is a new interpreter: a start-up the ideal does not count


MODES: dict[str, ModeSpec] = {
    spec.name: spec
    for spec in (
        ModeSpec(
            name="sequential",
            title="Sequential",
            key="1",
            summary="One request after another, on one thread",
            why="Each request waits for the one before it, so every wait on the network adds up.",
            textbook=(sequential.fetch_one_after_another,),
            waits_at="client.fetch(job)",
            run=sequential.run,
            one_at_a_time=True,
        ),
        ModeSpec(
            name="threads",
            title="Threads",
            key="2",
            summary="A pool of worker threads, each blocking on its own request",
            why="A thread waiting on the network releases the GIL, so the other threads send theirs meanwhile.",
            textbook=(threads.fetch_with_thread_pool,),
            waits_at="local.client.fetch(job)",
            run=threads.run,
            worker=("worker thread", "worker threads"),
        ),
        ModeSpec(
            name="asyncio",
            title="Asyncio",
            key="3",
            summary="Coroutines on one event loop, up to the limit in flight",
            why="A coroutine that awaits its answer hands the loop to the others, so one thread keeps many "
            "requests in flight.",
            textbook=(coroutines.fetch_with_coroutines,),
            waits_at="await client.fetch(job",
            run=coroutines.run,
            worker=("coroutine", "coroutines"),
            on_callers_loop=True,
        ),
        ModeSpec(
            name="processes",
            title="Processes",
            key="4",
            summary="A pool of worker processes, each its own interpreter",
            why="Each worker process waits on its own request; starting whole interpreters is the price, "
            "paid before the first request leaves.",
            textbook=(processes.fetch_with_process_pool, processes.fetch_in_worker),
            waits_at="_client.fetch(job)",
            run=processes.run,
            worker=("worker process", "worker processes"),
            slow_to_start=True,
        ),
    )
}

MODE_NAMES: tuple[str, ...] = tuple(MODES)


def mode_spec(name: str) -> ModeSpec:
    """The spec of mode ``name``; a KeyError names the modes there are."""
    try:
        return MODES[name]
    except KeyError:
        raise KeyError(f"no mode {name!r}; the modes are {', '.join(MODE_NAMES)}") from None


def keys_hint() -> str:
    """ "1-4" for the status bar and the empty timeline."""
    keys = [spec.key for spec in MODES.values()]
    return f"{keys[0]}-{keys[-1]}" if len(keys) > 1 else keys[0]


# --- lessons: each runs some of the modes above side by side and proves one point ---------------

LESSONS: dict[str, LessonSpec] = {
    x.id: x
    for x in (
        io_bound.LESSON,
        gil.LESSON,
        blocking.LESSON,
        slivers.LESSON,
        sweep.LESSON,
        memory.LESSON,
        race.LESSON,
        deadlock.LESSON,
    )
}


def lesson_spec(lesson_id: str) -> LessonSpec:
    """The lesson ``lesson_id``; a KeyError names the lessons there are."""
    try:
        return LESSONS[lesson_id]
    except KeyError:
        raise KeyError(f"no lesson {lesson_id!r}; the lessons are {', '.join(LESSONS)}") from None
