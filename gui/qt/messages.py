"""What the window says to the user: one channel (``MainWindow.say``), each message of a kind.

A ``PROBLEM`` (a run that could not start or failed, an export that could not be written) is shown
in the theme's colour for failures, so it is not read as one more line of progress; everything
else is ``INFO``.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QStatusBar

from gui.core.model.segments import Segment
from gui.qt.theme import is_dark, segment_color

INFO, PROBLEM = "info", "problem"


class Say(Protocol):
    """Tell the user ``text`` for ``ms`` milliseconds (0: until the next message)."""

    def __call__(self, text: str, ms: int = 0, kind: str = INFO) -> None: ...


def show_in(bar: QStatusBar, text: str, ms: int, kind: str) -> None:
    """Show a message in the status bar, a ``PROBLEM`` bold in the failure colour of the theme."""
    colour = segment_color(Segment.FAILED, is_dark(bar.palette())).name() if kind == PROBLEM else ""
    bar.setStyleSheet(f"QStatusBar {{ color: {colour}; font-weight: bold; }}" if colour else "")
    bar.showMessage(text, ms)
