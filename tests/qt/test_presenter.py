"""Presenter mode and small screens: full screen and large for a class, and back exactly as it was."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from gui.core.model.segments import Segment
from gui.qt.central_area import FOLD_BELOW_W
from gui.qt.main_window import MainWindow
from gui.qt.theme import high_contrast, segment_color
from tests.qt.conftest import LoopRunner

pytestmark = pytest.mark.timeout(120)
ROOT = Path(__file__).resolve().parents[2]


def central(window: MainWindow) -> QWidget:
    widget = window.centralWidget()
    assert widget is not None
    return widget


def test_presenter_mode_is_full_screen_large_and_high_contrast_and_leaving_restores_the_window(
    window: MainWindow, loop: LoopRunner, qapp: QApplication
) -> None:
    font, palette, geometry = qapp.font(), qapp.palette(), window.geometry()
    docks = {name: dock.isVisible() for name, dock in window.docks.items()}
    window.presenter_action.trigger()  # F11
    assert window.presenter.active and window.isFullScreen()
    assert qapp.font().pointSizeF() >= 16 and high_contrast()
    assert window.central.folded() == (True, False)  # the settings fold away; the legend stays for the class
    assert not any(dock.isVisible() for dock in window.docks.values())  # the run's page: the timeline alone
    window.presenter_action.trigger()
    assert not window.presenter.active and not window.isFullScreen()
    assert qapp.font() == font and qapp.palette() == palette and not high_contrast()
    assert window.central.folded() == (False, False) and window.geometry() == geometry
    assert {name: dock.isVisible() for name, dock in window.docks.items()} == docks


def test_in_presenter_mode_the_arrows_turn_a_lessons_pages(window: MainWindow, loop: LoopRunner) -> None:
    window.lessons.open("io-bound")
    window.presenter.enter()
    try:
        window.runs.jump_replay(forward=False)
        assert window.presenter.page == "narrative"
        assert window.docks["lesson"].isVisible() and not central(window).isVisible()
        assert window.lesson_page.parts["story"].isVisibleTo(window) and not window.lesson_page.parts[
            "figure"
        ].isVisibleTo(window)
        for page in ("run", "figure", "code", "code"):
            window.runs.jump_replay(forward=True)
            assert window.presenter.page == page
        assert window.docks["explain"].isVisible() and not window.docks["lesson"].isVisible()
        assert not window.replay.active  # the arrows turned pages, they did not start a replay
    finally:
        window.presenter.leave()
    assert central(window).isVisible()
    assert window.lesson_page.parts["figure"].isVisibleTo(window)


def test_a_lesson_opened_while_presenting_shows_its_story_then_its_run(window: MainWindow, loop: LoopRunner) -> None:
    window.presenter.enter()
    try:
        window.lesson_actions["gil"].trigger()  # Ctrl+2, from the Lessons menu
        assert window.presenter.page == "narrative"
        assert window.docks["lesson"].isVisible() and not central(window).isVisible()
        assert window.lesson_page.parts["story"].isVisibleTo(window)
        loop.until(window.server_ready.is_set)
        window.lessons.start("gil")  # Run the lesson: the class watches the bars grow
        assert window.presenter.page == "run"
        assert central(window).isVisible() and not window.docks["lesson"].isVisible()
    finally:
        window.lab.stop()
        window.presenter.leave()


def test_side_panels_fold_when_the_window_is_narrow_and_come_back_with_one_click(
    window: MainWindow, qapp: QApplication
) -> None:
    window.resize(1024, 768)
    qapp.processEvents()
    assert window.width() < FOLD_BELOW_W and window.central.folded() == (True, True)
    assert window.size().width() == 1024 and window.size().height() == 768  # nothing forces it larger
    window.central.settings_rail.click()
    assert window.central.folded() == (False, True)
    window.resize(1280, 720)
    qapp.processEvents()
    assert window.central.folded() == (False, False)
    assert window.size().width() == 1280 and window.size().height() == 720


def green_pixels(path: Path) -> int:
    image = QImage(str(path))
    green = segment_color(Segment.WAITING, False).rgb()
    return sum(image.pixel(x, y) == green for y in range(0, image.height(), 3) for x in range(0, image.width(), 3))


def test_at_screenshots_show_the_bars_growing(tmp_path: Path, qapp: QApplication) -> None:
    counts = []
    for at in ("25%", "75%"):
        target = tmp_path / f"at-{at[:-1]}.png"
        done = subprocess.run(
            [sys.executable, "main.py", "--screenshot", str(target), "--mode", "threads", "-n", "24", "-c", "4",
             "--latency-ms", "40", "--no-history", "--at", at],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        counts.append(green_pixels(target))
    assert 0 < counts[0] < counts[1] * 0.6


def test_at_without_screenshot_or_with_no_moment_is_a_usage_error() -> None:
    for extra in (["--at", "50%"], ["--screenshot", "x.png", "--at", "half"]):
        done = subprocess.run([sys.executable, "main.py", *extra], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and "--at" in done.stderr
