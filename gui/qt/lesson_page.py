"""The Lesson dock: the story, the buttons (run it, try it yourself), and the figure, drawn large
with this run's numbers. The variants themselves run as bands on the main timeline, and each
one's code is in the Explain dock (click its row in the Comparison table)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from gui.core.lessons.claims import Claim
from gui.core.lessons.lesson import LessonFigures, LessonSpec
from gui.core.model.segments import Segment
from gui.core.modes.catalogue import mode_spec
from gui.core.watches.machine_load import MachineLoad
from gui.qt.fonts import derived_font
from gui.qt.theme import is_dark, segment_color

if TYPE_CHECKING:
    from gui.qt.sweep_plot import SweepPlot

BAR_H = 30
LABEL_W = 130
NUMBER_W = 120  # room right of the longest bar for its number and unit
PARTS = ("story", "figure")  # what presenter mode shows one at a time, as pages


class FigureBars(QWidget):
    """One bar per variant, as long as its value of the lesson's ``plot_key``, the number at its end."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, float]] = []
        self.caption = ""
        self.unit = "×"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_values(self, rows: Sequence[tuple[str, float]], caption: str, unit: str = "×") -> None:
        self.rows, self.caption, self.unit = list(rows), caption, unit
        self.setFixedHeight(self.sizeHint().height())
        self.update()

    def bar_h(self) -> int:
        """Tall enough for its bold number: presenter mode's large type gets large bars."""
        return max(BAR_H, round(self.fontMetrics().height() * 2.2))

    def sizeHint(self) -> QSize:
        return QSize(420, self.fontMetrics().height() + 12 + len(self.rows) * (self.bar_h() + 8))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.setFixedHeight(self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        painter.setPen(palette.placeholderText().color())
        caption_h = self.fontMetrics().height() + 8
        painter.drawText(QRectF(0, 0, self.width(), caption_h), Qt.AlignmentFlag.AlignLeft, self.caption)
        bar_h = self.bar_h()
        top = max((value for _, value in self.rows), default=1.0) or 1.0
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        painter.setFont(font)
        fill = segment_color(Segment.WAITING, is_dark(palette))
        label_w = max([LABEL_W] + [painter.fontMetrics().horizontalAdvance(name) + 16 for name, _ in self.rows])
        number_w = max(NUMBER_W, painter.fontMetrics().horizontalAdvance("000.00 s") + 16)
        room = self.width() - label_w - number_w
        for row, (name, value) in enumerate(self.rows):
            y = caption_h + 4 + row * (bar_h + 8)
            painter.setPen(palette.text().color())
            painter.drawText(
                QRectF(0, y, label_w - 10, bar_h), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name
            )
            width = max(room * value / top, 2)
            painter.fillRect(QRectF(label_w, y, width, bar_h), fill)
            decimals = 0 if value >= 100 or value.is_integer() else 1 if value >= 10 else 2  # counts stay whole
            number = QRectF(label_w + width + 8, y, number_w, bar_h)
            painter.drawText(number, Qt.AlignmentFlag.AlignVCenter, f"{value:.{decimals}f}{self.unit}")
        painter.end()


class LessonPage(QWidget):
    run_requested = Signal(str)  # a lesson id
    try_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson: LessonSpec | None = None
        self.title = QLabel("Lessons")
        self.title.setFont(derived_font(1.3, bold=True))
        self.title.setWordWrap(True)
        self.narrative = QLabel("Choose a lesson in the Lessons menu (its shortcuts are Ctrl and the lesson's number).")
        self.narrative.setWordWrap(True)
        self.narrative.setTextFormat(Qt.TextFormat.PlainText)
        self.variants = QLabel()
        self.variants.setWordWrap(True)
        self.run_button = QPushButton("Run the lesson")
        self.run_button.setToolTip("Runs every variant, one after another, on the same Pokémon and network (R)")
        self.try_button = QPushButton("Try it yourself")
        self.try_button.setToolTip("Puts the lesson's settings into the panel on the left: change them and run")
        self.run_button.clicked.connect(lambda: self.lesson and self.run_requested.emit(self.lesson.id))
        self.try_button.clicked.connect(lambda: self.lesson and self.try_requested.emit(self.lesson.id))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.bars = FigureBars()
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setFont(derived_font(1.15, bold=True))
        self.checks = QLabel()  # each check of the lesson's claim, held or not, with its numbers
        self.checks.setWordWrap(True)
        self.checks.setTextFormat(Qt.TextFormat.PlainText)
        self.machine = QLabel()  # how busy the machine was while the lesson ran
        self.machine.setWordWrap(True)

        story = QWidget()
        story_layout = QVBoxLayout(story)
        story_layout.setContentsMargins(8, 8, 8, 8)
        story_layout.addWidget(self.title)
        story_layout.addWidget(self.narrative)
        story_layout.addWidget(self.variants)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.try_button)
        buttons.addStretch(1)
        story_layout.addLayout(buttons)
        story_layout.addWidget(self.verdict)  # beside the story, so a tall figure never covers it
        story_layout.addStretch(1)
        story_scroll = QScrollArea()
        story_scroll.setWidget(story)
        story_scroll.setWidgetResizable(True)
        story_scroll.setFrameShape(QFrame.Shape.NoFrame)
        figure = QWidget()
        self.figure_layout = QVBoxLayout(figure)
        self.figure_layout.setContentsMargins(8, 8, 8, 8)
        self.figure_layout.addWidget(self.status)
        self.figure_layout.addWidget(self.bars)
        self.figure_layout.addWidget(self.checks)
        self.figure_layout.addWidget(self.machine)
        self._sweep: SweepPlot | None = None  # made when a lesson of series first needs it
        self.figure_layout.addStretch(1)
        figure_scroll = QScrollArea()  # a short dock scrolls the figure instead of squeezing it
        figure_scroll.setWidget(figure)
        figure_scroll.setWidgetResizable(True)
        figure_scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(story_scroll, 3)
        layout.addWidget(figure_scroll, 2)
        self.parts = {"story": story_scroll, "figure": figure_scroll}
        self._set_enabled(False)

    def show_part(self, part: str | None) -> None:
        """One of ``PARTS`` alone (a presenter's page), or both side by side (None)."""
        for name, widget in self.parts.items():
            widget.setVisible(part is None or name == part)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationFontChange:  # presenter mode: the headings grow too
            self.title.setFont(derived_font(1.3, bold=True))
            self.verdict.setFont(derived_font(1.15, bold=True))

    def _set_enabled(self, enabled: bool) -> None:
        self.run_button.setEnabled(enabled)
        self.try_button.setEnabled(enabled)

    def show_lesson(self, spec: LessonSpec) -> None:
        self.lesson = spec
        self.title.setText(spec.title)
        self.narrative.setText(spec.narrative)
        lines = [f"• {v.name}: {mode_spec(v.mode).title}, {v.caption}" for v in spec.variants]
        self.variants.setText("Variants, run one after another:\n" + "\n".join(lines))
        self.status.setText("Press Run the lesson: the figure appears here, measured on this machine.")
        self.bars.show_values([], "")
        self.bars.setVisible(not spec.is_series)
        if spec.is_series:
            self.sweep.show()
            self.sweep.clear()
        elif self._sweep is not None:
            self._sweep.hide()
        self.verdict.setText("")
        self._set_enabled(True)

    @property
    def sweep(self) -> SweepPlot:
        """The plot a lesson of series draws; pyqtgraph is loaded only when one is first opened."""
        if self._sweep is None:
            from gui.qt.sweep_plot import SweepPlot

            self._sweep = SweepPlot()
            self.figure_layout.insertWidget(2, self._sweep, 1)  # under the status line and the bars
        return self._sweep

    def clear_figure(self) -> None:
        """A new run of the lesson starts: the last run's figure must not stand beside it."""
        self.bars.show_values([], "")
        if self._sweep is not None:
            self._sweep.clear()
        self._clear_words()

    def _clear_words(self) -> None:
        self.verdict.setText("")
        self.checks.setText("")
        self.machine.setText("")

    def show_running(self, step: int, total: int, name: str) -> None:
        self.status.setText(f"Running {step} of {total}: {name}…")
        self._clear_words()

    def show_figures(self, spec: LessonSpec, figures: LessonFigures, machine: MachineLoad | None = None) -> None:
        """The figure of a finished lesson run: its bars, its checks and its verdict, with this run's numbers."""
        rows = [
            (v.name, float(figure.get(spec.plot_key) or 0.0))
            for v, figure in zip(spec.variants, figures.variants, strict=True)
            if spec.plot_key in figure
        ]
        self.status.setText("Measured just now, on this machine:")
        if spec.is_series:
            self.sweep.show_figure(figures, [v.name for v in spec.variants])
        else:
            self.bars.show_values(rows, spec.plot_label, spec.plot_unit)
        claim = spec.claim(figures)
        self.verdict.setText(spec.verdict(figures, machine))
        self.checks.setText(checks_text(claim))
        self.machine.setText(machine.sentence() if machine is not None else "")

    def show_problem(self, text: str) -> None:
        self.status.setText(text)
        self._clear_words()

    def stopped(self) -> None:
        self.clear_figure()
        self.status.setText("Stopped before every variant ran: no figure (press Run the lesson again).")


def checks_text(claim: Claim) -> str:
    """ "✓ threads' speed-up over one after another: 9.4 (at least 8)", one line per check."""
    words = {">=": "at least", "<=": "at most", ">": "more than", "<": "less than", "==": "exactly"}
    held = sum(check.held for check in claim.checks)
    lines = [f"The lesson's checks on this run: {held} of {len(claim.checks)} held."]
    for check in claim.checks:
        mark = "✓" if check.held else "✗"
        lines.append(f"{mark} {check.what}: {check.measured:g} ({words[check.op]} {check.mark:g})")
    return "\n".join(lines)
