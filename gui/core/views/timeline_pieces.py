"""The Qt-free half of the timeline: spans flattened into pieces, rows, band titles, tooltips.

The widget only scales these to pixels and picks colours. Keeping them here means they can be
tested without a window, and a run from the history is drawn by exactly the same code as a live one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple, Protocol

from gui.core.model.run_model import RunModel, Span
from gui.core.model.segments import SEGMENT_LABELS, Segment, span_pieces
from gui.core.modes.catalogue import at_once, mode_spec
from gui.core.results.stats import RunSummary
from gui.core.trace.events import PHASE_ORDER, DeadlockEvent, Phase, WorkerStartEvent
from gui.core.trace.ready_wait import split_step
from gui.core.workload.after_fetch import AfterFetch
from gui.core.workload.settings import RunSettings


class ShownRun(Protocol):
    """What the timeline needs of a run, live or recorded: its model, its settings and its clock."""

    @property
    def model(self) -> RunModel: ...

    @property
    def settings(self) -> RunSettings: ...

    @property
    def running(self) -> bool: ...

    def elapsed_s(self) -> float:
        """Seconds since the run started; its final wall time once it is over."""
        ...

    def summary_now(self) -> RunSummary:
        """The numbers so far (final once it is over)."""
        ...


class FlatPiece(NamedTuple):
    request_id: int
    row: int  # the row inside its band
    segment: Segment
    t0: float
    t1: float
    sole: bool  # the request's only piece: drawn even when thinner than a pixel


class FlatBar(NamedTuple):
    """A whole request's extent on its row, for the notch between neighbours and its label."""

    request_id: int
    row: int
    t0: float
    t1: float
    name: str
    main: Segment  # the colour its label sits on


def natural_key(text: str) -> list[object]:
    """ "worker_10" after "worker_9": compare digit runs as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def sorted_lanes(model: RunModel) -> list[str]:
    return sorted(model.lanes, key=natural_key)


def flatten(
    spans: Iterable[Span], row_of: Callable[[Span], int], now: float, with_queue: bool
) -> tuple[list[FlatPiece], list[FlatBar]]:
    """Spans as flat pieces and bars in seconds, ready to be scaled to pixels.

    A span whose row is negative (it never got a worker, in the per-worker view) is left out.
    """
    pieces: list[FlatPiece] = []
    bars: list[FlatBar] = []
    for span in spans:
        row = row_of(span)
        if row < 0:
            continue
        parts = span_pieces(span, now, with_queue)
        sole = len(parts) == 1
        pieces += [FlatPiece(span.request_id, row, p.segment, p.t0, p.t1, sole) for p in parts]
        shown = [p for p in parts if p.segment is not Segment.QUEUED]
        if shown:
            main = max(shown, key=lambda p: p.t1 - p.t0).segment  # the label sits mostly on this colour
            bars.append(FlatBar(span.request_id, row, shown[0].t0, shown[-1].t1, span.pokemon, main))
    return pieces, bars


class LanePiece(NamedTuple):
    """A piece of a lane rather than of a request: a worker process starting, before its first request."""

    row: int
    segment: Segment
    t0: float
    t1: float
    start: WorkerStartEvent


def startup_pieces(model: RunModel, row_of_lane: Mapping[str, int]) -> list[LanePiece]:
    """Each worker process's start-up on each row of its lanes (rows per worker; one row per
    request has no lane to put it on, so it leaves them out)."""
    return [
        LanePiece(row, Segment.STARTING, start.t0, max(start.t_ready, start.t0), start)
        for start in model.worker_starts
        for lane, row in row_of_lane.items()
        if start.owns(lane)
    ]


def startup_tooltip(start: WorkerStartEvent) -> str:
    """ "pid 812: interpreter started in 0.84 s (spawn, imports, client ready)"."""
    return f"{start.lane}: interpreter started in {start.t_ready - start.t0:.2f} s (spawn, imports, client ready)"


OPEN = math.inf  # the end of a running request's last piece, until a frame closes it at "now"


class _Flattened(NamedTuple):
    version: int  # the span's version these pieces were made from
    row: int
    pieces: list[FlatPiece]  # the last one's end may be OPEN
    bar: FlatBar | None  # its end OPEN while a piece grows


class RunningPieces:
    """``flatten`` for the requests still running, each flattened again only when it changed.

    A running request's pieces differ from frame to frame only in the end of the piece it is in
    now. So each is flattened once per change of its span (``Span.version``) with that end left
    ``OPEN``, and the frame closes the open ends at now, for all of them at once as an array
    (an open end becomes ``max(now, t0)``, as ``flatten`` draws it). At 500 requests in flight,
    flattening every one each frame took 3 ms of a 16 ms frame. One instance per band; it keeps
    only what ran at the last frame. A running bar's label colour is the phase it is in (its
    growing piece counts as its longest).
    """

    def __init__(self) -> None:
        self._cache: dict[int, _Flattened] = {}

    def flatten(
        self, spans: Iterable[Span], row_of: Callable[[Span], int], now: float, with_queue: bool
    ) -> tuple[list[FlatPiece], list[FlatBar]]:
        """Pieces and bars as ``flatten`` makes them at ``now``, except that the ends still growing
        are ``OPEN``."""
        pieces: list[FlatPiece] = []
        bars: list[FlatBar] = []
        cache: dict[int, _Flattened] = {}
        for span in spans:
            row = row_of(span)
            if row < 0:
                continue
            done = self._cache.get(span.request_id)
            if done is None or done.version != span.version or done.row != row:
                done = _flatten_open(span, row, now, with_queue)
            cache[span.request_id] = done
            pieces += done.pieces
            if done.bar is not None:
                bars.append(done.bar)
        self._cache = cache
        return pieces, bars


def _backing_off(span: Span, now: float) -> bool:
    """Waiting out a retry's back-off: what is drawn depends on now itself, so it is never kept."""
    return span.retry_until is not None and span.retry_until > now


