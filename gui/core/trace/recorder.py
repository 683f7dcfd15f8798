"""The recorder: how modes and clients report what happens, on the run's one clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from time import perf_counter

from gui.core.trace.events import (
    BarrierEvent,
    EndEvent,
    EventSink,
    LoopLagEvent,
    Outcome,
    Phase,
    PhaseEvent,
    PokemonCard,
    RequestEvent,
    RetryEvent,
    SliverEvent,
    StepEvent,
    TraceEvent,
    WorkerStartEvent,
)


class CancelToken:
    """Set once to ask every worker to stop; threads wait on it instead of sleeping."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._callbacks: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def cancel(self) -> None:
        with self._lock:
            if self._event.is_set():
                return
            self._event.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()

    def on_cancel(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (from the cancelling thread) on cancel, or now if already cancelled."""
        with self._lock:
            if not self._event.is_set():
                self._callbacks.append(callback)
                return
        callback()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout_s: float) -> bool:
        """Sleep up to ``timeout_s``, waking at once on cancel; True if cancelled."""
        return self._event.wait(timeout_s)


class Recorder:
    """Stamps events with seconds since ``t0`` and hands them to a sink.

    It also remembers which requests have ended, so the engine can end the rest as cancelled:
    every request ends in exactly one state, whatever interrupted the run.
    """

    def __init__(self, sink: EventSink, t0: float, requests: int = 0) -> None:
        self.sink = sink
        self.t0 = t0
        self.ended: set[int] = set()
        self.requests = requests  # made so far: the run's jobs, then requests found mid-run (ids in order)
        self._lane_watchers: tuple[Callable[[str], None], ...] = ()
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.perf_counter() - self.t0

    def emit(self, event: TraceEvent) -> None:
        """Pass on an event made elsewhere (a worker process), keeping the one-end rule."""
        if isinstance(event, EndEvent):
            with self._lock:
                if event.request_id in self.ended:
                    return
                self.ended.add(event.request_id)
        self.sink.emit(event)

    def new_request(self, label: str, url: str, initiator: int | None, awaits: int | None = None) -> int:
        """A request found mid-run (or an await of a shared future): its id, its bar queued from now.

        The id and the event are made under one lock, so events of new requests reach the model in
        the order of their ids, whichever thread made them.
        """
        with self._lock:
            request_id = self.requests
            self.requests += 1
            t = self.now()
            self.sink.emit(RequestEvent(request_id, label, url, t, initiator, awaits))
            self.sink.emit(PhaseEvent(request_id, Phase.QUEUED, t))
        return request_id

    def barrier(self, label: str) -> None:
        self.sink.emit(BarrierEvent(self.now(), label))

    def phase(self, request_id: int, phase: Phase, lane: str | None = None) -> None:
        # The hottest call of a run (about 8 per request, from every worker): no helper calls in it.
        self.sink.emit(PhaseEvent(request_id, phase, perf_counter() - self.t0, lane))
        if lane is not None and self._lane_watchers:
            for watcher in self._lane_watchers:
                watcher(lane)

    def watch_lanes(self, watcher: Callable[[str], None]) -> None:
        """Tell ``watcher`` every lane a worker announces, on that worker's thread, as it announces it:
        how the run's watches learn which coroutine or thread works for which lane."""
        self._lane_watchers = (*self._lane_watchers, watcher)  # replaced, never mutated: workers iterate it

    def unwatch_lanes(self, watcher: Callable[[str], None]) -> None:
        self._lane_watchers = tuple(w for w in self._lane_watchers if w != watcher)

    def retry(self, request_id: int, reason: str, delay_s: float) -> None:
        self.sink.emit(RetryEvent(request_id, self.now(), reason, delay_s))

    def step(
        self, request_id: int, step: str, t0: float, t1: float, cpu_s: float | None, core_wait_s: float | None = None
    ) -> None:
        self.sink.emit(StepEvent(request_id, step, t0, t1, cpu_s, core_wait_s))

    def loop_lag(self, t: float, lag_ms: float) -> None:
        self.sink.emit(LoopLagEvent(t, lag_ms))

    def sliver(self, lane: str | None, t0: float, t1: float, ran_s: float) -> None:
        self.sink.emit(SliverEvent(lane, t0, t1, ran_s))

    def worker_ready(self, pid: int, lane: str, asked_s: float) -> None:
        """A worker process is ready to fetch now; the parent asked for it ``asked_s`` into the run."""
        self.sink.emit(WorkerStartEvent(pid, lane, asked_s, self.now()))

    def end(self, request_id: int, outcome: Outcome, card: PokemonCard | None = None) -> None:
        self.emit(EndEvent(request_id, self.now(), outcome, card))
