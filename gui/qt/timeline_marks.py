"""What the timeline draws over its bars: the cycles of a deadlock, the links between requests,
a stage's barrier, the marks of lost writes, and the requests still waiting in the queue.

Plain functions of the runs on screen and the timeline's geometry, so the widget
(gui/qt/timeline_view.py) keeps only its state, its layer of ended bars and its interaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QPainter

from gui.core.model.run_model import Span
from gui.core.model.segments import Segment
from gui.core.trace.events import Phase, Status
from gui.core.views.timeline_pieces import LanePiece, ShownRun, wait_edges, waits_since
from gui.qt import bar_layer
from gui.qt import timeline_decor as decor
from gui.qt.bar_layer import SliversByEnd, paint_lane_pieces
from gui.qt.theme import segment_color
from gui.qt.timeline_geometry import TimelineGeometry

RowFinder = Callable[[int], Callable[[Span], int]]  # a band -> the row of each of its spans (-1: not shown)


def paint_deadlocks(painter: QPainter, geo: TimelineGeometry, runs: Sequence[ShownRun], row_finder: RowFinder) -> None:
    """Each deadlock's cycle: an arrow from every waiter, where its wait began, to the holder's row."""
    painter.save()
    painter.setClipRect(geo.plot)
    for band, run in enumerate(runs):
        arrows = []
        for found in run.model.deadlocks:
            for waiter, holder, lock in wait_edges(run.model, found):
                row_w, row_h = row_finder(band)(waiter), row_finder(band)(holder)
                if row_w < 0 or row_h < 0:
                    continue
                x = geo.x_of(waits_since(waiter, lock))
                arrows.append(
                    decor.WaitArrow(
                        QPointF(x, geo.row_top(band, row_w) + geo.lane_h / 2),
                        QPointF(x, geo.row_top(band, row_h) + geo.lane_h / 2),
                        lock,
                    )
                )
        decor.paint_wait_arrows(painter, arrows, geo.plot.left())
    painter.restore()


def paint_links(painter: QPainter, geo: TimelineGeometry, runs: Sequence[ShownRun], row_finder: RowFinder) -> None:
    """One row per request (only): each request found mid-run hangs from the request that found it,
    and each await of a shared future from the request that resolved it (dashed)."""
    painter.save()
    painter.setClipRect(geo.plot)
    for band, run in enumerate(runs):
        model = run.model
        if model.jobs == model.total:
            continue
        row_of = row_finder(band)
        middle = geo.lane_h / 2
        links, resolved = [], []
        for span in model.spans[model.jobs :]:
            made = span.t.get(Phase.QUEUED)
            if span.initiator is not None and made is not None:
                y0 = geo.row_top(band, row_of(model.spans[span.initiator])) + middle
                links.append((geo.x_of(made), y0, geo.row_top(band, row_of(span)) + middle))
            if span.awaits is not None and span.end is not None:
                source = model.spans[span.awaits]
                y0 = geo.row_top(band, row_of(source)) + middle
                resolved.append((geo.x_of(span.end), y0, geo.row_top(band, row_of(span)) + middle))
        decor.paint_links(painter, links, resolved, geo.lane_h)
    painter.restore()


def paint_barriers(painter: QPainter, geo: TimelineGeometry, runs: Sequence[ShownRun], dark: bool) -> None:
    """A stage's end, across its band: nothing of the next stage started before this line."""
    painter.save()
    painter.setClipRect(geo.plot)
    for band, run in enumerate(runs):
        for barrier in run.model.barriers:
            decor.paint_barrier(painter, geo, band, barrier.t, barrier.label, dark)
    painter.restore()


def paint_lost_updates(
    painter: QPainter, geo: TimelineGeometry, runs: Sequence[ShownRun], row_finder: RowFinder
) -> None:
    """A marker over every lost write: a millisecond's red piece is too thin to point at."""
    painter.save()
    painter.setClipRect(geo.plot)
    for band, run in enumerate(runs):
        row_of = row_finder(band)
        marks = [
            QPointF(geo.x_of(span.updates[i].t_write), geo.row_top(band, row))
            for span, i in run.model.lost_writes()
            if (row := row_of(span)) >= 0
        ]
        decor.paint_lost_marks(painter, marks, geo.lane_h)
    painter.restore()


def paint_waiting_rows(
    painter: QPainter, geo: TimelineGeometry, band: int, run: ShownRun, row_of: Callable[[Span], int], dark: bool
) -> None:
    """Requests not started yet, one row each, all growing from their queueing to now.

    They were all queued at the start, so neighbouring rows share one rectangle: 10,000
    waiting requests cost a handful of rectangles, not 10,000.
    """
    spans = run.model.spans
    x1 = int(geo.x_of(run.elapsed_s()))
    rects = []
    queued = [s for s in spans[: run.model.jobs] if s.status is Status.QUEUED]
    if queued:
        waiting = sorted(row_of(s) for s in queued)
        x0 = int(geo.x_of(min(s.t.get(Phase.QUEUED, 0.0) for s in queued)))
        first = previous = waiting[0]
        for row in [*waiting[1:], -2]:
            if row != previous + 1:  # a run of consecutive rows ends here
                top = int(geo.row_top(band, first))
                height = max(int(geo.row_top(band, previous + 1)) - top, 1)
                rects.append(QRect(x0, top, max(x1 - x0, 1), height))
                first = row
            previous = row
    for span in spans[run.model.jobs :]:  # found mid-run: each queued since it was found
        if span.status is Status.QUEUED:
            x0 = int(geo.x_of(span.t.get(Phase.QUEUED, 0.0)))
            top = int(geo.row_top(band, row_of(span)))
            rects.append(QRect(x0, top, max(x1 - x0, 1), max(int(geo.lane_h), 1)))
    if not rects:
        return
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(segment_color(Segment.QUEUED, dark))
    painter.drawRects(rects)


def paint_worker_starts(
    painter: QPainter, geo: TimelineGeometry, pieces: Sequence[list[LanePiece]], dark: bool
) -> None:
    """Each worker process's start-up on its lanes (``pieces``: each band's): why they stay blank
    before their first bar."""
    painter.save()
    painter.setClipRect(geo.plot)
    for band, band_pieces in enumerate(pieces):
        if band_pieces:
            paint_lane_pieces(painter, geo, band, band_pieces, dark)
    painter.restore()


def paint_slivers(
    painter: QPainter,
    geo: TimelineGeometry,
    runs: Sequence[ShownRun],
    kept: dict[int, SliversByEnd],
    row_of_lane: Sequence[dict[str, int]],
    dark: bool,
) -> None:
    """Ticks where workers really ran, for runs that traced it; ``kept`` holds each band's slivers
    in the order of their ends, made again only when its run's slivers are another list."""
    painter.save()
    painter.setClipRect(geo.plot)
    for band, run in enumerate(runs):
        if run.model.slivers:
            slivers = kept.get(band)
            if slivers is None or slivers.source is not run.model.slivers:
                slivers = kept[band] = SliversByEnd(run.model.slivers)
            bar_layer.paint_slivers(painter, geo, band, slivers.update(), row_of_lane[band], dark)
    painter.restore()
