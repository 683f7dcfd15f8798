"""File ▸ Export: what is on screen, as a picture (PNG, SVG) or as data (CSV, JSON, Chrome trace, HAR).

Every file goes through the core's ``write_atomically``: the target is the old file or the whole
new one, and a path that cannot be written becomes one sentence for a message box.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator

from gui.core.exports import (
    ExportError,
    write_atomically,
    write_chrome_trace,
    write_csv,
    write_har,
    write_json_report,
)
from gui.core.results.finished_run import FinishedRun
from gui.qt.timeline_view import TimelineView


class ExportKind(StrEnum):
    PNG = "png"
    SVG = "svg"
    CSV = "csv"
    JSON = "json"
    TRACE = "trace"
    HAR = "har"


# kind -> (menu label, file suffix, file-dialog filter)
EXPORTS: dict[ExportKind, tuple[str, str, str]] = {
    ExportKind.PNG: ("Timeline as PNG…", ".png", "PNG image (*.png)"),
    ExportKind.SVG: ("Timeline as SVG…", ".svg", "SVG image (*.svg)"),
    ExportKind.CSV: ("Requests as CSV…", ".csv", "CSV (*.csv)"),
    ExportKind.JSON: ("JSON report…", ".json", "JSON (*.json)"),
    ExportKind.TRACE: ("Chrome trace (Perfetto)…", ".trace.json", "Trace Event JSON (*.json)"),
    ExportKind.HAR: ("HAR (browser DevTools)…", ".har", "HTTP Archive (*.har)"),
}


def export_runs(kind: ExportKind, path: Path, runs: Sequence[FinishedRun], timeline: TimelineView) -> str | None:
    """Write ``runs`` (or the picture of ``timeline``) to ``path``; the problem in words, or None."""
    try:
        if kind is ExportKind.PNG:
            write_atomically(path, _png(timeline))
        elif kind is ExportKind.SVG:
            write_atomically(path, _svg(timeline))
        elif kind is ExportKind.CSV:
            write_csv(path, runs)
        elif kind is ExportKind.JSON:
            write_json_report(path, runs)
        elif kind is ExportKind.TRACE:
            write_chrome_trace(path, runs)
        else:
            write_har(path, runs)
    except ExportError as problem:
        return str(problem)
    return None


def _png(widget: TimelineView) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    widget.grab().save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def _svg(widget: TimelineView) -> bytes:
    """The widget painted into an SVG generator: vector bars and text, the picture on screen."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    size = QSize(widget.width(), widget.height())
    generator.setSize(size)
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle("Poké Concurrency Lab timeline")
    painter = QPainter(generator)
    widget.draw_direct = True  # ended bars come from a cached image on screen; here they must be shapes
    try:
        widget.render(painter, QPoint(0, 0))
    finally:
        widget.draw_direct = False
        painter.end()
    buffer.close()
    return bytes(data.data())
