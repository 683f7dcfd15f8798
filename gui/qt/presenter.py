"""Presenter mode (F11, ``--present``): the window full screen for a classroom.

Large type and bars, a high-contrast palette that stays colour-blind safe, the side panels folded
away. With a lesson open, the arrows step through its pages (the story, the run, the figure, the
code) instead of through the replay's events. Leaving puts back the window exactly as it was: its
geometry, docks, fonts, colours and folded panels are kept on entering, and the window comes back
inside its screen even when that screen is the projector's.

A class needs the colours' key and nothing else: the menu bar, the toolbar and the server's address
are hidden (every key still works: each action belongs to the window too), and the legend stays on
the run's page, without the live stats beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from PySide6.QtCore import QByteArray, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

from gui.qt.central_area import CentralArea, screen_free_area
from gui.qt.explain_panel import ExplainPanel
from gui.qt.fonts import set_app_font
from gui.qt.lesson_page import LessonPage
from gui.qt.stats_panel import StatsPanel
from gui.qt.theme import high_contrast, high_contrast_palette, is_dark, set_high_contrast

PAGES = ("narrative", "run", "figure", "code")  # a lesson's pages, in the order a class meets them
PRESENTER_POINT_SIZE = 16.0  # readable from the back of a room on a 1920 x 1080 projector
LEGEND_MARGIN = 24  # beside the legend's widest label: its scroll bar, if the screen is short
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
    splitter: list[int] = field(default_factory=list)  # the widths of the settings, middle and stats
    chrome: list[bool] = field(default_factory=list)  # each of the presenter's hidden widgets was visible


class Presenter(QObject):
    changed = Signal(bool)  # presenter mode on (True) or off

    def __init__(
        self,
        window: QMainWindow,
        central: CentralArea,
        lesson_page: LessonPage,
        docks: dict[str, QDockWidget],
        stats: StatsPanel,
        explain: ExplainPanel,
    ) -> None:
        super().__init__(window)
        self.window, self.central, self.lesson_page, self.docks = window, central, lesson_page, docks
        self.stats, self.explain = stats, explain
        stats.legend_changed.connect(lambda: QTimer.singleShot(0, self._fit_legend))  # once laid out anew
        self.chrome: Sequence[QWidget] = ()  # what a class does not need: menu bar, toolbar, server address
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
            self.central.sizes(), [widget.isVisible() for widget in self.chrome],
        )  # fmt: skip
        dark = is_dark(app.palette())
        set_high_contrast(True)
        app.setPalette(high_contrast_palette(dark))
        font = QFont(app.font())
        font.setPointSizeF(max(PRESENTER_POINT_SIZE, font.pointSizeF() * PRESENTER_SCALE))
        set_app_font(font)
        self.central.fold(True, False)  # the settings go; the legend stays
        self.stats.show_legend_only(True)
        self.explain.present(True)
        self._fit_legend()
        for widget in self.chrome:
            widget.hide()
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
        self.stats.show_legend_only(False)
        self.explain.present(False)
        for widget, visible in zip(self.chrome, saved.chrome, strict=False):
            widget.setVisible(visible)
        set_high_contrast(saved.high_contrast)
        set_app_font(saved.font)
        app.setPalette(saved.palette)
        window.showNormal()
        window.setWindowState(saved.window_state)
        window.restoreState(saved.state)  # the docks as they were: which open, which raised, their sizes
        self.central.fold(*saved.folded)
        self.central.setSizes(saved.splitter)
        for _ in range(3):  # the usual type's layouts, now: until then the large type's minimum sizes hold
            QApplication.sendPostedEvents(None, 0)
        if not saved.window_state & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            window.setGeometry(inside_screen(saved.geometry, window))
        self._saved = None
        self.changed.emit(False)

    def _fit_legend(self) -> None:
        """The legend whole beside the timeline, whatever colours the runs on screen brought."""
        if self.active:
            self.central.give_stats(self.stats.sizeHint().width() + LEGEND_MARGIN)

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
        QTimer.singleShot(0, self.lesson_page.refit)  # at the full screen's width, once shown

    def _show_central(self, visible: bool) -> None:
        self.central.setVisible(visible)


def inside_screen(geometry: QRect, window: QWidget) -> QRect:
    """``geometry``, made to fit with its frame in the free area of the window's screen: a window
    that was larger than the projector it is now on would hide its status bar below the edge."""
    screen = window.screen() or QApplication.primaryScreen()
    if screen is None or screen_free_area() is None:  # no real screen to fit (plain offscreen: tests)
        return geometry
    frame_w = window.frameGeometry().width() - window.geometry().width()
    frame_h = window.frameGeometry().height() - window.geometry().height()
    free = screen.availableGeometry().adjusted(0, 0, -frame_w, -frame_h)
    fitted = QRect(geometry)
    fitted.setWidth(min(fitted.width(), free.width()))
    fitted.setHeight(min(fitted.height(), free.height()))
    fitted.moveLeft(min(max(fitted.left(), free.left()), free.right() - fitted.width() + 1))
    fitted.moveTop(min(max(fitted.top(), free.top()), free.bottom() - fitted.height() + 1))
    return fitted
