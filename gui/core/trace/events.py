"""What a run records: phases, end states, and the events that carry them between threads.

Every timestamp is seconds since the run started, on one clock (``time.perf_counter``, which is
system-wide monotonic, so worker processes share it). Events are small NamedTuples so they pickle
cheaply across processes and cannot be mistaken for something else.
"""

from __future__ import annotations

from collections import deque
from enum import StrEnum
from typing import NamedTuple, Protocol


class Phase(StrEnum):
    """Moments in a request's life, in the order they happen (see docs/request-phases.md)."""

    QUEUED = "queued"  # submitted; waiting for a worker or the concurrency limit
    STARTED = "started"  # a worker / the limit let it go
    CONNECTED = "connected"  # a connection is ready (new, or reused from the pool)
    SENT = "sent"  # request headers (and body) written
    FIRST_BYTE = "first_byte"  # response headers parsed: the server's latency ends here
    RECEIVED = "received"  # the whole body read
    PARSED = "parsed"  # JSON decoded and our own handling done
    ENDED = "ended"  # final state known (ok, error, cancelled)


PHASE_ORDER: tuple[Phase, ...] = tuple(Phase)
ATTEMPT_PHASES: tuple[Phase, ...] = (Phase.CONNECTED, Phase.SENT, Phase.FIRST_BYTE, Phase.RECEIVED, Phase.PARSED)


class Status(StrEnum):
    """Where a request is, and how it ended."""

    QUEUED = "queued"
    RUNNING = "running"
    OK = "ok"
    HTTP_ERROR = "http_error"  # the server answered 4xx/5xx
    TIMEOUT = "timeout"
    CONNECTION_ERROR = "connection_error"  # refused, reset, or cut mid-body
    INVALID_RESPONSE = "invalid_response"  # a 200 whose body is not the JSON we expect
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self not in (Status.QUEUED, Status.RUNNING)

    @property
    def is_failure(self) -> bool:
        return self.is_final and self not in (Status.OK, Status.CANCELLED)


class PokemonCard(NamedTuple):
    """What the window's card shows, taken from the fetched JSON."""

    id: int
    name: str
    types: tuple[str, ...]
    stats: tuple[tuple[str, int], ...]
    height: int | None = None
    weight: int | None = None


class Outcome(NamedTuple):
    status: Status
    http_status: int | None = None
    error: str | None = None
    bytes: int = 0
    retries: int = 0


class PhaseEvent(NamedTuple):
    request_id: int
    phase: Phase
    t: float
    lane: str | None = None  # set on STARTED: the thread, task slot or process that runs it


class RetryEvent(NamedTuple):
    """An attempt failed and another follows: the attempt's phases start over."""

    request_id: int
    t: float
    reason: str
    delay_s: float


class EndEvent(NamedTuple):
    request_id: int
    t: float
    outcome: Outcome
    card: PokemonCard | None = None


class StepEvent(NamedTuple):
    """The job's step after its fetch (see gui.core.workload.after_fetch): when it ran and the CPU it used.

    ``cpu_s`` is the thread's own CPU clock (``time.thread_time``) over the step. ``core_wait_s`` is
    how long the thread was runnable but every core was busy (Linux's per-thread run-queue time);
    the rest of wall minus CPU it waited for the GIL (see gui.core.trace.ready_wait). None where not measured.
    """

    request_id: int
    step: str  # an AfterFetch value
    t0: float
    t1: float
    cpu_s: float | None = None
    core_wait_s: float | None = None


class LoopLagEvent(NamedTuple):
    """A heartbeat on the event loop fired ``lag_ms`` later than it was due (see gui.core.watches.loop_watch)."""

    t: float  # when it fired
    lag_ms: float  # how late: the loop was busy with something else for that long


class SliverEvent(NamedTuple):
    """A stretch when one worker really ran on its thread (see gui.core.watches.coroutine_slivers, thread_turns).

    For a coroutine it is one step of its task (one ``send()`` or ``throw()``): it ran all of
    [t0, t1]. For a computing thread it is a stretch the thread stamped itself between chunks of
    its step with no break in its CPU clock: it ran all of [t0, t1] too (``ran_s = t1 - t0``).
    """

    lane: str | None  # None: a task of the run that works for no lane (the run itself, aiohttp's own)
    t0: float
    t1: float
    ran_s: float


