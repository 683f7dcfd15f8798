"""A finished run as plain JSON, and back: what the history stores and gives back after a restart.

The record holds what the run's views need (settings, conditions, summary, lanes, every span with
its phases, failed tries, steps and card, and what the run's watches recorded: loop lag, slivers),
not the events that built it. Rebuilding replays events synthesised from the spans through
``RunModel.apply``, so the in-flight bookkeeping (flight changes, peak, ended order) is exactly
what the model itself computes from such a run. The same events, with their times, are what a
replay plays back (``recorded_events``, used by ``gui.core.session.replay``).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import fields
from typing import Any

from gui.core.exports import settings_record, span_record
from gui.core.exports.json_report import startup_records, watch_records
from gui.core.model.run_model import RunModel
from gui.core.results.finished_run import FinishedRun
from gui.core.results.stats import RunSummary
from gui.core.trace.events import (
    PHASE_ORDER,
    BarrierEvent,
    DeadlockEvent,
    EndEvent,
    LockEvent,
    LoopLagEvent,
    ObservedEvent,
    Outcome,
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
from gui.core.workload.settings import RunSettings, Selection

RECORD_VERSION = 2  # bump when the shape changes in a way an older reader cannot follow (2: steps' core wait)

# On equal times an end sorts before a start, as in stats.level_steps: a freed slot is reused; a
# request found mid-run exists before any event of its own.
_REQUEST, _END_FIRST, _RETRY, _PHASE = -1, 0, 1, 2

TimedEvent = tuple[float, TraceEvent]  # (seconds since the run started, the event)


class RecordError(ValueError):
    """A stored record cannot be turned back into a run; the message says what is wrong with it."""


def record_of(run: FinishedRun) -> dict[str, Any]:
    """``run`` as plain JSON: settings as in the JSON report, and every span as ``span_record`` has it."""
    return {
        "version": RECORD_VERSION,
        "settings": settings_record(run.settings),
        "conditions": run.conditions,
        "summary": run.summary.to_dict(),
        "started_at": run.started_at,
        "error": run.error,
        "lanes": list(run.model.lanes),
        # The URL and the steps are not in the export's span record; a Job needs the one, the bars the other.
        "spans": [{**span_record(span), "url": span.url} for span in run.model.spans],
        **watch_records(run.model),
        "worker_startup": startup_records(run.model),
    }


def run_from_record(record: dict[str, Any]) -> FinishedRun:
    """The run ``record_of`` described; a record it cannot read raises ``RecordError``."""
    if not isinstance(record, dict):
        raise RecordError(f"a saved run is a JSON object, got {type(record).__name__}")
    version = record.get("version", RECORD_VERSION)
    if not isinstance(version, int) or version > RECORD_VERSION:
        raise RecordError(f"this run was saved in record format {version!r}, newer than this version reads")
    try:
        settings = settings_from_record(record["settings"])
        summary = RunSummary(**{f.name: record["summary"][f.name] for f in fields(RunSummary)})
        model = model_from_record(record["spans"], record["lanes"], record.get("jobs"))
        _replay_watches(model, record)
        return FinishedRun(
            settings=settings,
            model=model,
            summary=summary,
            started_at=float(record["started_at"]),
            conditions=record.get("conditions"),
            error=record.get("error"),
        )
    except RecordError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as problem:
        raise RecordError(f"the saved run is incomplete or malformed ({type(problem).__name__}: {problem})") from None


def settings_from_record(values: dict[str, Any]) -> RunSettings:
    """Settings as ``settings_record`` wrote them; names this version does not know are ignored."""
    known = {f.name for f in fields(RunSettings)}
    kept = {k: v for k, v in values.items() if k in known}
    if "selection" in kept:
        kept["selection"] = Selection(kept["selection"])
    for name in ("names", "notes"):
        if name in kept:
            kept[name] = tuple(kept[name])
    return RunSettings(**kept)


def model_from_record(spans: list[dict[str, Any]], lanes: list[str], made_first: int | None = None) -> RunModel:
    """``made_first``: how many spans were the run's jobs; the others were found mid-run (all, if None)."""
    model = RunModel(jobs_of_record(spans, made_first))
    model.apply(event for _, event in span_events(spans, made_first))
    _restore_lane_order(model, lanes)
    return model


