"""Under the timeline: how many requests were in flight at each moment, against the limit."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.core.segments import Segment
from gui.core.stats import level_steps
from gui.core.timeline_pieces import ShownRun
from gui.qt.theme import LIMIT_LINE_HEX, NOW_LINE_HEX, segment_color
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_geometry import GUTTER_W, plot_columns, x_of_time

MIN_H, MAX_H = 84, 120
CAPTION_LINES = 5


def column_peaks(steps: list[tuple[float, int]], t0: float, span_s: float, columns: int, end: float) -> list[int]:
    """The highest level reached in each of ``columns`` equal slices of [t0, t0 + span_s]."""
    peaks = [0] * max(columns, 0)
    if not peaks:
        return peaks
    per_column = span_s / columns
    level = 0
    column = 0
    for t, new_level in steps:
        step_column = int((t - t0) / per_column)
        while column < min(step_column, columns):  # columns passed at the old level
            peaks[column] = max(peaks[column], level)
            column += 1
        if 0 <= step_column < columns:
            peaks[step_column] = max(peaks[step_column], level, new_level)
        level = new_level
    last = min(int((end - t0) / per_column) + 1, columns)
    while column < last:
        peaks[column] = max(peaks[column], level)
        column += 1
    return peaks


class FlightStrip(QWidget):
    """A step chart sharing the timeline's time axis; the dashed line is the concurrency limit.

    It shows one run: the one running, or the last one of a comparison.
    """

    def __init__(self, window: TimeWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.time_window = window
        self.live: ShownRun | None = None
        self.title = ""
        self.now = 0.0
        self._steps: list[tuple[float, int]] = []
        self._seen_changes: tuple[int, int] | None = None  # (model, its flight changes) in _steps
        self._fit_caption()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.time_window.changed.connect(self.update)

    def _fit_caption(self) -> None:
        """Tall enough for its caption's lines (title, in flight, now, peak, limit) in this font."""
        lines = self.fontMetrics().lineSpacing() * CAPTION_LINES + 8
        self.setMinimumHeight(max(MIN_H, lines))
        self.setMaximumHeight(max(MAX_H, lines))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presenter mode's large type
            self._fit_caption()

    def set_run(self, live: ShownRun | None, title: str = "") -> None:
        """Show ``live``; ``title`` names it when several runs are on screen (the strip shows one)."""
        self.live = live
        self.title = title
        self._steps, self._seen_changes = [], None
        self.update()

    def refresh(self) -> None:
        self.now = self.live.elapsed_s() if self.live is not None else 0.0
        model = self.live.model if self.live is not None else None
        # A replay moved back in time has a new model (with fewer changes): its steps start over.
        seen = (id(model), len(model.flight_changes)) if model is not None else None
        if model is not None and seen != self._seen_changes:
            self._steps = level_steps(model.flight_changes)
            self._seen_changes = seen
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        left, width = plot_columns(self.width())
        plot = QRectF(left, 6, width, self.height() - 12)
        if self.live is None:
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(4, 0, GUTTER_W - 8, self.height()), Qt.AlignmentFlag.AlignVCenter, "in flight")
        else:
            self._paint_chart(painter, plot)
        painter.end()

    def _paint_chart(self, painter: QPainter, plot: QRectF) -> None:
        """One bar per pixel column, as tall as the most requests in flight during that column.

        Thousands of steps become at most ``width`` rectangles: a filled polygon with a vertex
        per step cost up to 50 ms a frame; this costs well under one.
        """
        assert self.live is not None
        limit = self.live.settings.workers
        top_level = max(limit, self.live.model.peak_in_flight, 1) * 1.2  # headroom above the limit line
        end = self.now
        columns = column_peaks(self._steps, self.time_window.t0, self.time_window.span_s, int(plot.width()), end)
        scale = plot.height() / top_level
        bottom = int(plot.bottom())
        left = int(plot.left())
        rects = [
            QRect(left + i, bottom - int(level * scale), 1, int(level * scale))
            for i, level in enumerate(columns)
            if level
        ]
        painter.save()
        painter.setClipRect(plot.adjusted(0, -2, 0, 2))
        painter.setPen(Qt.PenStyle.NoPen)
        fill = segment_color(Segment.DOWNLOADING, False)
        fill.setAlpha(170)
        painter.setBrush(fill)
        painter.drawRects(rects)
        limit_y = plot.bottom() - limit * scale
        painter.setPen(QPen(QColor(LIMIT_LINE_HEX), 1.2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plot.left(), limit_y), QPointF(plot.right(), limit_y))
        if self.live.running:
            x_now = x_of_time(self.time_window, plot.left(), plot.width(), self.now)
            painter.setPen(QPen(QColor(NOW_LINE_HEX), 2))
            painter.drawLine(QPointF(x_now, plot.top()), QPointF(x_now, plot.bottom()))
        painter.restore()
        painter.setPen(self.palette().text().color())
        caption = f"in flight\nnow {self.live.model.in_flight}\npeak {self.live.model.peak_in_flight}\nlimit {limit}"
        if self.title:
            caption = f"{self.title}\n{caption}"
        painter.fillRect(QRectF(0, 0, GUTTER_W - 2, self.height()), self.palette().window())
        painter.drawText(QRectF(4, 0, GUTTER_W - 8, self.height()), Qt.AlignmentFlag.AlignVCenter, caption)
