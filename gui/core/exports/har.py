"""HAR 1.2 (HTTP Archive): runs opened in the Network panel of browser DevTools or a HAR viewer.

Each run is a page (``run-1``, ``run-2``, ... in the order given) and each request that started is
an entry. Requests cancelled while still queued are left out: they never reached the network, and
HAR has no way to say "never sent". Entries of all runs are sorted by ``startedDateTime``, the way
DevTools lists them. Durations are milliseconds taken from the microsecond grid of ``time_grid``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from gui import __version__
from gui.core.exports.atomic import StrPath, write_atomically
from gui.core.exports.run_title import run_title
from gui.core.exports.time_grid import microseconds, never_decreasing
from gui.core.model.run_model import Span
from gui.core.results.finished_run import FinishedRun
from gui.core.trace.events import Phase

HAR_VERSION = "1.2"
CREATOR = {"name": "Poké Concurrency Lab", "version": __version__}
_ON_THE_WIRE = (Phase.CONNECTED, Phase.SENT, Phase.FIRST_BYTE, Phase.RECEIVED)


def har_log(runs: Sequence[FinishedRun]) -> dict[str, Any]:
    """The HAR document of ``runs`` (one run, or a comparison's runs in order)."""
    pages = [_page(f"run-{index}", run) for index, run in enumerate(runs, start=1)]
    entries = [entry for index, run in enumerate(runs, start=1) for entry in _entries(f"run-{index}", run)]
    entries.sort(key=lambda pair: pair[0])
    return {"log": {"version": HAR_VERSION, "creator": CREATOR, "pages": pages, "entries": [e for _, e in entries]}}


def write_har(path: StrPath, runs: Sequence[FinishedRun]) -> None:
    """Write ``har_log(runs)`` to ``path`` whole, or raise ``ExportError``."""
    write_atomically(path, json.dumps(har_log(runs), indent=1, ensure_ascii=False))


def _page(page_id: str, run: FinishedRun) -> dict[str, Any]:
    return {
        "startedDateTime": _iso(run.started_at),
        "id": page_id,
        "title": run_title(run),
        # No document here: "loaded" is when the run's last request ended.
        "pageTimings": {"onContentLoad": -1, "onLoad": _ms(microseconds(run.wall_s))},
    }


def _entries(page_id: str, run: FinishedRun) -> Iterator[tuple[float, dict[str, Any]]]:
    """(when it was submitted, seconds since the epoch; the entry) for each request that started."""
    for span in run.model.spans:
        start, end = span.start, span.end
        if start is None or end is None:
            continue
        bounds = _boundaries_us(span, start, end)
        submitted_s = run.started_at + bounds[0] / 1_000_000
        entry = {
            "pageref": page_id,
            "startedDateTime": _iso(submitted_s),
            "time": _ms(bounds[-1] - bounds[0]),
            "request": _request(span),
            "response": _response(span),
            "cache": {},
            "timings": _timings(bounds),
            "_lane": span.lane,
            "_status": span.status.value,
            "_retries": span.retries,
            "_error": span.error,
        }
        yield submitted_s, entry


def _boundaries_us(span: Span, start: float, end: float) -> list[int]:
    """Queued, started, final try began, connected, sent, first byte, received: on the grid, in order.

    A phase the request never finished lasted until the request ended (a timeout spent its time
    waiting, a refused connection its time connecting); a phase it skipped took no time.
    """
    t = span.t
    reached = [i for i, phase in enumerate(_ON_THE_WIRE) if phase in t]
    last_reached = reached[-1] if reached else -1
    wire = [t.get(phase, end if i > last_reached else start) for i, phase in enumerate(_ON_THE_WIRE)]
    final_try = min(span.retry_until, end) if span.retry_until is not None else start
    points = [t.get(Phase.QUEUED, start), start, final_try, *wire]
    return never_decreasing(microseconds(point) for point in points)


def _timings(bounds: list[int]) -> dict[str, float]:
    """Our phases on HAR's timings; ``time`` is their sum, as HAR requires.

    ``blocked`` is everything before the final try went on the wire: waiting for a worker (as a
    browser's "Queueing") and, for a retried request, its failed tries and back-offs. HAR has no
    place for retries (a browser would list each try as its own entry); counting them as time this
    request was held back keeps one entry per request and keeps ``time`` equal to what the request
    really took from submission to its answer. The two parts are in ``_blocked_queueing`` (Chrome's
    own name) and ``_blocked_retrying``.
    """
    queued, started, final_try, connected, sent, first_byte, received = bounds
    return {
        "blocked": _ms(final_try - queued),
        "dns": -1,  # not measured on its own: it is inside connect
        "connect": _ms(connected - final_try),  # a new TCP connection, or one taken from the pool
        "ssl": -1,  # not measured on its own: a TLS handshake is inside connect
        "send": _ms(sent - connected),
        "wait": _ms(first_byte - sent),
        "receive": _ms(received - first_byte),
        "_blocked_queueing": _ms(started - queued),
        "_blocked_retrying": _ms(final_try - started),
    }


def _request(span: Span) -> dict[str, Any]:
    return {
        "method": "GET",
        "url": span.url,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": [],
        "queryString": [],
        "headersSize": -1,
        "bodySize": 0,
    }


def _response(span: Span) -> dict[str, Any]:
    answered = span.http_status is not None  # no status: refused, reset, timed out or cancelled
    return {
        "status": span.http_status or 0,
        "statusText": _reason(span.http_status),
        "httpVersion": "HTTP/1.1" if answered else "",
        "cookies": [],
        "headers": [],
        "content": {"size": span.bytes, "mimeType": "application/json"},
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": span.bytes if answered else -1,
    }


def _reason(http_status: int | None) -> str:
    try:
        return HTTPStatus(http_status).phrase if http_status is not None else ""
    except ValueError:
        return ""


def _ms(us: int) -> float:
    return us / 1000


def _iso(epoch_s: float) -> str:
    """ISO 8601 with the time zone, to the millisecond: what DevTools' ``new Date()`` reads."""
    return datetime.fromtimestamp(epoch_s, tz=UTC).isoformat(timespec="milliseconds")
