"""Live numbers beside the timeline, and the legend of phase colours."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from gui.core.model.segments import SEGMENT_LABELS, STEP_SEGMENTS, Segment, segments_of_step
from gui.core.modes.catalogue import at_once, mode_spec
from gui.core.views.timeline_pieces import ShownRun
from gui.core.workload.settings import RunSettings
from gui.qt.bar_layer import TICK_SHARE_OF_BAR
from gui.qt.theme import DEADLOCK_HEX, NOW_LINE_HEX, is_dark, segment_color, sliver_color

ROWS = ("Elapsed", "Done", "In flight", "Peak", "Eff. concurrency", "Throughput", "p50 / p95", "Errors", "Ideal / eff.")


class Swatch(QWidget):
    def __init__(self, segment: Segment | None, color_hex: str = "") -> None:
        super().__init__()
        self.segment = segment
        self.color_hex = color_hex
        self.setFixedSize(22, 12)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        color = (
            segment_color(self.segment, is_dark(self.palette())) if self.segment is not None else QColor(self.color_hex)
        )
        painter.fillRect(self.rect(), color)
        painter.end()


class TickSwatch(QWidget):
    """A computing bar with a tick along its bottom, as the timeline draws a worker really running."""

    def __init__(self) -> None:
        super().__init__()
        self.setFixedSize(22, 12)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        dark = is_dark(self.palette())
        painter.fillRect(self.rect(), segment_color(Segment.COMPUTING, dark))
        tick_h = max(round(self.height() * TICK_SHARE_OF_BAR), 1)
        painter.fillRect(4, self.height() - tick_h, self.width() - 8, tick_h, sliver_color(dark))
        painter.end()


class StatsPanel(QWidget):
    legend_changed = Signal()  # rows of the legend were shown or hidden (its width may change)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: dict[str, QLabel] = {}
        stats_box = QGroupBox("Live stats")
        form = QFormLayout(stats_box)
        for name in ROWS:
            label = QLabel("–")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)
            self.values[name] = label
            form.addRow(name, label)
        legend_box = QGroupBox("Legend")
        legend = QFormLayout(legend_box)
        self._legend = legend
        for segment in Segment:
            legend.addRow(Swatch(segment), QLabel(SEGMENT_LABELS[segment]))
        legend.addRow(Swatch(None, NOW_LINE_HEX), QLabel("now"))
        self._ticks_row = legend.rowCount()  # shown with runs that marked when their workers really ran
        legend.addRow(TickSwatch(), QLabel("really running (ticks along a bar's bottom)"))
        self.deadlock_arrow = QLabel("⟶  waits for a lock held by (a deadlock's cycle)")
        legend.addRow(Swatch(None, DEADLOCK_HEX), self.deadlock_arrow)
        # Start-ups are listed for a mode that always starts interpreters (known from the settings
        # shown) or for a shown run that has some (a warm pool's first run, known from its model).
        self._startups_by_mode = False
        self._startups_in_run = False
        self.show_step_legend([])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 8, 4)
        self._stats_box = stats_box
        layout.addWidget(stats_box)
        layout.addWidget(legend_box)
        layout.addStretch(1)
        self.setMinimumWidth(220)

    def show_step_legend(self, runs: Iterable[RunSettings]) -> None:
        """The colours of job steps (computing, the GIL, locks, futures...) only of the runs shown."""
        shown = set()
        by_mode = ticked = False
        for settings in runs:
            ticked |= settings.trace_slivers
            shown |= {*segments_of_step(settings.after_fetch), *mode_spec(settings.mode).draws}
            by_mode |= mode_spec(settings.mode).slow_to_start
        for segment in STEP_SEGMENTS:
            self._legend.setRowVisible(list(Segment).index(segment), segment in shown)
        self._legend.setRowVisible(self._legend.rowCount() - 1, Segment.DEADLOCKED in shown)
        self._legend.setRowVisible(self._ticks_row, ticked)
        self._startups_by_mode = by_mode
        self._show_startups()
        self.legend_changed.emit()

    def _show_startups(self) -> None:
        listed = self._startups_by_mode or self._startups_in_run
        self._legend.setRowVisible(list(Segment).index(Segment.STARTING), listed)

    def lists(self, segment: Segment) -> bool:
        """Whether the legend shows ``segment`` now."""
        return self._legend.isRowVisible(list(Segment).index(segment))

    def show_legend_only(self, only: bool) -> None:
        """Presenter mode: the colours' key alone (a class reads the bars, not the numbers)."""
        self._stats_box.setVisible(not only)

    def shown(self, name: str) -> str:
        """The words beside ``name`` ("Done": "12 / 12"), as the panel shows them."""
        return self.values[name].text()

    def show_run(self, live: ShownRun | None) -> None:
        if live is None:
            for label in self.values.values():
                label.setText("–")
            return
        model, summary = live.model, live.summary_now()
        self._startups_in_run = bool(model.worker_starts)
        self._show_startups()
        v = self.values
        v["Elapsed"].setText(f"{live.elapsed_s():.2f} s")
        v["Done"].setText(f"{model.done:,} / {model.total:,}")
        v["In flight"].setText(f"{model.in_flight}")
        v["Peak"].setText(f"{summary.peak_in_flight}  (limit {at_once(live.settings)})")
        v["Eff. concurrency"].setText(f"{summary.effective_concurrency:.1f}")
        v["Throughput"].setText(f"{summary.throughput_rps:.1f} req/s")
        if summary.p50_ms is not None and summary.p95_ms is not None:
            v["p50 / p95"].setText(f"{summary.p50_ms:.0f} / {summary.p95_ms:.0f} ms")
        else:
            v["p50 / p95"].setText("–")
        errors = ", ".join(f"{kind} ×{n}" for kind, n in sorted(summary.errors.items()))
        retries = f" ({summary.retries} retries)" if summary.retries else ""
        v["Errors"].setText((errors or ("none" if model.done else "–")) + retries)
        if not live.running and summary.ideal_s is not None and summary.efficiency is not None:
            v["Ideal / eff."].setText(f"{summary.ideal_s:.2f} s / {summary.efficiency:.0%}")
        else:
            v["Ideal / eff."].setText("–")
