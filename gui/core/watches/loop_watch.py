"""A heartbeat on an event loop: how late does the loop get round to a timer that is due?

A loop runs one thing at a time. While a coroutine step, a callback or (under qasync) a Qt event
holds it, a timer that falls due simply waits, and so does everything else on that loop: other
coroutines, network callbacks, the window's paint events. ``Heartbeat`` schedules a timer every
``period_s`` with ``loop.call_later`` and records, as a ``LoopLagEvent``, how late each one fired.
It works on any loop (asyncio's own or qasync's), because it only uses the loop's public API.
"""

from __future__ import annotations

import asyncio
import time

from gui.core.trace.recorder import Recorder

HEARTBEAT_PERIOD_S = 0.010  # 100 beats a second: a lag of a few ms shows, and the cost stays negligible


class Heartbeat:
    """Started and stopped on the loop's own thread (the engine does both, around one run)."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, recorder: Recorder, period_s: float = HEARTBEAT_PERIOD_S
    ) -> None:
        self.loop = loop
        self.recorder = recorder
        self.period_s = period_s
        self._due = 0.0  # perf_counter() at which the pending beat should fire
        self._handle: asyncio.Handle | None = None

    def start(self) -> None:
        if self._handle is None:
            self._schedule()

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _schedule(self) -> None:
        self._due = time.perf_counter() + self.period_s
        self._handle = self.loop.call_later(self.period_s, self._beat)

    def _beat(self) -> None:
        fired = time.perf_counter()
        # Timers may fire a hair early (asyncio rounds to its clock's resolution, Qt's coarse
        # timers by up to 5 %): early is "not late".
        late_ms = max(fired - self._due, 0.0) * 1000
        self.recorder.loop_lag(fired - self.recorder.t0, late_ms)
        if self._handle is not None:  # not stopped meanwhile
            self._schedule()
