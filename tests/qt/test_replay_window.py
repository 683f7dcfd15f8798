"""Replay in the window: a finished run played back from its recorded events, on the real clock."""

from __future__ import annotations

import asyncio
import time

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from gui.core.session.lab import LiveRun
from gui.core.session.replay import ReplayRun
from gui.qt.main_window import MainWindow
from tests.qt.conftest import LoopRunner, finished_run

pytestmark = pytest.mark.timeout(90)


def run_to_the_end(window: MainWindow, loop: LoopRunner, mode: str = "sequential", count: int = 8) -> LiveRun:
    window.settings_panel.enter(count=count, workers=4)
    window.runs.start_mode(mode)
    live: LiveRun = finished_run(window, loop)
    return live


def test_playing_a_recorded_run_at_a_quarter_speed_takes_four_times_its_wall_time(
    window: MainWindow, loop: LoopRunner
) -> None:
    live = run_to_the_end(window, loop)  # 8 requests one after another at 40 ms: about a third of a second
    wall_s = live.summary().wall_s
    while window.replay.speed > 0.25:
        window.replay.change_speed(faster=False)
    assert window.runs.start_replay()
    behind: list[tuple[float, float, float]] = []  # (clock, timeline's now, strip's now) that disagree

    def follows(position: float) -> None:
        if not window.timeline.now == window.strip.now == position:
            behind.append((position, window.timeline.now, window.strip.now))

    window.replay.moved.connect(follows)
    done: asyncio.Future[float] = asyncio.get_event_loop().create_future()

    def finished() -> None:
        if not done.done():
            done.set_result(time.perf_counter())

    window.replay.finished.connect(finished)
    began = time.perf_counter()
    window.replay.play()
    ended = loop.run(done)  # the playback's own finished signal, not a sleep
    assert ended - began == pytest.approx(4 * wall_s, rel=0.05)
    assert not behind, behind[:3]
    band = window.replay.bands[0]
    assert not band.running and band.model.done == band.recorded.model.total
    assert window.stats.shown("Done") == "8 / 8"


def test_the_views_follow_the_playback_clock_and_replay_never_fetches_again(
    window: MainWindow, loop: LoopRunner
) -> None:
    recorded = run_to_the_end(window, loop, "threads", 12).finished_run()
    loop.run(window.server_ctl.stop())  # no server: a replay is a view of what was recorded
    window.runs.scrub_replay(recorded.wall_s / 2)
    band = window.timeline.runs[0]
    assert isinstance(band, ReplayRun) and not window.replay.playing
    assert band.position_s == pytest.approx(recorded.wall_s / 2)
    assert window.timeline.now == window.strip.now == band.position_s
    assert 0 < band.model.done < 12
    assert window.stats.shown("Done") == f"{band.model.done} / 12"
    assert window.explain.moment.isVisibleTo(window) and "Replay at" in window.explain.moment.text()
    assert window.view.finished_on_screen()[0].model is recorded.model  # exports take what was recorded
    window.runs.jump_replay(forward=True)
    assert band.position_s > recorded.wall_s / 2
    window.replay.seek(recorded.wall_s)
    assert band.model.done == 12 and not band.running


def test_space_plays_arrows_step_and_plus_minus_change_the_speed(window: MainWindow, loop: LoopRunner) -> None:
    run_to_the_end(window, loop, "asyncio", 10)
    window.activateWindow()
    window.timeline.setFocus()
    QTest.keyClick(window.timeline, Qt.Key.Key_Space)
    assert window.replay.active and window.replay.playing
    QTest.keyClick(window.timeline, Qt.Key.Key_Right)  # a step pauses
    assert not window.replay.playing
    here = window.replay.replay.position_s if window.replay.replay else -1.0
    QTest.keyClick(window.timeline, Qt.Key.Key_Left)
    assert window.replay.replay is not None and window.replay.replay.position_s < here
    QTest.keyClick(window.timeline, Qt.Key.Key_Minus)
    assert window.replay.speed == 0.75
    QTest.keyClick(window.timeline, Qt.Key.Key_Plus)
    QTest.keyClick(window.timeline, Qt.Key.Key_Plus)
    assert window.replay.speed == 1.5
    assert window.transport.speed.text() == "1.5×"


def test_dragging_on_the_time_axis_scrubs(window: MainWindow, loop: LoopRunner) -> None:
    run_to_the_end(window, loop, "threads", 12)
    timeline = window.timeline
    plot = timeline.plot_rect()
    start, end = QPoint(plot.left() + plot.width() // 4, 8), QPoint(plot.left() + plot.width() // 2, 8)
    QTest.mousePress(timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    assert window.replay.active
    first = window.replay.replay.position_s if window.replay.replay else -1.0
    assert first == pytest.approx(timeline.geometry_now().t_of(start.x()), abs=1e-6)
    QTest.mouseMove(timeline, end)
    QTest.mouseRelease(timeline, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    assert window.replay.replay is not None and window.replay.replay.position_s > first
    assert timeline.time_window.t0 == 0.0  # a scrub is no pan


def test_a_new_run_ends_the_replay(window: MainWindow, loop: LoopRunner) -> None:
    run_to_the_end(window, loop, "asyncio", 6)
    assert window.runs.start_replay()
    old = window.lab.current
    window.runs.start_mode("asyncio")
    loop.until(lambda: window.lab.current is not old)
    finished_run(window, loop)
    assert not window.replay.active
    assert not any(isinstance(run, ReplayRun) for run in window.timeline.runs)
    assert not window.explain.moment.isVisibleTo(window)
