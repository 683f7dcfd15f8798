"""Guards against a PySide6 release that breaks the painting this app does thousands of times a
frame (6.12.0 drops a reference to None on every void method under Python 3.11 and crashes)."""

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication


def test_void_painter_calls_keep_none_alive(qapp: QApplication) -> None:
    image = QImage(16, 16, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    before = sys.getrefcount(None)
    for _ in range(500):
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("red"))
    painter.end()
    assert sys.getrefcount(None) - before > -50
