"""The in-flight strip: its column peaks (array arithmetic) against a plain reading, and its picture."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from gui.core.model.run_model import RunModel
from gui.core.model.segments import Segment
from gui.core.results.finished_run import FinishedRun
from gui.core.results.stats import level_steps, summarize
from gui.core.trace.events import EndEvent, Outcome, Phase, PhaseEvent, Status
from gui.core.workload.jobs import Job
from gui.core.workload.settings import make_settings
from gui.qt.flight_strip import FILL_OPACITY, FlightStrip, column_peaks
from gui.qt.theme import blend, segment_color
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_geometry import plot_columns


def peaks_read_plainly(steps: list[tuple[float, int]], t0: float, span_s: float, columns: int, end: float) -> list[int]:
    """Column by column: the level it starts at, raised by any step inside it; nothing after ``end``."""
    width = span_s / columns
    peaks = []
    for column in range(columns):
        start = t0 + column * width
        if start > end:
            peaks.append(0)
            continue
        before = [level for t, level in steps if np.floor((t - t0) / width) < column]
        inside = [level for t, level in steps if np.floor((t - t0) / width) == column]
        peaks.append(max([before[-1] if before else 0, *inside]))
    return peaks


@pytest.mark.parametrize("seed", range(8))
def test_column_peaks_agree_with_a_plain_reading(seed: int) -> None:
    rng = random.Random(seed)
    changes: list[tuple[float, int]] = []
    for _ in range(rng.randrange(0, 400) if seed else 0):  # seed 0: no steps at all (a run not started)
        start = rng.uniform(-0.2, 1.0)
        changes += [(start, +1), (start + rng.uniform(0, 0.3), -1)]
    steps = level_steps(changes)
    times = np.array([t for t, _ in steps])
    levels = np.array([level for _, level in steps], dtype=np.int64)
    t0, span_s, columns = rng.uniform(-0.1, 0.3), rng.uniform(0.05, 1.5), rng.randrange(1, 300)
    end = rng.uniform(0.0, 1.4)
    got = column_peaks(times, levels, t0, span_s, columns, end).tolist()
    assert got == peaks_read_plainly(steps, t0, span_s, columns, end)


def test_the_strip_draws_each_moments_level_against_the_limit(qtbot: QtBot) -> None:
    """Four requests in flight from 0.2 s to 0.6 s, two until 0.8 s: the fill is twice as tall at
    0.4 s as at 0.7 s, and absent at 0.1 s and 0.9 s."""
    model = RunModel(Job(i, f"p{i}", "") for i in range(4))
    events: list[PhaseEvent | EndEvent] = []
    for i in range(4):
        events.append(PhaseEvent(i, Phase.STARTED, 0.2, f"lane {i}"))
        events.append(EndEvent(i, 0.6 if i < 2 else 0.8, Outcome(Status.OK, 200)))
    model.apply(events)
    settings = make_settings(mode="threads", count=4, concurrency=4)
    run = FinishedRun(settings, model, summarize(model, settings, 1.0, None), 0.0, None)
    window = TimeWindow()
    window.set_range(0.0, 1.0)
    strip = FlightStrip(window)
    qtbot.addWidget(strip)
    strip.resize(700, 110)
    strip.set_run(run)
    strip.refresh()
    image = QImage(strip.size(), QImage.Format.Format_ARGB32)
    strip.render(image)
    fill = blend(strip.palette().base().color(), segment_color(Segment.DOWNLOADING, False), FILL_OPACITY).rgb()
    left, width = plot_columns(strip.width())

    def filled_height(t: float) -> int:
        return sum(image.pixel(int(left + t * width), y) == fill for y in range(strip.height()))

    four, two = filled_height(0.4), filled_height(0.7)
    assert filled_height(0.1) == 0 and filled_height(0.9) == 0
    assert four > 10 and abs(four - 2 * two) <= 2


def test_a_view_that_starts_after_now_shows_nothing_in_flight() -> None:
    times, levels = np.array([0.0, 0.1]), np.array([3, 5], dtype=np.int64)
    assert column_peaks(times, levels, t0=0.5, span_s=1.0, columns=10, end=0.45).tolist() == [0] * 10
    assert column_peaks(times, levels, t0=0.5, span_s=1.0, columns=10, end=0.55).tolist() == [5] + [0] * 9