def _flatten_open(span: Span, row: int, now: float, with_queue: bool) -> _Flattened:
    if _backing_off(span, now):  # drawn up to now, and version -1: made again next frame
        pieces, bars = flatten([span], lambda _: row, now, with_queue)
        return _Flattened(-1, row, pieces, bars[0] if bars else None)
    pieces, bars = flatten([span], lambda _: row, OPEN, with_queue)
    return _Flattened(span.version, row, pieces, bars[0] if bars else None)


def span_at_time(
    model: RunModel, row: int, lanes: Sequence[str], per_request: bool, t: float, tolerance: float, now: float
) -> Span | None:
    """The request drawn on ``row`` at ``t`` (give or take ``tolerance`` seconds), if any: its bar
    runs from its queueing (one row per request) or its start (rows per worker) to its end or now."""
    spans = model.spans
    if per_request:
        order = model.rows()
        candidates = [spans[order[row]]] if 0 <= row < len(spans) else []
    else:
        lane = lanes[row] if 0 <= row < len(lanes) else None
        candidates = [s for s in spans if s.lane == lane and lane is not None]
    for span in candidates:
        first = span.t.get(Phase.QUEUED if per_request else Phase.STARTED)
        last = span.t.get(Phase.ENDED, now)
        if first is not None and first - tolerance <= t <= last + tolerance:
            return span
    return None


def band_titles(runs: Sequence[ShownRun], names: Sequence[str]) -> list[str]:
    """Each band's heading, after its lesson variant's name where there is one ("unsafe: Threads · …")."""
    titles = [band_title(run) for run in runs]
    named = names[: len(titles)]
    return [f"{name}: {title}" for name, title in zip(named, titles, strict=False)] + titles[len(named) :]


def row_labels(runs: Sequence[ShownRun], lanes: Sequence[list[str]], per_request: bool) -> list[list[str]]:
    """What the gutter says beside each row of each band: the Pokémon of each request, or the lanes."""
    return [
        [run.model.spans[i].pokemon for i in run.model.rows()] if per_request else lane_labels(run.model, lanes[band])
        for band, run in enumerate(runs)
    ]


def band_title(run: ShownRun) -> str:
    """ "Threads · 10 at once · 0.42 s · efficiency 95 %": what a band's heading says."""
    settings = run.settings
    head = f"{mode_spec(settings.mode).title} · {settings.count:,} Pokémon, {at_once(settings)} at once"
    if run.running:
        return f"{head} · running {run.elapsed_s():.2f} s"
    summary = run.summary_now()
    text = f"{head} · {summary.wall_s:.2f} s"
    if run.model.stopped_itself:
        text += f" · deadlocked: stopped with {summary.requests - summary.cancelled} of {summary.requests} done"
    elif summary.cancelled:
        text += f" · stopped, {summary.requests - summary.cancelled} of {summary.requests} done"
    elif summary.efficiency is not None:
        text += f" · efficiency {summary.efficiency:.0%}"
    if "caught" in run.model.observed:
        text += f" · the parent's count: {run.model.observed['caught']}"
    return text


def lane_labels(model: RunModel, lanes: Iterable[str]) -> list[str]:
    """Each lane's name, and, where workers counted what they caught, how many this one caught."""
    caught: dict[str, int] = {}
    for span in model.spans:
        if span.lane is not None and any(u.key == "caught" for u in span.updates):
            caught[span.lane] = caught.get(span.lane, 0) + 1
    return [f"{lane} · {caught[lane]}" if lane in caught else lane for lane in lanes]


def wait_edges(model: RunModel, found: DeadlockEvent) -> list[tuple[Span, Span, str]]:
    """A deadlock's cycle as (waiter, holder of the lock it waits for, that lock), edge by edge."""
    ring = [model.spans[r] for r in found.requests]
    return [(ring[i], ring[(i + 1) % len(ring)], found.locks[i]) for i in range(len(ring))]


