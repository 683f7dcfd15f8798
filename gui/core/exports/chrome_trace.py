"""Chrome Trace Event Format: a run (or a comparison's runs) opened in Perfetto or chrome://tracing.

Each run is a process, its lanes are thread tracks, and each request is a slice with what happened
inside it nested: every failed try and back-off, then the phases of the try that counted (and a
worker process's start-up is a slice of its own before its lane's first request). Every run
starts at 0, so a comparison's runs line up one under another on the same time axis.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from gui.core.exports.atomic import StrPath, write_atomically
from gui.core.exports.run_title import run_title
from gui.core.exports.time_grid import microseconds
from gui.core.model.run_model import RunModel, Span
from gui.core.results.finished_run import FinishedRun
from gui.core.trace.events import Phase, StepEvent
from gui.core.trace.ready_wait import split_step
from gui.core.workload.after_fetch import AfterFetch

# The final try's slices, named like a browser's waterfall: (name, from phase, to phase).
WATERFALL: tuple[tuple[str, Phase, Phase], ...] = (
    ("Initial connection", Phase.STARTED, Phase.CONNECTED),
    ("Request sent", Phase.CONNECTED, Phase.SENT),
    ("Waiting (TTFB)", Phase.SENT, Phase.FIRST_BYTE),
    ("Content download", Phase.FIRST_BYTE, Phase.RECEIVED),
    ("Parsing", Phase.RECEIVED, Phase.PARSED),
)


def chrome_trace(model: RunModel, title: str) -> dict[str, Any]:
    """One run as a trace, its process called ``title``."""
    return {"traceEvents": list(_run_events(1, model, title)), "displayTimeUnit": "ms"}


def chrome_trace_of_runs(runs: Sequence[FinishedRun]) -> dict[str, Any]:
    """Several runs (a comparison, in order) as one trace: run ``i`` is process ``i``."""
    return {"traceEvents": list(_events_of_runs(runs)), "displayTimeUnit": "ms"}


def write_chrome_trace(path: StrPath, runs: Sequence[FinishedRun]) -> None:
    """Write ``chrome_trace_of_runs(runs)`` to ``path`` whole, or raise ``ExportError``.

    The file is written event by event as the events are made: at 100,000 requests the whole
    document (600,000 dicts) and its text took ~320 MB at once.
    """
    write_atomically(path, _trace_text(_events_of_runs(runs)))


def _trace_text(events: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The same text as ``json.dumps({"traceEvents": [...], "displayTimeUnit": "ms"})``, in pieces."""
    yield '{"traceEvents": ['
    batch: list[str] = []
    first = True
    for event in events:
        batch.append(json.dumps(event))
        if len(batch) == 1000:
            yield ("" if first else ", ") + ", ".join(batch)
            batch, first = [], False
    if batch:
        yield ("" if first else ", ") + ", ".join(batch)
    yield '], "displayTimeUnit": "ms"}'


def _events_of_runs(runs: Sequence[FinishedRun]) -> Iterator[dict[str, Any]]:
    for pid, run in enumerate(runs, start=1):
        yield from _run_events(pid, run.model, f"{pid}. {run_title(run)}")


def _run_events(pid: int, model: RunModel, title: str) -> Iterator[dict[str, Any]]:
    yield {"ph": "M", "pid": pid, "tid": 0, "name": "process_name", "args": {"name": title}}
    yield {"ph": "M", "pid": pid, "tid": 0, "name": "process_sort_index", "args": {"sort_index": pid}}
    for tid, lane in enumerate(model.lanes, start=1):
        yield {"ph": "M", "pid": pid, "tid": tid, "name": "thread_name", "args": {"name": lane}}
        yield {"ph": "M", "pid": pid, "tid": tid, "name": "thread_sort_index", "args": {"sort_index": tid}}
    for span in model.spans:
        yield from _span_slices(pid, model.lane_index(span.lane) + 1, span)
    yield from _startup_slices(pid, model)


