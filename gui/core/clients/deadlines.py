"""Deadlines for blocking requests: one watcher thread per process calls back when one passes.

httpx's timeouts bound each read, not the request: a server that trickles a byte every half second
keeps a request alive forever. The sync client registers each attempt's deadline here and, when it
passes, shuts the attempt's socket down, which wakes the blocked read at once (as a cancel does).
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable


class Deadline:
    """One registered deadline; ``cancel()`` it when the attempt ended in time."""

    __slots__ = ("at", "callback", "live")

    def __init__(self, at: float, callback: Callable[[], None]) -> None:
        self.at = at
        self.callback = callback
        self.live = True

    def cancel(self) -> None:
        self.live = False  # the watcher drops it when it comes to the top: no search through the heap


class DeadlineWatch:
    """A heap of deadlines and the one daemon thread that waits for the earliest."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def after(self, seconds: float, callback: Callable[[], None]) -> Deadline:
        """Call ``callback`` (on the watcher thread) in ``seconds``, unless cancelled first."""
        deadline = Deadline(time.monotonic() + seconds, callback)
        with self._changed:
            heapq.heappush(self._heap, (deadline.at, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="deadline-watch", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is deadline:
                self._changed.notify()  # earlier than what the watcher sleeps towards
        return deadline

    def _watch(self) -> None:
        while True:
            with self._changed:
                due = self._due_now()
            for deadline in due:
                deadline.callback()

    def _due_now(self) -> list[Deadline]:
        """Wait (holding the condition) until some live deadline has passed; pop and return those."""
        while True:
            while self._heap and not self._heap[0][2].live:
                heapq.heappop(self._heap)
            if not self._heap:
                self._changed.wait()
                continue
            now = time.monotonic()
            if self._heap[0][0] > now:
                self._changed.wait(self._heap[0][0] - now)
                continue
            due = []
            while self._heap and self._heap[0][0] <= now:
                deadline = heapq.heappop(self._heap)[2]
                if deadline.live:
                    deadline.live = False
                    due.append(deadline)
            if due:
                return due


deadline_watch = DeadlineWatch()  # one per process: worker processes get their own when they import this