def waits_since(span: Span, lock: str) -> float:
    """When ``span`` began its last wait for ``lock`` (its start, if it never waited for it)."""
    waits = [e.t for e in span.locks if e.lock == lock and e.action == "wait"]
    return waits[-1] if waits else (span.start or 0.0)


def tooltip_text(span: Span, total: int, lane_of: Callable[[int], str | None] | None = None) -> str:
    """Every timing of one request, its tries, and how it ended (shown on hover).

    ``lane_of`` names the worker of another request of the run: who held a lock this one waited for.
    """
    status = span.status.value.replace("_", " ")
    http = f" (HTTP {span.http_status})" if span.http_status else ""
    lines = [f"<b>{span.pokemon}</b> — {status}{http} · request {span.request_id + 1} of {total:,}"]
    if span.lane:
        lines.append(f"on {span.lane}")
    for number, failed in enumerate(span.failed_tries, start=1):
        lines.append(
            f"try {number} failed at {failed.t1 * 1000:.1f} ms ({failed.reason}); "
            f"back-off until {failed.backoff_until * 1000:.1f} ms"
        )
    previous = None
    for phase in PHASE_ORDER:
        if phase in span.t:
            t = span.t[phase]
            delta = f"  (+{(t - previous) * 1000:.1f} ms)" if previous is not None else ""
            lines.append(f"{phase.value.replace('_', ' ')}: {t * 1000:.1f} ms{delta}")
            previous = t
    if span.duration_s is not None:
        lines.append(f"duration: {span.duration_s * 1000:.1f} ms")
    if span.bytes:
        lines.append(f"{span.bytes:,} bytes")
    if span.retries:
        lines.append(f"retries: {span.retries}")
    lines += step_lines(span)
    lines += program_lines(span, lane_of or (lambda request_id: None))
    if span.error:
        lines.append(f"error: {span.error}")
    return "<br>".join(lines)


def program_lines(span: Span, lane_of: Callable[[int], str | None]) -> list[str]:
    """What a lesson's program did on this request: its lock waits (and who held the lock), its
    holds, and its reads and writes of shared memory (and which were lost)."""
    lines = []
    waits: dict[str, tuple[float, int | None]] = {}
    taken: dict[str, float] = {}
    for event in span.locks:
        if event.action == "wait":
            waits[event.lock] = (event.t, event.holder)
            continue
        began, holder = waits.pop(event.lock, (event.t, None))
        by = f", held by {lane_of(holder) or f'request {holder + 1}'}" if holder is not None else ""
        if event.action == "acquired":
            taken[event.lock] = event.t
            lines.append(f"waited {(event.t - began) * 1000:.1f} ms for the {event.lock} lock{by}")
        elif event.action == "released":
            lines.append(f"held the {event.lock} lock {(event.t - taken.pop(event.lock, event.t)) * 1000:.1f} ms")
        else:
            why = "deadlocked" if span.deadlocked else "the run stopped"
            lines.append(f"<b>gave up</b> on the {event.lock} lock after {(event.t - began) * 1000:.1f} ms{by} ({why})")
    for lock, (began, holder) in waits.items():  # still waiting
        by = f", held by {lane_of(holder) or f'request {holder + 1}'}" if holder is not None else ""
        lines.append(f"waiting for the {lock} lock since {began * 1000:.1f} ms{by}")
    for index, update in enumerate(span.updates):
        lost = " — <b>lost</b>: another write replaced it" if index in span.lost else ""
        lines.append(f"{update.key}: read {update.read}, wrote {update.written}{lost}")
    return lines


def step_lines(span: Span) -> list[str]:
    """What the job's step after its fetch took; a computing one says how much of it really ran,
    and why the rest did not (see gui.core.trace.ready_wait)."""
    lines = []
    for step in span.steps:
        wall_ms = (step.t1 - step.t0) * 1000
        if step.step != AfterFetch.COMPUTE:
            kind = Segment.BLOCKED if step.step == AfterFetch.BLOCK else Segment.IN_THREAD
            lines.append(f"{SEGMENT_LABELS[kind]}: {wall_ms:.1f} ms")
            continue
        parts = split_step(step.t1 - step.t0, step.cpu_s, step.core_wait_s)
        if parts.core_wait_s is None or parts.gil_wait_s is None:
            waits = f"ready but not running {parts.ready_s * 1000:.1f} ms (the GIL or a busy core: not told apart here)"
        else:
            waits = (
                f"waiting for a core {parts.core_wait_s * 1000:.1f} ms, "
                f"waiting for the GIL {parts.gil_wait_s * 1000:.1f} ms"
            )
        lines.append(f"computing: {wall_ms:.1f} ms — running {parts.running_s * 1000:.1f} ms, {waits}")
    return lines
