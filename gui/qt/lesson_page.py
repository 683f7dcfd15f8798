"""The Lesson dock: the story, the buttons (run it, try it yourself), and the figure, drawn large
with this run's numbers. The variants themselves run as bands on the main timeline, and each
one's code is in the Explain dock (click its row in the Comparison table).

The story is rich text: the first use of each glossary word (``gui.core.lessons.glossary``) is a
link, and hovering or clicking it shows the word's one-sentence definition in a small popup."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QCursor,
    QFont,
    QGuiApplication,
    QHideEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
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
from gui.core.lessons.glossary import GLOSSARY, first_uses
from gui.core.lessons.lesson import LessonFigures, LessonSpec
from gui.core.model.segments import Segment
from gui.core.modes.catalogue import mode_spec
from gui.core.watches.machine_load import MachineLoad
from gui.qt.fonts import derived_font
from gui.qt.theme import is_dark, segment_color

if TYPE_CHECKING:
    from gui.qt.sweep_plot import SweepPlot

STORY_EVENTS = (
    QEvent.Type.PaletteChange,
    QEvent.Type.ApplicationPaletteChange,
    QEvent.Type.FontChange,
    QEvent.Type.ApplicationFontChange,
)

BAR_H = 30
LABEL_W = 130
NUMBER_W = 120  # room right of the longest bar for its number and unit
PARTS = ("story", "figure")  # what presenter mode shows one at a time, as pages
TERM_SCHEME = "term:"  # a story's link to a glossary word: "term:event%20loop"
# Okabe-Ito's blue on light paper, its sky blue on dark: both read at 4.5:1 or better on the light,
# dark and presenter palettes (Qt's own link colour is a dark blue even on a dark window).
LINK_HEX = {False: "#0072b2", True: "#56b4e9"}


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


def story_html(text: str, dark: bool, gap_px: int) -> str:
    """``text`` as rich text: a paragraph for each block between blank lines, every character
    escaped, and the first use of each glossary word a link to it."""
    parts, at = [], 0
    for use in first_uses(text):
        word = escape(text[use.start : use.end])
        href = TERM_SCHEME + quote(use.term.name)
        parts += [escape(text[at : use.start]), f'<a href="{href}" style="color: {LINK_HEX[dark]}">{word}</a>']
        at = use.end
    parts.append(escape(text[at:]))
    paragraphs = "".join(parts).split("\n\n")
    style = f"margin-top: 0px; margin-bottom: {gap_px}px"
    return "".join(f'<p style="{style}">{paragraph}</p>' for paragraph in paragraphs)


def term_of(href: str) -> str | None:
    """The glossary word a story's link names, or None for any other link."""
    if not href.startswith(TERM_SCHEME):
        return None
    name = unquote(href.removeprefix(TERM_SCHEME))
    return name if name in GLOSSARY else None


