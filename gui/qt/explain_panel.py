"""The explain panel: a finished run in plain words on the left, the code that ran it on the right.

The words and the code come from ``gui.core.views.explain``; this panel only lays them out.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QScrollArea, QSplitter, QVBoxLayout, QWidget

from gui.core.modes.catalogue import at_once, mode_spec
from gui.core.results.finished_run import FinishedRun
from gui.core.views.explain import CodeBlock, code_caption, code_of, code_of_run, explain
from gui.qt.code_view import CodeView
from gui.qt.fonts import derived_font

PLACEHOLDER = "Run a mode or a comparison; this panel explains it in plain words and shows the code that ran."


class ExplainPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run: FinishedRun | None = None
        self.mode: str | None = None  # the mode whose code is shown
        self.heading = QLabel()
        self.heading.setFont(derived_font(bold=True))
        self.moment = QLabel()  # a replay's moment: where the playback clock is, in words
        self.moment.setWordWrap(True)
        self.moment.setTextFormat(Qt.TextFormat.PlainText)
        self.moment.setForegroundRole(QPalette.ColorRole.Highlight)
        self.moment.setFont(derived_font(bold=True))
        self.moment.hide()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.code = CodeView()
        words = QWidget()
        words_layout = QVBoxLayout(words)
        words_layout.setContentsMargins(8, 8, 8, 8)
        words_layout.addWidget(self.heading)
        words_layout.addWidget(self.moment)
        words_layout.addWidget(self.text)
        words_layout.addStretch(1)
        words_scroll = QScrollArea()  # a short dock still shows every word, scrolled
        words_scroll.setWidget(words)
        words_scroll.setWidgetResizable(True)
        words_scroll.setFrameShape(QFrame.Shape.NoFrame)
        code_side = QWidget()
        code_layout = QVBoxLayout(code_side)
        code_layout.setContentsMargins(4, 8, 8, 8)
        code_layout.addWidget(self.caption)
        code_layout.addWidget(self.code, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(words_scroll)
        split.addWidget(code_side)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.split = split
        self._usual_sizes: list[int] | None = None
        self.show_run(None)

    def present(self, on: bool) -> None:
        """Presenter mode's code page: the code gets two thirds of the width and wraps its long lines,
        so nothing is cut off at the right edge of a projector (and comes back as it was)."""
        wrap = QPlainTextEdit.LineWrapMode.WidgetWidth if on else QPlainTextEdit.LineWrapMode.NoWrap
        self.code.setLineWrapMode(wrap)
        if on:
            self._usual_sizes = self.split.sizes()
            total = sum(self._usual_sizes)
            self.split.setSizes([total // 3, total - total // 3])
        elif self._usual_sizes is not None:
            self.split.setSizes(self._usual_sizes)

    def show_run(self, run: FinishedRun | None) -> None:
        """Explain ``run`` with its numbers and show its mode's code; None shows what the panel is for."""
        self.run = run
        if run is None:
            self.mode = None
            self.heading.setText("Explain")
            self.text.setText(PLACEHOLDER)
            self._show_code(None)
            return
        summary, settings = run.summary, run.settings
        self.heading.setText(f"{run.title} — {summary.requests:,} requests, {at_once(settings):,} at once")
        self.text.setText(explain(run))
        self._show_blocks(settings.mode, code_of_run(settings))

    def show_moment(self, text: str | None) -> None:
        """A replay's moment above the explanation ("Replay at 0.42 s of 1.20 s: …"); None hides it."""
        self.moment.setText(text or "")
        self.moment.setVisible(bool(text))

    def follow_app_font(self) -> None:
        """Presenter mode changed the application's font (gui/qt/fonts.py): everything grows with it."""
        self.heading.setFont(derived_font(bold=True))
        self.moment.setFont(derived_font(bold=True))  # the code view follows on its own

    def show_mode(self, name: str) -> None:
        """What mode ``name`` does and its code, before it has run."""
        spec = mode_spec(name)
        self.run = None
        self.heading.setText(f"{spec.title} — {spec.summary}")
        self.text.setText(spec.why)
        self._show_code(name)

    def _show_code(self, mode: str | None) -> None:
        self._show_blocks(mode, code_of(mode_spec(mode)) if mode is not None else [])

    def _show_blocks(self, mode: str | None, blocks: list[CodeBlock]) -> None:
        self.mode = mode
        self.caption.setText(code_caption(blocks))
        self.code.show_code(blocks)
        self.caption.setVisible(bool(blocks))
        self.code.setVisible(bool(blocks))
