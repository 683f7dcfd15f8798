"""The timeline marks the moments each coroutine really ran as dark ticks along the bottom of its lane."""

from __future__ import annotations

from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from gui.core.finished_run import FinishedRun
from gui.core.steps import AfterFetch
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
