"""Compare, history and exports in the window, driven as a user drives them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableWidgetSelectionRange

from gui.core.results.finished_run import FinishedRun
from gui.core.session.lab import LiveRun
from gui.core.trace.events import Phase, Status
from gui.qt.exporting import ExportKind
from gui.qt.main_window import MainWindow
from tests.qt.conftest import LoopRunner


def compare(window: MainWindow, loop: LoopRunner, modes: list[str], count: int = 12) -> list[FinishedRun]:
    done: list[list[FinishedRun]] = []
    window.comparison_finished.connect(done.append)
    window.settings_panel.enter(count=count, workers=4)
    window.compare_menu.choose(modes)
    QTest.keyClick(window.timeline, Qt.Key.Key_C)
    loop.until(lambda: bool(done))
    loop.until(lambda: not window.runs.timer.isActive())
    return done[0]


def test_compare_key_runs_each_ticked_mode_in_turn_as_bands_on_one_axis(window: MainWindow, loop: LoopRunner) -> None:
    starts: list[LiveRun] = []
    window.run_started.connect(starts.append)
    runs = compare(window, loop, ["sequential", "asyncio"])
    assert [r.settings.mode for r in runs] == ["sequential", "asyncio"]
    assert [[s.pokemon for s in r.model.spans] for r in runs][0] == [s.pokemon for s in runs[1].model.spans]
    first, second = starts
    assert second.run.t0 is not None and first.run.t0 is not None
    assert second.run.t0 >= first.run.t0 + first.run.wall_s, "the second run started before the first ended"
    assert len(window.timeline.runs) == 2 and window.timeline.band_rows() == [1, 4]
    assert window.compare_table.rowCount() == 2
    assert window.time_window.t0 == 0.0 and window.time_window.t1 >= runs[0].wall_s  # every band from zero


def test_hover_and_click_work_in_every_band(window: MainWindow, loop: LoopRunner) -> None:
    runs = compare(window, loop, ["threads", "asyncio"])
    for band, run in enumerate(runs):
        span = (
            next(s for s in run.model.spans if s.pokemon == "pikachu") if run.model.total > 25 else run.model.spans[5]
        )
        where = window.timeline.point_of(band, span, (span.t[Phase.STARTED] + span.t[Phase.ENDED]) / 2)
        found = window.timeline.hit(where)
        assert found is not None and found[0] == band and found[1].request_id == span.request_id
        QTest.mouseClick(window.timeline, Qt.MouseButton.LeftButton, pos=where)
        assert span.pokemon.title() in window.cards.shown[-1].title.text()


def test_every_finished_run_is_kept_and_two_can_be_shown_again_on_one_axis(
    window: MainWindow, loop: LoopRunner
) -> None:
    runs = compare(window, loop, ["threads", "asyncio"])
    panel = window.history_panel
    assert [e.mode for e in panel.entries[:2]] == ["asyncio", "threads"]
    assert "runs kept" in panel.info.text()
    panel.table.setRangeSelected(QTableWidgetSelectionRange(0, 0, 1, panel.table.columnCount() - 1), True)
    shown = window.timeline.runs
    assert [r.settings.mode for r in shown] == ["threads", "asyncio"]
    assert all(isinstance(r, FinishedRun) for r in shown)
    for kept, original in zip(shown[0].model.spans, runs[0].model.spans, strict=True):
        assert kept.t == pytest.approx(original.t, abs=1e-6)  # kept to the microsecond
    panel.table.clearSelection()
    panel.table.selectRow(0)
    panel.delete_selected()
    assert [e.mode for e in panel.entries] == ["threads"]


def test_the_explain_panel_explains_the_run_just_finished(window: MainWindow, loop: LoopRunner) -> None:
    runs = compare(window, loop, ["sequential", "threads"])
    window.compare_table.run_selected.emit(0)
    assert f"{runs[0].wall_s:.2f}\N{NO-BREAK SPACE}s" in window.explain.text.text()
    assert "fetch_one_after_another" in window.explain.code.toPlainText()


def test_exports_write_what_is_on_screen_and_a_bad_path_gets_a_message(
    window: MainWindow, loop: LoopRunner, tmp_path: Path
) -> None:
    runs = compare(window, loop, ["threads", "asyncio"], count=8)
    assert window.exports.export_to(ExportKind.CSV, tmp_path / "spans.csv")
    rows = list(csv.DictReader((tmp_path / "spans.csv").read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 16 and {row["mode"] for row in rows} == {"threads", "asyncio"}
    assert window.exports.export_to(ExportKind.JSON, tmp_path / "report.json")
    assert [r["settings"]["mode"] for r in json.loads((tmp_path / "report.json").read_text())["runs"]] == [
        "threads",
        "asyncio",
    ]
    assert window.exports.export_to(ExportKind.HAR, tmp_path / "runs.har")
    assert window.exports.export_to(ExportKind.TRACE, tmp_path / "trace.json")
    assert window.exports.export_to(ExportKind.PNG, tmp_path / "timeline.png")
    assert (tmp_path / "timeline.png").read_bytes()[:4] == b"\x89PNG"
    assert window.exports.export_to(ExportKind.SVG, tmp_path / "timeline.svg")
    svg = (tmp_path / "timeline.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "<image" not in svg, "bars must be shapes in the SVG, not a picture of them"
    assert not window.exports.export_to(ExportKind.CSV, tmp_path / "no-such-folder" / "spans.csv")
    assert "cannot write" in window.statusBar().currentMessage()
    assert not (tmp_path / "no-such-folder").exists()
    assert all(s.status is Status.OK for r in runs for s in r.model.spans)


def test_stop_between_comparison_runs_ends_the_comparison(window: MainWindow, loop: LoopRunner) -> None:
    window.settings_panel.enter(count=6)
    window.runs.start_comparison(["threads", "asyncio"])
    loop.until(lambda: window.lab.comparing is not None and window.lab.comparison_running)
    assert window.lab.active
    window.runs.stop_run()
    comparing = window.lab.comparing
    assert comparing is not None
    loop.until(comparing.done)
    loop.until(lambda: not window.lab.busy)
    assert [live.settings.mode for live in window.lab.shown] in ([], ["threads"]), "the comparison went on"
    assert not window.stop_action.isEnabled()


def test_a_new_run_started_over_a_comparison_keeps_its_stop_button(window: MainWindow, loop: LoopRunner) -> None:
    window.settings_panel.enter(count=30, workers=2)
    window.runs.start_comparison(["threads", "asyncio"])
    loop.until(lambda: window.lab.current is not None and window.lab.current.running)
    first = window.lab.current
    window.runs.start_mode("asyncio")
    loop.until(lambda: window.lab.current is not first and window.lab.current is not None)
    comparing = window.lab.comparing
    loop.until(lambda: comparing is None or comparing.done())
    current = window.lab.current
    assert current is not None and current.running and window.stop_action.isEnabled()
    loop.until(lambda: not current.running)
    kept = [e.mode for e in window.history_panel.entries]
    assert "threads" in kept, "the replaced threads run was not kept in the history"


def test_after_a_delete_no_other_run_is_left_selected(window: MainWindow, loop: LoopRunner) -> None:
    compare(window, loop, ["threads", "asyncio"], count=4)
    panel = window.history_panel
    panel.table.selectRow(0)
    panel.delete_selected()
    assert len(panel.entries) == 1 and panel.selected_ids() == []
    assert not panel.delete_button.isEnabled()


def test_a_lesson_runs_its_variants_as_bands_and_shows_its_figure(window: MainWindow, loop: LoopRunner) -> None:
    figures: list[object] = []
    window.lesson_finished.connect(figures.append)
    QTest.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # Lessons ▸ 1 (io-bound)
    assert window.lesson_page.lesson is not None and window.lesson_page.lesson.id == "io-bound"
    QTest.keyClick(window.timeline, Qt.Key.Key_R)  # runs the open lesson
    loop.until(lambda: bool(figures), 60)
    assert figures[0] is not None
    assert [run.settings.mode for run in window.timeline.runs] == ["sequential", "threads", "asyncio"]
    assert [name for name, _ in window.lesson_page.bars.rows] == ["sequential", "threads", "asyncio"]
    assert "faster than one after another" in window.lesson_page.verdict.text()
    assert window.server.played_conditions().latency_ms == 100  # the lesson's own network
    window.lesson_page.try_button.click()
    assert window.settings_panel.shown("count") == 40 and window.settings_panel.shown("latency") == 100


def test_a_lesson_of_series_draws_each_point_and_its_figure(window: MainWindow, loop: LoopRunner) -> None:
    """The sweep's machinery on a small sweep (the real preset takes minutes: see --lesson sweep)."""
    from gui.core.lessons.sweep import make_lesson

    small = make_lesson(count=16, server_limit=2, latency_ms=10, threads_up_to=4, coroutines_up_to=4)
    figures: list[object] = []
    window.lesson_finished.connect(figures.append)
    window.lessons.run_spec(small)
    loop.until(lambda: bool(figures), 60)
    assert figures[0] is not None and window.lesson_page.sweep.isVisible()
    assert len(window.timeline.runs) == 1  # each run of the series replaces the last on the timeline
    points = window.lesson_page.sweep.points
    assert [p["workers"] for p in points["threads"]] == [1, 2, 4] and len(points["asyncio"]) == 3
    # the same sentences; a busy machine adds its own at the end
    assert window.lesson_page.verdict.text().startswith(small.verdict(figures[0]))  # type: ignore[arg-type]


def test_only_one_lesson_runs_at_a_time(window: MainWindow, loop: LoopRunner) -> None:
    """A second start of a sweep, or another lesson, replaces the sweep under way (never two at once)."""
    from gui.core.lessons.sweep import make_lesson

    slow = make_lesson(count=64, server_limit=2, latency_ms=50, threads_up_to=4, coroutines_up_to=4)
    window.lessons.run_spec(slow)
    first = window.lessons.series
    window.lessons.run_spec(slow)
    second = window.lessons.series
    assert first is not None and second is not None and first is not second
    loop.until(first.done)
    assert first.cancelled() and not second.done()
    figures: list[object] = []
    window.lesson_finished.connect(figures.append)
    window.lessons.start("io-bound")
    loop.until(second.done)
    assert second.cancelled()
    loop.until(lambda: bool(figures), 60)
    assert figures[-1] is not None and window.lessons.current is not None
    assert window.lessons.current.id == "io-bound"