class LockEvent(NamedTuple):
    """A request's worker waited for, took, let go of, or gave up on a lock (see gui.core.workload.traced_lock).

    ``holder`` is set on "wait": the request whose worker held the lock when the wait began, so a
    wait can name who it waited for, and a wait-for graph can be drawn from these events alone.
    """

    request_id: int
    lock: str  # the lock's name, as a learner reads it: "Pokédex", "PC box"
    action: str  # "wait", "acquired", "released", "gave_up"
    t: float
    holder: int | None = None


class UpdateEvent(NamedTuple):
    """A read-modify-write of shared memory: the value read, and the value written back."""

    request_id: int
    key: str  # what was counted: "caught", or a type of the Pokédex's counts
    t_read: float
    read: int
    t_write: float
    written: int
    pid: int  # the process whose memory it was


class ObservedEvent(NamedTuple):
    """A value the run's own process read once the workers were done (what the parent sees)."""

    t: float
    name: str  # "caught", "dex:water"
    value: int


class DeadlockEvent(NamedTuple):
    """A cycle in the wait-for graph: each request waits for a lock the next one holds."""

    t: float  # when the watch found it
    formed_t: float  # when its last wait began: the moment the cycle closed
    requests: tuple[int, ...]  # in cycle order: requests[i] waits for requests[i + 1] (and the last for the first)
    locks: tuple[str, ...]  # locks[i]: the lock requests[i] waits for


class RequestEvent(NamedTuple):
    """A request found mid-run (a URL in an answer), or a wait on a shared future: its bar starts now.

    ``initiator`` is the request whose answer led to it, as in a browser's waterfall. An await
    (``awaits`` set) is no request of its own: it waits for the answer of request ``awaits``,
    which resolves the future, and ends as that future did (done, failed, or its own cancel).
    """

    request_id: int
    label: str
    url: str
    t: float
    initiator: int | None
    awaits: int | None = None


class BarrierEvent(NamedTuple):
    """Every request of a stage has ended; the next stage starts only now."""

    t: float
    label: str  # what is in: "all Pokémon", "all species"


LANE_PART = " · "  # joins a process's lane to the lane of one of its tasks: "pid 812 · task 3"


class WorkerStartEvent(NamedTuple):
    """A worker process's interpreter started: from the parent asking for it to the worker ready.

    ``t0`` is stamped in the parent just before the pool is made, ``t_ready`` in the worker once
    its initializer is done (interpreter up, modules imported, client made), both on the run's
    clock: before ``t_ready`` the process could not fetch anything, which is why its lane is blank.
    """

    pid: int
    lane: str  # the process's lane, "pid 812"; its tasks' lanes start with it (see ``LANE_PART``)
    t0: float
    t_ready: float

    def owns(self, lane: str) -> bool:
        """True for the process's own lane and for the lanes of its tasks."""
        return lane == self.lane or lane.startswith(self.lane + LANE_PART)


TraceEvent = (
    PhaseEvent
    | RetryEvent
    | EndEvent
    | StepEvent
    | LoopLagEvent
    | SliverEvent
    | LockEvent
    | UpdateEvent
    | ObservedEvent
    | DeadlockEvent
    | RequestEvent
    | BarrierEvent
    | WorkerStartEvent
)


class EventSink(Protocol):
    def emit(self, event: TraceEvent) -> None: ...


class BatchSink:
    """A thread-safe mailbox of events, emptied in batches by one consumer.

    Producers (worker threads, the event loop, the process forwarder) only append; the consumer
    (a frame timer in the window, or the engine at the end) takes everything present at once. A
    ``deque``'s append and popleft are atomic, so no lock is needed on the hot path.
    """

    def __init__(self) -> None:
        self._events: deque[TraceEvent] = deque()

    def emit(self, event: TraceEvent) -> None:
        self._events.append(event)

    def drain(self) -> list[TraceEvent]:
        events = self._events
        return [events.popleft() for _ in range(len(events))]
