"""Drawing bars: pieces scaled to pixels in one ``drawRects`` per colour, and the cached layer of
requests that have ended.

Requests that have ended never change, so they are drawn once into an image (only the newly ended
ones each frame) and that image is rebuilt only when the view changes: zoom, pan, resize, a new
lane, a new band (see docs/events-to-pixels.md).

A zoom redraws every ended bar, 60,000 pieces at 10,000 requests, so the pieces are kept as
numpy columns in seconds: scaling, culling and merging the pieces that touch on a row are array
operations, and the rectangles reach Qt as one C array per colour (``drawRects(QRectF*, n)``)
instead of a Python ``QRect`` each.
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort
from collections.abc import Callable, Mapping, Sequence
from typing import cast

import numpy as np
import shiboken6
from numpy.typing import NDArray
from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPalette

from gui.core.model.run_model import Span
from gui.core.model.segments import Segment
from gui.core.trace.events import SliverEvent
from gui.core.views.timeline_pieces import FlatBar, FlatPiece, LanePiece, ShownRun, flatten
from gui.qt.theme import segment_color, sliver_color, text_color_on
from gui.qt.timeline_geometry import TimelineGeometry

LABEL_MIN_LANE_H = 11.0
MIN_PIECE_PX = 0.75
HATCHED = (Segment.FAILED, Segment.CANCELLED, Segment.RETRYING, Segment.DEADLOCKED, Segment.LOST_UPDATE)
TICK_SHARE_OF_BAR = 0.45  # sliver ticks fill the bottom of a bar: its colours stay readable above them
TICK_ALPHAS = (70, 150, 235)  # ran a little of the moment, about half of it, (nearly) all of it

Floats = NDArray[np.float64]
# Columns of a piece array and of a bar array (one row each per FlatPiece / FlatBar).
P_ROW, P_SEGMENT, P_T0, P_T1, P_SOLE = range(5)
B_ROW, B_T0, B_T1 = range(3)


def bar_height(lane_h: float) -> float:
    return max(lane_h * 0.74, 1.0) if lane_h >= 4 else max(lane_h, 1.0)


def piece_columns(pieces: Sequence[FlatPiece]) -> Floats:
    if not pieces:
        return np.empty((0, 5))
    return np.array([(p.row, p.segment, p.t0, p.t1, p.sole) for p in pieces], dtype=np.float64)


def bar_columns(bars: Sequence[FlatBar]) -> Floats:
    if not bars:
        return np.empty((0, 3))
    return np.array([(b.row, b.t0, b.t1) for b in bars], dtype=np.float64)


def close_open_ends(columns: Floats, start: int, end: int, now: float) -> None:
    """Ends still growing (``OPEN``: infinite) end at ``now``, never before their start (in place)."""
    if len(columns):
        growing = np.isinf(columns[:, end])
        columns[growing, end] = np.maximum(columns[growing, start], now)


def draw_rects(painter: QPainter, rects: Floats) -> None:
    """Rectangles (x, y, w, h per row) handed to Qt as one C array of QRectF: no object per rect."""
    if len(rects):
        block = np.ascontiguousarray(rects, dtype=np.float64)
        first = cast(QRectF, shiboken6.wrapInstance(block.ctypes.data, QRectF))  # the array's first QRectF
        painter.drawRects(first, len(block))


def merged_runs(x0: NDArray[np.int64], x1: NDArray[np.int64], y: NDArray[np.int64]) -> Floats:
    """Rectangles of one colour on rows: those that touch or overlap on one row become one.

    Same colour, same row, same height: the union of touching rectangles is a rectangle, so the
    picture is the same with far fewer of them (consecutive bars' long waits join up when zoomed
    out). Returns (x, y, w) per merged run.
    """
    order = np.lexsort((x0, y))
    x0, x1, y = x0[order], x1[order], y[order]
    span = np.int64(1 << 24)  # wider than any image: row and x fold into one increasing key
    start, stop = y * span + x0, y * span + x1
    reach = np.maximum.accumulate(stop)
    new = np.ones(len(x0), dtype=bool)
    new[1:] = start[1:] > reach[:-1]
    first = np.flatnonzero(new)
    last = np.append(first[1:], len(x0)) - 1
    out = np.empty((len(first), 3))
    out[:, 0] = x0[first]
    out[:, 1] = y[first]
    out[:, 2] = reach[last] - start[first]  # the run's width
    return out


class BarPainter:
    """Scales flat pieces of one band to pixels and draws them; keeps label widths it measured."""

    def __init__(self, label_font: QFont) -> None:
        self.label_font = label_font
        self._metrics = QFontMetrics(label_font)
        self._text_width: dict[str, int] = {}

    def paint(
        self,
        painter: QPainter,
        geo: TimelineGeometry,
        band: int,
        pieces: Sequence[FlatPiece],
        bars: Sequence[FlatBar],
        dark: bool,
        notches: bool,
        base: QBrush,
    ) -> None:
        self.paint_columns(painter, geo, band, piece_columns(pieces), bar_columns(bars), bars, dark, notches, base)

    def paint_columns(
        self,
        painter: QPainter,
        geo: TimelineGeometry,
        band: int,
        pieces: Floats,
        bar_cols: Floats,
        bars: Sequence[FlatBar],
        dark: bool,
        notches: bool,
        base: QBrush,
    ) -> None:
        """``pieces`` and ``bar_cols`` as from ``piece_columns`` / ``bar_columns``; ``bars`` the same
        bars as tuples (their names, for labels)."""
        lane_h = geo.lane_h
        bar_h = bar_height(lane_h)
        top = geo.bands[band].top + (lane_h - bar_h) / 2
        left, right = geo.plot.left(), geo.plot.right()
        scale = geo.plot.width() / geo.window.span_s
        t0 = geo.window.t0
        h = max(int(bar_h), 1)
        painter.setPen(Qt.PenStyle.NoPen)
        if len(pieces):
            x0 = left + (pieces[:, P_T0] - t0) * scale
            x1 = left + (pieces[:, P_T1] - t0) * scale
            # off screen, or a sliver its neighbours cover anyway (a request's only piece always shows)
            keep = (x1 >= left) & (x0 <= right) & ((x1 - x0 >= MIN_PIECE_PX) | (pieces[:, P_SOLE] > 0))
            ix0 = np.trunc(x0[keep]).astype(np.int64)  # trunc, as int() did: the same pixels as before
            ix1 = ix0 + np.maximum(np.trunc(x1[keep]).astype(np.int64) - ix0, 1)
            y = np.trunc(top + pieces[keep, P_ROW] * lane_h).astype(np.int64)
            segments = pieces[keep, P_SEGMENT].astype(np.int64)
            found, first_seen = np.unique(segments, return_index=True)
            for value in found[np.argsort(first_seen)]:  # colours in the order they first appear
                mine = segments == value
                runs = merged_runs(ix0[mine], ix1[mine], y[mine])
                rects = np.column_stack((runs, np.full(len(runs), float(h))))
                segment = Segment(int(value))
                painter.setBrush(segment_color(segment, dark))
                draw_rects(painter, rects)
                if segment in HATCHED:
                    # A texture as well as a colour, so a failure never depends on telling hues apart.
                    painter.setBrush(QBrush(QColor(0, 0, 0, 90), Qt.BrushStyle.BDiagPattern))
                    draw_rects(painter, rects)
        if not notches or not len(bar_cols):
            return  # one request per row: no notches needed, and the gutter names each row
        bx0 = np.trunc(left + (bar_cols[:, B_T0] - t0) * scale)
        bx1 = np.trunc(left + (bar_cols[:, B_T1] - t0) * scale)
        shown = np.flatnonzero((bx1 - bx0 >= 4) & (bx1 >= left) & (bx0 <= right))
        by = np.trunc(top + bar_cols[shown, B_ROW] * lane_h)
        gaps = np.empty((len(shown), 4))  # a 1 px notch where a request starts, so neighbours stay apart
        gaps[:, 0], gaps[:, 1], gaps[:, 2], gaps[:, 3] = bx0[shown], by, 1.0, h
        painter.setBrush(base)
        draw_rects(painter, gaps)
        if bar_h >= LABEL_MIN_LANE_H and len(shown):
            labels = [
                (QRect(int(bx0[i]), int(y), int(bx1[i] - bx0[i]), h), bars[i].name, bars[i].main)
                for i, y in zip(shown.tolist(), by.tolist(), strict=True)
            ]
            self._paint_labels(painter, labels, dark)

    def _paint_labels(self, painter: QPainter, labels: list[tuple[QRect, str, Segment]], dark: bool) -> None:
        painter.setFont(self.label_font)
        for rect, text, segment in labels:
            width = self._text_width.get(text)
            if width is None:
                width = self._text_width[text] = self._metrics.horizontalAdvance(text)
            if rect.width() >= width + 8:
                painter.setPen(text_color_on(segment_color(segment, dark)))
                painter.drawText(rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)


class _Columns:
    """Rows of floats appended batch by batch into one array that doubles as it fills."""

    def __init__(self, width: int) -> None:
        self._data = np.empty((256, width))
        self.count = 0

    def add(self, rows: Floats) -> None:
        if self.count + len(rows) > len(self._data):
            grown = np.empty((max(2 * len(self._data), self.count + len(rows)), self._data.shape[1]))
            grown[: self.count] = self._data[: self.count]
            self._data = grown
        self._data[self.count : self.count + len(rows)] = rows
        self.count += len(rows)

    def since(self, index: int) -> Floats:
        return self._data[index : self.count]


class _BandCache:
    """One band's ended requests, flattened once into columns, and how many of them are in the image."""

    def __init__(self, run: ShownRun) -> None:
        self.run = run
        self.bars: list[FlatBar] = []
        self.pieces = _Columns(5)
        self.bar_columns = _Columns(3)
        self.flattened = 0  # how many of the model's ended requests are flattened
        self.drawn_pieces = 0
        self.drawn_bars = 0

    def add(self, pieces: list[FlatPiece], bars: list[FlatBar]) -> None:
        self.pieces.add(piece_columns(pieces))
        self.bar_columns.add(bar_columns(bars))
        self.bars += bars