def _startup_slices(pid: int, model: RunModel) -> Iterator[dict[str, Any]]:
    """Each worker process's start-up on its lanes, before their first request (the timeline's
    "starting the interpreter"); a process that fetched nothing has no lane to put it on."""
    for start in model.worker_starts:
        first, last = microseconds(start.t0), microseconds(start.t_ready)
        for tid, lane in enumerate(model.lanes, start=1):
            if start.owns(lane):
                args = {"pid": start.pid}
                yield _slice("Starting the interpreter", "startup", first, max(last, first), pid, tid, args)


STEP_NAMES = {"compute": "Computing", "block": "Blocking call", "await-in-thread": "Awaiting a thread"}


def _span_slices(pid: int, tid: int, span: Span) -> list[dict[str, Any]]:
    """The request's slice and its children, every boundary on the microsecond grid.

    Children are laid end to end inside the parent: each starts no earlier than the previous one
    ended and none reaches past the request's end, so viewers can nest them without dropping any.
    """
    start, end = span.start, span.end
    if start is None or end is None:
        return []  # cancelled before it started: it never occupied a lane
    first = microseconds(start)
    last = max(microseconds(end), first)
    args = {
        "status": span.status.value,
        "http_status": span.http_status,
        "queued_s": span.t.get(Phase.QUEUED),
        "bytes": span.bytes,
        "retries": span.retries,
        "error": span.error,
    }
    slices = [_slice(span.pokemon, "request", first, last, pid, tid, args)]
    cursor = first
    for name, category, t0, t1, inner in _inside(span, start):
        begin = min(max(microseconds(t0), cursor), last)
        cursor = min(max(microseconds(t1), begin), last)
        slices.append(_slice(name, category, begin, cursor, pid, tid, inner))
    return slices


def _inside(span: Span, start: float) -> Iterator[tuple[str, str, float, float, dict[str, Any]]]:
    """What happened inside a request, in time order: (name, category, from s, to s, args)."""
    for number, failed in enumerate(span.failed_tries, start=1):
        yield f"Try {number} failed: {failed.reason}", "retry", failed.t0, failed.t1, {}
        yield "Back-off", "retry", failed.t1, failed.backoff_until, {}
    # The final try began when the last back-off ended, not when the request got its worker.
    attempt_start = span.retry_until if span.retry_until is not None else start
    for name, first, last in WATERFALL:
        begin = attempt_start if first is Phase.STARTED else span.t.get(first)
        finish = span.t.get(last)
        if begin is not None and finish is not None:
            yield name, "phase", begin, finish, {}
    for step in span.steps:  # the job's step after its fetch (computing, a blocking call, ...)
        yield STEP_NAMES.get(step.step, step.step), "step", step.t0, step.t1, _step_args(step)


def _step_args(step: StepEvent) -> dict[str, Any]:
    """A computing step's seconds running, waiting for a core and waiting for the GIL (the last two
    null where they cannot be told apart): a sum over the step, so arguments, not slices of their own."""
    if step.step != AfterFetch.COMPUTE:
        return {}
    parts = split_step(step.t1 - step.t0, step.cpu_s, step.core_wait_s)
    return {
        "running_s": round(parts.running_s, 6),
        "core_wait_s": None if parts.core_wait_s is None else round(parts.core_wait_s, 6),
        "gil_wait_s": None if parts.gil_wait_s is None else round(parts.gil_wait_s, 6),
        "ready_s": round(parts.ready_s, 6),
    }


def _slice(
    name: str, category: str, first_us: int, last_us: int, pid: int, tid: int, args: dict[str, Any]
) -> dict[str, Any]:
    return {
        "name": name,
        "cat": category,
        "ph": "X",
        "pid": pid,
        "tid": tid,
        "ts": first_us,
        "dur": last_us - first_us,
        "args": args,
    }
