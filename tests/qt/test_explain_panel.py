"""The explain panel and the comparison table as a user sees them, fed real finished runs."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontDatabase, QPalette, QTextFormat
from PySide6.QtWidgets import QApplication, QTableWidgetItem
from pytestqt.qtbot import QtBot

from gui.core.modes.catalogue import MODE_NAMES, mode_spec
from gui.core.results.comparison_table import comparison_rows, speedup_text
from gui.core.results.finished_run import FinishedRun
from gui.core.views.explain import explain
from gui.qt.code_view import CodeView
from gui.qt.compare_table import SPEEDUP_COLUMN, CompareTable
from gui.qt.explain_panel import PLACEHOLDER, ExplainPanel
from gui.qt.theme import apply_theme
from gui.server import LocalServer
from tests.core.helpers import run_mode
from tests.qt.conftest import LoopRunner


def real_run(loop: LoopRunner, server: LocalServer, latency_ms: float = 20, **settings: Any) -> FinishedRun:
    played = server.set_conditions(latency_ms=latency_ms)
    run, model = loop.run(run_mode(server.base_url, **settings))
    return FinishedRun.of(run, played.to_dict(), model=model)


def real_sources(mode: str) -> str:
    """The textbook functions' source as Python itself reads it from their files."""
    return "\n\n".join(inspect.getsource(function).rstrip() for function in mode_spec(mode).textbook)


def marked_rows(view: CodeView) -> list[int]:
    """The lines (0-based) the view paints with a full-width background."""
    return [
        selection.cursor.blockNumber()
        for selection in view.extraSelections()
        if selection.format.property(QTextFormat.Property.FullWidthSelection)
    ]


@pytest.fixture
def restore_theme(qapp: QApplication) -> Iterator[QApplication]:
    """The test may switch themes; the session gets its own palette and style back."""
    palette, style = QPalette(qapp.palette()), qapp.style().name()
    yield qapp
    qapp.setStyle(style)
    qapp.setPalette(palette)


def test_the_panel_explains_a_real_run_and_shows_the_code_that_ran(
    qtbot: QtBot, loop: LoopRunner, server: LocalServer
) -> None:
    run = real_run(loop, server, mode="threads", count=6, concurrency=3)
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.show_run(run)
    assert panel.text.text() == explain(run)
    assert panel.heading.text() == "Threads — 6 requests, 3 at once"
    function = mode_spec("threads").textbook[0]
    lines, first_line = inspect.getsourcelines(function)
    assert panel.caption.text().startswith(f"gui/core/modes/threads.py, line {first_line}: fetch_with_thread_pool")
    assert panel.code.toPlainText() == real_sources("threads")
    wait_row = next(i for i, line in enumerate(lines) if "local.client.fetch(job)" in line)
    assert marked_rows(panel.code) == [wait_row]
    assert panel.code.wait_marker_text(wait_row) == f"▶ {first_line + wait_row}"
    assert panel.code.wait_marker_text(0) == str(first_line)


def test_the_wait_line_is_tinted_across_the_whole_view(qtbot: QtBot) -> None:
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 600)
    panel.show_mode("sequential")
    panel.show()
    qtbot.waitExposed(panel)
    view = panel.code
    (row,) = view.wait_rows
    block = view.document().findBlockByNumber(row)
    middle = view.blockBoundingGeometry(block).translated(view.contentOffset()).center()
    image = view.viewport().grab().toImage()
    right_edge = image.pixelColor(image.width() - 3, round(middle.y()))
    assert right_edge == view.wait_color(), "the tint reaches the right edge"
    above = view.blockBoundingGeometry(block.previous()).translated(view.contentOffset()).center()
    assert image.pixelColor(image.width() - 3, round(above.y())) == view.palette().color(QPalette.ColorRole.Base)


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_every_mode_shows_its_real_source_with_its_wait_line_marked(qtbot: QtBot, mode: str) -> None:
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.show_mode(mode)
    view = panel.code
    assert view.toPlainText() == real_sources(mode)
    rows = marked_rows(view)
    assert rows and rows == view.wait_rows
    for row in rows:
        waits_at = mode_spec(mode).waits_at
        marks = (waits_at,) if isinstance(waits_at, str) else waits_at
        assert any(mark in view.document().findBlockByNumber(row).text() for mark in marks)
        assert view.wait_marker_text(row).startswith("▶ ")
    assert panel.text.text() == mode_spec(mode).why


