"""The main window: mode buttons, Compare, settings, the live timeline, the in-flight strip, live
stats, and the docks that explain a run, compare runs and keep the history.

Worker threads and processes never reach this module: their events wait in the run's sink and a
frame timer on the GUI thread moves them into the model (``Lab.pump``) about 60 times a second.
The server has its controller (``ServerController``); the runs live in the Qt-free ``Lab``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine, Sequence
from functools import partial
from typing import Any

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QToolBar,
    QToolButton,
)

from gui.core.history.store import History
from gui.core.lessons.catalogue import LESSONS
from gui.core.model.run_model import Span
from gui.core.modes.catalogue import MODE_NAMES, MODES, advice, at_once, keys_hint
from gui.core.results.comparison import same_workload
from gui.core.results.comparison_table import Measure, fastest_and_slowest, wall_time
from gui.core.results.finished_run import FinishedRun
from gui.core.results.stats import KnownNetwork
from gui.core.session.lab import Lab, LiveRun
from gui.core.session.replay import ReplayRun
from gui.core.workload.dataset import pokedex
from gui.core.workload.settings import RunSettings
from gui.qt.actions import MENU_TITLES, MENUS, fill_menu, fill_toolbar, make_actions
from gui.qt.card_dialog import CardDialog
from gui.qt.central_area import CentralArea
from gui.qt.compare_table import CompareTable
from gui.qt.explain_panel import ExplainPanel
from gui.qt.export_menu import ExportMenu
from gui.qt.flight_strip import FlightStrip
from gui.qt.history_panel import HistoryPanel
from gui.qt.lesson_controller import LessonController
from gui.qt.lesson_page import LessonPage
from gui.qt.loop_lag_strip import LoopLagStrip
from gui.qt.presenter import Presenter
from gui.qt.replay_controller import ReplayController
from gui.qt.run_view import RunView
from gui.qt.server_controller import ServerController
from gui.qt.settings_panel import SettingsPanel
from gui.qt.stats_panel import StatsPanel
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_view import TimelineView
from gui.qt.transport_bar import TransportBar
from gui.server import NetworkConditions

FRAME_MS = 16
CLOSE_GRACE_S = 1.0  # with the server's half second, quitting stays within 2 s
BANNER_MS = 2500
EXPLAIN_MIN_H = 270
EXPLAIN_MIN_H_SMALL = 180  # on a screen under SMALL_SCREEN_H tall: the timeline needs the room more
SMALL_SCREEN_H = 820
WINDOW_W, WINDOW_H = 1440, 900
SAME_SPEED = 1.05  # runs closer than this are "about the same", not "1.0× faster"


LESSON_KEYS = f"Ctrl+1 … Ctrl+{min(len(LESSONS), 10) % 10}"  # the Lessons menu's shortcuts, for hints


def screen_free_area() -> QRect | None:
    """The primary screen's free area; None when there is no real screen to fit: Qt's offscreen
    platform without a ``configfile`` makes up an 800 x 800 one (tests, pictures)."""
    screen = QGuiApplication.primaryScreen()
    if screen is None or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return None
    return screen.availableGeometry()


class MainWindow(QMainWindow):
    run_started = Signal(object)  # the LiveRun that just started
    run_finished = Signal(object)  # the LiveRun that just ended
    comparison_finished = Signal(object)  # list[FinishedRun], in the order run
    lesson_finished = Signal(object)  # the LessonFigures of a lesson that ran to the end (None: stopped)
    message = Signal(str, int)  # what the window tells the user, and for how many ms (0: until the next)
    central: CentralArea

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
        self.lab.run_callbacks.append(self._on_run_launched)
        self.history = history
        self.settings_panel = SettingsPanel()
        self.server_ctl = ServerController(conditions, self.settings_panel.conditions)
        self.server = self.server_ctl.server
        self._pending: list[str] | None = None  # modes asked for before the server was up
        self._tasks: set[asyncio.Task[None]] = set()  # strong refs: qasync keeps none (see notes)
        self._closing = False
        self.closed = asyncio.get_event_loop().create_future()
        self.cards: list[CardDialog] = []

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
        self.transport.play_requested = self.toggle_replay
        self.transport.jump_requested = self.jump_replay
        self.server_label = QLabel("Starting the local server…")
        self._build_layout()
        self.presenter = Presenter(self, self.central, self.lesson_page, self.docks)
        self._build_actions()
        self._build_menus()
        self.statusBar().addPermanentWidget(self.server_label)
        self.message.connect(self.statusBar().showMessage)  # the one channel every part speaks through
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.on_frame)
        # A timer the window owns dies with it; a QTimer.singleShot(ms, bound_method) can fire
        # after the window was deleted and crash (seen in tests that close windows quickly).
        self.banner_timer = QTimer(self)
        self.banner_timer.setSingleShot(True)
        self.banner_timer.setInterval(BANNER_MS)
        self.banner_timer.timeout.connect(self._clear_banner)
        self.server_ctl.status.connect(self.say)
        self.server_ctl.label.connect(self.server_label.setText)
        self.server_ctl.ready.connect(self._on_server_ready)
        self.server_ctl.apply_timer.timeout.connect(self._apply_network)
        self.settings_panel.network_changed.connect(self.server_ctl.apply_timer.start)
        self.timeline.span_clicked.connect(self.show_card)
        self.compare_table.run_selected.connect(self._on_compared_run_selected)
        self.history_panel.show_runs.connect(self.show_recorded)
        self.lesson_page.run_requested.connect(self.lessons.start)
        self.lesson_page.try_requested.connect(self.lessons.try_it)
        self.history_panel.table.itemSelectionChanged.connect(self._on_history_selection)
        self.timeline.scrubbed.connect(self.scrub_replay)
        self.timeline.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.timeline.setFocus()  # keys work at once, no button looks pressed
        self.resize(*self.first_size())

    def say(self, text: str, ms: int = 0) -> None:
        """Tell the user ``text`` in the status bar, for ``ms`` milliseconds (0: until the next message)."""
        self.message.emit(text, ms)

    @staticmethod
    def first_size() -> tuple[int, int]:
        """1440 x 900, or the screen's free area if that is smaller: a window larger than its screen
        hides its own status bar and strip below the edge."""
        free = screen_free_area()
        if free is None:
            return WINDOW_W, WINDOW_H
        return min(WINDOW_W, free.width()), min(WINDOW_H, free.height())

    # --- building -------------------------------------------------------------------------

    def _build_layout(self) -> None:
        middle = [(self.timeline, 1), (self.transport, 0), (self.strip, 0), (self.lag_strip, 0)]
        self.central = CentralArea(self.settings_panel, middle, self.stats)
        self.setCentralWidget(self.central)
        self.docks: dict[str, QDockWidget] = {}
        for name, title, widget, area in (
            ("lesson", "Lesson", self.lesson_page, Qt.DockWidgetArea.BottomDockWidgetArea),
            ("compare", "Comparison", self.compare_table, Qt.DockWidgetArea.BottomDockWidgetArea),
            ("explain", "Explain", self.explain, Qt.DockWidgetArea.BottomDockWidgetArea),
            ("history", "History", self.history_panel, Qt.DockWidgetArea.BottomDockWidgetArea),
        ):
            dock = QDockWidget(title, self)
            dock.setObjectName(f"dock-{name}")
            dock.setWidget(widget)
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetClosable
            )
            self.addDockWidget(area, dock)
            self.docks[name] = dock
        self.tabifyDockWidget(self.docks["lesson"], self.docks["compare"])
        self.tabifyDockWidget(self.docks["compare"], self.docks["explain"])
        self.tabifyDockWidget(self.docks["explain"], self.docks["history"])
        self.docks["explain"].raise_()
        free = screen_free_area()
        small = free is not None and free.height() < SMALL_SCREEN_H
        # The words and a screenful of code, side by side (fewer lines of code on a small screen).
        self.explain.setMinimumHeight(EXPLAIN_MIN_H_SMALL if small else EXPLAIN_MIN_H)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fold the side panels when the window becomes too narrow for them (not while presenting)."""
        super().resizeEvent(event)
        if not self.presenter.active:
            self.central.follow_width(self.width())

    def _build_actions(self) -> None:
        """The toolbar, the menus and every key, from the actions table (gui/qt/actions.py)."""
        slots: dict[str, Callable[[], object]] = {
            **{f"mode:{name}": partial(self.start_mode, name) for name in MODE_NAMES},
            **{f"lesson:{lesson}": partial(self.lessons.open, lesson) for lesson in LESSONS},
            "compare": lambda: self.start_comparison(), "stop": self.stop_run, "fit": self.timeline.fit,
            "per_request": self._toggle_rows, "run_lesson": self._run_open_lesson, "quit": self.close,
            "play": self.toggle_replay, "next_event": lambda: self.jump_replay(True),
            "previous_event": lambda: self.jump_replay(False), "faster": lambda: self.replay.change_speed(True),
            "slower": lambda: self.replay.change_speed(False), "presenter": self.presenter.toggle,
            "unfold": lambda: self.central.fold(False, False),
        }  # fmt: skip
        self.commands = make_actions(self, slots)
        self.mode_actions = {name: self.commands[f"mode:{name}"] for name in MODE_NAMES}
        self.lesson_actions = {lesson: self.commands[f"lesson:{lesson}"] for lesson in LESSONS}
        self.compare_action, self.stop_action = self.commands["compare"], self.commands["stop"]
        self.fit_action, self.per_request_action = self.commands["fit"], self.commands["per_request"]
        self.run_lesson_action, self.presenter_action = self.commands["run_lesson"], self.commands["presenter"]
        group = QActionGroup(self)
        for action in self.mode_actions.values():
            group.addAction(action)
        self.presenter.changed.connect(self.presenter_action.setChecked)
        self.stop_action.setEnabled(False)  # nothing to stop yet
        toolbar = QToolBar("Modes")
        toolbar.setObjectName("toolbar-modes")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        fill_toolbar(toolbar, self.commands)
        self.compare_menu = QMenu(self)  # the arrow beside Compare: which modes it runs
        self.compare_choices: dict[str, QAction] = {}
        for spec in (MODES[name] for name in MODE_NAMES):
            choice = self.compare_menu.addAction(spec.title)
            choice.setCheckable(True)
            choice.setChecked(True)
            self.compare_choices[spec.name] = choice
        button = toolbar.widgetForAction(self.compare_action)
        if isinstance(button, QToolButton):
            button.setMenu(self.compare_menu)
            button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        for action in toolbar.actions():  # keys drive the buttons; no button keeps a focus frame
            widget = toolbar.widgetForAction(action)
            if widget is not None:
                widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _build_menus(self) -> None:
        menus = {name: self.menuBar().addMenu(MENU_TITLES[name]) for name in MENUS}
        self.exports = ExportMenu(
            self, menus["File"].addMenu("&Export"), self.timeline, self.finished_on_screen, self.say
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
        self._spawn(self.server_ctl.start())

    def _on_server_ready(self) -> None:
        self.settings_panel.url.setPlaceholderText(f"e.g. {self.server_ctl.base_url}")  # the real port
        self.say(f"Ready. Click a mode (or press {keys_hint()}), or Compare (C).", 5000)
        pending, self._pending = self._pending, None
        if self.lessons.pending is not None:
            lesson, self.lessons.pending = self.lessons.pending, None
            self.lessons.start(lesson)
        elif pending is not None:
            self.start_comparison(pending) if len(pending) > 1 else self.start_mode(pending[0])

    def _run_open_lesson(self) -> None:
        if self.lesson_page.lesson is None:
            self.say(f"Open a lesson first: Lessons menu, or {LESSON_KEYS}.", 4000)
            return
        self.lessons.start(self.lesson_page.lesson.id)

    def _apply_network(self) -> None:
        if self.lessons.series_running or (self.lessons.current is not None and self.lab.active):
            self.say("A lesson plays its own network: the panel's applies after it.", 4000)
            return
        if self.server_ctl.running and not self._closing:
            self._spawn(self.server_ctl.apply_now())

    # --- commands ----------------------------------------------------------------------------

    def compare_modes(self) -> list[str]:
        return [name for name in MODE_NAMES if self.compare_choices[name].isChecked()]

    def set_compare_modes(self, modes: Sequence[str]) -> None:
        for name, choice in self.compare_choices.items():
            choice.setChecked(name in modes)

    def start_mode(self, mode: str) -> None:
        """Start a run in ``mode``; a run still going is cancelled first, and the window says so."""
        self.mode_actions[mode].setChecked(True)
        plans = self._plans([mode])
        if plans is not None:
            self.lessons.current = None
            self._spawn(self._start(plans, self._stop_banner(MODES[mode].title)))

    def start_comparison(self, modes: Sequence[str] | None = None) -> None:
        """Run the same workload in each mode (default: the ones ticked under Compare), in turn."""
        chosen = list(modes) if modes is not None else self.compare_modes()
        if not chosen:
            self.say("Tick at least one mode in Compare's menu (the arrow beside it).")
            return
        plans = self._plans(chosen)
        if plans is not None:
            self.lessons.current = None
            self._spawn(self._start(plans, self._stop_banner("a comparison")))

    def _plans(self, modes: list[str]) -> list[RunSettings] | None:
        if self._closing:
            return None
        self.lessons.drop_series()  # a mode or a comparison replaces a lesson of series under way
        if self.settings_panel.uses_local_server and not self.server_ready.is_set():
            self._pending = modes
            what = MODES[modes[0]].title if len(modes) == 1 else "The comparison"
            self.say(f"{what} starts as soon as the local server is ready…")
            return None
        self._pending = None
        settings = self.settings_panel.run_settings(modes[0])
        if settings is None:
            self.say("Not started: " + self.settings_panel.problem.text())
            return None
        return same_workload(settings, modes)

    @property
    def closing(self) -> bool:
        return self._closing

    def start_plans(self, plans: list[RunSettings], what: str, overrides: dict[str, Any] | None = None) -> None:
        """Start runs made elsewhere (a lesson's variants): one, or a comparison, with its banner."""
        self.lessons.drop_series()
        self._spawn(self._start(plans, self._stop_banner(what), overrides))

    def _stop_banner(self, what: str) -> str:
        previous = self.lab.current
        if self.lab.comparison_running:
            return f"Comparison stopped — now {what}"
        if previous is not None and previous.running:
            return f"{MODES[previous.settings.mode].title} run stopped — now {what}"
        return ""

    async def _start(self, plans: list[RunSettings], banner: str, overrides: dict[str, Any] | None = None) -> None:
        """Play the network (a lesson's ``overrides`` win over the panel's) and start the run or runs."""
        network: KnownNetwork | None = None
        conditions: dict[str, Any] | None = None
        base_url = plans[0].base_url
        if not base_url:
            if not self.server_ctl.running:
                self.say(f"Not started: {self.server_error or 'the local server is not running'}")
                return
            self.server_ctl.apply_timer.stop()  # play() sends the panel's values now; none may follow late
            network, conditions = await self.server_ctl.play(overrides)
            base_url = self.server_ctl.base_url
        self.timeline.banner = banner
        if banner:
            self.banner_timer.start()
        if len(plans) == 1:
            self.lab.start(plans[0], base_url, network, conditions)
        else:
            reset = self.server_ctl.reset_dice if not plans[0].base_url else None
            task = self.lab.start_comparison(plans, base_url, network, conditions, reset)
            task.add_done_callback(self._on_comparison_done)

    def _on_run_launched(self, live: LiveRun) -> None:
        """The Lab started a run (alone, or the next of a comparison): show it as it grows."""
        self.replay.end()
        live.finished_callbacks.append(self._on_run_finished)
        self.timeline.band_names = self.lessons.variant_names()
        if len(self.lab.shown) > 1 and self.timeline.runs == self.lab.shown[:-1]:
            self.timeline.add_run(live)
        else:
            self.timeline.set_runs(self.lab.shown)
        self.strip.set_run(live, MODES[live.settings.mode].title if len(self.lab.shown) > 1 else "")
        settings = live.settings
        notes = "  ".join([*settings.notes, *advice(settings)])
        step = ""
        if self.lab.comparison_running:
            step = f"Comparison {len(self.lab.shown)}/{len(self.lab.comparison_plan)}: "
            self.lessons.show_progress(len(self.lab.shown), len(self.lab.comparison_plan))
        self.stats.show_step_legend(run.settings for run in self.timeline.runs)
        self.view.show_loop_lag()
        title = MODES[settings.mode].title
        self.say(f"{step}{title}: fetching {settings.count:,} Pokémon, {at_once(settings)} at once…  {notes}")
        self.timer.start()
        self.stop_action.setEnabled(True)
        self.run_started.emit(live)

    def stop_run(self) -> None:
        if self.presenter.active and not self.lab.active and not self.lessons.series_running:
            self.presenter.leave()  # Esc with nothing to stop leaves full screen, as a slideshow does
            return
        if self.lessons.cancel_series():  # the run under way stops as any run does
            self.say("Stopping the lesson…")
            return
        if self.lab.active:
            self.lab.stop()
            self.say("Stopping: queued requests will not start…")

    def _toggle_rows(self) -> None:
        self.timeline.set_per_request(self.per_request_action.isChecked())

    def _clear_banner(self) -> None:
        self.timeline.banner = ""
        self.timeline.update()

    def show_card(self, span: Span) -> None:
        card = CardDialog(span, self)
        card.finished.connect(lambda _: self.cards.remove(card) if card in self.cards else None)
        self.cards.append(card)
        card.show()

    def show_recorded(self, runs: list[FinishedRun]) -> None:
        """Runs from the history, on one axis like a comparison (a live run is stopped first)."""
        self.lab.stop()
        self.lessons.current = None
        self.timeline.band_names = []
        self.show_finished_runs(runs)

    def show_finished_runs(self, runs: list[FinishedRun]) -> None:
        """Runs that are over on the timeline, with their strip, stats, explanation and comparison."""
        self.replay.end()
        self.view.show_bands(runs, runs[-1].title if len(runs) > 1 else "")
        self.view.refresh()
        self.stats.show_run(runs[-1] if runs else None)
        self.explain.show_run(runs[0] if runs else None)
        self.compare_table.show_runs(runs if len(runs) > 1 else [], *self._ranking(runs))
        if len(runs) > 1:
            self.docks["compare"].raise_()

    def _on_history_selection(self) -> None:
        """Selecting kept runs shows them at once, unless a run is going (Show selected stops it)."""
        if self.lab.active:
            self.say("A run is going: press Show selected to stop it and see the kept runs.", 4000)
            return
        self.history_panel.show_selected()

    def _on_compared_run_selected(self, index: int) -> None:
        runs = self.finished_on_screen()
        if 0 <= index < len(runs):
            self.explain.show_run(runs[index])
            self.docks["explain"].raise_()

    # --- what is on screen ---------------------------------------------------------------------

    def finished_on_screen(self) -> list[FinishedRun]:
        """The bands on screen that are over, as FinishedRuns, top to bottom."""
        runs: list[FinishedRun] = []
        for run in self.timeline.runs:
            if isinstance(run, FinishedRun):
                runs.append(run)
            elif isinstance(run, ReplayRun):
                runs.append(run.recorded)  # exports and explanations take what was recorded
            elif isinstance(run, LiveRun) and not run.running:
                runs.append(run.finished_run())
        return runs

    # --- replay ---------------------------------------------------------------------------------

    def start_replay(self, at: float = 0.0) -> bool:
        """Replay the runs on screen from their recorded events, paused ``at`` seconds in.

        Nothing is fetched again: the bands become replays of what was recorded. False (and a word
        in the status bar) while a run is going or when nothing finished is on screen.
        """
        if self.lab.active or self.lessons.series_running:
            self.say("A run is going: replay it once it has ended.", 4000)
            return False
        runs = self.finished_on_screen()
        if not runs or len(runs) != len(self.timeline.runs):
            self.say(f"Nothing to replay yet: run a mode first ({keys_hint()}).", 4000)
            return False
        titles = self.strip.title
        replay = self.replay.begin(runs, at)
        self.timeline.set_runs(replay.bands)
        self.timeline.fixed_end_s = replay.duration_s
        self.timeline.fit()
        self.strip.set_run(replay.bands[-1], titles)
        self.view.show_loop_lag()
        self.view.on_replay_moved(replay.position_s)  # the bands are replays now: show them at the moment
        return True

    def toggle_replay(self) -> None:
        """Space: play or pause; the first press replays the runs on screen from their start."""
        if self.replay.active:
            self.replay.toggle()
        elif self.start_replay(0.0):
            self.replay.play()

    def jump_replay(self, forward: bool) -> None:
        """The arrows: a lesson's next page in presenter mode, else the replay's next (or previous) event."""
        if self.presenter.turn_page(forward):
            return
        if self.replay.active or self.start_replay(0.0 if forward else float("inf")):
            self.replay.jump(forward)

    def scrub_replay(self, t: float) -> None:
        """A press or drag on the time axis: the replay goes (paused) to that moment."""
        if not self.replay.active and not self.start_replay(t):
            return
        if self.replay.playing:
            self.replay.pause()
        self.replay.seek(t)

    # --- frames -------------------------------------------------------------------------------

    def on_frame(self) -> None:
        """The frame timer: the Lab moves the current run's new events into its model and tells the
        run view, which refreshes (gui/qt/run_view.py); nothing else is refreshed here."""
        self.lab.pump()
        live = self.lab.current
        if live is None or (not live.running and not self.lab.busy):
            self.timer.stop()

    def _on_run_finished(self, live: LiveRun) -> None:
        finished = live.finished_run()
        if any(span.start is not None for span in live.model.spans):  # stopped before it began: nothing to keep
            self.history_panel.record(finished)  # every run that ends is kept, replaced ones too
        if live is not self.lab.current or live not in self.timeline.runs:
            return  # replaced by another run, or by kept runs shown meanwhile: not on screen any more
        self.explain.show_run(finished)
        on_screen = self.finished_on_screen()
        self.compare_table.show_runs(on_screen if len(on_screen) > 1 else [], *self._ranking(on_screen))
        summary = live.summary()
        if not self.lab.comparison_running or summary.cancelled:
            self.stop_action.setEnabled(False)
        if live.error:
            self.say(f"The run failed: {live.error}")
        elif not self.lab.comparison_running:
            self.say(
                f"{MODES[live.settings.mode].title} done in {summary.wall_s:.2f} s: {summary.ok} ok, "
                f"{summary.failed} failed, {summary.cancelled} cancelled. "
                "Hover a bar for timings, click it for its card."
            )
        self.run_finished.emit(live)

    def _ranking(self, runs: Sequence[FinishedRun]) -> tuple[Measure | None, str]:
        """What ranks these runs: the open lesson's own figure when they are its variants, else wall time."""
        spec = self.lessons.current
        if spec is None or spec.rank_by is None or [r.settings.mode for r in runs] != [v.mode for v in spec.variants]:
            return None, ""
        return spec.rank_by, spec.rank_name

    def _on_comparison_done(self, task: asyncio.Task[None]) -> None:
        if self._closing or task is not self.lab.comparing:
            return  # closing, or a newer run replaced this comparison: its own buttons stand
        if not task.cancelled() and task.exception() is not None:
            self.stop_action.setEnabled(False)
            self.say(f"The comparison stopped: {task.exception()}")
            return
        self.stop_action.setEnabled(False)
        runs = self.finished_on_screen()
        if len(runs) > 1:
            self.docks["compare"].raise_()
            measure, name = self._ranking(runs)
            ends = fastest_and_slowest(runs, measure)
            if ends is None:
                result = "no run went to the end"
            else:
                fastest, slowest = ends
                value = measure or wall_time
                factor = value(slowest) / value(fastest) if value(fastest) > 0 else 0.0
                what = f" at {name}" if name else ""
                if factor < SAME_SPEED:
                    result = f"all took about the same time{what} ({value(fastest):.2f} s)"
                else:
                    result = (
                        f"{fastest.title} fastest{what} ({value(fastest):.2f} s), {factor:.1f}× faster than "
                        f"{slowest.title}"
                    )
            self.say(f"Comparison done: {result}. Click a row of the table to explain that run.")
        self.comparison_finished.emit(runs)
        if self.lessons.current is not None:
            self.lessons.finish(self.lessons.current, runs)

    # --- lifecycle ----------------------------------------------------------------------------

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(self._report_failure)

    def _report_failure(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self.say(f"Something went wrong: {task.exception()}")

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
            self.timer.stop()
            self.banner_timer.stop()
            for card in list(self.cards):
                card.close()
            pending = list(self._tasks)  # first: a run about to start (waiting on the server) never will
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            await self.lessons.stop_series()
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
