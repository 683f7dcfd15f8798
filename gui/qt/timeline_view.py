"""The timeline: one row per worker (or per request), one bar per request, coloured by phase.

Painting is the hot path, so the widget draws in two layers (see qt-asyncio-notes.md, "Drawing
many bars"): requests that have ended never change, so they are drawn once into a cached image
(only the newly ended ones each frame); requests still running are drawn over it every frame.
The cache is rebuilt only when the view changes (zoom, pan, resize, a new lane, a follow step).
Rectangles are batched per colour into a single ``drawRects`` call.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import NamedTuple

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from gui.core.lab import LiveRun
from gui.core.registry import keys_hint
from gui.core.run_model import Span
from gui.core.segments import Segment, span_pieces
from gui.core.trace import PHASE_ORDER, Phase, Status
from gui.qt.theme import NOW_LINE_HEX, is_dark, segment_color, text_color_on
from gui.qt.time_window import TimeWindow, tick_step

GUTTER_W = 92
AXIS_H = 26
RIGHT_PAD = 10
MAX_LANE_H = 40.0
LABEL_MIN_LANE_H = 11.0
CLICK_SLOP_PX = 4
WHEEL_ZOOM_PER_NOTCH = 1.25
MIN_PIECE_PX = 0.75


class _Piece(NamedTuple):
    request_id: int
    lane: int  # the model's lane index (-1: none)
    segment: Segment
    t0: float
    t1: float
    sole: bool  # the request's only piece: drawn even when thinner than a pixel


class _Bar(NamedTuple):
    request_id: int
    lane: int
    t0: float
    t1: float
    name: str
    main: Segment  # the colour its label sits on


def natural_key(text: str) -> list[object]:
    """ "worker_10" after "worker_9": compare digit runs as numbers."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


