"""Keeping the garbage collector off the heap while a run runs.

A run allocates tens of thousands of small containers (jobs, spans, events, aiohttp's objects),
which sets off collections. A full one walks the whole heap of a Qt window (every module, widget
wrapper and kept run): 50-70 ms on this machine, frozen on the event loop the run shares with the
window. ``gc.freeze()`` moves every object that exists to a permanent generation that no
collection walks; it costs nothing (lists are spliced, not walked).

So the heap is frozen while a run is made and while it runs, and every ``REFREEZE_S`` what the
run has made so far joins it: in a 10,000-request run in the window the collector's pauses fell
from 420 ms in all (the longest 50-62 ms, the loop's longest stalls) to ~180 ms of ~1 ms pauses.
Frozen objects are still freed when their last reference goes; but a reference cycle that
becomes garbage while a run runs (the window's too) waits for the run's end, when everything is
handed back to the oldest generation: a long run with many failures (their tracebacks make
cycles) holds that memory until then.
"""

from __future__ import annotations

import asyncio
import gc
import threading
from types import TracebackType

REFREEZE_S = 0.05


class FrozenHeap:
    """Counted: runs may overlap (nested lessons, tests); each one in freezes what exists then, the
    last one out thaws."""

    def __init__(self) -> None:
        self._holders = 0
        self._lock = threading.Lock()

    def __enter__(self) -> None:
        with self._lock:
            self._holders += 1
            gc.freeze()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        with self._lock:
            self._holders -= 1
            if self._holders == 0:
                gc.unfreeze()  # back in the oldest generation: collected as usual from now on

    def refreeze(self) -> None:
        """What was made since the last freeze joins the frozen heap (only while someone holds it)."""
        with self._lock:
            if self._holders:
                gc.freeze()

    async def keep_frozen(self) -> None:
        """Refreeze every ``REFREEZE_S`` until cancelled (a task beside the run)."""
        while True:
            await asyncio.sleep(REFREEZE_S)
            self.refreeze()


frozen_heap = FrozenHeap()
