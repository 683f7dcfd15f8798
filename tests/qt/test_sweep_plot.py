"""The sweep plot draws a real (small) sweep: wall time, context switches and CPU time per worker count."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor, QPalette
from pytestqt.qtbot import QtBot

from gui.core.lessons import sweep
from gui.core.lessons.lesson import LessonFigures, MeasuredRun, run_series
from gui.qt.sweep_plot import ROWS, SweepPlot
from gui.qt.theme import is_dark
from gui.server import LocalServer, NetworkConditions

TINY = sweep.make_lesson(count=16, server_limit=2, latency_ms=10, threads_up_to=8, coroutines_up_to=8)
Measured = tuple[list[list[MeasuredRun]], LessonFigures]


@pytest.fixture(scope="module")
def measured(shared_server: LocalServer) -> Iterator[Measured]:
    """A tiny sweep measured for real (about a second): the figures the lesson page would get."""
    shared_server.set_conditions(**TINY.conditions)
    played = NetworkConditions().updated(TINY.conditions).to_dict()
    try:
        series = asyncio.run(run_series(TINY, shared_server.base_url, played))
    finally:
        shared_server.set_conditions(**NetworkConditions().to_dict())
    yield series, TINY.figures_of_series(series)


@pytest.fixture
def plot(qtbot: QtBot) -> SweepPlot:
    widget = SweepPlot()
    qtbot.addWidget(widget)
    widget.resize(560, 680)
    return widget


def curves(plot: pg.PlotItem) -> list[tuple[list[float], list[float]]]:
    data = [item.getOriginalDataset() for item in plot.listDataItems()]
    return [(list(x), list(y)) for x, y in data]


def test_each_plot_draws_both_variants_against_the_workers(plot: SweepPlot, measured: Measured) -> None:
    _, figures = measured
    plot.show_figure(figures)
    for row, (key, _, _) in enumerate(ROWS):
        drawn = curves(plot.plots[row])
        for variant, figure in enumerate(figures.variants):
            points = figure["points"]
            assert drawn[variant] == ([p["workers"] for p in points], [p[key] for p in points])
    floor = figures.lesson["floor_s"]
    assert curves(plot.plots[0])[2] == ([1, 8], [floor, floor])  # the fastest possible, dotted, in the legend
    assert [label.text for _, label in plot.legend.items] == ["threads", "coroutines", f"fastest possible: {floor:g} s"]


def test_a_dashed_line_marks_the_server_limit_on_every_plot(plot: SweepPlot, measured: Measured) -> None:
    plot.show_figure(measured[1])
    for row in plot.plots:
        lines = [item for item in row.items if isinstance(item, pg.InfiniteLine) and item.angle == 90]
        assert [line.value() for line in lines] == [pytest.approx(math.log10(2))]


def test_the_workers_axis_is_logarithmic_with_a_tick_per_doubling(plot: SweepPlot, measured: Measured) -> None:
    plot.show_figure(measured[1])
    assert all(row.getAxis("bottom").logMode for row in plot.plots)
    ticks = plot.plots[-1].getAxis("bottom")._tickLevels[0]
    assert [label for _, label in ticks] == ["1", "2", "4", "8"]


def test_runs_appear_one_by_one_as_they_end(plot: SweepPlot, measured: Measured) -> None:
    series, _ = measured
    for variant, runs in zip(("threads", "asyncio"), series, strict=True):
        for run in runs:
            plot.add_point(variant, sweep.point(run), server_limit=2)
    assert [len(x) for x, _ in curves(plot.plots[0])] == [4, 4]
    plot.clear()
    assert curves(plot.plots[0]) == []


def test_the_plot_follows_a_dark_palette(plot: SweepPlot, measured: Measured) -> None:
    plot.show_figure(measured[1])
    dark = QPalette(plot.palette())
    for role, colour in ((QPalette.ColorRole.Window, "#1f2226"), (QPalette.ColorRole.Base, "#16181b")):
        dark.setColor(role, QColor(colour))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#e6e6e6"))
    plot.setPalette(dark)
    assert is_dark(plot.palette())
    assert plot.canvas.backgroundBrush().color().name() == "#16181b"
    assert plot.plots[0].getAxis("left").textPen().color().name() == "#e6e6e6"
    threads_pen = plot.plots[0].listDataItems()[0].opts["pen"]
    assert threads_pen.color().lightness() > 110  # the brighter shade, readable on the dark base


def test_an_empty_plot_can_be_shown_and_grabbed(plot: SweepPlot) -> None:
    plot.show()
    image = plot.grab()
    assert not image.isNull() and image.width() >= 420