class BarLayer:
    """The image of every ended request of every band, topped up each frame."""

    def __init__(self, bars: BarPainter) -> None:
        self.bars = bars
        self.image: QImage | None = None
        self._key: tuple[object, ...] | None = None
        self._bands: list[_BandCache] = []

    def forget(self) -> None:
        """Drop everything drawn (new runs on screen, or rows per request/worker switched)."""
        self._key = None
        self._bands = []

    def update(
        self,
        geo: TimelineGeometry,
        runs: Sequence[ShownRun],
        row_finders: Sequence[Callable[[Span], int]],
        key: tuple[object, ...],
        size: QSize,
        ratio: float,
        palette: QPalette,
        dark: bool,
        paint_gutter: Callable[[QPainter], None],
        notches: bool,
    ) -> None:
        if [b.run for b in self._bands] != list(runs):
            self._bands = [_BandCache(run) for run in runs]
            self._key = None
        for band, row_of in zip(self._bands, row_finders, strict=True):
            ended = band.run.model.ended_order
            if band.flattened < len(ended):  # flatten each ended request once, in seconds
                spans = band.run.model.spans
                new = [spans[i] for i in ended[band.flattened :]]
                band.add(*flatten(new, row_of, 0.0, not notches))
                band.flattened = len(ended)
        if key != self._key or self.image is None:
            self.image = QImage(size * ratio, QImage.Format.Format_ARGB32_Premultiplied)
            self.image.setDevicePixelRatio(ratio)
            self.image.fill(Qt.GlobalColor.transparent)
            self._key = key
            for band in self._bands:
                band.drawn_pieces = band.drawn_bars = 0
            painter = QPainter(self.image)
            paint_gutter(painter)
            painter.end()
        fresh = [i for i, band in enumerate(self._bands) if band.drawn_pieces < band.pieces.count]
        if not fresh:
            return
        painter = QPainter(self.image)
        painter.setClipRect(geo.plot)
        for index in fresh:
            band = self._bands[index]
            self.bars.paint_columns(
                painter, geo, index, band.pieces.since(band.drawn_pieces), band.bar_columns.since(band.drawn_bars),
                band.bars[band.drawn_bars :], dark, notches, palette.base(),
            )  # fmt: skip
            band.drawn_pieces, band.drawn_bars = band.pieces.count, len(band.bars)
        painter.end()