def jobs_of_record(spans: list[dict[str, Any]], made_first: int | None = None) -> list[Job]:
    """The run's own jobs (what a fresh ``RunModel`` starts with); the other spans were found mid-run."""
    first = len(spans) if made_first is None else made_first
    if any(s["id"] != i for i, s in enumerate(spans)):
        raise RecordError("the saved spans are not numbered 0, 1, 2, ... in order")
    return [Job(i, str(s["pokemon"]), str(s.get("url", ""))) for i, s in enumerate(spans[:first])]


def span_events(spans: list[dict[str, Any]], made_first: int | None = None) -> list[TimedEvent]:
    """The events that give these spans, merged by time across spans, each span's own in its order.

    A request found mid-run is made at its queueing time, before its own events (the recorder gives
    such requests their ids in time order, so they reach the model in id order, as it requires).
    """
    first = len(spans) if made_first is None else made_first
    found: list[tuple[tuple[float, int], TraceEvent]] = [
        ((float(s["t"].get("queued", 0.0)), _REQUEST),
         RequestEvent(i, str(s["pokemon"]), str(s.get("url", "")), float(s["t"].get("queued", 0.0)),
                      s.get("initiator"), s.get("awaits")))
        for i, s in enumerate(spans[first:], start=first)
    ]  # fmt: skip
    streams: list[list[tuple[tuple[float, int], TraceEvent]]] = [found, *(list(_events_of(s)) for s in spans)]
    return [(key[0], event) for key, event in heapq.merge(*streams, key=lambda pair: pair[0])]


def recorded_events(record: dict[str, Any]) -> list[TimedEvent]:
    """Every event of a recorded run, requests and watches alike, in time order: what a replay plays.

    Times never go back along the list (an event stamped a hair before its span's previous one
    takes that one's time), so "the events up to t" is always a prefix of it.
    """
    end_s = float(record["summary"]["wall_s"])
    watches = sorted(watch_events(record, end_s), key=lambda pair: pair[0])
    merged = heapq.merge(span_events(record["spans"], record.get("jobs")), watches, key=lambda pair: pair[0])
    events: list[TimedEvent] = []
    latest = 0.0
    for t, event in merged:
        latest = max(latest, t)
        events.append((latest, event))
    return events


def _events_of(span: dict[str, Any]) -> Iterator[tuple[tuple[float, int], TraceEvent]]:
    """The events that, applied in order, give this span: phases, failed tries, the end."""
    rid = int(span["id"])
    times = {Phase(name): float(t) for name, t in span["t"].items()}
    for phase in PHASE_ORDER[:2]:  # queued, started
        if phase in times:
            lane = span["lane"] if phase is Phase.STARTED else None
            yield (times[phase], _PHASE), PhaseEvent(rid, phase, times[phase], lane)
    for t0, t1, reason, backoff_until in span["failed_tries"]:
        del t0  # the model derives it: the start, or the previous back-off's end
        yield (float(t1), _RETRY), RetryEvent(rid, float(t1), str(reason), float(backoff_until) - float(t1))
    for phase in PHASE_ORDER[2:-1]:  # the last try's phases
        if phase in times:
            yield (times[phase], _PHASE), PhaseEvent(rid, phase, times[phase])
    for step, t0, t1, cpu_s, *later in span.get("steps", []):  # record format 1 had no wait for a core
        core_wait_s = later[0] if later else None
        step_event = StepEvent(rid, str(step), float(t0), float(t1), _float_or_none(cpu_s), _float_or_none(core_wait_s))
        yield (float(t1), _PHASE), step_event
    for lock, action, t, holder in span.get("locks", []):
        yield (
            (float(t), _PHASE),
            LockEvent(rid, str(lock), str(action), float(t), None if holder is None else int(holder)),
        )
    for key, t_read, read, t_write, written, pid in span.get("updates", []):
        update = UpdateEvent(rid, str(key), float(t_read), int(read), float(t_write), int(written), int(pid))
        yield (float(t_write), _PHASE), update
    if Phase.ENDED in times:
        outcome = Outcome(Status(span["status"]), span["http_status"], span["error"], span["bytes"], span["retries"])
        yield (times[Phase.ENDED], _END_FIRST), EndEvent(rid, times[Phase.ENDED], outcome, _card(span["card"]))


