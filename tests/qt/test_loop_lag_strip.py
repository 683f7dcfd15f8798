"""The heartbeat and the step tracer on qasync's loop (the window's), and the strip that draws the lag."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from gui.core.model.run_model import RunModel
from gui.core.model.segments import Segment
from gui.core.results.finished_run import FinishedRun
from gui.core.results.stats import summarize
from gui.core.run.engine import Run
from gui.core.trace.events import BatchSink
from gui.core.trace.overlap import pairwise_overlap_s
from gui.core.watches.coroutine_slivers import installed_on
from gui.core.watches.loop_watch import HEARTBEAT_PERIOD_S
from gui.core.workload.after_fetch import AfterFetch
from gui.core.workload.settings import make_settings
from gui.qt.loop_lag_strip import REFERENCE_MS, LoopLagStrip, lag_columns
from gui.qt.theme import segment_color
from gui.qt.time_window import TimeWindow
from gui.server import LocalServer
from tests.qt.conftest import LoopRunner


def run_on_the_window_loop(loop: LoopRunner, server: LocalServer, after_fetch: str, **settings: Any) -> FinishedRun:
    """A real run on the test's qasync loop, as the window runs asyncio mode."""
    sink = BatchSink()
    run = Run(make_settings(mode="asyncio", after_fetch=after_fetch, **settings), server.base_url, sink)
    loop.run(run.execute())
    model = RunModel(run.jobs)
    model.apply(sink.drain())
    return FinishedRun.of(run, None, model=model)


def test_on_qasyncs_loop_a_blocking_call_shows_as_lag_and_steps_take_turns(
    loop: LoopRunner, server: LocalServer
) -> None:
    server.set_conditions(latency_ms=20)
    run = run_on_the_window_loop(
        loop, server, AfterFetch.BLOCK.value, step_ms=30, count=6, concurrency=3, watch_loop=True, trace_slivers=True
    )
    # A beat due during a 30 ms block fires late by the rest of the block: at least 30 ms less one
    # period (the beat may have been scheduled just as the block began), less the timer's 1 ms grain.
    assert max(lag for _, lag in run.model.loop_lag) >= 30 - HEARTBEAT_PERIOD_S * 1000 - 1
    by_lane: dict[str, list[tuple[float, float]]] = {}
    for sliver in run.model.slivers:
        if sliver.lane is not None:
            by_lane.setdefault(sliver.lane, []).append((sliver.t0, sliver.t1))
    assert set(by_lane) == {"task 0", "task 1", "task 2"}
    assert pairwise_overlap_s(by_lane) == 0
    assert not installed_on(loop.loop) and loop.loop.get_task_factory() is None


def test_qt_events_flow_again_as_soon_as_a_blocking_run_is_over(loop: LoopRunner, server: LocalServer) -> None:
    """The window shares this loop: it is frozen during each blocking call, and answers again after."""
    run_on_the_window_loop(loop, server, AfterFetch.BLOCK.value, step_ms=30, count=4, concurrency=2, watch_loop=True)
    fired: list[float] = []
    started = time.perf_counter()
    QTimer.singleShot(0, lambda: fired.append(time.perf_counter() - started))
    loop.until(lambda: bool(fired), timeout_s=2)
    assert fired[0] < 0.05


def test_lag_columns_ramp_up_while_a_beat_waits_and_stay_flat_otherwise() -> None:
    columns = lag_columns([(0.05, 0.0), (0.10, 40.0)], t0=0.0, span_s=0.1, columns=10)
    assert columns[:6] == [0.0] * 6  # the second beat was due at 0.06
    assert columns[6:] == sorted(columns[6:]) and 35 <= columns[-1] <= 40


def fill_pixels_above(image: QImage, strip: LoopLagStrip, ms: float) -> int:
    """Lag-coloured pixels in the first row's chart, above the height of ``ms``."""
    plot = strip.row_plots()[0]
    y_limit = int(plot.bottom() - ms * plot.height() / strip.scale_ms()) - 2
    fill = segment_color(Segment.BLOCKED, False)
    count = 0
    for y in range(int(plot.top()), y_limit):
        for x in range(int(plot.left()), int(plot.right())):
            pixel = QColor(image.pixel(x, y))
            if abs(pixel.red() - fill.red()) + abs(pixel.green() - fill.green()) + abs(pixel.blue() - fill.blue()) < 30:
                count += 1
    return count


def test_the_strip_draws_a_blocking_runs_lag_above_the_50_ms_line_and_a_fixed_one_below(
    qtbot: QtBot, loop: LoopRunner, server: LocalServer
) -> None:
    server.set_conditions(latency_ms=20)
    common: dict[str, Any] = {"step_ms": 80, "count": 4, "concurrency": 2, "watch_loop": True}
    blocked = run_on_the_window_loop(loop, server, AfterFetch.BLOCK.value, **common)
    fixed = run_on_the_window_loop(loop, server, AfterFetch.AWAIT_IN_THREAD.value, **common)
    window = TimeWindow()
    window.fit(max(blocked.wall_s, fixed.wall_s))
    strip = LoopLagStrip(window)
    qtbot.addWidget(strip)
    strip.resize(700, 120)
    strip.set_run(blocked, "blocking")
    assert fill_pixels_above(strip.grab().toImage(), strip, REFERENCE_MS) > 0
    strip.set_run(fixed, "fixed")
    image = strip.grab().toImage()
    assert fill_pixels_above(image, strip, REFERENCE_MS) == 0
    assert "fixed\nloop lag\nworst" in LoopLagStrip.caption_text(fixed, "fixed")


def test_the_strip_stacks_runs_on_one_scale_and_names_a_run_that_did_not_watch(qtbot: QtBot) -> None:
    quiet = FinishedRun(
        make_settings(mode="asyncio", count=1), RunModel(), summarize(RunModel(), make_settings(), 1.0, None), 0.0, None
    )
    strip = LoopLagStrip(TimeWindow())
    qtbot.addWidget(strip)
    strip.resize(600, 140)
    strip.set_runs([quiet, quiet], ["one", "two"])
    first, second = strip.row_plots()
    assert first.bottom() < second.top() and first.height() == second.height()
    assert LoopLagStrip.caption_text(quiet) == "loop lag\nnot watched"
    strip.grab()  # paints without a lag sample
