"""Locks that say what they do: who waits, who holds, and whether the waits have closed a circle.

A lesson's worker takes a :class:`TracedLock` exactly as it would take a ``threading.Lock``
(``with lock:``). The lock records every wait, take and release as a ``LockEvent`` of the request
the worker is on, and keeps the run's :class:`LockBook` up to date: who holds each lock and what
each waiting request wants. :class:`DeadlockWatch` reads that book a hundred times a second and
looks for a cycle in the wait-for graph (a waits for b's lock, b waits for a's).

A thread blocked in a plain ``acquire()`` can never be stopped, so a traced lock waits in short
``acquire(timeout=...)`` slices and gives up (raises :class:`GaveUp`) once the run is stopping:
a deadlocked run still ends, and no thread outlives it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextvars import ContextVar
from types import TracebackType

from gui.core.trace.events import DeadlockEvent, LockEvent
from gui.core.trace.recorder import CancelToken, Recorder

WAIT_SLICE_S = 0.02  # a waiting worker checks this often whether the run is stopping
WATCH_PERIOD_S = 0.01  # the deadlock watch reads the book this often

# The request the current thread (or task) works on, set around a job's step by the step runner:
# the lock needs it to name the waiter, and the learner's code need not pass it around.
working_on: ContextVar[tuple[Recorder, int] | None] = ContextVar("working_on", default=None)


class GaveUp(Exception):
    """A worker stopped waiting for a lock: the run is stopping (a deadlock was found, or Stop)."""


class LockBook:
    """The run's record of its traced locks: who holds each, and what each waiting request wants."""

    def __init__(self, cancel: CancelToken | None = None) -> None:
        self.cancel = cancel  # once set, waiters give up; None: wait as long as it takes
        self._guard = threading.Lock()
        self._holders: dict[str, int] = {}  # lock name -> request holding it
        self._waiting: dict[int, tuple[str, float]] = {}  # request -> (lock it wants, since)

    def holder(self, lock: str) -> int | None:
        with self._guard:
            return self._holders.get(lock)

    def waits(self, request_id: int, lock: str, since: float) -> int | None:
        """``request_id`` starts waiting for ``lock``; returns who holds it now."""
        with self._guard:
            self._waiting[request_id] = (lock, since)
            return self._holders.get(lock)

    def takes(self, request_id: int, lock: str) -> None:
        with self._guard:
            self._waiting.pop(request_id, None)
            self._holders[lock] = request_id

    def stops_waiting(self, request_id: int) -> None:
        with self._guard:
            self._waiting.pop(request_id, None)

    def releases(self, request_id: int, lock: str) -> None:
        with self._guard:
            if self._holders.get(lock) == request_id:
                del self._holders[lock]

    def cycle(self) -> tuple[tuple[int, ...], tuple[str, ...], float] | None:
        """A cycle of the wait-for graph, if there is one: its requests, the locks they wait for, and
        when its last wait began. Each request waits for at most one lock, held by at most one
        request, so following the arrows from any waiter either ends or comes back round."""
        with self._guard:
            waiting = dict(self._waiting)
            holders = dict(self._holders)
        for start in waiting:
            path: list[int] = []
            node: int | None = start
            while node is not None and node in waiting and node not in path:
                path.append(node)
                node = holders.get(waiting[node][0])
            if node is not None and node in path:
                ring = tuple(path[path.index(node) :])
                return ring, tuple(waiting[r][0] for r in ring), max(waiting[r][1] for r in ring)
        return None


class TracedLock:
    """A ``threading.Lock`` that records its waits and holds, and can stop waiting (see module doc)."""

    def __init__(self, name: str, book: LockBook) -> None:
        self.name = name
        self.book = book
        self._lock = threading.Lock()

    def __enter__(self) -> TracedLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.release()

    def acquire(self) -> None:
        recorder, request_id = current_request()
        since = recorder.now()
        holder = self.book.waits(request_id, self.name, since)
        recorder.emit(LockEvent(request_id, self.name, "wait", since, holder))
        cancel = self.book.cancel
        while True:
            got = self._lock.acquire(timeout=WAIT_SLICE_S)
            if cancel is None or not cancel.cancelled:
                if got:
                    break
                continue
            if got:  # a stopping run grants no lock: every waiter of a deadlock gives up, none slips through
                self._lock.release()
            self.book.stops_waiting(request_id)
            recorder.emit(LockEvent(request_id, self.name, "gave_up", recorder.now()))
            raise GaveUp(f"gave up waiting for the {self.name} lock: the run was stopped")
        self.book.takes(request_id, self.name)
        recorder.emit(LockEvent(request_id, self.name, "acquired", recorder.now()))

    def release(self) -> None:
        recorder, request_id = current_request()
        self.book.releases(request_id, self.name)
        self._lock.release()
        recorder.emit(LockEvent(request_id, self.name, "released", recorder.now()))


def current_request() -> tuple[Recorder, int]:
    current = working_on.get()
    if current is None:
        raise RuntimeError("shared memory is traced inside a job's step (the step runner says which request)")
    return current


class DeadlockWatch:
    """A thread that finds a deadlock in the run's book, records it, and stops the run once.

    Stopping the run sets its cancel token, so the deadlocked workers give up their waits and
    release what they hold; queued jobs never start. The watch itself ends with the run.
    """

    def __init__(self, book: LockBook, recorder: Recorder, stop_run: Callable[[], None]) -> None:
        self.book = book
        self.recorder = recorder
        self.stop_run = stop_run
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="deadlock-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()

    def _watch(self) -> None:
        while not self._done.wait(WATCH_PERIOD_S):
            found = self.book.cycle()
            if found is not None:
                requests, locks, formed_t = found
                self.recorder.emit(DeadlockEvent(self.recorder.now(), formed_t, requests, locks))
                self.stop_run()
                return