class DefinitionPopup(QLabel):
    """A glossary word's definition, in a small frameless window by the pointer, in tooltip colours.

    Shown by hovering a link (it goes when the pointer leaves the link) or by clicking it or pressing
    Enter on it (it stays until a click, a scroll, Esc or the window losing focus). Not QToolTip:
    its font does not follow presenter mode's larger type on every platform.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.ToolTip)
        self.term: str | None = None  # the word whose definition is shown
        self.pinned = False  # clicked or activated from the keyboard: it stays when the pointer moves
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setMargin(8)
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.Box)

    def show_term(self, name: str, at: QPoint, pinned: bool) -> None:
        self.term, self.pinned = name, pinned or (self.pinned and self.isVisible() and name == self.term)
        app_palette = QApplication.palette()
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, app_palette.color(QPalette.ColorRole.ToolTipBase))
        palette.setColor(QPalette.ColorRole.WindowText, app_palette.color(QPalette.ColorRole.ToolTipText))
        self.setPalette(palette)
        self.setFont(QApplication.font())  # presenter mode's size, whatever the platform gives tooltips
        self.setText(GLOSSARY[name].definition)
        self.setFixedWidth(min(self.fontMetrics().horizontalAdvance("x") * 48, 640))
        self.adjustSize()
        self.move(self._inside_screen(at + QPoint(12, 16)))
        app = QApplication.instance()
        if app is not None and not self.isVisible():
            app.installEventFilter(self)  # to hide as a tooltip does: at a click, a scroll or Esc anywhere
        self.show()
        self.raise_()

    def _inside_screen(self, top_left: QPoint) -> QPoint:
        screen = QGuiApplication.screenAt(top_left) or QGuiApplication.primaryScreen()
        if screen is None:
            return top_left
        room = screen.availableGeometry()
        x = max(room.left(), min(top_left.x(), room.right() - self.width()))
        y = max(room.top(), min(top_left.y(), room.bottom() - self.height()))
        return QPoint(x, y)

    def hideEvent(self, event: QHideEvent) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.pinned = False
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.Wheel, QEvent.Type.WindowDeactivate):
            self.hide()  # a click on another link shows that one's at its release
        elif isinstance(event, QKeyEvent) and kind == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
            self.hide()
        return False


class WrappedColumn(QWidget):
    """A column of wrapped words in a scroll area, never squeezed: a scroll area sizes what it holds
    by its minimum size, which knows nothing of how tall wrapped text is at the width it gets, so
    the words would be given too few lines and drawn over the next ones. The column asks its layout
    for its height at its width, whenever either may have changed, and holds at least that."""

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() in (QEvent.Type.LayoutRequest, QEvent.Type.Resize):
            self._hold_height()
        return handled

    def _hold_height(self) -> None:
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(self.width())
            if needed != self.minimumHeight():
                self.setMinimumHeight(needed)


class LessonPage(QWidget):
    run_requested = Signal(str)  # a lesson id
    try_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson: LessonSpec | None = None
        self.title = QLabel("Lessons")
        self.title.setFont(derived_font(1.3, bold=True))
        self.title.setWordWrap(True)
        self.story = "Choose a lesson in the Lessons menu (its shortcuts are Ctrl and the lesson's number)."
        self.narrative = QLabel()  # the story as rich text (story_html): its glossary words are links
        self.narrative.setWordWrap(True)
        self.narrative.setTextFormat(Qt.TextFormat.RichText)
        self.narrative.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.narrative.setOpenExternalLinks(False)
        self.definition = DefinitionPopup(self)
        self.narrative.linkActivated.connect(lambda href: self._on_term_link(href, pinned=True))
        self.narrative.linkHovered.connect(lambda href: self._on_term_link(href, pinned=False))
        self.narrative.installEventFilter(self)
        self._show_story()
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

        story = WrappedColumn()
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
        self.story_layout = story_layout
        story_scroll = QScrollArea()
        story_scroll.setWidget(story)
        story_scroll.setWidgetResizable(True)
        story_scroll.setFrameShape(QFrame.Shape.NoFrame)
        figure = WrappedColumn()
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

    def refit(self) -> None:
        """Lay the words out again at their height for the width they have now (presenter mode calls
        it once a page is shown full screen, in its large type): a wrapped label's height for its width
        is kept from before the new font and width, and the layout would give it too few lines."""
        for label in (self.title, self.narrative, self.variants, self.verdict, self.status, self.checks, self.machine):
            label.updateGeometry()
        self.story_layout.invalidate()
        self.figure_layout.invalidate()

    def follow_app_font(self) -> None:
        """Presenter mode changed the application's font (gui/qt/fonts.py): the headings follow it."""
        self.title.setFont(derived_font(1.3, bold=True))
        self.verdict.setFont(derived_font(1.15, bold=True))
        self._show_story()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in STORY_EVENTS:  # the links' colour follows a light or dark palette, the gaps the font
            self._show_story()

    def hideEvent(self, event: QHideEvent) -> None:
        self.definition.hide()  # a definition never floats over a page that went away
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on a story's link (reached with Tab) opens it: the label claims the key before any
        window shortcut on Enter (the history's "show the selected run") can take it."""
        if (
            watched is self.narrative
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.ShortcutOverride
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.narrative.hasSelectedText()  # a link has the keyboard's focus
        ):
            event.accept()
            return True
        return super().eventFilter(watched, event)

    def _show_story(self) -> None:
        gap_px = round(self.narrative.fontMetrics().height() * 0.6)
        self.narrative.setText(story_html(self.story, is_dark(self.palette()), gap_px))

    def _on_term_link(self, href: str, pinned: bool) -> None:
        name = term_of(href)
        if name is not None:
            self.definition.show_term(name, self._popup_point(name), pinned)
        elif not self.definition.pinned:  # the pointer left a link it only hovered
            self.definition.hide()

    def _popup_point(self, name: str) -> QPoint:
        """Under the link if it has the keyboard's focus (Tab to it: Qt calls that hovering too, and
        Enter opens it), else by the pointer (a hover, a click)."""
        focused = [use.term.name for use in first_uses(self.narrative.selectedText())]
        if focused == [name]:
            below = self._focused_link_bottom()
            if below is not None:
                return self.narrative.mapToGlobal(below)
        return QCursor.pos()

    def _focused_link_bottom(self) -> QPoint | None:
        """Where the link with the keyboard's focus ends its line, in the story label's coordinates.

        QLabel does not tell where a link is drawn, so its text is laid out again at its width.
        """
        start = self.narrative.selectionStart()  # a plain-text index: a link focused with Tab is selected
        if start < 0:
            return None
        document = QTextDocument()
        document.setDefaultFont(self.narrative.font())
        document.setDocumentMargin(0)
        document.setHtml(self.narrative.text())
        document.setTextWidth(self.narrative.contentsRect().width())
        block = document.findBlock(start)
        if not block.isValid():
            return None
        top = document.documentLayout().blockBoundingRect(block).top()  # lays the text out: lines exist now
        line = block.layout().lineForTextPosition(start - block.position())
        if not line.isValid():
            return None
        placed: tuple[float, int] = line.cursorToX(start - block.position())  # type: ignore[assignment]
        x = placed[0]
        origin = self.narrative.contentsRect().topLeft()
        return origin + QPoint(round(x), round(top + line.y() + line.height()))

    def _set_enabled(self, enabled: bool) -> None:
        self.run_button.setEnabled(enabled)
        self.try_button.setEnabled(enabled)

    def show_lesson(self, spec: LessonSpec) -> None:
        self.lesson = spec
        self.title.setText(spec.title)
        self.definition.hide()
        self.story = spec.narrative
        self._show_story()
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
