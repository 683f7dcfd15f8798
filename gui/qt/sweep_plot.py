"""The sweep lesson's figure: wall time, context switches and CPU time against the number of workers.

Three plots share one logarithmic x axis (1, 2, 4 … 1024 workers), so a learner reads down from
"the time stopped falling here" to "but the switches kept rising". A dashed line marks the server's
limit, a dotted one the fastest any run could be. Drawn with pyqtgraph, which only the Qt side
imports; the widget reads the lesson's figures and computes nothing of its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

# isort: split
# After PySide6: pyqtgraph takes the Qt binding already imported (else PyQt6 first, if it is installed).
import pyqtgraph as pg

from gui.core.lessons.lesson import Figure, LessonFigures
from gui.qt.theme import is_dark

# Okabe-Ito pairs: a deeper shade on light backgrounds, a brighter one on dark.
_COLOURS = {
    "threads": {"light": "#d55e00", "dark": "#e69f00"},  # vermillion / orange
    "asyncio": {"light": "#0072b2", "dark": "#56b4e9"},  # blue / sky blue
}
_LABELS = {"threads": "threads", "asyncio": "coroutines"}
_SYMBOLS = {"threads": "o", "asyncio": "s"}
_DASHES = {"threads": Qt.PenStyle.SolidLine, "asyncio": Qt.PenStyle.DashLine}  # told apart in grey too
ROWS = (  # the key in each point, the plot's title, whether its y axis is logarithmic
    ("wall_s", "Wall time (s): lower is faster", True),
    ("ctx_switches", "Context switches of the process", False),
    ("cpu_s", "CPU time of the process (s)", False),
)
_NICE_SECONDS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
DEFAULT_TOP_WORKERS = 1024  # the x axis before any point has arrived


class SweepPlot(QWidget):
    """``show_figure(figures)`` draws a finished sweep; ``add_point`` draws one run as it ends."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: dict[str, list[Figure]] = {}  # variant name -> its runs so far, as the figure's points
        self.server_limit: int | None = None
        self.floor_s: float | None = None
        self.canvas = pg.GraphicsLayoutWidget()
        self.legend = pg.LegendItem(colCount=3)
        self.canvas.addItem(self.legend, row=0, col=0)  # a row of its own: it never hides a point
        self.plots: list[pg.PlotItem] = [self.canvas.addPlot(row=row + 1, col=0) for row in range(len(ROWS))]
        self.canvas.ci.layout.setContentsMargins(4, 4, 20, 4)  # room for the last tick's label, right
        self.canvas.ci.layout.setRowStretchFactor(1, 2)  # the wall time is the figure; the costs follow
        for plot, (_, _, log_y) in zip(self.plots, ROWS, strict=True):
            plot.setLogMode(x=True, y=log_y)
            plot.showGrid(x=True, y=True, alpha=0.25)
            plot.setMenuEnabled(False)
            plot.setMouseEnabled(x=False, y=False)
            plot.hideButtons()
            if plot is not self.plots[0]:
                plot.setXLink(self.plots[0])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.setMinimumSize(420, 520)
        self._redraw()

    def show_figure(self, figures: LessonFigures, names: Sequence[str] = ("threads", "asyncio")) -> None:
        """A finished sweep: each variant's points (``names`` in the variants' order), the server's
        limit and the fastest possible time from the lesson's figure."""
        self.points = {name: list(figure["points"]) for name, figure in zip(names, figures.variants, strict=True)}
        self.server_limit = figures.lesson.get("server_limit")
        self.floor_s = figures.lesson.get("floor_s")
        self._redraw()

    def add_point(self, variant: str, point: Figure, server_limit: int | None = None) -> None:
        """One more run (``gui.core.lessons.sweep.point``), drawn as soon as it has ended."""
        self.points.setdefault(variant, []).append(point)
        if server_limit is not None:
            self.server_limit = server_limit
        self._redraw()

    def clear(self) -> None:
        self.points, self.server_limit, self.floor_s = {}, None, None
        self._redraw()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):  # light <-> dark, bigger text
            self._redraw()

    # --- drawing ----------------------------------------------------------------------------------

    def _redraw(self) -> None:
        dark = is_dark(self.palette())
        text = self.palette().windowText().color()
        self.canvas.setBackground(self.palette().base().color())
        self.legend.clear()
        self.legend.setLabelTextColor(text)
        self.legend.setLabelTextSize(f"{_point_size(self)}pt")
        for plot, (key, title, _) in zip(self.plots, ROWS, strict=True):
            plot.clear()
            plot.setTitle(title, color=text.name(), size=f"{_point_size(self)}pt")
            _style_axes(plot, text, self.font())
            for name, points in self.points.items():
                curve = self._draw_series(plot, name, [p for p in points if p.get(key) is not None], key, dark)
                if curve is not None and plot is self.plots[0]:
                    self.legend.addItem(curve, _LABELS.get(name, name))
            self._draw_limit(plot, text, labelled=plot is self.plots[0])
        self._draw_floor(text)
        self._set_ranges()
        self.plots[-1].getAxis("bottom").setLabel("workers: threads, or coroutines (log scale)", color=text.name())

    def _draw_series(
        self, plot: pg.PlotItem, name: str, points: Sequence[Figure], key: str, dark: bool
    ) -> pg.PlotDataItem | None:
        if not points:
            return None
        colour = QColor(_COLOURS.get(name, _COLOURS["threads"])["dark" if dark else "light"])
        curve: pg.PlotDataItem = plot.plot(
            [p["workers"] for p in points],
            [p[key] for p in points],
            pen=pg.mkPen(colour, width=2.5, style=_DASHES.get(name, Qt.PenStyle.SolidLine)),
            symbol=_SYMBOLS.get(name, "o"),
            symbolSize=8,
            symbolBrush=colour,
            symbolPen=pg.mkPen(colour),
            antialias=True,
        )
        return curve

    def _draw_limit(self, plot: pg.PlotItem, text: QColor, labelled: bool) -> None:
        if not self.server_limit:
            return
        line = pg.InfiniteLine(
            pos=math.log10(self.server_limit),  # inside the view the x axis is log10(workers)
            angle=90,
            pen=pg.mkPen(_with_alpha(text, 170), width=1.5, style=Qt.PenStyle.DashLine),
            label=f"server limit:\n{self.server_limit} at a time" if labelled else None,
            labelOpts={"position": 0.88, "color": text, "anchors": [(0, 0.5), (0, 0.5)]},
        )
        plot.addItem(line, ignoreBounds=True)

    def _draw_floor(self, text: QColor) -> None:
        """The fastest any run could be: a dotted line across the wall-time plot, named in the legend."""
        if not self.floor_s:
            return
        top = max((p["workers"] for points in self.points.values() for p in points), default=DEFAULT_TOP_WORKERS)
        floor = self.plots[0].plot(
            [1, top],
            [self.floor_s, self.floor_s],
            pen=pg.mkPen(_with_alpha(text, 150), width=1.5, style=Qt.PenStyle.DotLine),
        )
        self.legend.addItem(floor, f"fastest possible: {self.floor_s:g} s")

    def _set_ranges(self) -> None:
        top = max((p["workers"] for points in self.points.values() for p in points), default=DEFAULT_TOP_WORKERS)
        ticks = [2**k for k in range(max(top, 2).bit_length())]
        for plot in self.plots:
            plot.getAxis("bottom").setTicks([[(math.log10(w), str(w)) for w in ticks]])
        self.plots[0].setXRange(0, math.log10(ticks[-1]), padding=0.04)
        walls = [p["wall_s"] for points in self.points.values() for p in points]
        if walls:  # 0.5, 1, 2, 5, 10 … as plain numbers, not 10¹ with 2·10¹ between
            low, high = min([*walls, self.floor_s or min(walls)]), max(walls)
            marks = [v for v in _NICE_SECONDS if low / 2 <= v <= high * 2]
            self.plots[0].getAxis("left").setTicks([[(math.log10(v), f"{v:g}") for v in marks], []])
        for plot, (key, _, _) in zip(self.plots[1:], ROWS[1:], strict=True):
            values = [p[key] for points in self.points.values() for p in points if p.get(key) is not None]
            plot.setYRange(0, max(values, default=1) * 1.08, padding=0)  # costs are counted from nothing


def _style_axes(plot: pg.PlotItem, text: QColor, font: QFont) -> None:
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setPen(pg.mkPen(_with_alpha(text, 140)))
        axis.setTextPen(pg.mkPen(text))
        axis.setStyle(tickFont=QFont(font), tickTextOffset=4, maxTickLevel=0)  # major ticks only: a calmer grid
    plot.getAxis("left").enableAutoSIPrefix(False)  # "12000", not "12" with "(x1e3)" far away
    plot.getAxis("left").setWidth(64)


def _with_alpha(colour: QColor, alpha: int) -> QColor:
    faded = QColor(colour)
    faded.setAlpha(alpha)
    return faded


def _point_size(widget: QWidget) -> float:
    size = widget.font().pointSizeF()
    return round(size if size > 0 else 10.0, 1)


def figures_from_report(report: Mapping[str, Any]) -> LessonFigures:
    """The figures in a ``--lesson sweep --json`` report, to draw a sweep measured earlier."""
    return LessonFigures(dict(report["figure"]), [dict(v["figure"]) for v in report["variants"]])