def test_without_a_run_the_panel_says_what_it_is_for(qtbot: QtBot) -> None:
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.show_mode("asyncio")
    panel.show_run(None)
    assert panel.text.text() == PLACEHOLDER
    assert not panel.code.isVisibleTo(panel) and not panel.caption.isVisibleTo(panel)
    assert panel.code.toPlainText() == ""


def test_code_is_monospace_and_not_smaller_than_the_window_text(qtbot: QtBot, qapp: QApplication) -> None:
    """Monospace wherever the machine has a fixed-pitch font at all; a machine with none still shows the code."""
    view = CodeView()
    qtbot.addWidget(view)
    machine_has_one = any(QFontDatabase.isFixedPitch(family) for family in QFontDatabase.families())
    assert view.fontInfo().fixedPitch() or not machine_has_one
    assert view.font().pointSizeF() >= qapp.font().pointSizeF()


def test_switching_to_the_dark_theme_recolours_the_code_and_its_wait_line(
    qtbot: QtBot, restore_theme: QApplication
) -> None:
    apply_theme(restore_theme, "light")
    panel = ExplainPanel()
    qtbot.addWidget(panel)
    panel.show_mode("threads")
    view = panel.code
    keyword = lambda: view.document().firstBlock().begin().fragment().charFormat().foreground().color()  # "def"
    assert keyword() == QColor("#a90d91") and view.wait_color().lightness() > 160
    apply_theme(restore_theme, "dark")  # Qt posts the palette change to each widget
    qtbot.waitUntil(lambda: keyword() == QColor("#ff7b72"), timeout=2000)  # github-dark's keyword colour
    assert view.wait_color().lightness() < 100, "a dark tint on a dark base"
    assert marked_rows(view) == view.wait_rows and view.extraSelections()[0].format.background().color() == (
        view.wait_color()
    )


def test_the_table_has_one_row_per_run_in_order_with_its_speed_up(
    qtbot: QtBot, loop: LoopRunner, server: LocalServer
) -> None:
    runs = [
        real_run(loop, server, latency_ms=30, mode="sequential", count=4),
        real_run(loop, server, latency_ms=30, mode="threads", count=4, concurrency=4),
        real_run(loop, server, latency_ms=30, mode="asyncio", count=4, concurrency=4),
    ]
    table = CompareTable()
    qtbot.addWidget(table)
    with qtbot.assertNotEmitted(table.run_selected):
        table.show_runs(runs)
    rows = comparison_rows(runs)

    def cell(row: int, column: int) -> QTableWidgetItem:
        item = table.item(row, column)
        assert item is not None, f"no cell at {row}, {column}"
        return item

    assert table.rowCount() == 3
    assert [cell(r, 0).text() for r in range(3)] == ["Sequential", "Threads", "Asyncio"]
    assert cell(0, SPEEDUP_COLUMN).text() == "1.0×"
    for r, row in enumerate(rows):
        assert cell(r, SPEEDUP_COLUMN).text() == speedup_text(row.speedup)
        assert cell(r, SPEEDUP_COLUMN).textAlignment() & Qt.AlignmentFlag.AlignRight
        assert not cell(r, 1).flags() & Qt.ItemFlag.ItemIsEditable
    fastest = next(r for r, row in enumerate(rows) if row.fastest)
    assert cell(fastest, 1).background().color() == table.fastest_tint()
    assert all(cell(r, 1).background().style() == Qt.BrushStyle.NoBrush for r in range(3) if r != fastest)
    assert table.sizeHint().height() < 10 * table.rowHeight(0), "compact: about as tall as its rows"


def test_clicking_a_row_picks_that_run_even_twice(qtbot: QtBot, loop: LoopRunner, server: LocalServer) -> None:
    runs = [real_run(loop, server, mode=mode, count=2, concurrency=2) for mode in ("sequential", "asyncio")]
    table = CompareTable()
    qtbot.addWidget(table)
    table.show_runs(runs)
    table.show()
    qtbot.waitExposed(table)
    second, first = table.item(1, 2), table.item(0, 0)
    assert second is not None and first is not None
    where = table.visualItemRect(second).center()
    for _ in range(2):
        with qtbot.waitSignal(table.run_selected, timeout=2000) as picked:
            qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
        assert picked.args == [1]
    first_row = table.visualItemRect(first).center()
    with qtbot.waitSignal(table.run_selected, timeout=2000) as picked:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=first_row)
    assert picked.args == [0]
