"""The Qt-free half of the timeline: spans flattened into pieces, rows, band titles, tooltips.

The widget only scales these to pixels and picks colours. Keeping them here means they can be
tested without a window, and a run from the history is drawn by exactly the same code as a live one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple, Protocol

from gui.core.registry import mode_spec
from gui.core.run_model import RunModel, Span
from gui.core.segments import Segment, span_pieces
from gui.core.settings import RunSettings
from gui.core.stats import RunSummary
from gui.core.trace import PHASE_ORDER


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


def band_title(run: ShownRun) -> str:
    """ "Threads · 10 at once · 0.42 s · efficiency 95 %": what a band's heading says."""
    settings = run.settings
    head = f"{mode_spec(settings.mode).title} · {settings.count:,} Pokémon, {settings.workers} at once"
    if run.running:
        return f"{head} · running {run.elapsed_s():.2f} s"
    summary = run.summary_now()
    text = f"{head} · {summary.wall_s:.2f} s"
    if summary.cancelled:
        text += f" · stopped, {summary.requests - summary.cancelled} of {summary.requests} done"
    elif summary.efficiency is not None:
        text += f" · efficiency {summary.efficiency:.0%}"
    return text


def tooltip_text(span: Span, total: int) -> str:
    """Every timing of one request, its tries, and how it ended (shown on hover)."""
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
    if span.error:
        lines.append(f"error: {span.error}")
    return "<br>".join(lines)
