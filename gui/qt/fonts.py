"""Fonts derived from the application's: a heading is "the text's size, larger and bold", so that
presenter mode, which enlarges the application's font, enlarges every heading with it."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication


def derived_font(scale: float = 1.0, bold: bool = False) -> QFont:
    """The application's font, ``scale`` times its size, bold if asked."""
    font = QFont(QApplication.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(bold)
    return font


def set_app_font(font: QFont) -> None:
    """The application's font, and every widget that derives a font of its own from it told so.

    Qt hands a new application font down to the widgets that hold none of their own, but a heading
    holds one (``derived_font``) and is never told: Qt's ``ApplicationFontChange`` reaches no
    widget's ``changeEvent``. So each such widget has a ``follow_app_font()``, called here.
    """
    QApplication.setFont(font)
    for widget in QApplication.allWidgets():
        follow = getattr(widget, "follow_app_font", None)
        if callable(follow):
            follow()
