"""The run model: every request's span, built from trace events. Views read it; nothing in it
knows about Qt.

The lab feeds it a batch of events per frame (``apply``) and then tells its frame callbacks
(``Lab.frame_callbacks``, which the window's run view follows): the model announces nothing itself,
so a batch is announced once, by the one that applied it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from gui.core.trace.events import (
    ATTEMPT_PHASES,
    BarrierEvent,
    DeadlockEvent,
    EndEvent,
    LockEvent,
    LoopLagEvent,
    ObservedEvent,
    Phase,
    PhaseEvent,
    PokemonCard,
    RequestEvent,
    RetryEvent,
    SliverEvent,
    Status,
    StepEvent,
    TraceEvent,
    UpdateEvent,
    WorkerStartEvent,
)
from gui.core.workload.jobs import Job


class FailedTry(NamedTuple):
    """A try that failed and was retried: when it ran, why it failed, when the next one began."""

    t0: float  # the try started (the request's start, or the end of the previous back-off)
    t1: float  # it failed
    reason: str
    backoff_until: float  # the back-off ends and the next try starts


@dataclass(slots=True)
class Span:
    """One request as the timeline draws it (slots: 100,000 of them are a run's biggest store)."""

    request_id: int
    pokemon: str
    url: str
    t: dict[Phase, float] = field(default_factory=dict)  # phase -> seconds since run start
    lane: str | None = None
    status: Status = Status.QUEUED
    http_status: int | None = None
    error: str | None = None
    bytes: int = 0
    retries: int = 0
    retry_until: float | None = None  # when the latest retry's back-off ends (the next try starts)
    # Tuples, empty and shared until something happens: most requests have none of these, and an
    # empty list and set per request cost 440 bytes, 44 MB at 100,000 requests.
    failed_tries: tuple[FailedTry, ...] = ()  # in order; the last try is in ``t``
    steps: tuple[StepEvent, ...] = ()  # what the job did after its fetch
    locks: tuple[LockEvent, ...] = ()  # its worker's lock waits and holds, in order
    updates: tuple[UpdateEvent, ...] = ()  # its read-modify-writes of shared memory
    lost: frozenset[int] = frozenset()  # indices into ``updates`` that another write overwrote
    deadlocked: bool = False  # its worker was in a cycle of lock waits the run found
    initiator: int | None = None  # found mid-run: the request whose answer led to it
    awaits: int | None = None  # not a request: a wait on a shared future, resolved by this request
    depth: int = 0  # requests before it in its chain (0: a job of the run)
    version: int = 0  # how many times an event changed it: views redo their work on a span only then

    @property
    def is_request(self) -> bool:
        """A request sent to the server (an await of a future is drawn, but sends nothing)."""
        return self.awaits is None

    card: PokemonCard | None = None

    @property
    def ended(self) -> bool:
        return self.status.is_final

    @property
    def start(self) -> float | None:
        return self.t.get(Phase.STARTED)

    @property
    def end(self) -> float | None:
        return self.t.get(Phase.ENDED)

    @property
    def duration_s(self) -> float | None:
        """Time from getting a worker to the end (what the request itself cost)."""
        start, end = self.start, self.end
        return end - start if start is not None and end is not None else None


class RunModel:
    """All spans of one run, their lanes in order of appearance, and in-flight bookkeeping."""

    def __init__(self, jobs: Iterable[Job] = ()) -> None:
        self.spans: list[Span] = [Span(job.request_id, job.pokemon, job.url) for job in jobs]
        self.lanes: list[str] = []
        self.in_flight = 0
        self.peak_in_flight = 0
        self.done = 0
        self.flight_changes: list[tuple[float, int]] = []  # (t, +1 started / -1 ended), in arrival order
        self.running: dict[int, None] = {}  # ids started and not ended (an ordered set)
        self.ended_order: list[int] = []  # ids in the order they ended: views draw what is new
        self.loop_lag: list[tuple[float, float]] = []  # (t, lag_ms) of each heartbeat, if the run watched its loop
        self.slivers: list[SliverEvent] = []  # when workers really ran, if the run traced it (per lane, in time order)
        self.observed: dict[str, int] = {}  # what the run's own process read once its workers were done
        self.deadlocks: list[DeadlockEvent] = []  # cycles the run's lock watch found in its wait-for graph
        self.barriers: list[BarrierEvent] = []  # moments a stage ended and the next could start
        self.worker_starts: list[WorkerStartEvent] = []  # worker processes this run started, as they became ready
        self.jobs = len(self.spans)  # requests made before the run; the rest were found mid-run
        self._rows: list[int] | None = None  # request ids in "one row per request" order, made when asked
        self._row_index: dict[int, int] | None = None
        self._lane_index: dict[str, int] = {}
        self._updates_of: dict[str, list[tuple[Span, int]]] = {}  # key -> every update of it, as (span, index)

    def lane_index(self, lane: str | None) -> int:
        return self._lane_index.get(lane, -1) if lane is not None else -1

    @property
    def total(self) -> int:
        return len(self.spans)

    @property
    def stopped_itself(self) -> bool:
        """The run's own watch stopped it (it found a deadlock): its cancelled requests are how it
        ended, not a sign that someone pressed Stop."""
        return bool(self.deadlocks)

    @property
    def finished(self) -> bool:
        return self.done == len(self.spans)

    def apply(self, events: Iterable[TraceEvent]) -> int:
        """Apply a batch of events; returns how many there were."""
        count = 0
        updated: set[str] = set()
        for event in events:
            count += 1
            if isinstance(event, SliverEvent):
                self.slivers.append(event)
                continue
            if isinstance(event, LoopLagEvent):
                self.loop_lag.append((event.t, event.lag_ms))
                continue
            if isinstance(event, ObservedEvent):
                self.observed[event.name] = event.value
                continue
            if isinstance(event, RequestEvent):
                self._add_request(event)
                continue
            if isinstance(event, BarrierEvent):
                self.barriers.append(event)
                continue
            if isinstance(event, WorkerStartEvent):
                self.worker_starts.append(event)
                continue
            if isinstance(event, DeadlockEvent):
                self.deadlocks.append(event)
                for request_id in event.requests:
                    self.spans[request_id].deadlocked = True
                    self.spans[request_id].version += 1
                continue
            span = self.spans[event.request_id]
            span.version += 1
            if isinstance(event, PhaseEvent):
                self._apply_phase(span, event)
            elif isinstance(event, StepEvent):
                span.steps += (event,)
            elif isinstance(event, LockEvent):
                span.locks += (event,)
            elif isinstance(event, UpdateEvent):
                self._updates_of.setdefault(event.key, []).append((span, len(span.updates)))
                span.updates += (event,)
                updated.add(event.key)
            elif isinstance(event, RetryEvent):
                for phase in ATTEMPT_PHASES:  # the next attempt's phases start over
                    span.t.pop(phase, None)
                began = span.retry_until if span.retry_until is not None else span.t.get(Phase.STARTED, event.t)
                span.failed_tries += (FailedTry(began, event.t, event.reason, event.t + event.delay_s),)
                span.retries += 1
                span.retry_until = event.t + event.delay_s
            else:
                self._apply_end(span, event)
        for key in updated:
            self._mark_lost(self._updates_of[key])
        return count

    def _add_request(self, event: RequestEvent) -> None:
        if event.request_id != len(self.spans):
            raise ValueError(f"request {event.request_id} made out of order (expected {len(self.spans)})")
        depth = self.spans[event.initiator].depth + 1 if event.initiator is not None else 0
        self.spans.append(
            Span(event.request_id, event.label, event.url, initiator=event.initiator, awaits=event.awaits, depth=depth)
        )
        self._rows = self._row_index = None

    def lost_writes(self) -> Iterator[tuple[Span, int]]:
        """Each lost write as (its span, its index in ``span.updates``), without visiting the spans
        of runs that share no memory."""
        for updates in self._updates_of.values():
            for span, index in updates:
                if index in span.lost:
                    yield span, index

    def rows(self) -> list[int]:
        """Request ids in the order "one row per request" draws them: each job, then the requests
        its answers led to, depth first, so a chain's requests stay together."""
        if self._rows is None:
            children: dict[int, list[int]] = {}
            for span in self.spans[self.jobs :]:
                if span.initiator is not None:
                    children.setdefault(span.initiator, []).append(span.request_id)
            order: list[int] = []
            stack = [s.request_id for s in reversed(self.spans) if s.initiator is None]
            while stack:
                request_id = stack.pop()
                order.append(request_id)
                stack.extend(reversed(children.get(request_id, [])))
            self._rows = order
        return self._rows

    def row_of_request(self) -> dict[int, int]:
        """Request id -> its row in "one row per request" (the identity until requests are found mid-run)."""
        if self._row_index is None:
            self._row_index = {request_id: row for row, request_id in enumerate(self.rows())}
        return self._row_index

    def _apply_phase(self, span: Span, event: PhaseEvent) -> None:
        span.t[event.phase] = event.t
        if event.phase is Phase.STARTED:
            span.status = Status.RUNNING
            span.lane = event.lane
            if event.lane is not None and event.lane not in self._lane_index:
                self._lane_index[event.lane] = len(self.lanes)
                self.lanes.append(event.lane)
            self.running[span.request_id] = None
            if span.is_request:  # an await holds no request in flight
                self._flight(event.t, +1)

    def _apply_end(self, span: Span, event: EndEvent) -> None:
        if span.ended:
            return
        if span.status is Status.RUNNING:
            self.running.pop(span.request_id, None)
            if span.is_request:
                self._flight(event.t, -1)
        outcome = event.outcome
        span.t[Phase.ENDED] = event.t
        span.status = outcome.status
        span.http_status = outcome.http_status
        span.error = outcome.error
        span.bytes = outcome.bytes
        span.retries = max(span.retries, outcome.retries)
        span.card = event.card
        self.done += 1
        self.ended_order.append(span.request_id)

    @staticmethod
    def _mark_lost(updates: list[tuple[Span, int]]) -> None:
        """Mark each update of one key whose increment did not survive into the latest value.

        Each write puts back the value its read saw, plus one; the read saw the latest write before
        it. Following those links back from the latest write gives the chain of updates the value
        is made of (its length is the value); every update off that chain was overwritten: lost.
        """
        by_write = sorted(updates, key=lambda pair: pair[0].updates[pair[1]].t_write)
        writes = [pair[0].updates[pair[1]].t_write for pair in by_write]
        kept: set[int] = set()
        position = len(by_write) - 1
        while position >= 0 and position not in kept:
            kept.add(position)
            span, index = by_write[position]
            position = bisect.bisect_left(writes, span.updates[index].t_read) - 1  # the write its read saw
        for position, (span, index) in enumerate(by_write):
            lost = span.lost - {index} if position in kept else span.lost | {index}
            if lost != span.lost:
                span.lost = lost
                span.version += 1

    def _flight(self, t: float, delta: int) -> None:
        self.in_flight += delta
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        self.flight_changes.append((t, delta))
