"""The window as a user drives it: mode buttons, Stop, switching modes, closing mid-run."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest

from gui.core.model.segments import Segment
from gui.core.modes.catalogue import MODE_NAMES
from gui.core.trace.events import Phase, Status
from gui.qt.main_window import MainWindow
from gui.qt.messages import INFO, PROBLEM
from gui.qt.theme import segment_color
from tests.qt.conftest import LoopRunner, finished_run


def click_mode(window: MainWindow, mode: str) -> None:
    button = window.toolbar.widgetForAction(window.mode_actions[mode])
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def start_slow_run(window: MainWindow, loop: LoopRunner, mode: str, count: int, latency_ms: int, ends: int) -> None:
    """Start ``count`` requests two at a time and wait until ``ends`` of them have ended."""
    window.settings_panel.enter(count=count, workers=2, latency=latency_ms)
    click_mode(window, mode)
    loop.until(lambda: window.lab.current is not None and window.lab.current.model.done >= ends, 60)


def count_pixels(image: QImage, color: QColor, step: int = 2) -> int:
    target = color.rgb()
    return sum(
        1 for y in range(0, image.height(), step) for x in range(0, image.width(), step) if image.pixel(x, y) == target
    )


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_clicking_a_mode_button_completes_a_run_with_one_bar_per_request(
    window: MainWindow, loop: LoopRunner, mode: str
) -> None:
    window.settings_panel.enter(count=12, workers=3)
    click_mode(window, mode)
    live = finished_run(window, loop)
    assert live.settings.mode == mode
    assert live.model.total == 12 and all(s.status is Status.OK for s in live.model.spans)
    expected_lanes = 1 if mode == "sequential" else 3
    assert window.timeline.row_count == expected_lanes
    image = window.timeline.grab().toImage()
    assert count_pixels(image, segment_color(Segment.WAITING, False)) > 100, "no waiting-green bars drawn"
    assert window.stats.shown("Done") == "12 / 12"
    assert window.mode_actions[mode].isChecked()


def test_stop_ends_every_bar(window: MainWindow, loop: LoopRunner) -> None:
    assert not window.stop_action.isEnabled()
    start_slow_run(window, loop, "threads", count=60, latency_ms=100, ends=2)
    assert window.stop_action.isEnabled()
    QTest.keyClick(window, Qt.Key.Key_Escape)
    live = finished_run(window, loop)
    assert not window.stop_action.isEnabled()
    statuses = [s.status for s in live.model.spans]
    assert all(s.is_final for s in statuses)
    assert statuses.count(Status.CANCELLED) >= 40
    assert "cancelled" in window.statusBar().currentMessage()


def test_switching_modes_mid_run_leaves_one_run(window: MainWindow, loop: LoopRunner) -> None:
    start_slow_run(window, loop, "threads", count=60, latency_ms=100, ends=1)
    first = window.lab.current
    assert first is not None
    window.settings_panel.enter(workers=20)
    QTest.keyClick(window, Qt.Key.Key_3)
    loop.until(lambda: window.lab.current is not first)
    assert "Threads run stopped — now Asyncio" in window.timeline.banner
    second = finished_run(window, loop)
    loop.until(lambda: not window.lab.busy)
    assert not first.running and any(s.status is Status.CANCELLED for s in first.model.spans)
    assert second.settings.mode == "asyncio" and all(s.status is Status.OK for s in second.model.spans)
    assert not [t for t in threading.enumerate() if t.name.startswith("worker")]


def test_closing_mid_run_leaves_no_threads_tasks_or_processes(window: MainWindow, loop: LoopRunner) -> None:
    server_pid = window.server.pid
    others = {p.pid for p in multiprocessing.active_children() if p.pid != server_pid}  # e.g. a session server
    start_slow_run(window, loop, "processes", count=40, latency_ms=200, ends=1)
    started = time.perf_counter()
    QTest.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    loop.run(window.closed, 10)
    assert time.perf_counter() - started < 2.0
    assert [p for p in multiprocessing.active_children() if p.pid not in others] == []
    assert server_pid is not None
    with pytest.raises(ProcessLookupError):
        os.kill(server_pid, 0)
    leftover = [t.name for t in threading.enumerate() if t.name.startswith(("worker", "process", "threads-run"))]
    assert leftover == []
    pending = [t for t in asyncio.all_tasks(loop.loop) if not t.done()]
    assert pending == []
    assert window.lab.current is not None and all(s.ended for s in window.lab.current.model.spans)


def test_failed_requests_are_drawn_in_the_failure_colour(window: MainWindow, loop: LoopRunner) -> None:
    window.settings_panel.enter(count=10, error_rate=100)
    click_mode(window, "asyncio")
    live = finished_run(window, loop)
    assert all(s.status is Status.HTTP_ERROR for s in live.model.spans)
    image = window.timeline.grab().toImage()
    assert count_pixels(image, segment_color(Segment.FAILED, False)) > 100
    assert count_pixels(image, segment_color(Segment.WAITING, False)) == 0
    assert "http" in window.stats.shown("Errors")


def bar_center(window: MainWindow, pokemon: str) -> QPoint:
    live = window.lab.current
    assert live is not None
    span = next(s for s in live.model.spans if s.pokemon == pokemon)
    start, end = span.t[Phase.STARTED], span.t[Phase.ENDED]
    return window.timeline.point_of(0, span, (start + end) / 2)


def test_hover_and_click_show_the_right_pokemon(window: MainWindow, loop: LoopRunner) -> None:
    window.settings_panel.enter(count=30, workers=5)
    click_mode(window, "asyncio")
    finished_run(window, loop)
    where = bar_center(window, "pikachu")
    span = window.timeline.span_at(where)
    assert span is not None and span.pokemon == "pikachu"
    tip = window.timeline.tooltip_for(0, span)
    assert "pikachu" in tip and "first byte" in tip and "ok" in tip and "duration" in tip
    QTest.mouseClick(window.timeline, Qt.MouseButton.LeftButton, pos=where)
    card = window.cards.shown[-1]
    assert "#025 Pikachu" in card.title.text()
    assert card.genus.text() == "Mouse Pokémon"
    assert card.findChild(type(card.genus), "type-electric") is not None


def test_a_bad_custom_url_gets_a_clear_message_and_no_run(window: MainWindow, loop: LoopRunner) -> None:
    said: list[tuple[str, int, str]] = []
    window.message.connect(lambda text, ms, kind: said.append((text, ms, kind)))
    window.settings_panel.enter(source="Custom URL", url="ftp://nowhere")
    click_mode(window, "asyncio")
    assert window.lab.current is None
    assert window.settings_panel.problem.isVisibleTo(window)
    assert "http:// or https://" in window.settings_panel.problem.text()
    assert window.statusBar().currentMessage().startswith("Not started")
    assert said[-1][0].startswith("Not started") and said[-1][2] == PROBLEM  # said as a problem...
    assert "color" in window.statusBar().styleSheet()  # ...and shown in the failures' colour
    window.settings_panel.enter(source="Local server")
    click_mode(window, "asyncio")
    loop.until(lambda: window.lab.current is not None)
    assert said[-1][2] == INFO and window.statusBar().styleSheet() == ""  # a run starting is news, not a problem


def test_a_network_change_reaches_the_running_server_at_once(window: MainWindow, loop: LoopRunner) -> None:
    said: list[str] = []
    window.message.connect(lambda text, ms, kind: said.append(text))  # what the window said, in order
    window.settings_panel.enter(latency=321, error_rate=7)
    loop.until(lambda: window.server.conditions.latency_ms == 321)
    played = window.server.played_conditions()
    assert (played.latency_ms, played.error_rate) == (321, 0.07)
    # Said, not necessarily still shown: on a loaded machine the server's "Ready" may come after it.
    loop.until(lambda: any("321 ms latency" in text for text in said))


def test_a_panel_change_still_on_its_way_never_lands_over_a_lessons_network(
    window: MainWindow, loop: LoopRunner
) -> None:
    """The panel's debounced change fired (its request made) just before a lesson played its own
    network: whichever reaches the server first, the lesson's network is what stays."""
    window.settings_panel.enter(latency=55)
    late_change = window.server_ctl.apply_now()  # the panel's timer fired: its change is on its way
    loop.run(window.server_ctl.play({"latency_ms": 100}))  # then a lesson starts
    loop.run(late_change)
    assert window.server.played_conditions().latency_ms == 100
    loop.run(window.server_ctl.apply_now())  # a change made after the lesson began still applies
    assert window.server.played_conditions().latency_ms == 55
