"""The memory lesson's program: every worker counts the Pokémon it caught in a module-level counter.

Threads share their process's memory, so they all add to one ``caught``; a worker process has
memory of its own, so it adds to its own copy and the parent's stays at 0. The honest ways back
from a process are return values, a queue, or shared memory such as ``multiprocessing.Value``:
``catch_shared`` is the last.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from multiprocessing.sharedctypes import Synchronized
from typing import Any

from gui.core.trace.events import ObservedEvent, PokemonCard, UpdateEvent
from gui.core.trace.recorder import CancelToken, Recorder
from gui.core.workload.programs.program import LessonProgram, inherited

caught = 0  # module level: each process that imports this module has a copy of its own
_caught_lock = threading.Lock()


def catch() -> int:
    """One more Pokémon caught, counted in this process's memory; returns the count so far."""
    global caught
    with _caught_lock:  # threads share `caught`: the lock keeps two from adding at once (see the race lesson)
        caught += 1
        return caught


def catch_shared(counter: Synchronized[int]) -> int:
    """The same count in shared memory: one counter for every process, handed to each at its start."""
    with counter.get_lock():  # a lock across processes: every catch takes it, and may wait for it
        counter.value += 1
        return counter.value


SHARED_COUNTER = "caught"  # the name a worker process inherits the shared counter under


class CountCaught(LessonProgram):
    """``catch`` after each fetch; the parent reads its own ``caught`` once the workers are done."""

    def apply(self, card: PokemonCard, recorder: Recorder, request_id: int) -> None:
        t0 = recorder.now()
        count = catch()
        recorder.emit(UpdateEvent(request_id, "caught", t0, count - 1, recorder.now(), count, os.getpid()))

    def begin(self, recorder: Recorder, cancel: CancelToken, stop_run: Callable[[], None]) -> None:
        global caught
        with _caught_lock:
            caught = 0  # every run counts from zero (a run before may have counted in this process)

    def end(self, recorder: Recorder) -> None:
        recorder.emit(ObservedEvent(recorder.now(), "caught", caught))


class CountCaughtShared(LessonProgram):
    """``catch_shared`` on one ``multiprocessing.Value``, made by the parent and inherited by each worker."""

    def __init__(self) -> None:
        self._counter: Synchronized[int] | None = None  # the parent's; never pickled with a job

    def __getstate__(self) -> dict[str, Any]:
        return {"_counter": None}

    def apply(self, card: PokemonCard, recorder: Recorder, request_id: int) -> None:
        counter = self._counter if self._counter is not None else _inherited_counter()
        t0 = recorder.now()
        count = catch_shared(counter)
        recorder.emit(UpdateEvent(request_id, "caught", t0, count - 1, recorder.now(), count, os.getpid()))

    def begin(self, recorder: Recorder, cancel: CancelToken, stop_run: Callable[[], None]) -> None:
        self._counter = multiprocessing.get_context("spawn").Value("i", 0)

    def end(self, recorder: Recorder) -> None:
        assert self._counter is not None, "begin() makes the counter"
        with self._counter.get_lock():
            recorder.emit(ObservedEvent(recorder.now(), "caught", self._counter.value))

    def for_workers(self) -> dict[str, Any]:
        return {SHARED_COUNTER: self._counter}


def _inherited_counter() -> Synchronized[int]:
    counter: Synchronized[int] = inherited[SHARED_COUNTER]
    return counter