def _replay_watches(model: RunModel, record: dict[str, Any]) -> None:
    """The heartbeat's lags, the slivers, what the parent read, the deadlocks, as ``watch_records``
    wrote them, and the worker start-ups (absent: none recorded)."""
    model.apply([event for _, event in watch_events(record, 0.0)])


def watch_events(record: dict[str, Any], end_s: float) -> list[TimedEvent]:
    """What the run's watches recorded, in the record's order, each with the moment it was known
    (a sliver at its end; what the parent read at ``end_s``, once the workers were done)."""
    lags: list[TimedEvent] = [
        (float(t), LoopLagEvent(float(t), float(lag_ms))) for t, lag_ms in record.get("loop_lag", [])
    ]
    slivers: list[TimedEvent] = [
        (float(t1), SliverEvent(None if lane is None else str(lane), float(t0), float(t1), float(ran_s)))
        for lane, t0, t1, ran_s in record.get("slivers", [])
    ]
    observed: list[TimedEvent] = [
        (end_s, ObservedEvent(0.0, str(name), int(value))) for name, value in record.get("observed", {}).items()
    ]
    deadlocks: list[TimedEvent] = [
        (
            float(t),
            DeadlockEvent(float(t), float(formed), tuple(int(r) for r in requests), tuple(str(k) for k in locks)),
        )
        for t, formed, requests, locks in record.get("deadlocks", [])
    ]
    barriers: list[TimedEvent] = [
        (float(t), BarrierEvent(float(t), str(label))) for t, label in record.get("barriers", [])
    ]
    return [*lags, *slivers, *observed, *deadlocks, *barriers, *_startup_events(record)]


def _startup_events(record: dict[str, Any]) -> list[TimedEvent]:
    """The worker processes the run started, each known once it was ready (as the live run learnt it)."""
    events: list[TimedEvent] = []
    for start in record.get("worker_startup", []):
        pid, ready = int(start["pid"]), float(start["end_s"])
        lane = str(start.get("lane", f"pid {pid}"))
        events.append((ready, WorkerStartEvent(pid, lane, float(start["begin_s"]), ready)))
    return events


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def _card(values: dict[str, Any] | None) -> PokemonCard | None:
    if values is None:
        return None
    return PokemonCard(
        id=int(values["id"]),
        name=str(values["name"]),
        types=tuple(str(t) for t in values["types"]),
        stats=tuple((str(name), int(value)) for name, value in values["stats"]),
        height=values.get("height"),
        weight=values.get("weight"),
    )


def _restore_lane_order(model: RunModel, lanes: list[str]) -> None:
    """Put the lanes in the order the live run met them.

    Replayed by time, lanes appear in the order their first requests started; the live model saw
    them in the order events arrived from threads and processes, which can differ by a hair.
    RunModel has no public setter for that order, so its index is rebuilt here.
    """
    if sorted(lanes) != sorted(model.lanes):
        raise RecordError(f"the saved lanes {lanes} do not match the lanes of the saved spans")
    model.lanes[:] = lanes
    model._lane_index = {lane: index for index, lane in enumerate(lanes)}
