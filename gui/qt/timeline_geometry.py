"""Where things sit on the timeline: the time axis in pixels, the bands and their rows.

Shared by the timeline and the in-flight strip under it, so both map a time to the same x.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QRect

from gui.qt.time_window import TimeWindow

GUTTER_W = 92
AXIS_H = 26
RIGHT_PAD = 10
MAX_LANE_H = 40.0
BAND_TITLE_H = 20  # each band's heading, above its rows (only when several bands are shown)
BAND_GAP = 6


def plot_columns(widget_width: int) -> tuple[int, int]:
    """(left, width) of the area where time runs, the same for the timeline and the strip."""
    return GUTTER_W, max(widget_width - GUTTER_W - RIGHT_PAD, 10)


def x_of_time(window: TimeWindow, left: float, width: float, t: float) -> float:
    return left + (t - window.t0) / window.span_s * width


class BandBox(NamedTuple):
    title_top: float  # where the heading starts (equal to ``top`` when headings are not drawn)
    top: float  # y of the band's first row
    rows: int


class TimelineGeometry:
    """A snapshot of the layout for one paint or one mouse event (cheap to make)."""

    def __init__(self, width: int, height: int, window: TimeWindow, band_rows: list[int], titles: bool) -> None:
        self.window = window
        left, plot_width = plot_columns(width)
        self.plot = QRect(left, AXIS_H, plot_width, max(height - AXIS_H - 4, 10))
        heading = BAND_TITLE_H if titles else 0
        gaps = BAND_GAP * max(len(band_rows) - 1, 0)
        room = self.plot.height() - heading * len(band_rows) - gaps
        self.lane_h = min(max(room, 1) / max(sum(band_rows), 1), MAX_LANE_H)
        self.bands: list[BandBox] = []
        y = float(self.plot.top())
        for rows in band_rows:
            self.bands.append(BandBox(y, y + heading, rows))
            y += heading + rows * self.lane_h + BAND_GAP

    def x_of(self, t: float) -> float:
        return x_of_time(self.window, self.plot.left(), self.plot.width(), t)

    def t_of(self, x: float) -> float:
        return self.window.t0 + (x - self.plot.left()) / self.plot.width() * self.window.span_s

    def row_top(self, band: int, row: int) -> float:
        return self.bands[band].top + row * self.lane_h

    def hit(self, y: float) -> tuple[int, int] | None:
        """(band, row) under ``y``, or None over a heading, a gap or empty space."""
        for index, box in enumerate(self.bands):
            if box.top <= y < box.top + box.rows * self.lane_h:
                return index, int((y - box.top) / self.lane_h)
        return None
