"""How a span is cut into coloured segments on the timeline (the view only picks colours).

A running span's last segment grows to "now" in the colour of the phase it is in, so a bar
visibly waits on the network while the server thinks.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import NamedTuple

from gui.core.model.run_model import Span
from gui.core.trace.events import Phase, Status, StepEvent
from gui.core.trace.ready_wait import split_step, tells_core_from_gil
from gui.core.workload.after_fetch import AfterFetch


class Segment(IntEnum):
    QUEUED = 0  # waiting for a worker / the concurrency limit
    CONNECTING = 1  # getting a connection (new TCP connect, or a pooled one)
    SENDING = 2  # writing the request
    WAITING = 3  # waiting for the first byte: the server's latency
    DOWNLOADING = 4  # reading the body
    PARSING = 5  # JSON decode and our own handling
    FAILED = 6
    CANCELLED = 7
    RETRYING = 8  # failed tries and the back-off before the next one
    COMPUTING = 9  # the job's own CPU work, running on a core
    GIL_WAIT = 10  # the same work's thread, ready but waiting for the GIL
    BLOCKED = 11  # a blocking call (the thread, and a coroutine's whole loop, can do nothing else)
    IN_THREAD = 12  # a blocking call handed to a worker thread and awaited
    LOCK_WAIT = 13  # waiting for a lock another worker holds
    LOCK_HELD = 14  # holding a lock: every other worker that wants it waits
    DEADLOCKED = 15  # waiting for a lock in a cycle of waits: it could never have been granted
    UPDATING = 16  # a read-modify-write of shared memory, from the read to the write
    LOST_UPDATE = 17  # the same, but another worker's write replaced it: the update is lost
    AWAITING = 18  # not a request: waiting for a future another request resolves
    CORE_WAIT = 19  # computing work's thread, ready but every core busy with someone else
    READY_WAIT = 20  # ready but not running, where the platform cannot tell the GIL from a busy core
    STARTING = 21  # a worker process's interpreter starting (spawn, imports): its lane can do nothing yet


SEGMENT_LABELS: dict[Segment, str] = {
    Segment.QUEUED: "queued",
    Segment.CONNECTING: "connecting",
    Segment.SENDING: "sending",
    Segment.WAITING: "waiting (TTFB)",
    Segment.DOWNLOADING: "downloading",
    Segment.PARSING: "parsing",
    Segment.FAILED: "failed",
    Segment.CANCELLED: "cancelled",
    Segment.RETRYING: "retry + back-off",
    Segment.COMPUTING: "computing",
    Segment.GIL_WAIT: "waiting for the GIL",
    Segment.BLOCKED: "blocking call",
    Segment.IN_THREAD: "awaiting a thread",
    Segment.LOCK_WAIT: "waiting for the lock",
    Segment.LOCK_HELD: "holding the lock",
    Segment.DEADLOCKED: "deadlocked",
    Segment.UPDATING: "read → write",
    Segment.LOST_UPDATE: "update lost",
    Segment.AWAITING: "awaiting a shared future",
    Segment.CORE_WAIT: "waiting for a core",
    Segment.READY_WAIT: "ready, not running (GIL or a busy core)",
    Segment.STARTING: "starting the interpreter",
}

# Segments only some lessons produce: the legend lists them only when a run on screen has them.
STEP_SEGMENTS = (
    Segment.COMPUTING,
    Segment.CORE_WAIT,
    Segment.GIL_WAIT,
    Segment.READY_WAIT,
    Segment.BLOCKED,
    Segment.IN_THREAD,
    Segment.LOCK_WAIT,
    Segment.LOCK_HELD,
    Segment.DEADLOCKED,
    Segment.UPDATING,
    Segment.LOST_UPDATE,
    Segment.AWAITING,
)

# The step segments each kind of step can draw (the legend shows these only when a run has them).
SEGMENTS_OF_STEP: dict[str, tuple[Segment, ...]] = {
    AfterFetch.COMPUTE: (Segment.COMPUTING, Segment.CORE_WAIT, Segment.GIL_WAIT, Segment.READY_WAIT),
    AfterFetch.BLOCK: (Segment.BLOCKED,),
    AfterFetch.AWAIT_IN_THREAD: (Segment.IN_THREAD,),
    AfterFetch.CATCH: (Segment.UPDATING,),
    AfterFetch.CATCH_SHARED: (Segment.UPDATING,),
    AfterFetch.TALLY: (Segment.UPDATING, Segment.LOST_UPDATE),
    AfterFetch.TALLY_LOCKED: (Segment.LOCK_WAIT, Segment.LOCK_HELD),
    AfterFetch.LOCKS_OPPOSITE: (Segment.LOCK_WAIT, Segment.LOCK_HELD, Segment.DEADLOCKED),
    AfterFetch.LOCKS_ORDERED: (Segment.LOCK_WAIT, Segment.LOCK_HELD, Segment.DEADLOCKED),
}


def segments_of_step(step: str) -> tuple[Segment, ...]:
    """The step segments a run of ``step`` measured here can draw: a computing step's wait is two
    pieces (a core, the GIL) where the kernel tells them apart, one "ready, not running" where not."""
    unused = {Segment.READY_WAIT} if tells_core_from_gil() else {Segment.CORE_WAIT, Segment.GIL_WAIT}
    return tuple(segment for segment in SEGMENTS_OF_STEP.get(step, ()) if segment not in unused)


# (segment, phase where it starts, phase where it ends)
_PHASES: tuple[tuple[Segment, Phase, Phase], ...] = (
    (Segment.CONNECTING, Phase.STARTED, Phase.CONNECTED),
    (Segment.SENDING, Phase.CONNECTED, Phase.SENT),
    (Segment.WAITING, Phase.SENT, Phase.FIRST_BYTE),
    (Segment.DOWNLOADING, Phase.FIRST_BYTE, Phase.RECEIVED),
    (Segment.PARSING, Phase.RECEIVED, Phase.ENDED),
)


class Piece(NamedTuple):
    segment: Segment
    t0: float
    t1: float


def span_pieces(span: Span, now: float, with_queue: bool) -> list[Piece]:
    """The coloured pieces of one span, in time order, up to ``now`` if it is still running."""
    t = span.t
    pieces: list[Piece] = []
    start = t.get(Phase.STARTED)
    queued = t.get(Phase.QUEUED, 0.0)
    end = t.get(Phase.ENDED)
    if with_queue:
        queue_end = start if start is not None else (end if end is not None else now)
        if queue_end > queued:
            pieces.append(Piece(Segment.QUEUED, queued, queue_end))
    if start is None:
        return pieces
    if span.awaits is not None and start is not None and span.status in (Status.RUNNING, Status.OK):
        return [*pieces, Piece(Segment.AWAITING, start, end if end is not None else max(now, start))]
    program = bool(span.locks or span.updates)  # a lesson's program ran: its pieces tell how the request ended
    if (span.status is Status.CANCELLED or span.status.is_failure) and not program:
        kind = Segment.CANCELLED if span.status is Status.CANCELLED else Segment.FAILED
        pieces.append(Piece(kind, start, end if end is not None else now))
        return pieces
    attempt_start = start
    if span.retry_until is not None:  # earlier tries failed: show what they and the waits cost
        attempt_start = min(span.retry_until, end if end is not None else now)
        attempt_start = max(attempt_start, start)
        pieces.append(Piece(Segment.RETRYING, start, attempt_start))
        if span.retry_until > now and end is None:
            return pieces  # still backing off
    for segment, first, last in _PHASES:
        begin = attempt_start if first is Phase.STARTED else t.get(first)
        if begin is None:
            continue
        finish = t.get(last)
        if finish is None:
            if end is None:  # still in this phase: it grows until now
                pieces.append(Piece(segment, begin, max(now, begin)))
                return pieces
            continue
        if finish > begin:
            pieces.append(Piece(segment, begin, finish))
    if program:
        return _with_program(pieces, span, now)
    return _with_steps(pieces, span.steps) if span.steps else pieces


def _with_program(pieces: list[Piece], span: Span, now: float) -> list[Piece]:
    """A lesson program's lock waits and holds, or its reads-to-writes, in place of the bar's tail.

    Nested locks do not overlap on the bar: while a worker waits for a second lock, it is drawn
    waiting; while it holds any, holding. A wait that never got its lock is drawn deadlocked when
    the run found it in a cycle.
    """
    first = min([e.t for e in span.locks[:1]] + [u.t_read for u in span.updates[:1]])
    kept = [p if p.t1 <= first else p._replace(t1=first) for p in pieces if p.t0 < first]
    if not span.locks:
        for index, update in enumerate(span.updates):
            kind = Segment.LOST_UPDATE if index in span.lost else Segment.UPDATING
            kept.append(Piece(kind, update.t_read, max(update.t_write, update.t_read)))
        return kept
    held, waiting, since = 0, False, first
    for event in span.locks:
        if event.t > since and (waiting or held):
            kept.append(Piece(Segment.LOCK_WAIT if waiting else Segment.LOCK_HELD, since, event.t))
        if event.action == "wait":
            waiting = True
        elif event.action == "acquired":
            waiting, held = False, held + 1
        elif event.action == "released":
            held -= 1
        else:  # gave up
            if span.deadlocked and kept and kept[-1].segment is Segment.LOCK_WAIT:
                kept[-1] = kept[-1]._replace(segment=Segment.DEADLOCKED)
            waiting = False
        since = event.t
    if waiting and span.end is None:  # still waiting: the wait grows until now
        kept.append(Piece(Segment.DEADLOCKED if span.deadlocked else Segment.LOCK_WAIT, since, max(now, since)))
    elif held and span.end is None:
        kept.append(Piece(Segment.LOCK_HELD, since, max(now, since)))
    return kept


def _with_steps(pieces: list[Piece], steps: Sequence[StepEvent]) -> list[Piece]:
    """The step after the fetch replaces the tail of the bar it happened in (it ran before "ended")."""
    first = steps[0].t0
    kept = [p if p.t1 <= first else p._replace(t1=first) for p in pieces if p.t0 < first]
    for step in steps:
        if step.step == AfterFetch.COMPUTE:
            kept += _computing(step)
        else:
            kind = Segment.BLOCKED if step.step == AfterFetch.BLOCK else Segment.IN_THREAD
            kept.append(Piece(kind, step.t0, step.t1))
    return kept


def _computing(step: StepEvent) -> list[Piece]:
    """Its CPU time, then its wait for a core, then its wait for the GIL (see gui.core.trace.ready_wait),
    or one "ready, not running" piece where the platform cannot tell those two apart. They really
    interleave in slices of ``sys.getswitchinterval()``, so the split shows how much, not when."""
    parts = split_step(step.t1 - step.t0, step.cpu_s, step.core_wait_s)
    lengths = [(Segment.COMPUTING, parts.running_s)]
    if parts.core_wait_s is None or parts.gil_wait_s is None:
        lengths.append((Segment.READY_WAIT, parts.ready_s))
    else:
        lengths += [(Segment.CORE_WAIT, parts.core_wait_s), (Segment.GIL_WAIT, parts.gil_wait_s)]
    pieces: list[Piece] = []
    t = step.t0
    for segment, length in lengths:
        if length > 0:
            pieces.append(Piece(segment, t, min(t + length, step.t1)))
            t = pieces[-1].t1
    if pieces:
        pieces[-1] = pieces[-1]._replace(t1=step.t1)  # no gap of rounding before the step's end
    return pieces
