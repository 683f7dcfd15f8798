"""Under the timeline: how many requests were in flight at each moment, against the limit."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.core.lab import LiveRun
from gui.qt.theme import LIMIT_LINE_HEX, NOW_LINE_HEX, segment_color
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_view import GUTTER_W, RIGHT_PAD
from gui.core.segments import Segment


def level_steps(changes: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """(t, level after t) for a list of (t, +1/-1), sorted by time (ends first on ties)."""
    level = 0
    steps = []
    for t, delta in sorted(changes, key=lambda change: (change[0], change[1])):
        level += delta
        steps.append((t, level))
    return steps


class FlightStrip(QWidget):
    """A step chart sharing the timeline's time axis; the dashed line is the concurrency limit."""

    def __init__(self, window: TimeWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.live: LiveRun | None = None
        self.now = 0.0
        self._steps: list[tuple[float, int]] = []
        self._seen_changes = -1
        self.setMinimumHeight(70)
        self.setMaximumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.window.changed.connect(self.update)

    def set_run(self, live: LiveRun | None) -> None:
        self.live = live
        self._steps, self._seen_changes = [], -1
        self.update()

    def refresh(self, now: float) -> None:
        self.now = now
        if self.live is not None and len(self.live.model.flight_changes) != self._seen_changes:
            self._steps = level_steps(self.live.model.flight_changes)
            self._seen_changes = len(self.live.model.flight_changes)
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        plot = QRectF(GUTTER_W, 6, max(self.width() - GUTTER_W - RIGHT_PAD, 10), self.height() - 12)
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(4, 0, GUTTER_W - 8, self.height()), Qt.AlignmentFlag.AlignVCenter, "in flight")
        if self.live is not None:
            self._paint_chart(painter, plot)
        painter.end()

    def _paint_chart(self, painter: QPainter, plot: QRectF) -> None:
        assert self.live is not None
        limit = self.live.settings.workers
        top_level = max(limit, self.live.model.peak_in_flight, 1)
        t0, span_s = self.window.t0, self.window.span_s

        def x(t: float) -> float:
            return plot.left() + (t - t0) / span_s * plot.width()

        def y(level: int) -> float:
            return plot.bottom() - level / top_level * plot.height()

        points = [QPointF(x(0.0), y(0))]
        level = 0
        for t, new_level in self._steps:
            points.append(QPointF(x(t), y(level)))
            points.append(QPointF(x(t), y(new_level)))
            level = new_level
        end = self.now if self.live.running else self.live.run.wall_s
        points += [QPointF(x(end), y(level)), QPointF(x(end), y(0))]
        painter.save()
        painter.setClipRect(plot.adjusted(0, -2, 0, 2))
        fill = segment_color(Segment.DOWNLOADING, False)
        fill.setAlpha(120)
        painter.setPen(QPen(segment_color(Segment.DOWNLOADING, False), 1.2))
        painter.setBrush(fill)
        painter.drawPolygon(QPolygonF(points))
        painter.setPen(QPen(QColor(LIMIT_LINE_HEX), 1.2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plot.left(), y(limit)), QPointF(plot.right(), y(limit)))
        if self.live.running:
            painter.setPen(QPen(QColor(NOW_LINE_HEX), 2))
            painter.drawLine(QPointF(x(self.now), plot.top()), QPointF(x(self.now), plot.bottom()))
        painter.restore()
        painter.setPen(self.palette().text().color())
        painter.drawText(QRectF(plot.left() + 4, plot.top(), 300, 16), Qt.AlignmentFlag.AlignLeft,
                         f"limit {limit}   peak {self.live.model.peak_in_flight}   now {self.live.model.in_flight}")  # fmt: skip
