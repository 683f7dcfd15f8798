"""The window's layout: the settings on the left, the timeline and its strips, the live stats on the
right, the folding of the two side panels, the docks under them, and the window's first size.

A folded side panel leaves a slim rail with an arrow: one click brings it back. The window folds
both when it becomes too narrow for them (a 1024 x 768 screen) and unfolds them when it is wide
again, only on crossing, so that a panel brought back by hand on a small screen stays.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

FOLD_BELOW_W = 1180  # a window narrower than this folds its side panels by itself (1024 x 768 does)
SETTINGS_W = 272  # wide enough that the settings panel never scrolls sideways
STATS_MIN_W = 262  # "2.40 s / 101 %" whole beside its name, never cut
MIDDLE_W = 878
WINDOW_W, WINDOW_H = 1440, 900
EXPLAIN_MIN_H = 270
EXPLAIN_MIN_H_SMALL = 180  # on a screen under SMALL_SCREEN_H tall: the timeline needs the room more
SMALL_SCREEN_H = 820


def screen_free_area() -> QRect | None:
    """The primary screen's free area; None when there is no real screen to fit: Qt's offscreen
    platform without a ``configfile`` makes up an 800 x 800 one (tests, pictures)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return None
    return screen.availableGeometry()


def first_size() -> tuple[int, int]:
    """1440 x 900, or the screen's free area if that is smaller: a window larger than its screen
    hides its own status bar and strip below the edge."""
    free = screen_free_area()
    if free is None:
        return WINDOW_W, WINDOW_H
    return min(WINDOW_W, free.width()), min(WINDOW_H, free.height())


def explain_min_height() -> int:
    """The Explain dock's words and a screenful of code, side by side (fewer lines on a small screen)."""
    free = screen_free_area()
    return EXPLAIN_MIN_H_SMALL if free is not None and free.height() < SMALL_SCREEN_H else EXPLAIN_MIN_H


class CentralArea(QSplitter):
    """Settings | the timeline with what is drawn under it | the live stats and legend."""

    def __init__(self, settings: QWidget, middle: Sequence[tuple[QWidget, int]], stats: QWidget) -> None:
        super().__init__(Qt.Orientation.Horizontal)
        settings_scroll = _scrolled(settings, SETTINGS_W)
        stats_scroll = _scrolled(stats, STATS_MIN_W)  # the legend grows with a lesson's colours: scroll, never push
        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        center_layout.setSpacing(2)
        for widget, stretch in middle:
            center_layout.addWidget(widget, stretch)
        self.settings_rail = _rail(Qt.ArrowType.RightArrow, "Show the settings panel", lambda: self._unfold(0))
        self.stats_rail = _rail(Qt.ArrowType.LeftArrow, "Show the live stats and legend", lambda: self._unfold(1))
        railed = QWidget()
        railed_layout = QHBoxLayout(railed)
        railed_layout.setContentsMargins(0, 0, 0, 0)
        railed_layout.setSpacing(0)
        railed_layout.addWidget(self.settings_rail)
        railed_layout.addWidget(center, 1)
        railed_layout.addWidget(self.stats_rail)
        for widget in (settings_scroll, railed, stats_scroll):
            self.addWidget(widget)
        self.setStretchFactor(1, 1)
        self.setSizes([SETTINGS_W, MIDDLE_W, STATS_MIN_W])
        self.setChildrenCollapsible(False)
        self.side_panels = (settings_scroll, stats_scroll)
        self._narrow: bool | None = None  # the width was under FOLD_BELOW_W at the last resize

    def folded(self) -> tuple[bool, bool]:
        """(settings folded, stats folded)."""
        return (self.side_panels[0].isHidden(), self.side_panels[1].isHidden())

    def fold(self, settings: bool, stats: bool) -> None:
        """Fold (or unfold) the settings panel on the left and the live stats on the right."""
        rails = (self.settings_rail, self.stats_rail)
        for panel, rail, folded in zip(self.side_panels, rails, (settings, stats), strict=True):
            panel.setVisible(not folded)
            rail.setVisible(folded)

    def give_stats(self, width: int) -> None:
        """Make the right-hand column ``width`` wide (its legend whole in presenter mode's type)."""
        sizes = self.sizes()
        total = sum(sizes)
        self.setSizes([sizes[0], max(total - sizes[0] - width, 0), width])

    def follow_width(self, width: int) -> None:
        """The window's new width: fold both panels on becoming narrow, unfold them on becoming wide."""
        narrow = width < FOLD_BELOW_W
        if narrow != self._narrow:
            self._narrow = narrow
            self.fold(narrow, narrow)

    def _unfold(self, which: int) -> None:
        folded = list(self.folded())
        folded[which] = False
        self.fold(*folded)


def add_docks(window: QMainWindow, docks: dict[str, tuple[str, QWidget]]) -> dict[str, QDockWidget]:
    """The docks under the middle (by name: title and widget), tabbed together in that order;
    each can be moved and closed, and View shows it again."""
    made: dict[str, QDockWidget] = {}
    for name, (title, widget) in docks.items():
        dock = QDockWidget(title, window)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        if made:
            window.tabifyDockWidget(list(made.values())[-1], dock)
        made[name] = dock
    return made


def _scrolled(widget: QWidget, min_width: int) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidget(widget)
    scroll.setWidgetResizable(True)
    scroll.setMinimumWidth(min_width)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    return scroll


def _rail(arrow: Qt.ArrowType, tip: str, slot: Callable[[], None]) -> QToolButton:
    rail = QToolButton()
    rail.setArrowType(arrow)
    rail.setToolTip(tip)
    rail.setAutoRaise(True)
    rail.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    rail.setFixedWidth(16)
    rail.setSizePolicy(rail.sizePolicy().horizontalPolicy(), rail.sizePolicy().Policy.Expanding)
    rail.clicked.connect(slot)
    rail.hide()
    return rail
