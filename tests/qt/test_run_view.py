"""One refresh path: the views follow a run through the run view's subscriptions, once per frame,
in a live run and in its replay alike; nothing else refreshes them."""

from __future__ import annotations

import asyncio

import pytest

from gui.core.session.lab import LiveRun
from gui.core.session.replay import ReplayRun
from gui.qt.main_window import MainWindow
from gui.qt.timeline_view import TimelineView
from tests.qt.conftest import LoopRunner, finished_run

pytestmark = pytest.mark.timeout(90)


def count_timeline_refreshes(timeline: TimelineView) -> list[int]:
    """Counts the timeline's real refreshes (it still does them) in a list of one number."""
    counted = [0]
    refresh = timeline.refresh

    def counting() -> None:
        counted[0] += 1
        refresh()

    timeline.refresh = counting  # type: ignore[method-assign]
    return counted


def test_a_live_run_refreshes_the_views_once_a_frame(window: MainWindow, loop: LoopRunner) -> None:
    frames: list[LiveRun] = []
    window.lab.frame_callbacks.append(frames.append)  # told after the run view, once a frame
    refreshed = count_timeline_refreshes(window.timeline)
    before = window.view.refreshes
    window.settings_panel.enter(count=12)
    window.runs.start_mode("threads")
    live = finished_run(window, loop)
    assert frames and frames[-1] is live and not live.running  # the last frame came once it had ended
    assert len(frames) >= 3  # 12 requests at 40 ms, four at a time: several frames
    assert window.view.refreshes - before == len(frames)  # one refresh a frame...
    assert refreshed[0] == len(frames)  # ...and the timeline refreshed by nothing else
    assert window.stats.shown("Done") == "12 / 12"  # the final numbers, from the last frame


def test_a_replay_refreshes_the_views_once_a_tick(window: MainWindow, loop: LoopRunner) -> None:
    window.settings_panel.enter(count=6)
    window.runs.start_mode("sequential")
    finished_run(window, loop)
    assert window.runs.start_replay()
    while window.replay.speed < 2.0:
        window.replay.change_speed(faster=True)  # a new speed changes the moment's words, not the bars
    moves: list[float] = []
    window.replay.moved.connect(moves.append)
    refreshed = count_timeline_refreshes(window.timeline)
    before = window.view.refreshes
    done: asyncio.Future[None] = asyncio.get_event_loop().create_future()
    window.replay.finished.connect(lambda: None if done.done() else done.set_result(None))
    window.replay.play()
    loop.run(done)  # the playback's own finished signal
    assert len(moves) >= 3
    assert window.view.refreshes - before == len(moves)  # one refresh a tick, the last one included
    assert refreshed[0] == window.view.refreshes - before
    assert window.stats.shown("Done") == "6 / 6"


def test_a_replay_begins_with_one_refresh_of_its_own_bands(window: MainWindow, loop: LoopRunner) -> None:
    window.settings_panel.enter(count=4)
    window.runs.start_mode("sequential")
    finished_run(window, loop)
    drawn: list[list[object]] = []  # what the timeline held at each refresh
    refresh = window.timeline.refresh

    def noting() -> None:
        drawn.append(list(window.timeline.runs))
        refresh()

    window.timeline.refresh = noting  # type: ignore[method-assign]
    before = window.view.refreshes
    assert window.runs.start_replay(0.5)
    assert window.view.refreshes - before == 1  # begun, then shown at its moment: one refresh
    assert len(drawn) == 1 and all(isinstance(band, ReplayRun) for band in drawn[0])  # never the old bands
    assert drawn[0] == list(window.replay.bands)
