"""The textbook code of a mode, highlighted, with the file's own line numbers and its wait line marked.

Pygments splits the source into tokens and picks their colours (a light or a dark style, after the
palette); the view writes each token once with that colour, so nothing is re-lexed while scrolling.
The wait line gets the timeline's "waiting" green as a full-width tint, a ▶ in the gutter and, when
it fits, a "◀ waits here" note after its text: the bar a student watched, and the line that made it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pygments.lexers import PythonLexer
from pygments.styles import get_style_by_name
from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontInfo,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QSizePolicy, QTextEdit, QWidget

from gui.core.model.segments import Segment
from gui.core.views.explain import CodeBlock
from gui.qt.theme import blend, is_dark, segment_color

LIGHT_STYLE = "xcode"  # dark, saturated colours: comments (which carry the lesson) stay legible on the tint
DARK_STYLE = "github-dark"
WAIT_MARKER = "▶"
WAIT_NOTE = "◀ waits here"
GAP_MARK = "⋮"  # the gutter of the empty line between two functions
GUTTER_PAD_PX = 6
MIN_ROWS, MAX_ROWS = 4, 40  # the height it asks for, in lines of code
WAIT_TINT = {False: 0.22, True: 0.30}  # how much of the waiting green goes into the line's background


class CodeView(QPlainTextEdit):
    """Read-only: ``show_code(blocks)`` shows one or more functions, one after another."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.blocks: tuple[CodeBlock, ...] = ()
        self.file_lines: list[int | None] = []  # per shown line: its number in the file (None: a gap)
        self.wait_rows: list[int] = []  # the shown lines (0-based) where a worker waits
        self._rendering = False
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # no blinking caret
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.gutter = _Gutter(self)
        self._apply_font()
        self.updateRequest.connect(self._on_update_request)

    # --- what it shows ---------------------------------------------------------------------------

    def show_code(self, blocks: Sequence[CodeBlock]) -> None:
        self.blocks = tuple(blocks)
        self.file_lines, self.wait_rows = [], []
        for block in self.blocks:
            if self.file_lines:
                self.file_lines.append(None)
            first_row = len(self.file_lines)
            self.file_lines += [block.first_line + i for i in range(len(block.lines))]
            self.wait_rows += [first_row + i for i in block.wait_lines]
        self._render()
        self.updateGeometry()
        self._show_first_wait()

    def _show_first_wait(self) -> None:
        """Scroll so the first wait line sits mid-view: the line the panel is about is never hidden."""
        if not self.wait_rows:
            return
        self.setTextCursor(QTextCursor(self.document().findBlockByNumber(self.wait_rows[0])))
        self.centerCursor()

    def clear_code(self) -> None:
        self.show_code(())

    def wait_marker_text(self, row: int) -> str:
        """What the gutter says on shown line ``row``: its file line number, with ▶ on a wait line."""
        number = self.file_lines[row]
        if number is None:
            return GAP_MARK
        return f"{WAIT_MARKER} {number}" if row in self.wait_rows else str(number)

    def wait_color(self) -> QColor:
        """The wait line's background: the timeline's waiting green, tinted into the base colour."""
        dark = is_dark(self.palette())
        return blend(
            self.palette().color(QPalette.ColorRole.Base), segment_color(Segment.WAITING, dark), WAIT_TINT[dark]
        )

    def accent_color(self) -> QColor:
        """The ▶ marker and the note: the waiting green, lifted on a dark background so it reads."""
        green = segment_color(Segment.WAITING, False)
        return green.lighter(150) if is_dark(self.palette()) else green.darker(115)

    def sizeHint(self) -> QSize:
        """Tall enough for every line (and a scroll bar for the long ones): no empty box under short code."""
        rows = min(max(len(self.file_lines), MIN_ROWS), MAX_ROWS) + 1  # a spare line: no vertical scroll bar
        frame = 2 * self.frameWidth() + 2 * round(self.document().documentMargin())
        scroll_bar = self.horizontalScrollBar().sizeHint().height()
        return QSize(560, rows * self.fontMetrics().lineSpacing() + frame + scroll_bar)

    # --- drawing ----------------------------------------------------------------------------------

    def _render(self) -> None:
        """Write the text token by token in the current palette's style, then mark the wait lines."""
        self._rendering = True
        try:
            self.clear()
            cursor = QTextCursor(self.document())
            formats = _TokenFormats(is_dark(self.palette()), self.palette().color(QPalette.ColorRole.Text))
            for i, block in enumerate(self.blocks):
                if i:
                    cursor.insertText("\n\n", QTextCharFormat())
                for token_type, text in PythonLexer(stripnl=False, ensurenl=False).get_tokens(block.source.rstrip()):
                    cursor.insertText(text, formats.of(token_type))
            self._mark_wait_rows()
            self._fit_gutter()
            self.verticalScrollBar().setValue(0)
            self.horizontalScrollBar().setValue(0)
        finally:
            self._rendering = False

    def _mark_wait_rows(self) -> None:
        color = self.wait_color()
        selections = []
        for row in self.wait_rows:
            selection = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(color)
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.format = fmt
            cursor = QTextCursor(self.document().findBlockByNumber(row))
            cursor.clearSelection()
            selection.cursor = cursor
            selections.append(selection)
        self.setExtraSelections(selections)

    def follow_app_font(self) -> None:
        """The monospace font again, at the application's new size (gui/qt/fonts.py)."""
        self._apply_font()

    def _apply_font(self) -> None:
        """Monospace at the application's own size: never smaller than the text around it.

        The system's fixed font first; on a bare machine that may be a fallback that is not fixed
        pitch, so then the first fixed-pitch family installed; with none at all, the system's font.
        """
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if not QFontInfo(font).fixedPitch():
            family = next((f for f in QFontDatabase.families() if QFontDatabase.isFixedPitch(f)), None)
            if family is not None:
                font = QFont(family)
        font.setPointSizeF(QApplication.font().pointSizeF())
        font.setStyleHint(QFont.StyleHint.Monospace)
        self.setFont(font)
        self.gutter.setFont(font)
        self._fit_gutter()

    def _fit_gutter(self) -> None:
        digits = max(len(str(number)) for number in [999, *self.file_lines] if number is not None)
        width = 2 * GUTTER_PAD_PX + self.fontMetrics().horizontalAdvance(f"{WAIT_MARKER} {'9' * digits}")
        self.setViewportMargins(width, 0, 0, 0)
        self.gutter.setFixedWidth(width)
        self._place_gutter()

    def _place_gutter(self) -> None:
        rect = self.contentsRect()
        self.gutter.setGeometry(QRect(rect.left(), rect.top(), self.gutter.width(), rect.height()))

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_gutter()
        if event.oldSize().height() != event.size().height():
            self._show_first_wait()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if self._rendering:
            return
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._render()  # light and dark styles differ in every colour, not only the background
        elif event.type() in (QEvent.Type.FontChange, QEvent.Type.ApplicationFontChange):
            self._fit_gutter()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.wait_rows:
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.accent_color())
        font = QFont(self.font())
        font.setItalic(True)
        painter.setFont(font)
        offset = self.contentOffset()
        gap = self.fontMetrics().horizontalAdvance("  ")
        note_width = QFontMetrics(font).horizontalAdvance(WAIT_NOTE)
        for row in self.wait_rows:
            block = self.document().findBlockByNumber(row)
            layout = block.layout()
            if not block.isValid() or layout is None or layout.lineCount() == 0:
                continue
            top_left = self.blockBoundingGeometry(block).translated(offset).topLeft()
            line_rect = layout.lineAt(0).naturalTextRect().translated(top_left)
            if line_rect.bottom() < event.rect().top() or line_rect.top() > event.rect().bottom():
                continue
            left = line_rect.right() + gap
            if left + note_width > self.viewport().width():
                continue  # only whole: the document's scroll range ends with its text, a cut note would stay cut
            note_rect = QRectF(left, line_rect.top(), note_width, line_rect.height())
            painter.drawText(note_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, WAIT_NOTE)
        painter.end()

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self.gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        width = self.gutter.width() - GUTTER_PAD_PX
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        while block.isValid() and top <= event.rect().bottom():
            height = round(self.blockBoundingRect(block).height())
            row = block.blockNumber()
            if block.isVisible() and row < len(self.file_lines) and top + height >= event.rect().top():
                waits = row in self.wait_rows
                if waits:
                    painter.fillRect(0, top, self.gutter.width(), height, self.wait_color())
                bold = QFont(self.font())
                bold.setBold(waits)
                painter.setFont(bold)
                painter.setPen(self.accent_color() if waits else muted)
                painter.drawText(
                    0, top, width, height, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    self.wait_marker_text(row),
                )  # fmt: skip
            block = block.next()
            top += height
        painter.end()


class _Gutter(QWidget):
    """The line-number strip left of the text; the code view paints it (Qt's "Code Editor" example)."""

    def __init__(self, view: CodeView) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self) -> QSize:
        return QSize(self.width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.view.paint_gutter(event)


class _TokenFormats:
    """Pygments' style for each token type, as Qt character formats (made once per type)."""

    def __init__(self, dark: bool, text_color: QColor) -> None:
        self.style: Any = get_style_by_name(DARK_STYLE if dark else LIGHT_STYLE)
        self.text_color = text_color
        self._formats: dict[Any, QTextCharFormat] = {}

    def of(self, token_type: Any) -> QTextCharFormat:
        fmt = self._formats.get(token_type)
        if fmt is None:
            fmt = self._formats[token_type] = self._make(token_type)
        return fmt

    def _make(self, token_type: Any) -> QTextCharFormat:
        style = self.style.style_for_token(token_type)
        fmt = QTextCharFormat()
        # The style's background is left out: the palette's base colour stays, so the view sits in the window.
        fmt.setForeground(QColor(f"#{style['color']}") if style["color"] else self.text_color)
        if style["bold"]:
            fmt.setFontWeight(QFont.Weight.Bold)
        fmt.setFontItalic(bool(style["italic"]))
        return fmt
