"""The clock a replay plays on: a moment in the recorded runs that moves at a chosen speed.

Qt-free and driven by any monotonic time source (``time.perf_counter`` by default, a fake one in a
test), so playing at 0.25× takes exactly four times the recorded time whatever calls ``tick`` and
how often. ``Replay`` puts several runs (a comparison's bands) on one such clock.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Sequence

from gui.core.results.finished_run import FinishedRun
from gui.core.session.replay import ReplayRun

SPEEDS = (0.05, 0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)  # what + and - move through
SAME_MOMENT_S = 1e-7  # two events closer than this are one moment


class PlaybackClock:
    """A position in seconds of recorded time, from 0 to ``duration_s``, that moves while playing."""

    def __init__(self, duration_s: float, now: Callable[[], float] = time.perf_counter, speed: float = 1.0) -> None:
        self.duration_s = max(duration_s, 0.0)
        self._now = now
        self.speed = speed
        self.playing = False
        self._anchor_position = 0.0  # where the clock was at ``_anchor_wall``
        self._anchor_wall = now()

    def position(self) -> float:
        if not self.playing:
            return self._anchor_position
        moved = (self._now() - self._anchor_wall) * self.speed
        return min(self._anchor_position + moved, self.duration_s)

    @property
    def at_end(self) -> bool:
        return self.position() >= self.duration_s

    def remaining_wall_s(self) -> float:
        """Real seconds until the end at this speed (however far it is, when paused)."""
        return (self.duration_s - self.position()) / self.speed

    def _anchor(self, position: float) -> None:
        self._anchor_position = min(max(position, 0.0), self.duration_s)
        self._anchor_wall = self._now()

    def play(self) -> None:
        """Play from here; from the start again if it had reached the end."""
        self._anchor(0.0 if self.at_end else self.position())
        self.playing = True

    def pause(self) -> None:
        self._anchor(self.position())
        self.playing = False

    def seek(self, position: float) -> None:
        self._anchor(position)

    def set_speed(self, speed: float) -> None:
        """A new speed from now on: the moment stays where it is."""
        self._anchor(self.position())
        self.speed = min(max(speed, SPEEDS[0]), SPEEDS[-1])


def next_speed(speed: float, faster: bool) -> float:
    """The next speed up (or down) the ladder of ``SPEEDS``; it stops at either end."""
    if faster:
        return next((s for s in SPEEDS if s > speed + 1e-9), SPEEDS[-1])
    return next((s for s in reversed(SPEEDS) if s < speed - 1e-9), SPEEDS[0])


class Replay:
    """Finished runs played back together, every band on one clock from its own zero."""

    def __init__(
        self, runs: Sequence[FinishedRun], now: Callable[[], float] = time.perf_counter, speed: float = 1.0
    ) -> None:
        self.bands = [ReplayRun(run) for run in runs]
        self.clock = PlaybackClock(max((band.duration_s for band in self.bands), default=0.0), now, speed)
        self.event_times = sorted({t for band in self.bands for t in band.event_times})
        self.tick()

    @property
    def recorded(self) -> list[FinishedRun]:
        return [band.recorded for band in self.bands]

    @property
    def duration_s(self) -> float:
        return self.clock.duration_s

    @property
    def position_s(self) -> float:
        return self.bands[0].position_s if self.bands else 0.0

    def tick(self) -> float:
        """Bring every band to the clock's moment (once per frame); a clock at the end stops."""
        position = self.clock.position()
        for band in self.bands:
            band.seek(position)
        if self.clock.playing and position >= self.duration_s:
            self.clock.pause()
        return position

    def seek(self, position: float) -> None:
        self.clock.seek(position)
        self.tick()

    def jump(self, forward: bool) -> float:
        """Pause, and go to the next (or previous) moment any request of any band changed."""
        self.clock.pause()
        here = self.clock.position()
        if forward:
            index = bisect.bisect_right(self.event_times, here + SAME_MOMENT_S)
            target = self.event_times[index] if index < len(self.event_times) else self.duration_s
        else:
            index = bisect.bisect_left(self.event_times, here - SAME_MOMENT_S) - 1
            target = self.event_times[index] if index >= 0 else 0.0
        self.seek(target)
        return target
