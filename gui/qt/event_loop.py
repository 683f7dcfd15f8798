"""The window's asyncio loop: qasync's, with the callbacks that are ready run in batches.

qasync turns every ``call_soon`` into a Qt timer of its own, started, fired once and killed. A
request takes a few of them (its socket became readable, its task wakes, its future is done),
so a 10,000-request run made ~26,000 timers: 0.6 s more CPU than plain asyncio for the same
run (~25 µs a callback), in the loop the window paints from.

Here ready callbacks wait in one queue, and one zero-delay timer runs them, in order, as
asyncio's own loop runs an iteration: callbacks they make ready wait for the next batch, so Qt's
paint, socket and timer events still come in between. A batch also stops starting callbacks
after ``BATCH_S`` of work and goes on in the next, so 500 answers landing at once cannot hold a
frame or a due timer back for their whole length.

Callbacks with a delay (``call_later``, ``asyncio.sleep``) stay qasync's timers. This relies on
qasync's ``_add_callback`` hook (pinned: qasync 0.28).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from contextvars import Context
from typing import Any

import qasync

BATCH_S = 0.004  # a quarter of a 60 Hz frame: then Qt gets its turn


class BatchingEventLoop(qasync.QEventLoop):  # type: ignore[misc]  # qasync has no type hints
    """``qasync.QEventLoop`` whose ready callbacks share one Qt timer per batch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._batch: deque[asyncio.Handle] = deque()
        self._batch_armed = False
        self.batches = 0  # how many batches ran (tests and benchmarks read it)

    def call_soon(self, callback: Callable[..., object], *args: Any, context: Context | None = None) -> asyncio.Handle:
        """As asyncio's: the checks of a callback only in debug mode. qasync's ``call_soon`` is a
        ``call_later(0)`` that asks ``inspect`` whether each callback is a coroutine function, a
        few microseconds that every socket event and task wake-up paid."""
        if self.get_debug():
            return super().call_soon(callback, *args, context=context)  # type: ignore[no-any-return]
        return self._add_callback(asyncio.Handle(callback, args, self, context=context))

    def _add_callback(self, handle: asyncio.Handle, delay: float = 0) -> asyncio.Handle:
        if delay > 0 or self.get_debug():  # debug mode: qasync times and names each callback itself
            return super()._add_callback(handle, delay)  # type: ignore[no-any-return]
        self._batch.append(handle)
        self._arm()
        return handle

    def _arm(self) -> None:
        if not self._batch_armed:
            self._batch_armed = True
            super()._add_callback(asyncio.Handle(self._run_batch, (), self), 0)

    def _run_batch(self) -> None:
        """Run the callbacks that were ready when the batch began; stop starting new ones after
        ``BATCH_S`` (one long callback still runs to its end).

        One queue, always taken from the front: a callback that runs a nested event loop (a modal
        dialog, ``processEvents``) lets a batch run inside it, which takes the next callbacks in
        order; this batch then goes on with what is left, if anything. Whatever ends a batch, the
        rest waits for the next.
        """
        self._batch_armed = False
        self.batches += 1
        ready = self._batch
        count = len(ready)
        deadline = time.perf_counter() + BATCH_S
        try:
            while count and ready:
                count -= 1
                handle = ready.popleft()
                if not handle.cancelled():
                    handle._run()  # asyncio's own way in: exceptions go to the loop's handler
                if time.perf_counter() > deadline:
                    break
        finally:
            if ready:  # the rest, and what this batch made ready, next time
                self._arm()
