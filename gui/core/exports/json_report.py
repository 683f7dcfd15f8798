"""The JSON report of one run: settings, summary, lanes and every span.

Its keys are an interface: scripts, the benchmarks and later lessons read them, so they change
only on purpose.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from gui.core.exports.atomic import StrPath, write_atomically
from gui.core.model.run_model import RunModel, Span
from gui.core.results.finished_run import FinishedRun
from gui.core.results.stats import RunSummary
from gui.core.trace.events import PHASE_ORDER
from gui.core.workload.settings import RunSettings


def span_record(span: Span) -> dict[str, Any]:
    """One request as plain JSON: phases in order, seconds since the run started."""
    return {
        "id": span.request_id,
        "pokemon": span.pokemon,
        "lane": span.lane,
        "status": span.status.value,
        "http_status": span.http_status,
        "error": span.error,
        "bytes": span.bytes,
        "retries": span.retries,
        "t": {phase.value: round(span.t[phase], 6) for phase in PHASE_ORDER if phase in span.t},
        "failed_tries": [
            [round(f.t0, 6), round(f.t1, 6), f.reason, round(f.backoff_until, 6)] for f in span.failed_tries
        ],
        "card": span.card._asdict() if span.card is not None else None,
        **_steps_record(span),
        **_program_record(span),
    }


def _program_record(span: Span) -> dict[str, Any]:
    """A lesson program's records, only where it left some: ``initiator``, ``awaits``, ``locks`` as
    [lock, action, t, holder request], ``updates`` as [key, read at, value read, written at, value
    written, pid]."""
    records: dict[str, Any] = {}
    if span.initiator is not None:
        records["initiator"] = span.initiator  # found in that request's answer
    if span.awaits is not None:
        records["awaits"] = span.awaits  # not a request: it awaited the future that request resolved
    if span.locks:
        records["locks"] = [[e.lock, e.action, round(e.t, 6), e.holder] for e in span.locks]
    if span.updates:
        records["updates"] = [
            [u.key, round(u.t_read, 6), u.read, round(u.t_write, 6), u.written, u.pid] for u in span.updates
        ]
    return records


def _steps_record(span: Span) -> dict[str, Any]:
    """The job's step after its fetch, [kind, from s, to s, CPU s, waiting for a core s]; absent when
    it took none. The last two are null where not measured (see gui.core.trace.ready_wait)."""
    if not span.steps:
        return {}
    return {
        "steps": [
            [s.step, round(s.t0, 6), round(s.t1, 6), _rounded(s.cpu_s), _rounded(s.core_wait_s)] for s in span.steps
        ]
    }


def _rounded(value: float | None) -> float | None:
    return round(value, 6) if value is not None else None


def watch_records(model: RunModel) -> dict[str, Any]:
    """What a run's watches recorded (see gui.core.run.run_watches), only where there is some.

    ``loop_lag``: ``[t, lag_ms]`` per heartbeat. ``slivers``: ``[lane, t0, t1, ran_s]`` per moment a
    worker really ran (lane null for a task of the run that works for no lane). ``observed``: what
    the run's process read once its workers were done. ``deadlocks``: ``[found at, formed at,
    [requests], [locks they wait for]]`` per cycle of lock waits.
    """
    records: dict[str, Any] = {}
    if model.loop_lag:
        records["loop_lag"] = [[round(t, 6), round(lag_ms, 3)] for t, lag_ms in model.loop_lag]
    if model.slivers:
        records["slivers"] = [[s.lane, round(s.t0, 6), round(s.t1, 6), round(s.ran_s, 6)] for s in model.slivers]
    if model.observed:
        records["observed"] = dict(model.observed)
    if model.barriers:
        records["barriers"] = [[round(b.t, 6), b.label] for b in model.barriers]
    if model.jobs != model.total:
        records["jobs"] = model.jobs  # the rest were found mid-run
    if model.deadlocks:
        records["deadlocks"] = [
            [round(d.t, 6), round(d.formed_t, 6), list(d.requests), list(d.locks)] for d in model.deadlocks
        ]
    return records


def startup_records(model: RunModel) -> list[dict[str, Any]]:
    """Each worker process the run started: its pid, its lane, when the parent asked for it and when
    it was ready to fetch (seconds since the run started). Empty when the run started none."""
    return [
        {"pid": s.pid, "lane": s.lane, "begin_s": round(s.t0, 6), "end_s": round(s.t_ready, 6)}
        for s in model.worker_starts
    ]


def settings_record(settings: RunSettings) -> dict[str, Any]:
    """Settings as plain JSON (enums as their values): the report's and the history's."""
    return {k: (v.value if hasattr(v, "value") else v) for k, v in asdict(settings).items()}


def json_report(settings: RunSettings, summary: RunSummary, model: RunModel, extra: dict[str, Any]) -> dict[str, Any]:
    """The whole run as one JSON-ready dict; ``extra`` joins the settings (e.g. the server's conditions)."""
    return {
        "settings": {**settings_record(settings), **extra},
        "summary": summary.to_dict(),
        "lanes": model.lanes,
        "spans": [span_record(s) for s in model.spans],
        "worker_startup": startup_records(model),
        **watch_records(model),
    }


def reports_json(runs: Sequence[FinishedRun]) -> dict[str, Any]:
    """One run's report as it is, or a comparison's as ``{"runs": [report, ...]}`` in order.

    The same shapes ``--headless --json`` prints, so one reader serves both.
    """
    reports = [
        {
            **json_report(run.settings, run.summary, run.model, {"conditions": run.conditions}),
            "machine": run.machine.as_json() if run.machine is not None else None,  # what others took meanwhile
        }
        for run in runs
    ]
    return reports[0] if len(reports) == 1 else {"runs": reports}


def write_json_report(path: StrPath, runs: Sequence[FinishedRun]) -> None:
    """Write ``reports_json(runs)`` to ``path`` whole, or raise ``ExportError``."""
    write_atomically(path, json.dumps(reports_json(runs), indent=1, ensure_ascii=False))
