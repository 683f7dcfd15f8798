"""When each worker thread really ran, read from its own CPU clock by a sampler thread.

Linux gives every thread a CPU clock (``time.pthread_getcpuclockid``) that advances only while
the thread is on a core, in user code or in the kernel on its behalf. It stands still while the
thread sleeps, waits on a socket, or waits for the GIL (CPython waits on a condition variable,
not in a spin). A sampler thread reads every worker's clock each ``period_s`` and records, per
worker and per interval between two readings, how long it ran: a ``SliverEvent`` with ``ran_s``.

What this can and cannot say: it knows how much each thread ran in each interval, not where in
the interval. Two threads that ran ``a`` and ``b`` seconds in an interval of ``d`` ran at the same
time for at least ``a + b - d`` and at most ``min(a, b)`` (see ``gui.core.trace.overlap``). The sampler
needs the GIL for a few microseconds per reading, so while workers compute it reads when the GIL
next changes hands (every ``sys.getswitchinterval()``, 5 ms by default), not exactly on its period.

So it watches threads that fetch and do not compute (their running is short and mostly in the
kernel). Threads that compute stamp their own running stretches exactly instead
(``gui.core.watches.thread_turns``): there, this sampler would tell nothing and break up their turns.
"""

from __future__ import annotations

import threading
import time

from gui.core.trace.recorder import Recorder

SAMPLE_PERIOD_S = 0.001


def supported() -> bool:
    """Per-thread CPU clocks exist here (Linux and most Unixes; not macOS or Windows)."""
    return hasattr(time, "pthread_getcpuclockid") and hasattr(time, "clock_gettime")


class _Watched:
    __slots__ = ("lane", "clock", "cpu_s")

    def __init__(self, lane: str, clock: int, cpu_s: float) -> None:
        self.lane = lane
        self.clock = clock
        self.cpu_s = cpu_s  # its clock at the previous reading


class ThreadClocks:
    """Samples the CPU clock of every thread that announced a lane during one run."""

    def __init__(self, recorder: Recorder, period_s: float = SAMPLE_PERIOD_S) -> None:
        self.recorder = recorder
        self.period_s = period_s
        self._threads: dict[int, _Watched] = {}  # thread ident -> its clock; added by workers, read by the sampler
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._sampler: threading.Thread | None = None
        self._last_t = 0.0

    def start(self) -> None:
        """Watch for workers; the sampler thread starts with the first (worker processes never announce one)."""
        if supported():
            self._last_t = self.recorder.now()
            self.recorder.watch_lanes(self._on_lane)

    def stop(self) -> None:
        self.recorder.unwatch_lanes(self._on_lane)
        with self._lock:
            sampler, self._sampler = self._sampler, None
            self._stopping.set()
        if sampler is not None:
            sampler.join()
            self._sample()  # the last stretch, for the threads still alive

    def _on_lane(self, lane: str) -> None:
        """On the worker's own thread, each time it starts a request: its first time, watch it."""
        ident = threading.get_ident()
        if ident in self._threads:
            return
        clock = time.pthread_getcpuclockid(ident)
        with self._lock:
            self._threads[ident] = _Watched(lane, clock, time.clock_gettime(clock))
            if self._sampler is None and not self._stopping.is_set():
                self._sampler = threading.Thread(target=self._sample_until_stopped, name="thread-clocks", daemon=True)
                self._sampler.start()

    def _sample_until_stopped(self) -> None:
        while not self._stopping.wait(self.period_s):
            self._sample()

    def _sample(self) -> None:
        with self._lock:
            watched = list(self._threads.items())
        t0, t1 = self._last_t, self.recorder.now()
        for ident, thread in watched:
            try:
                cpu_s = time.clock_gettime(thread.clock)
            except OSError:  # the thread has ended (its pool shut down): its clock is gone with it
                with self._lock:
                    self._threads.pop(ident, None)
                continue
            ran_s, thread.cpu_s = cpu_s - thread.cpu_s, cpu_s
            if ran_s > 0:
                # Read a few microseconds after t1: never claim more than the interval holds.
                self.recorder.sliver(thread.lane, t0, t1, min(ran_s, t1 - t0))
        self._last_t = t1