def paint_lane_pieces(
    painter: QPainter, geo: TimelineGeometry, band: int, pieces: Sequence[LanePiece], dark: bool
) -> None:
    """Pieces of a lane (a worker process starting) as bars of their own on that lane.

    A handful per band, drawn every frame over the cached layer: they share no pixel with a
    request's bar, since a worker fetches nothing before it is ready.
    """
    lane_h = geo.lane_h
    bar_h = bar_height(lane_h)
    top = geo.bands[band].top + (lane_h - bar_h) / 2
    left, right = geo.plot.left(), geo.plot.right()
    painter.setPen(Qt.PenStyle.NoPen)
    for piece in pieces:
        x0, x1 = max(geo.x_of(piece.t0), left), min(geo.x_of(piece.t1), right)
        if x1 < left or x0 > right:
            continue
        painter.setBrush(segment_color(piece.segment, dark))
        painter.drawRect(QRectF(x0, int(top + piece.row * lane_h), max(x1 - x0, 1.0), max(int(bar_h), 1)))


class SliversByEnd:
    """A run's slivers in order of their ends, kept up to date as the run records more.

    The model keeps each lane's slivers in order, not all of them: a computing thread learns that
    a stretch ended only when it runs again, after the other thread's turn, so that stretch arrives
    after ones that ended later. Drawing finds the first sliver in view by bisection, so it needs
    them all in order; the model's list only grows, so each sliver is placed once.
    """

    def __init__(self, source: list[SliverEvent]) -> None:
        self.source = source
        self.ordered: list[SliverEvent] = []

    def update(self) -> list[SliverEvent]:
        if len(self.source) < len(self.ordered):  # the list was emptied to start again: so do we
            self.ordered = []
        for sliver in self.source[len(self.ordered) :]:
            insort(self.ordered, sliver, key=_end)
        return self.ordered


