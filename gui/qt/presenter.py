"""Presenter mode (F11, ``--present``): the window full screen for a classroom.

Large type and bars, a high-contrast palette that stays colour-blind safe, the side panels folded
away. With a lesson open, the arrows step through its pages (the story, the run, the figure, the
code) instead of through the replay's events. Leaving puts back the window exactly as it was: its
geometry, docks, fonts, colours and folded panels are kept on entering.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from PySide6.QtCore import QByteArray, QObject, QRect, Qt, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow

from gui.qt.central_area import CentralArea
from gui.qt.lesson_page import LessonPage
from gui.qt.theme import high_contrast, high_contrast_palette, is_dark, set_high_contrast

PAGES = ("narrative", "run", "figure", "code")  # a lesson's pages, in the order a class meets them
PRESENTER_POINT_SIZE = 16.0  # readable from the back of a room on a 1920 x 1080 projector
PRESENTER_SCALE = 1.6  # or this much larger than the usual font, if that is larger


@dataclass
class SavedLook:
    """How the window looked before presenter mode, to be put back exactly."""

    geometry: QRect  # not saveGeometry(): restoring that clamps the window to the screen it measures
    state: QByteArray
    window_state: Qt.WindowState
    font: QFont
    palette: QPalette
    high_contrast: bool
    folded: tuple[bool, bool]


class Presenter(QObject):
    changed = Signal(bool)  # presenter mode on (True) or off

    def __init__(
        self, window: QMainWindow, central: CentralArea, lesson_page: LessonPage, docks: dict[str, QDockWidget]
    ) -> None:
        super().__init__(window)
        self.window, self.central, self.lesson_page, self.docks = window, central, lesson_page, docks
        self.active = False
        self.page = "run"
        self._saved: SavedLook | None = None

    def toggle(self) -> None:
        self.leave() if self.active else self.enter()

    def enter(self) -> None:
        if self.active:
            return
        window = self.window
        app = cast(QApplication, QApplication.instance())
        self._saved = SavedLook(
            QRect(window.geometry()), window.saveState(), window.windowState(), QFont(app.font()),
            QPalette(app.palette()), high_contrast(), self.central.folded(),
        )  # fmt: skip
        dark = is_dark(app.palette())
        set_high_contrast(True)
        app.setPalette(high_contrast_palette(dark))
        font = QFont(app.font())
        font.setPointSizeF(max(PRESENTER_POINT_SIZE, font.pointSizeF() * PRESENTER_SCALE))
        app.setFont(font)
        self.central.fold(True, True)
        self.active = True
        window.showFullScreen()
        self.show_page("run")
        self.changed.emit(True)

    def leave(self) -> None:
        if not self.active or self._saved is None:
            return
        window, saved = self.window, self._saved
        app = cast(QApplication, QApplication.instance())
        self.active = False
        self._show_central(True)
        self.lesson_page.show_part(None)
        set_high_contrast(saved.high_contrast)
        app.setFont(saved.font)
        app.setPalette(saved.palette)
        window.showNormal()
        window.setWindowState(saved.window_state)
        if not saved.window_state & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            window.setGeometry(saved.geometry)
        window.restoreState(saved.state)  # the docks as they were: which open, which raised, their sizes
        self.central.fold(*saved.folded)
        self._saved = None
        self.changed.emit(False)

    @property
    def has_pages(self) -> bool:
        """A lesson is open: the arrows turn its pages."""
        return self.active and self.lesson_page.lesson is not None

    def turn_page(self, forward: bool) -> bool:
        """The next (or previous) page of the open lesson; False when there are no pages to turn."""
        if not self.has_pages:
            return False
        index = PAGES.index(self.page) + (1 if forward else -1)
        self.show_page(PAGES[min(max(index, 0), len(PAGES) - 1)])
        return True

    def show_page(self, page: str) -> None:
        """The run page is the timeline alone; the others are one dock, alone, over the whole screen."""
        self.page = page
        docks = self.docks
        if page == "run" or self.lesson_page.lesson is None:
            for dock in docks.values():
                dock.hide()
            self.lesson_page.show_part(None)
            self._show_central(True)
            return
        shown = docks["explain"] if page == "code" else docks["lesson"]
        self.lesson_page.show_part({"narrative": "story", "figure": "figure"}.get(page))
        for dock in docks.values():
            dock.setVisible(dock is shown)
        shown.raise_()
        self._show_central(False)

    def _show_central(self, visible: bool) -> None:
        self.central.setVisible(visible)
