"""Fonts derived from the application's: a heading is "the text's size, larger and bold", so that
presenter mode, which enlarges the application's font, enlarges every heading with it."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

FONT_EVENTS = (QEvent.Type.ApplicationFontChange, QEvent.Type.FontChange)


def derived_font(scale: float = 1.0, bold: bool = False) -> QFont:
    """The application's font, ``scale`` times its size, bold if asked."""
    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    return font