def _end(sliver: SliverEvent) -> float:
    return sliver.t1


def paint_slivers(
    painter: QPainter,
    geo: TimelineGeometry,
    band: int,
    slivers: Sequence[SliverEvent],
    row_of_lane: Mapping[str, int],
    dark: bool,
) -> None:
    """The moments each worker really ran, as ticks along the bottom of its lane.

    A coroutine's task step, and a computing thread's own stretch, ran all of its moment: a solid tick.
    A thread's CPU-clock sample (a thread that only fetches, see gui.core.run.run_watches) says how much of
    its moment the thread ran: paler when only part. Neighbouring ticks on one row that
    touch the same pixels merge, so thousands of steps cost at most a few rectangles per pixel
    column, drawn with one ``drawRects`` per shade.
    """
    window = geo.window
    first = bisect_left(slivers, window.t0, key=_end)  # in order of their ends (SliversByEnd)
    left, right = geo.plot.left(), geo.plot.right()
    scale = geo.plot.width() / window.span_s
    lane_h = geo.lane_h
    bar_h = bar_height(lane_h)
    tick_h = max(int(bar_h * TICK_SHARE_OF_BAR), 1)
    bottom = geo.bands[band].top + (lane_h + bar_h) / 2
    shades: list[list[QRect]] = [[] for _ in TICK_ALPHAS]
    open_ticks: dict[int, list[int]] = {}  # row -> [x0, x1, shade] of the tick being widened
    for index in range(first, len(slivers)):
        lane, t0, t1, ran_s = slivers[index]
        if t0 > window.t1:
            break
        row = row_of_lane.get(lane) if lane is not None else None
        if row is None:
            continue
        x0 = int(max(left + (t0 - window.t0) * scale, left))
        x1 = max(math.ceil(min(left + (t1 - window.t0) * scale, right)), x0 + 1)
        share = ran_s / (t1 - t0) if t1 > t0 else 1.0
        shade = 2 if share >= 0.75 else (1 if share >= 0.25 else 0)
        tick = open_ticks.get(row)
        if tick is not None and tick[2] == shade and x0 <= tick[1]:
            tick[1] = max(tick[1], x1)
            continue
        if tick is not None:
            shades[tick[2]].append(QRect(tick[0], int(bottom + row * lane_h) - tick_h, tick[1] - tick[0], tick_h))
        open_ticks[row] = [x0, x1, shade]
    for row, (x0, x1, shade) in open_ticks.items():
        shades[shade].append(QRect(x0, int(bottom + row * lane_h) - tick_h, x1 - x0, tick_h))
    ink = sliver_color(dark)
    painter.setPen(Qt.PenStyle.NoPen)
    for alpha, rects in zip(TICK_ALPHAS, shades, strict=True):
        if rects:
            ink.setAlpha(alpha)
            painter.setBrush(ink)
            painter.drawRects(rects)