class TimelineView(QWidget):
    """Draws a :class:`LiveRun`'s model; emits ``span_clicked`` with a request id."""

    span_clicked = Signal(int)

    def __init__(self, window: TimeWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.time_window = window
        self.live: LiveRun | None = None
        self.per_request = False
        self.now = 0.0
        self.banner = ""  # a one-line message over the timeline (e.g. "threads run cancelled")
        self._rows: list[str] = []
        self._row_of_lane: dict[str, int] = {}
        self._cache: QImage | None = None
        self._cache_key: tuple[object, ...] | None = None
        self._ended_pieces: list[_Piece] = []  # every ended request, flattened once
        self._ended_bars: list[_Bar] = []
        self._cached_pieces = self._cached_bars = 0  # how many of those are in the image
        self._press: QPoint | None = None
        self._press_t0 = 0.0
        self._dragged = False
        self._label_font = QFont(self.font())
        self._label_font.setPointSizeF(max(self.font().pointSizeF() - 1, 7))
        self._label_metrics = QFontMetrics(self._label_font)
        self._text_width: dict[str, int] = {}
        self.setMouseTracking(True)
        self.setMinimumSize(420, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.time_window.changed.connect(self.update)

    # --- what to show ---------------------------------------------------------------------

    def set_run(self, live: LiveRun | None) -> None:
        self.live = live
        self._rows, self._row_of_lane = [], {}
        self._forget_drawn()
        self.now = 0.0
        self.time_window.reset()
        self.update()

    def set_per_request(self, per_request: bool) -> None:
        if per_request != self.per_request:
            self.per_request = per_request
            self._forget_drawn()
            self.update()

    def refresh(self, now: float) -> None:
        """Called once per frame after the model took its events."""
        self.now = now
        if self.live is not None and len(self.live.model.lanes) != len(self._rows):
            self._rows = sorted(self.live.model.lanes, key=natural_key)
            self._row_of_lane = {lane: i for i, lane in enumerate(self._rows)}
        if self.live is not None and not self.live.running and self.time_window.following:
            self.time_window.fit(self.live.run.wall_s)
        else:
            self.time_window.follow(now)
        self.update()

    def fit(self) -> None:
        if self.live is None:
            return
        end = self.live.run.wall_s if not self.live.running else self.now
        self.time_window.fit(end)

    # --- geometry -------------------------------------------------------------------------

    def plot_rect(self) -> QRect:
        return QRect(
            GUTTER_W, AXIS_H, max(self.width() - GUTTER_W - RIGHT_PAD, 10), max(self.height() - AXIS_H - 4, 10)
        )

    @property
    def row_count(self) -> int:
        if self.live is None:
            return 0
        return self.live.model.total if self.per_request else len(self._rows)

    def lane_height(self) -> float:
        return min(self.plot_rect().height() / max(self.row_count, 1), MAX_LANE_H)

    def x_of(self, t: float) -> float:
        plot = self.plot_rect()
        return plot.left() + (t - self.time_window.t0) / self.time_window.span_s * plot.width()

    def t_of(self, x: float) -> float:
        plot = self.plot_rect()
        return self.time_window.t0 + (x - plot.left()) / plot.width() * self.time_window.span_s

    def row_of(self, span: Span) -> int:
        if self.per_request:
            return span.request_id
        return self._row_of_lane.get(span.lane, -1) if span.lane is not None else -1

    def span_at(self, pos: QPoint | QPointF) -> Span | None:
        """The request drawn under ``pos``, if any."""
        if self.live is None or not self.plot_rect().contains(QPoint(int(pos.x()), int(pos.y()))):
            return None
        row = int((pos.y() - self.plot_rect().top()) / self.lane_height())
        t = self.t_of(pos.x())
        tolerance = 3 * self.time_window.span_s / self.plot_rect().width()
        spans = self.live.model.spans
        if self.per_request:
            candidates = [spans[row]] if 0 <= row < len(spans) else []
        else:
            lane = self._rows[row] if 0 <= row < len(self._rows) else None
            candidates = [s for s in spans if s.lane == lane and lane is not None]
        for span in candidates:
            first = span.t.get(Phase.QUEUED if self.per_request else Phase.STARTED)
            last = span.t.get(Phase.ENDED, self.now)
            if first is not None and first - tolerance <= t <= last + tolerance:
                return span
        return None

    # --- painting -------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        dark = is_dark(self.palette())
        painter.fillRect(self.rect(), self.palette().base())
        if self.live is None:
            self._paint_empty(painter)
        else:
            self._paint_grid(painter)
            self._update_cache(dark)
            if self._cache is not None:
                painter.drawImage(QPointF(0, 0), self._cache)
            self._paint_live_spans(painter, dark)
            self._paint_now_line(painter)
        self._paint_axis(painter)
        if self.banner:
            self._paint_banner(painter)
        painter.end()

    def _paint_empty(self, painter: QPainter) -> None:
        painter.setPen(self.palette().placeholderText().color())
        text = f"Click a mode (or press {keys_hint()}) to fetch Pokémon.\nEvery request becomes a bar here, live."
        painter.drawText(self.plot_rect(), Qt.AlignmentFlag.AlignCenter, text)

    def _paint_grid(self, painter: QPainter) -> None:
        plot = self.plot_rect()
        grid = QColor(self.palette().text().color())
        grid.setAlpha(28)
        painter.setPen(QPen(grid, 1))
        step = tick_step(self.time_window.span_s, plot.width())
        t = (self.time_window.t0 // step) * step
        while t <= self.time_window.t1:
            x = self.x_of(t)
            if x >= plot.left():
                painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            t += step
        lane_h = self.lane_height()
        if lane_h >= 8 and self.row_count:
            stripe = QColor(grid)
            stripe.setAlpha(10)
            for row in range(0, self.row_count, 2):
                painter.fillRect(QRectF(plot.left(), plot.top() + row * lane_h, plot.width(), lane_h), stripe)

    def _paint_axis(self, painter: QPainter) -> None:
        plot = self.plot_rect()
        painter.fillRect(QRect(0, 0, self.width(), AXIS_H), self.palette().window())
        painter.setPen(self.palette().text().color())
        step = tick_step(self.time_window.span_s, plot.width())
        decimals = max(0, -int(f"{step:e}".split("e")[1]))
        t = (self.time_window.t0 // step) * step
        while t <= self.time_window.t1 + 1e-9:
            x = self.x_of(t)
            if plot.left() - 1 <= x <= plot.right() + 1:
                painter.drawLine(QPointF(x, AXIS_H - 6), QPointF(x, AXIS_H - 1))
                label_x = min(x - 40, self.width() - 82)  # the last label stays whole at the right edge
                painter.drawText(
                    QRectF(label_x, 2, 80, AXIS_H - 8), Qt.AlignmentFlag.AlignCenter, f"{t:.{decimals}f} s"
                )
            t += step
        painter.drawLine(plot.left(), AXIS_H - 1, plot.right(), AXIS_H - 1)
        caption = "requests" if self.per_request else "workers"
        painter.drawText(QRect(6, 2, GUTTER_W - 8, AXIS_H - 4), Qt.AlignmentFlag.AlignVCenter, caption)

    def _paint_gutter(self, painter: QPainter) -> None:
        plot = self.plot_rect()
        painter.fillRect(QRect(0, plot.top(), GUTTER_W - 2, plot.height() + 4), self.palette().window())
        lane_h = self.lane_height()
        painter.setPen(self.palette().text().color())
        painter.setFont(self._label_font)
        if lane_h < LABEL_MIN_LANE_H:
            text = f"{self.row_count:,} {'requests' if self.per_request else 'lanes'}"
            painter.drawText(QRect(4, plot.top(), GUTTER_W - 8, 20), Qt.AlignmentFlag.AlignLeft, text)
            return
        assert self.live is not None
        labels = [s.pokemon for s in self.live.model.spans] if self.per_request else self._rows
        for row, label in enumerate(labels):
            rect = QRectF(4, plot.top() + row * lane_h, GUTTER_W - 10, lane_h)
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, label)

    def _paint_now_line(self, painter: QPainter) -> None:
        assert self.live is not None
        if not self.live.running:
            return
        x = self.x_of(self.now)
        plot = self.plot_rect()
        painter.setPen(QPen(QColor(NOW_LINE_HEX), 2))
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))

    def _paint_banner(self, painter: QPainter) -> None:
        plot = self.plot_rect()
        metrics = painter.fontMetrics()
        box = QRectF(
            plot.left() + 8, plot.top() + 8, metrics.horizontalAdvance(self.banner) + 24, metrics.height() + 12
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(30, 30, 30, 215))
        painter.drawRoundedRect(box, 6, 6)
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.banner)

    def _update_cache(self, dark: bool) -> None:
        """Draw newly ended requests into the cached image; rebuild it when the view changed."""
        assert self.live is not None
        ratio = self.devicePixelRatioF()
        key = (
            self.size(),
            ratio,
            self.time_window.t0,
            self.time_window.t1,
            self.per_request,
            len(self._rows),
            dark,
            id(self.live),
        )
        ended = self.live.model.ended_order
        if len(self._ended_bars) < len(ended):  # flatten each ended request once, in time units
            spans = self.live.model.spans
            pieces, bars = self._flatten([spans[i] for i in ended[len(self._ended_bars) :]])
            self._ended_pieces += pieces
            self._ended_bars += bars
        if key != self._cache_key or self._cache is None:
            size = QSize(int(self.width() * ratio), int(self.height() * ratio))
            self._cache = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
            self._cache.setDevicePixelRatio(ratio)
            self._cache.fill(Qt.GlobalColor.transparent)
            self._cache_key, self._cached_pieces, self._cached_bars = key, 0, 0
            painter = QPainter(self._cache)
            self._paint_gutter(painter)
            painter.end()
        if self._cached_bars < len(self._ended_bars):
            painter = QPainter(self._cache)
            painter.setClipRect(self.plot_rect())
            self._paint_flat(
                painter, self._ended_pieces[self._cached_pieces :], self._ended_bars[self._cached_bars :], dark
            )
            painter.end()
            self._cached_pieces, self._cached_bars = len(self._ended_pieces), len(self._ended_bars)

    def _forget_drawn(self) -> None:
        """Drop the cached image and flattened bars (a new run, or rows per request/worker)."""
        self._cache_key = None
        self._ended_pieces, self._ended_bars = [], []
        self._cached_pieces = self._cached_bars = 0

    def _paint_live_spans(self, painter: QPainter, dark: bool) -> None:
        assert self.live is not None
        model = self.live.model
        painter.save()
        painter.setClipRect(self.plot_rect())
        live = [model.spans[i] for i in model.running]
        self._paint_flat(painter, *self._flatten(live), dark)
        if self.per_request and self.live.running:
            self._paint_waiting_rows(painter, dark)
        painter.restore()

    def _paint_waiting_rows(self, painter: QPainter, dark: bool) -> None:
        """Requests not started yet, one row each, all growing from their queueing to now.

        They were all queued at the start, so neighbouring rows share one rectangle: 10,000
        waiting requests cost a handful of rectangles, not 10,000.
        """
        assert self.live is not None
        spans = self.live.model.spans
        waiting = [s.request_id for s in spans if s.status is Status.QUEUED]
        if not waiting:
            return
        plot = self.plot_rect()
        lane_h = self.lane_height()
        x0 = int(self.x_of(min(spans[i].t.get(Phase.QUEUED, 0.0) for i in waiting)))
        x1 = int(self.x_of(self.now))
        rects = []
        first = previous = waiting[0]
        for request_id in [*waiting[1:], -2]:
            if request_id != previous + 1:  # a run of consecutive rows ends here
                top = int(plot.top() + first * lane_h)
                rects.append(QRect(x0, top, max(x1 - x0, 1), max(int(plot.top() + (previous + 1) * lane_h) - top, 1)))
                first = request_id
            previous = request_id
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(segment_color(Segment.QUEUED, dark))
        painter.drawRects(rects)

    def _flatten(self, spans: list[Span]) -> tuple[list[_Piece], list[_Bar]]:
        """Spans as flat pieces and bars in time units, ready to be scaled to pixels."""
        assert self.live is not None
        model = self.live.model
        pieces: list[_Piece] = []
        bars: list[_Bar] = []
        for span in spans:
            lane = model.lane_index(span.lane)
            if lane < 0 and not self.per_request:
                continue  # never got a worker: it has no row in the per-worker view
            parts = span_pieces(span, self.now, self.per_request)
            sole = len(parts) == 1
            pieces += [_Piece(span.request_id, lane, p.segment, p.t0, p.t1, sole) for p in parts]
            shown = [p for p in parts if p.segment is not Segment.QUEUED]
            if shown:
                main = max(shown, key=lambda p: p.t1 - p.t0).segment  # the label sits mostly on this colour
                bars.append(_Bar(span.request_id, lane, shown[0].t0, shown[-1].t1, span.pokemon, main))
        return pieces, bars

    def _paint_flat(self, painter: QPainter, pieces: list[_Piece], bars: list[_Bar], dark: bool) -> None:
        """Scale pieces to pixels and draw them, one ``drawRects`` per colour."""
        plot = self.plot_rect()
        lane_h = self.lane_height()
        bar_h = max(lane_h * 0.74, 1.0) if lane_h >= 4 else max(lane_h, 1.0)
        pad = (lane_h - bar_h) / 2
        left, right, top = plot.left(), plot.right(), plot.top() + pad
        scale = plot.width() / self.time_window.span_s
        t0 = self.time_window.t0
        h = max(int(bar_h), 1)
        per_request = self.per_request
        lane_rows = self._lane_rows()
        rects: dict[Segment, list[QRect]] = defaultdict(list)
        for request_id, lane, segment, a, b, sole in pieces:
            x0 = left + (a - t0) * scale
            x1 = left + (b - t0) * scale
            if x1 < left or x0 > right or (x1 - x0 < MIN_PIECE_PX and not sole):
                continue  # off screen, or a sliver its neighbours cover anyway
            row = request_id if per_request else lane_rows[lane]
            ix0 = int(x0)
            rects[segment].append(QRect(ix0, int(top + row * lane_h), max(int(x1) - ix0, 1), h))
        painter.setPen(Qt.PenStyle.NoPen)
        for segment, batch in rects.items():
            painter.setBrush(segment_color(segment, dark))
            painter.drawRects(batch)
            if segment in (Segment.FAILED, Segment.CANCELLED, Segment.RETRYING):
                # A texture as well as a colour, so a failure never depends on telling hues apart.
                painter.setBrush(QBrush(QColor(0, 0, 0, 90), Qt.BrushStyle.BDiagPattern))
                painter.drawRects(batch)
        if per_request:
            return  # rows never share a line: no notches needed, and the gutter names each row
        gaps: list[QRect] = []  # a 1 px notch where a request starts, so neighbours stay apart
        labels: list[tuple[QRect, str, Segment]] = []
        want_labels = bar_h >= LABEL_MIN_LANE_H
        for _, lane, a, b, name, main in bars:
            x0 = int(left + (a - t0) * scale)
            x1 = int(left + (b - t0) * scale)
            if x1 - x0 < 4 or x1 < left or x0 > right:
                continue
            y = int(top + lane_rows[lane] * lane_h)
            gaps.append(QRect(x0, y, 1, h))
            if want_labels:
                labels.append((QRect(x0, y, x1 - x0, h), name, main))
        painter.setBrush(self.palette().base())
        painter.drawRects(gaps)
        if labels:
            self._paint_labels(painter, labels, dark)

    def _lane_rows(self) -> list[int]:
        """Row of each lane, indexed by the model's lane index (lanes are shown sorted by name)."""
        assert self.live is not None
        return [self._row_of_lane.get(lane, 0) for lane in self.live.model.lanes]

    def _paint_labels(self, painter: QPainter, labels: list[tuple[QRect, str, Segment]], dark: bool) -> None:
        painter.setFont(self._label_font)
        for rect, text, segment in labels:
            width = self._text_width.get(text)
            if width is None:
                width = self._text_width[text] = self._label_metrics.horizontalAdvance(text)
            if rect.width() >= width + 8:
                painter.setPen(text_color_on(segment_color(segment, dark)))
                painter.drawText(rect.adjusted(4, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)

    # --- interaction ------------------------------------------------------------------------

    def tooltip_text(self, span: Span) -> str:
        """Every timing of one request, and how it ended (shown on hover)."""
        assert self.live is not None
        total = self.live.model.total
        status = span.status.value.replace("_", " ")
        http = f" (HTTP {span.http_status})" if span.http_status else ""
        lines = [f"<b>{span.pokemon}</b> — {status}{http} · request {span.request_id + 1} of {total:,}"]
        if span.lane:
            lines.append(f"on {span.lane}")
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

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._press_t0 = self.time_window.t0
            self._dragged = False

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            dx = pos.x() - self._press.x()
            if abs(dx) > CLICK_SLOP_PX or self._dragged:
                self._dragged = True
                dt = -dx / self.plot_rect().width() * self.time_window.span_s
                self.time_window.pan(self._press_t0 + dt - self.time_window.t0)
            return
        span = self.span_at(pos)
        if span is None:
            QToolTip.hideText()
        else:
            QToolTip.showText(event.globalPosition().toPoint(), self.tooltip_text(span), self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None and not self._dragged:
            span = self.span_at(event.position())
            if span is not None:
                self.span_clicked.emit(span.request_id)
        self._press = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        notches = event.angleDelta().y() / 120
        if notches:
            self.time_window.zoom(WHEEL_ZOOM_PER_NOTCH**notches, self.t_of(event.position().x()))
