"""The timeline marks the moments each worker really ran as dark ticks along the bottom of its lane:
a coroutine's steps, a computing thread's own stretches, and the legend says what they are."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from gui.core.model.run_model import RunModel, Span
from gui.core.results.finished_run import FinishedRun
from gui.core.run.engine import Run
from gui.core.trace.events import BatchSink
from gui.core.watches import thread_turns
from gui.core.workload.after_fetch import AfterFetch
from gui.core.workload.settings import make_settings
from gui.qt.stats_panel import StatsPanel, TickSwatch
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_view import TimelineView
from gui.server import LocalServer
from tests.qt.conftest import LoopRunner
from tests.qt.test_loop_lag_strip import run_on_the_window_loop


def lightness_at(image: QImage, x: int, y: int) -> int:
    return QColor(image.pixel(x, y)).lightness()


def show(qtbot: QtBot, run: FinishedRun) -> tuple[TimelineView, QImage]:
    view = TimelineView(TimeWindow())
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.set_runs([run])
    view.fit()
    return view, view.grab().toImage()


def test_a_computing_step_gets_a_dark_tick_under_its_colour_and_an_untraced_run_none(
    qtbot: QtBot, loop: LoopRunner, server: LocalServer
) -> None:
    server.set_conditions(latency_ms=30)
    common = {"step_ms": 40, "count": 4, "concurrency": 2}
    traced = run_on_the_window_loop(loop, server, AfterFetch.COMPUTE.value, trace_slivers=True, **common)
    plain = run_on_the_window_loop(loop, server, AfterFetch.COMPUTE.value, **common)
    for run, ticked in ((traced, True), (plain, False)):
        view, image = show(qtbot, run)
        span = run.model.spans[0]
        step = span.steps[0]
        middle = view.point_of(0, span, (step.t0 + step.t1) / 2)
        bar_h = view.geometry_now().lane_h * 0.74
        top = lightness_at(image, middle.x(), int(middle.y() - bar_h * 0.3))  # the computing colour
        bottom = lightness_at(image, middle.x(), int(middle.y() + bar_h * 0.3))  # where the tick goes
        if ticked:
            assert bottom < top - 30, "no dark tick under the computing step"
        else:
            assert abs(bottom - top) < 10, "an untraced run drew ticks"


def run_threads(loop: LoopRunner, server: LocalServer, **settings: Any) -> FinishedRun:
    """A real threads run on the test's qasync loop, as the window runs it."""
    sink = BatchSink()
    run = Run(make_settings(mode="threads", **settings), server.base_url, sink)
    loop.run(run.execute())
    model = RunModel(run.jobs)
    model.apply(sink.drain())
    return FinishedRun.of(run, None, model=model)


def span_at(run: FinishedRun, lane: str, t: float) -> Span:
    return next(s for s in run.model.spans if s.lane == lane and (s.start or 0.0) <= t <= (s.end or 0.0))


@pytest.mark.skipif(not thread_turns.supported(), reason="this system's thread clock is too coarse")
def test_two_computing_threads_ticks_alternate_one_lane_ticked_while_the_other_waits(
    qtbot: QtBot, loop: LoopRunner, server: LocalServer
) -> None:
    server.set_conditions(latency_ms=5)
    run = run_threads(
        loop, server, count=4, concurrency=2, after_fetch=AfterFetch.COMPUTE.value, step_ms=60, trace_slivers=True
    )
    steps: dict[str, list[tuple[float, float]]] = {}
    for span in run.model.spans:
        steps.setdefault(span.lane or "", []).extend(sorted((s.t0, s.t1) for s in span.steps))
    turns = thread_turns.turn_taking(run.model.slivers, steps).turns
    turn = max((t for t in turns if t.handed_in and t.handed_out), key=lambda t: t.t1 - t.t0)
    waiting = next(lane for lane in run.model.lanes if lane != turn.lane)
    window = TimeWindow()
    view = TimelineView(window)
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.set_runs([run])
    window.set_range(turn.t0 - 0.002, turn.t1 + 0.002)
    image = view.grab().toImage()
    mine = [s for s in run.model.slivers if s.lane == turn.lane and turn.t0 <= s.t0 and s.t1 <= turn.t1]
    longest = max(mine, key=lambda s: s.t1 - s.t0)  # a busy core may have broken the turn up: not there
    middle = (longest.t0 + longest.t1) / 2
    bar_h = view.geometry_now().lane_h * 0.74
    for lane, ticked in ((turn.lane, True), (waiting, False)):
        point = view.point_of(0, span_at(run, lane, middle), middle)
        top = lightness_at(image, point.x(), int(point.y() - bar_h * 0.3))
        bottom = lightness_at(image, point.x(), int(point.y() + bar_h * 0.3))
        if ticked:
            assert bottom < top - 30, "the thread whose turn it was has no tick"
        else:
            assert abs(bottom - top) < 10, "the thread waiting for the GIL has a tick"


def test_the_legend_lists_the_ticks_only_beside_runs_that_traced_them(qtbot: QtBot) -> None:
    panel = StatsPanel()
    qtbot.addWidget(panel)
    swatch = panel.findChild(TickSwatch)
    assert swatch is not None
    panel.show_step_legend([make_settings(mode="threads", trace_slivers=True)])
    assert swatch.isVisibleTo(panel)
    panel.show_step_legend([make_settings(mode="threads")])
    assert not swatch.isVisibleTo(panel)
