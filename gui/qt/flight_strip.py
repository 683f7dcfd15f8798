"""Under the timeline: how many requests were in flight at each moment, against the limit."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.core.model.segments import Segment
from gui.core.modes.catalogue import at_once
from gui.core.results.stats import level_steps
from gui.core.views.timeline_pieces import ShownRun
from gui.qt.bar_layer import draw_rects
from gui.qt.theme import LIMIT_LINE_HEX, NOW_LINE_HEX, blend, segment_color
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_geometry import GUTTER_W, plot_columns, x_of_time

MIN_H, MAX_H = 84, 120
CAPTION_LINES = 5
FILL_OPACITY = 0.67

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


def column_peaks(times: Floats, levels: Ints, t0: float, span_s: float, columns: int, end: float) -> Ints:
    """The highest level reached in each of ``columns`` equal slices of [t0, t0 + span_s].

    ``times``/``levels`` are the steps (sorted by time; the level just after each). A column's
    peak is the level it starts at or any step inside it; columns after ``end`` are empty. Array
    operations: at 20,000 steps a Python loop over them cost 4 ms every frame.
    """
    if columns <= 0 or not len(times):
        return np.zeros(max(columns, 0), dtype=np.int64)
    per_column = span_s / columns
    column_of = np.floor((times - t0) / per_column).astype(np.int64)  # each step's column (sorted)
    # The level each column starts at: the level after the last step of an earlier column.
    before = np.searchsorted(column_of, np.arange(columns), side="left")
    peaks = np.where(before > 0, levels[np.maximum(before - 1, 0)], 0).astype(np.int64)
    inside = (column_of >= 0) & (column_of < columns)
    cols, found = column_of[inside], levels[inside]
    if len(cols):
        first = np.flatnonzero(np.diff(cols, prepend=-1))  # where each column's steps begin
        peaks[cols[first]] = np.maximum(peaks[cols[first]], np.maximum.reduceat(found, first))
    last = min(math.floor((end - t0) / per_column) + 1, columns)  # floor: a view starting after now is empty
    peaks[max(last, 0) :] = 0
    return peaks


class StepArrays:
    """``level_steps`` of a growing run as two arrays, converting only the steps that are new."""

    def __init__(self) -> None:
        self.times: Floats = np.zeros(0)
        self.levels: Ints = np.zeros(0, dtype=np.int64)
        self._source: list[tuple[float, int]] | None = None

    def update(self, steps: list[tuple[float, int]]) -> None:
        if steps is not self._source or len(steps) < len(self.times):  # sorted again from scratch
            self._source, self.times, self.levels = steps, np.zeros(0), np.zeros(0, dtype=np.int64)
        new = steps[len(self.times) :]
        if new:
            block = np.array(new, dtype=np.float64)
            self.times = np.concatenate((self.times, block[:, 0]))
            self.levels = np.concatenate((self.levels, block[:, 1].astype(np.int64)))


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
        self._steps = StepArrays()
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
        self._steps, self._seen_changes = StepArrays(), None
        self.update()

    def refresh(self) -> None:
        self.now = self.live.elapsed_s() if self.live is not None else 0.0
        model = self.live.model if self.live is not None else None
        # A replay moved back in time has a new model (with fewer changes): its steps start over.
        seen = (id(model), len(model.flight_changes)) if model is not None else None
        if model is not None and seen != self._seen_changes:
            self._steps.update(level_steps(model.flight_changes))
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
        limit = at_once(self.live.settings)
        top_level = max(limit, self.live.model.peak_in_flight, 1) * 1.2  # headroom above the limit line
        end = self.now
        columns = column_peaks(
            self._steps.times, self._steps.levels, self.time_window.t0, self.time_window.span_s, int(plot.width()), end
        )
        scale = plot.height() / top_level
        heights = np.trunc(columns * scale)
        shown = np.flatnonzero(heights > 0)
        rects = np.empty((len(shown), 4))  # x, y, w, h: one column each, handed to Qt as one array
        rects[:, 0] = int(plot.left()) + shown
        rects[:, 1] = int(plot.bottom()) - heights[shown]
        rects[:, 2] = 1.0
        rects[:, 3] = heights[shown]
        painter.save()
        painter.setClipRect(plot.adjusted(0, -2, 0, 2))
        painter.setPen(Qt.PenStyle.NoPen)
        fill = blend(self.palette().base().color(), segment_color(Segment.DOWNLOADING, False), FILL_OPACITY)
        painter.setBrush(fill)  # opaque: painting it blends nothing
        draw_rects(painter, rects)
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
