"""Reports a run can be written as: one JSON report, Chrome Trace Event JSON, and ASCII lanes."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from gui.core.run_model import RunModel, Span
from gui.core.settings import RunSettings
from gui.core.stats import RunSummary
from gui.core.trace import PHASE_ORDER, Phase, Status

# Slices drawn inside each request on the Chrome trace, named like a browser's waterfall.
WATERFALL: tuple[tuple[str, Phase, Phase], ...] = (
    ("Initial connection", Phase.STARTED, Phase.CONNECTED),
    ("Request sent", Phase.CONNECTED, Phase.SENT),
    ("Waiting (TTFB)", Phase.SENT, Phase.FIRST_BYTE),
    ("Content download", Phase.FIRST_BYTE, Phase.RECEIVED),
    ("Parsing", Phase.RECEIVED, Phase.PARSED),
)


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
    }


def json_report(settings: RunSettings, summary: RunSummary, model: RunModel, extra: dict[str, Any]) -> dict[str, Any]:
    settings_dict = {k: (v.value if hasattr(v, "value") else v) for k, v in asdict(settings).items()}
    return {
        "settings": {**settings_dict, **extra},
        "summary": summary.to_dict(),
        "lanes": model.lanes,
        "spans": [span_record(s) for s in model.spans],
    }


def chrome_trace(model: RunModel, title: str) -> dict[str, Any]:
    """Trace Event Format: one thread track per lane, each request a slice with its phases nested."""
    events: list[dict[str, Any]] = [
        {"ph": "M", "pid": 1, "tid": 0, "name": "process_name", "args": {"name": title}},
    ]
    for index, lane in enumerate(model.lanes, start=1):
        events.append({"ph": "M", "pid": 1, "tid": index, "name": "thread_name", "args": {"name": lane}})
        events.append({"ph": "M", "pid": 1, "tid": index, "name": "thread_sort_index", "args": {"sort_index": index}})
    for span in model.spans:
        start, end = span.start, span.end
        if start is None or end is None:
            continue  # cancelled before it started: it never occupied a lane
        tid = model.lane_index(span.lane) + 1
        args = {
            "status": span.status.value,
            "http_status": span.http_status,
            "queued_s": span.t.get(Phase.QUEUED),
            "bytes": span.bytes,
            "retries": span.retries,
            "error": span.error,
        }
        events.append(_slice(span.pokemon, "request", start, end, tid, args))
        for name, first, last in WATERFALL:
            if first in span.t and last in span.t:
                events.append(_slice(name, "phase", span.t[first], span.t[last], tid, {}))
    return {"traceEvents": events, "displayTimeUnit": "ms"}


def _slice(name: str, category: str, start: float, end: float, tid: int, args: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "cat": category,
        "ph": "X",
        "pid": 1,
        "tid": tid,
        "ts": round(start * 1e6, 1),
        "dur": round(max(end - start, 0.0) * 1e6, 1),
        "args": args,
    }


# ASCII: each lane is a row; a column is a slice of the run's time.
_ASCII = {Status.OK: "=", Status.CANCELLED: "-"}


def ascii_timeline(model: RunModel, wall_s: float, width: int = 60, max_lanes: int = 24) -> str:
    if not model.lanes or wall_s <= 0:
        return "(no request started)"
    label_width = min(max(len(lane) for lane in model.lanes), 12)
    rows = {lane: [" "] * width for lane in model.lanes}
    for span in model.spans:
        start, end = span.start, span.end
        if start is None or span.lane is None:
            continue
        first = min(int(start / wall_s * width), width - 1)
        last = min(int((end if end is not None else wall_s) / wall_s * width), width - 1)
        mark = _ASCII.get(span.status, "x")
        row = rows[span.lane]
        for column in range(first, last + 1):
            row[column] = mark
        row[first] = "|" if mark == "=" else mark
    lines = [f"{lane[:label_width]:>{label_width}} {''.join(rows[lane])}" for lane in model.lanes[:max_lanes]]
    if len(model.lanes) > max_lanes:
        lines.append(f"{'':>{label_width}} ... {len(model.lanes) - max_lanes} more lanes")
    axis = f"{'0s':<{width // 2}}{wall_s:>{width - width // 2}.2f}s"
    lines.append(f"{'':>{label_width}} {axis}")
    lines.append(f"{'':>{label_width}} | request starts   = running   x failed   - cancelled")
    return "\n".join(lines)
