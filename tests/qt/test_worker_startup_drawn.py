"""A process lane shows its interpreter starting, in its own colour, named on hover and in the legend."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from gui.core.model.segments import Segment
from gui.core.results.finished_run import FinishedRun
from gui.core.views.timeline_pieces import startup_tooltip
from gui.core.workload.settings import make_settings
from gui.qt.stats_panel import StatsPanel
from gui.qt.theme import is_dark, segment_color
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_view import TimelineView
from tests.core.helpers import small_processes_run

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def processes_run() -> FinishedRun:
    return small_processes_run()


def shown(qtbot: QtBot, run: FinishedRun) -> TimelineView:
    view = TimelineView(TimeWindow())
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.set_runs([run])
    view.fit()
    return view


def test_each_process_lane_is_drawn_starting_until_its_worker_was_ready(
    qtbot: QtBot, processes_run: FinishedRun
) -> None:
    view = shown(qtbot, processes_run)
    image = view.grab().toImage()
    geo = view.geometry_now()
    expected = segment_color(Segment.STARTING, is_dark(view.palette())).rgb()
    pieces = view.lane_pieces(0)
    assert {piece.row for piece in pieces} == set(range(len(processes_run.model.lanes)))
    for piece in pieces:
        middle = QPoint(int(geo.x_of((piece.t0 + piece.t1) / 2)), int(geo.row_top(0, piece.row) + geo.lane_h / 2))
        assert QColor(image.pixel(middle)).rgb() == expected, f"{piece.start.lane} is not drawn starting"
        assert view.startup_at(middle) == piece.start
        assert view.span_at(middle) is None, "the start-up is the lane's, not a request's"
        assert startup_tooltip(piece.start).startswith(f"{piece.start.lane}: interpreter started in ")


def test_one_row_per_request_leaves_the_start_ups_out(qtbot: QtBot, processes_run: FinishedRun) -> None:
    view = shown(qtbot, processes_run)
    view.set_per_request(True)
    assert view.lane_pieces(0) == []


def test_the_legend_lists_starting_only_for_runs_that_start_interpreters(
    qtbot: QtBot, processes_run: FinishedRun
) -> None:
    panel = StatsPanel()
    qtbot.addWidget(panel)
    assert not panel.lists(Segment.STARTING)
    panel.show_step_legend([processes_run.settings])
    assert panel.lists(Segment.STARTING)
    panel.show_step_legend([make_settings(mode="threads")])
    assert not panel.lists(Segment.STARTING)
    panel.show_run(processes_run)  # a run on screen that has start-ups, whatever its mode
    assert panel.lists(Segment.STARTING)
