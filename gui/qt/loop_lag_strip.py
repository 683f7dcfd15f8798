"""Under the timeline: how late the event loop answered its heartbeat, on the same time axis.

A heartbeat that was due at ``t - lag`` and fired at ``t`` was kept waiting all that time: at each
moment in between, the loop had been unable to answer for as long as the ramp shows. So a
blocking call of 50 ms draws a ramp up to 50 ms right under its bar, and a loop that answers
on time stays flat. The dashed line is 50 ms, roughly where a window stops feeling responsive.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui.core.model.segments import Segment
from gui.core.views.timeline_pieces import ShownRun
from gui.qt.theme import LIMIT_LINE_HEX, NOW_LINE_HEX, is_dark, segment_color
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_geometry import GUTTER_W, plot_columns, x_of_time

REFERENCE_MS = 50.0
MIN_SCALE_MS = 2 * REFERENCE_MS  # a flat strip still shows where 50 ms would be
ROW_GAP = 4
MIN_ROW_H = 46  # three caption lines beside each row


def lag_columns(lags: Sequence[tuple[float, float]], t0: float, span_s: float, columns: int) -> list[float]:
    """The longest wait (ms) a due heartbeat had had, in each of ``columns`` slices of [t0, t0 + span_s].

    Each beat ``(t, lag_ms)`` waited from ``t - lag`` to ``t``, growing all the while: a ramp.
    """
    peaks = [0.0] * max(columns, 0)
    if not peaks or span_s <= 0:
        return peaks
    per_column = span_s / columns
    for t, lag_ms in lags:
        due = t - lag_ms / 1000
        first = max(int((due - t0) / per_column), 0)
        last = min(int((t - t0) / per_column), columns - 1)
        for column in range(first, last + 1):
            waited_ms = (min(t0 + (column + 1) * per_column, t) - due) * 1000
            if waited_ms > peaks[column]:
                peaks[column] = waited_ms
    return peaks


class LoopLagStrip(QWidget):
    """One row per run shown (a lesson's variants, stacked like the timeline's bands), one scale for all."""

    def __init__(self, window: TimeWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.time_window = window
        self.runs: list[ShownRun] = []
        self.titles: list[str] = []
        self.setMinimumHeight(84)
        self.setMaximumHeight(84)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.time_window.changed.connect(self.update)

    def set_runs(self, runs: Sequence[ShownRun], titles: Sequence[str] = ()) -> None:
        """Show these runs' loop lag; ``titles`` name the rows when there are several."""
        self.runs = list(runs)
        self.titles = [*titles, *[""] * (len(self.runs) - len(titles))][: len(self.runs)]
        height = max(84, ROW_GAP + len(self.runs) * (MIN_ROW_H + ROW_GAP))
        self.setMinimumHeight(height)
        self.setMaximumHeight(height)
        self.update()

    def set_run(self, run: ShownRun | None, title: str = "") -> None:
        self.set_runs([run] if run is not None else [], [title])

    def refresh(self) -> None:
        """Once per frame while a run goes on: its heartbeats so far."""
        self.update()

    def scale_ms(self) -> float:
        """The lag at the top of every row: the worst one shown, with headroom, never under 100 ms."""
        worst = max((lag for run in self.runs for _, lag in run.model.loop_lag), default=0.0)
        return max(worst, MIN_SCALE_MS) * 1.15

    def row_plots(self) -> list[QRectF]:
        """Where each run's chart is drawn, top to bottom, in the timeline's time columns."""
        left, width = plot_columns(self.width())
        height = (self.height() - ROW_GAP * (len(self.runs) + 1)) / max(len(self.runs), 1)
        return [QRectF(left, ROW_GAP + i * (height + ROW_GAP), width, height) for i in range(len(self.runs))]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        if not self.runs:
            self._caption(painter, QRectF(0, 0, GUTTER_W, self.height()), "loop lag")
        scale_ms = self.scale_ms()
        for plot, run, title in zip(self.row_plots(), self.runs, self.titles, strict=True):
            self._paint_row(painter, plot, run, title, scale_ms)
        painter.end()

    def _paint_row(self, painter: QPainter, plot: QRectF, run: ShownRun, title: str, scale_ms: float) -> None:
        lags = run.model.loop_lag
        window = self.time_window
        columns = lag_columns(lags, window.t0, window.span_s, int(plot.width()))
        per_ms = plot.height() / scale_ms
        bottom, left = int(plot.bottom()), int(plot.left())
        rects = [QRect(left + i, bottom - int(ms * per_ms), 1, int(ms * per_ms)) for i, ms in enumerate(columns) if ms]
        painter.save()
        painter.setClipRect(plot.adjusted(0, -1, 0, 1))
        painter.setPen(Qt.PenStyle.NoPen)
        dark = is_dark(self.palette())
        fill = segment_color(Segment.BLOCKED, False)  # the colour of what causes lag: a blocking call
        painter.setBrush(fill.lighter(190) if dark else fill)
        painter.drawRects(rects)
        axis = QColor(self.palette().text().color())
        axis.setAlpha(60)
        painter.setPen(QPen(axis, 1))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        reference_y = plot.bottom() - REFERENCE_MS * per_ms
        painter.setPen(QPen(QColor(LIMIT_LINE_HEX), 1.2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(plot.left(), reference_y), QPointF(plot.right(), reference_y))
        painter.drawText(
            QRectF(plot.right() - 60, reference_y - 16, 58, 15),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
            f"{REFERENCE_MS:.0f} ms",
        )
        if run.running:
            x_now = x_of_time(window, plot.left(), plot.width(), run.elapsed_s())
            painter.setPen(QPen(QColor(NOW_LINE_HEX), 2))
            painter.drawLine(QPointF(x_now, plot.top()), QPointF(x_now, plot.bottom()))
        painter.restore()
        self._caption(painter, QRectF(0, plot.top(), GUTTER_W, plot.height()), self.caption_text(run, title))

    @staticmethod
    def caption_text(run: ShownRun, title: str = "") -> str:
        """What the gutter says beside a run's row."""
        if not run.settings.watch_loop:
            text = "loop lag\nnot watched"
        elif not run.model.loop_lag:
            text = "loop lag\nno beats yet"
        else:
            text = f"loop lag\nworst {max(lag for _, lag in run.model.loop_lag):.0f} ms"
        return f"{title}\n{text}" if title else text

    def _caption(self, painter: QPainter, box: QRectF, text: str) -> None:
        painter.fillRect(QRectF(box.left(), box.top(), GUTTER_W - 2, box.height()), self.palette().window())
        painter.setPen(self.palette().text().color())
        painter.drawText(box.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter, text)
