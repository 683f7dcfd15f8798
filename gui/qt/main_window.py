"""The main window, a shell: it makes the window's parts, wires them together, and closes them down.

- ``central_area``: the settings, the timeline with its strips, the live stats; the docks under them.
- ``actions``: the table every command, key, menu and toolbar button is made from.
- ``run_controller``: the run commands (modes, comparisons, replays, kept runs) and what is said of them.
- ``run_view``: the one refresh path of every view that follows a run, live or replayed.
- ``lesson_controller``, ``presenter``, ``server_controller``: the lessons, presenter mode, the local server.

Worker threads and processes never reach the window: their events wait in the run's sink and a
frame timer on the GUI thread moves them into the model (``Lab.pump``) about 60 times a second.
Every part speaks to the user through one channel, ``say`` (the ``message`` signal).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QActionGroup, QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QToolBar

from gui.core.history.store import History
from gui.core.lessons.catalogue import LESSONS
from gui.core.modes.catalogue import MODE_NAMES
from gui.core.results.finished_run import FinishedRun
from gui.core.session.lab import Lab
from gui.core.workload.dataset import pokedex
from gui.core.workload.settings import RunSettings
from gui.qt.actions import MENU_TITLES, MENUS, CompareMenu, fill_menu, lesson_keys, make_actions, make_toolbar
from gui.qt.card_dialog import CardShelf
from gui.qt.central_area import CentralArea, add_docks, explain_min_height, first_size
from gui.qt.compare_table import CompareTable
from gui.qt.explain_panel import ExplainPanel
from gui.qt.export_menu import ExportMenu
from gui.qt.flight_strip import FlightStrip
from gui.qt.history_panel import HistoryPanel
from gui.qt.lesson_controller import LessonController
from gui.qt.lesson_page import LessonPage
from gui.qt.loop_lag_strip import LoopLagStrip
from gui.qt.messages import INFO, show_in
from gui.qt.presenter import Presenter
from gui.qt.replay_controller import ReplayController
from gui.qt.run_controller import RunController
from gui.qt.run_view import RunView
from gui.qt.server_controller import ServerController
from gui.qt.settings_panel import SettingsPanel
from gui.qt.stats_panel import StatsPanel
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_view import TimelineView
from gui.qt.transport_bar import TransportBar
from gui.server import NetworkConditions

CLOSE_GRACE_S = 1.0  # with the server's half second, quitting stays within 2 s


class MainWindow(QMainWindow):
    lesson_finished = Signal(object)  # the LessonFigures of a lesson that ran to the end (None: stopped)
    message = Signal(str, int, str)  # what the window tells the user, for how many ms (0: until the next), its kind
    central: CentralArea
    docks: dict[str, QDockWidget]
    toolbar: QToolBar

    def __init__(
        self,
        conditions: NetworkConditions | None = None,
        history: History | None = None,
        history_problem: str | None = None,
    ) -> None:
        super().__init__()
        self.setWindowTitle("Poké Concurrency Lab")
        pokedex()  # load the dataset now (~10 ms), not in the first frame of the first run
        self.lab = Lab()
        self.history = history
        self.settings_panel = SettingsPanel()
        self.server_ctl = ServerController(conditions, self.settings_panel.conditions)
        self.server = self.server_ctl.server
        self._closing = False
        self.closed = asyncio.get_event_loop().create_future()
        self.cards = CardShelf(self)

        self.time_window = TimeWindow()
        self.timeline = TimelineView(self.time_window)
        self.strip = FlightStrip(self.time_window)
        self.lag_strip = LoopLagStrip(self.time_window)  # shown only for runs that watch their loop
        self.lag_strip.hide()
        self.stats = StatsPanel()
        self.explain = ExplainPanel()
        self.compare_table = CompareTable()
        self.history_panel = HistoryPanel(history, history_problem)
        self.lesson_page = LessonPage()
        self.lessons = LessonController(self, parent=self)
        self.replay = ReplayController(self)
        self.transport = TransportBar(self.replay)
        self.view = RunView(
            self.lab, self.replay, self.timeline, self.strip, self.lag_strip, self.stats, self.explain,
            self.lessons.variant_names, parent=self,
        )  # fmt: skip
        self.runs = RunController(self, self.lab, self.lessons, self.server_ctl, self.timeline, self.say, parent=self)
        self.run_started, self.run_finished = self.runs.started, self.runs.finished
        self.comparison_finished = self.runs.comparison_finished
        self.transport.play_requested = self.runs.toggle_replay
        self.transport.jump_requested = self.runs.jump_replay
        self.server_label = QLabel("Starting the local server…")
        self._build_layout()
        self.presenter = Presenter(self, self.central, self.lesson_page, self.docks, self.stats, self.explain)
        self._build_actions()
        self._build_menus()
        self.statusBar().addPermanentWidget(self.server_label)
        self.presenter.chrome = (self.menuBar(), self.toolbar, self.server_label)
        self.message.connect(partial(show_in, self.statusBar()))  # the one channel every part speaks through
        self.server_ctl.status.connect(self.say)
        self.server_ctl.label.connect(self.server_label.setText)
        self.settings_panel.network_changed.connect(self.server_ctl.apply_timer.start)
        self.timeline.span_clicked.connect(self.cards.show)
        self.compare_table.run_selected.connect(self.runs.show_compared_run)
        self.history_panel.show_runs.connect(self.runs.show_recorded)
        self.lesson_page.run_requested.connect(self.lessons.start)
        self.lesson_page.try_requested.connect(self.lessons.try_it)
        self.history_panel.table.itemSelectionChanged.connect(self.runs.on_history_selection)
        self.timeline.scrubbed.connect(self.runs.scrub_replay)
        self.timeline.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.timeline.setFocus()  # keys work at once, no button looks pressed
        self.resize(*first_size())

    def show_finished_runs(self, runs: list[FinishedRun]) -> None:
        self.runs.show_finished_runs(runs)

    def start_plans(self, plans: list[RunSettings], what: str, overrides: dict[str, Any] | None = None) -> None:
        """A lesson's variants, started as the run commands start any runs (the lesson controller's way in)."""
        self.runs.start_plans(plans, what, overrides)

    def say(self, text: str, ms: int = 0, kind: str = INFO) -> None:
        """Tell the user ``text`` in the status bar, for ``ms`` milliseconds (0: until the next message);
        a ``PROBLEM`` is shown in the theme's colour for failures (gui/qt/messages.py)."""
        self.message.emit(text, ms, kind)

    # --- building -------------------------------------------------------------------------

    def _build_layout(self) -> None:
        middle = [(self.timeline, 1), (self.transport, 0), (self.strip, 0), (self.lag_strip, 0)]
        self.central = CentralArea(self.settings_panel, middle, self.stats)
        self.setCentralWidget(self.central)
        self.docks = add_docks(
            self, {"lesson": ("Lesson", self.lesson_page), "compare": ("Comparison", self.compare_table),
                   "explain": ("Explain", self.explain), "history": ("History", self.history_panel)},
        )  # fmt: skip
        self.docks["explain"].raise_()
        self.explain.setMinimumHeight(explain_min_height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fold the side panels when the window becomes too narrow for them (not while presenting)."""
        super().resizeEvent(event)
        if not self.presenter.active:
            self.central.follow_width(self.width())

    def _build_actions(self) -> None:
        """The toolbar, the menus and every key, from the actions table (gui/qt/actions.py)."""
        slots: dict[str, Callable[[], object]] = {
            **{f"mode:{name}": partial(self.runs.start_mode, name) for name in MODE_NAMES},
            **{f"lesson:{lesson}": partial(self.lessons.open, lesson) for lesson in LESSONS},
            "compare": lambda: self.runs.start_comparison(), "stop": self.runs.stop_run, "fit": self.timeline.fit,
            "per_request": self._toggle_rows, "run_lesson": self._run_open_lesson, "quit": self.close,
            "play": self.runs.toggle_replay, "next_event": lambda: self.runs.jump_replay(True),
            "previous_event": lambda: self.runs.jump_replay(False), "faster": lambda: self.replay.change_speed(True),
            "slower": lambda: self.replay.change_speed(False), "presenter": self.presenter.toggle,
            "unfold": lambda: self.central.fold(False, False),
        }  # fmt: skip
        self.commands = make_actions(self, slots)
        self.mode_actions = {name: self.commands[f"mode:{name}"] for name in MODE_NAMES}
        self.lesson_actions = {lesson: self.commands[f"lesson:{lesson}"] for lesson in LESSONS}
        self.compare_action, self.stop_action = self.commands["compare"], self.commands["stop"]
        self.fit_action, self.per_request_action = self.commands["fit"], self.commands["per_request"]
        self.run_lesson_action, self.presenter_action = self.commands["run_lesson"], self.commands["presenter"]
        group = QActionGroup(self)  # one mode button down at a time
        for action in self.mode_actions.values():
            group.addAction(action)
        self.presenter.changed.connect(self.presenter_action.setChecked)
        self.stop_action.setEnabled(False)  # nothing to stop yet
        self.compare_menu = CompareMenu(self)
        self.toolbar = make_toolbar(self, self.commands, self.compare_menu)

    def _build_menus(self) -> None:
        menus = {name: self.menuBar().addMenu(MENU_TITLES[name]) for name in MENUS}
        self.exports = ExportMenu(
            self, menus["File"].addMenu("&Export"), self.timeline, self.view.finished_on_screen, self.say
        )
        menus["File"].addSeparator()
        for name, menu in menus.items():
            fill_menu(menu, name, self.commands)
        menus["View"].addSeparator()
        for dock in self.docks.values():
            menus["View"].addAction(dock.toggleViewAction())

    # --- server -----------------------------------------------------------------------------

    @property
    def server_ready(self) -> asyncio.Event:
        return self.server_ctl.is_ready

    @property
    def server_error(self) -> str | None:
        return self.server_ctl.error

    def start_server(self) -> None:
        self.runs.spawn(self.server_ctl.start())

    def _run_open_lesson(self) -> None:
        if self.lesson_page.lesson is None:
            self.say(f"Open a lesson first: Lessons menu, or {lesson_keys()}.", 4000)
            return
        self.lessons.start(self.lesson_page.lesson.id)

    # --- commands ----------------------------------------------------------------------------

    @property
    def closing(self) -> bool:
        return self._closing

    def _toggle_rows(self) -> None:
        self.timeline.set_per_request(self.per_request_action.isChecked())

    # --- lifecycle ----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the run, the workers and the server, then close (at most a couple of seconds)."""
        if self.closed.done():
            event.accept()
            return
        event.ignore()
        if not self._closing:
            self._closing = True
            self.presenter.leave()  # the window's own size and docks are what gets remembered
            self.replay.end()
            self.say("Closing: stopping the run and the local server…")
            self._closing_task = asyncio.ensure_future(self._shutdown())  # a strong reference until closed

    async def _shutdown(self) -> None:
        """Whatever fails on the way, ``closed`` is set: a window that cannot close would hang the app."""
        try:
            self.runs.stop_timers()
            self.cards.close_all()
            await self.runs.cancel_pending()  # first: a run about to start (waiting on the server) never will
            try:
                await asyncio.wait_for(self.lab.shutdown(), CLOSE_GRACE_S)
            except TimeoutError:
                pass  # a step that blocks a worker thread (time.sleep) cannot be cut short
            await self.server_ctl.stop()
        finally:
            if self.history is not None:
                self.history.close()
            if not self.closed.done():
                self.closed.set_result(None)
            self.close()
