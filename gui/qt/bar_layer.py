"""Drawing bars: pieces scaled to pixels in one ``drawRects`` per colour, and the cached layer of
requests that have ended.

Requests that have ended never change, so they are drawn once into an image (only the newly ended
ones each frame) and that image is rebuilt only when the view changes: zoom, pan, resize, a new
lane, a new band (see docs/events-to-pixels.md).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QImage, QPainter, QPalette

from gui.core.run_model import Span
from gui.core.segments import Segment
from gui.core.timeline_pieces import FlatBar, FlatPiece, ShownRun, flatten
from gui.core.trace import SliverEvent
from gui.qt.theme import segment_color, text_color_on
from gui.qt.timeline_geometry import TimelineGeometry

LABEL_MIN_LANE_H = 11.0
MIN_PIECE_PX = 0.75
HATCHED = (Segment.FAILED, Segment.CANCELLED, Segment.RETRYING, Segment.DEADLOCKED, Segment.LOST_UPDATE)
TICK_SHARE_OF_BAR = 0.45  # sliver ticks fill the bottom of a bar: its colours stay readable above them
TICK_ALPHAS = (70, 150, 235)  # ran a little of the moment, about half of it, (nearly) all of it


def bar_height(lane_h: float) -> float:
    return max(lane_h * 0.74, 1.0) if lane_h >= 4 else max(lane_h, 1.0)


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
        lane_h = geo.lane_h
        bar_h = bar_height(lane_h)
        top = geo.bands[band].top + (lane_h - bar_h) / 2
        left, right = geo.plot.left(), geo.plot.right()
        scale = geo.plot.width() / geo.window.span_s
        t0 = geo.window.t0
        h = max(int(bar_h), 1)
        rects: dict[Segment, list[QRect]] = defaultdict(list)
        for _, row, segment, a, b, sole in pieces:
            x0 = left + (a - t0) * scale
            x1 = left + (b - t0) * scale
            if x1 < left or x0 > right or (x1 - x0 < MIN_PIECE_PX and not sole):
                continue  # off screen, or a sliver its neighbours cover anyway
            ix0 = int(x0)
            rects[segment].append(QRect(ix0, int(top + row * lane_h), max(int(x1) - ix0, 1), h))
        painter.setPen(Qt.PenStyle.NoPen)
        for segment, batch in rects.items():
            painter.setBrush(segment_color(segment, dark))
            painter.drawRects(batch)
            if segment in HATCHED:
                # A texture as well as a colour, so a failure never depends on telling hues apart.
                painter.setBrush(QBrush(QColor(0, 0, 0, 90), Qt.BrushStyle.BDiagPattern))
                painter.drawRects(batch)
        if not notches:
            return  # one request per row: no notches needed, and the gutter names each row
        gaps: list[QRect] = []  # a 1 px notch where a request starts, so neighbours stay apart
        labels: list[tuple[QRect, str, Segment]] = []
        want_labels = bar_h >= LABEL_MIN_LANE_H
        for _, row, a, b, name, main in bars:
            x0 = int(left + (a - t0) * scale)
            x1 = int(left + (b - t0) * scale)
            if x1 - x0 < 4 or x1 < left or x0 > right:
                continue
            y = int(top + row * lane_h)
            gaps.append(QRect(x0, y, 1, h))
            if want_labels:
                labels.append((QRect(x0, y, x1 - x0, h), name, main))
        painter.setBrush(base)
        painter.drawRects(gaps)
        if labels:
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


class _BandCache:
    """One band's ended requests, flattened once, and how many of them are in the image."""

    def __init__(self, run: ShownRun) -> None:
        self.run = run
        self.pieces: list[FlatPiece] = []
        self.bars: list[FlatBar] = []
        self.flattened = 0  # how many of the model's ended requests are flattened
        self.drawn_pieces = 0
        self.drawn_bars = 0


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
                pieces, bars = flatten(new, row_of, 0.0, not notches)
                band.pieces += pieces
                band.bars += bars
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
        fresh = [i for i, band in enumerate(self._bands) if band.drawn_pieces < len(band.pieces)]
        if not fresh:
            return
        painter = QPainter(self.image)
        painter.setClipRect(geo.plot)
        for index in fresh:
            band = self._bands[index]
            pieces, bars = band.pieces[band.drawn_pieces :], band.bars[band.drawn_bars :]
            self.bars.paint(painter, geo, index, pieces, bars, dark, notches, palette.base())
            band.drawn_pieces, band.drawn_bars = len(band.pieces), len(band.bars)
        painter.end()


def paint_slivers(
    painter: QPainter,
    geo: TimelineGeometry,
    band: int,
    slivers: Sequence[SliverEvent],
    row_of_lane: Mapping[str, int],
    dark: bool,
) -> None:
    """The moments each worker really ran, as ticks along the bottom of its lane.

    A coroutine's step ran all of its moment: a solid tick. A thread's CPU-clock sample says how
    much of its moment the thread ran: paler when only part. Neighbouring ticks on one row that
    touch the same pixels merge, so thousands of steps cost at most a few rectangles per pixel
    column, drawn with one ``drawRects`` per shade.
    """
    window = geo.window
    first = bisect_left(slivers, window.t0, key=lambda s: s.t1)  # recorded in time order
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
    ink = QColor("#f2f2f2") if dark else QColor("#111111")  # dark ticks; light ones on a dark theme
    painter.setPen(Qt.PenStyle.NoPen)
    for alpha, rects in zip(TICK_ALPHAS, shades, strict=True):
        if rects:
            ink.setAlpha(alpha)
            painter.setBrush(ink)
            painter.drawRects(rects)
