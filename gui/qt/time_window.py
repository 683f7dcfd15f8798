"""The visible slice of time, shared by the timeline and the in-flight strip below it."""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Signal

MIN_SPAN_S = 0.002
HEADROOM = 1.15  # while following, keep this much room ahead of "now"


def nice_ceiling(value: float) -> float:
    """The next of 1, 2, 5 x 10^k at or above ``value``: the follow range grows in steps, so the
    bars do not shrink a little every frame (and drawn bars can be reused between steps)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for mantissa in (1, 2, 5, 10):
        candidate = mantissa * 10.0**exponent
        if candidate >= value * 0.9999:
            return candidate
    return 10.0 ** (exponent + 1)


def tick_step(span_s: float, pixels: float, min_gap_px: float = 80) -> float:
    """A 1-2-5 step that puts labelled ticks at least ``min_gap_px`` apart."""
    wanted = span_s * min_gap_px / max(pixels, 1.0)
    return nice_ceiling(wanted)


class TimeWindow(QObject):
    """[t0, t1] in seconds since run start. ``following`` tracks the run as it grows."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.t0 = 0.0
        self.t1 = 1.0
        self.following = True

    @property
    def span_s(self) -> float:
        return self.t1 - self.t0

    def set_range(self, t0: float, t1: float) -> None:
        t1 = max(t1, t0 + MIN_SPAN_S)
        if (t0, t1) != (self.t0, self.t1):
            self.t0, self.t1 = t0, t1
            self.changed.emit()

    def follow(self, now: float) -> None:
        """While following: start at 0 and keep ``now`` in view, growing in nice steps."""
        if self.following:
            self.set_range(0.0, max(self.t1 if self.t0 == 0 else 0.0, nice_ceiling(max(now, 0.05) * HEADROOM)))

    def reset(self) -> None:
        self.following = True
        self.set_range(0.0, 1.0)

    def fit(self, end_s: float) -> None:
        """Show the whole run, 0 to ``end_s``, and keep following it."""
        self.following = True
        self.set_range(0.0, max(end_s * 1.02, MIN_SPAN_S * 10))

    def zoom(self, factor: float, anchor_t: float) -> None:
        """Zoom by ``factor`` (>1 zooms in) keeping ``anchor_t`` under the cursor."""
        self.following = False
        left = anchor_t - (anchor_t - self.t0) / factor
        right = anchor_t + (self.t1 - anchor_t) / factor
        self.set_range(max(left, -0.05 * (right - left)), right)

    def pan(self, dt: float) -> None:
        self.following = False
        self.set_range(self.t0 + dt, self.t1 + dt)
