"""Drives a replay's clock from a frame timer and tells the window where the playback is.

The replay itself (its events, its models, its clock) is Qt-free in ``gui.core.session.replay`` and
``gui.core.session.playback_clock``; this only ticks it about 60 times a second while it plays, and stops
ticking when it pauses or reaches the end, so an idle replay costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from gui.core.results.finished_run import FinishedRun
from gui.core.session.playback_clock import Replay, next_speed
from gui.core.session.replay import ReplayRun

FRAME_MS = 16


class ReplayController(QObject):
    began = Signal(object)  # a new Replay, before it is first moved: its bands go on screen
    moved = Signal(float)  # the playback moment, after every tick, seek and jump
    changed = Signal()  # a replay began or ended, played or paused, or changed speed
    finished = Signal()  # it played to the end

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.replay: Replay | None = None
        self.speed = 1.0  # kept from one replay to the next, as a media player keeps it
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)  # qasync's default CoarseTimer drifts up to 5 %
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._tick)

    @property
    def active(self) -> bool:
        return self.replay is not None

    @property
    def playing(self) -> bool:
        return self.replay is not None and self.replay.clock.playing

    @property
    def bands(self) -> list[ReplayRun]:
        return self.replay.bands if self.replay is not None else []

    def begin(self, runs: Sequence[FinishedRun], at: float = 0.0) -> Replay:
        """A new replay of ``runs`` on one clock, paused at ``at`` seconds."""
        self.timer.stop()
        self.replay = Replay(runs, speed=self.speed)
        self.replay.seek(at)
        self.began.emit(self.replay)
        self.changed.emit()
        self.moved.emit(self.replay.position_s)
        return self.replay

    def end(self) -> None:
        """Leave the replay (the runs it showed are replaced by something else)."""
        if self.replay is None:
            return
        self.timer.stop()
        self.replay = None
        self.changed.emit()

    def play(self) -> None:
        if self.replay is None:
            return
        self.replay.clock.play()
        self.timer.setInterval(FRAME_MS)
        self.timer.start()
        self.changed.emit()
        self._tick()

    def pause(self) -> None:
        if self.replay is None:
            return
        self.replay.clock.pause()
        self.timer.stop()
        self.changed.emit()
        self.moved.emit(self.replay.tick())

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def seek(self, position: float) -> None:
        if self.replay is not None:
            self.replay.seek(position)
            self.moved.emit(self.replay.position_s)

    def jump(self, forward: bool) -> None:
        if self.replay is not None:
            was_playing = self.playing
            self.replay.jump(forward)
            self.timer.stop()
            if was_playing:
                self.changed.emit()
            self.moved.emit(self.replay.position_s)

    def change_speed(self, faster: bool) -> None:
        self.speed = next_speed(self.speed, faster)
        if self.replay is not None:
            self.replay.clock.set_speed(self.speed)
        self.changed.emit()

    def _tick(self) -> None:
        replay = self.replay
        if replay is None:
            self.timer.stop()
            return
        position = replay.tick()
        self.moved.emit(position)
        if not replay.clock.playing:
            self.timer.stop()
            self.changed.emit()
            if position >= replay.duration_s:
                self.finished.emit()
            return
        # The last frame is timed to the end itself, not to the next 16 ms: the replay's length
        # is what a class (and the test of 0.25x) measures.
        left_ms = replay.clock.remaining_wall_s() * 1000
        self.timer.setInterval(max(1, min(FRAME_MS, math.ceil(left_ms))))
