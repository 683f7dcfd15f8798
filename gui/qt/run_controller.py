"""The run commands: start a mode, a comparison or a lesson's variants, stop, and what the window
says and shows as each run starts and ends.

It speaks to the user through the window's one message channel (``say``) and tells the rest of the
window what happened through its signals; the runs themselves live in the Qt-free ``Lab``, and the
views follow them through the run view's subscriptions (gui/qt/run_view.py). The frame timer that
pumps a run's events is here: it runs while a run (or one winding down) is going, and only then.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

from gui.core.modes.catalogue import MODES, advice, at_once, keys_hint
from gui.core.results.comparison import same_workload
from gui.core.results.comparison_table import Measure, fastest_and_slowest, wall_time
from gui.core.results.finished_run import FinishedRun
from gui.core.results.stats import KnownNetwork
from gui.core.session.lab import Lab, LiveRun
from gui.core.workload.settings import RunSettings
from gui.qt.actions import CompareMenu
from gui.qt.compare_table import CompareTable
from gui.qt.explain_panel import ExplainPanel
from gui.qt.flight_strip import FlightStrip
from gui.qt.history_panel import HistoryPanel
from gui.qt.lesson_controller import LessonController
from gui.qt.messages import PROBLEM, Say
from gui.qt.presenter import Presenter
from gui.qt.replay_controller import ReplayController
from gui.qt.run_view import RunView
from gui.qt.server_controller import ServerController
from gui.qt.settings_panel import SettingsPanel
from gui.qt.stats_panel import StatsPanel
from gui.qt.timeline_view import TimelineView

FRAME_MS = 16
BANNER_MS = 2500
SAME_SPEED = 1.05  # runs closer than this are "about the same", not "1.0× faster"


class RunWindow(Protocol):
    """What the run commands use of the window: its parts, and its one voice."""

    settings_panel: SettingsPanel
    strip: FlightStrip
    stats: StatsPanel
    explain: ExplainPanel
    compare_table: CompareTable
    history_panel: HistoryPanel
    view: RunView
    replay: ReplayController
    presenter: Presenter
    docks: dict[str, QDockWidget]
    mode_actions: dict[str, QAction]
    stop_action: QAction
    compare_menu: CompareMenu

    @property
    def closing(self) -> bool: ...


class RunController(QObject):
    started = Signal(object)  # the LiveRun that just started
    finished = Signal(object)  # the LiveRun that just ended
    comparison_finished = Signal(object)  # list[FinishedRun], in the order run

    def __init__(
        self,
        window: RunWindow,
        lab: Lab,
        lessons: LessonController,
        server_ctl: ServerController,
        timeline: TimelineView,
        say: Say,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window, self.lab, self.lessons, self.server_ctl, self.timeline = window, lab, lessons, server_ctl, timeline
        self.say = say
        self._pending: list[str] | None = None  # modes asked for before the server was up
        self._tasks: set[asyncio.Task[None]] = set()  # strong refs: qasync keeps none (see notes)
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
        lab.run_callbacks.append(self._on_run_launched)
        lab.comparison_callbacks.append(self._on_comparison_done)
        server_ctl.ready.connect(self._on_server_ready)
        server_ctl.apply_timer.timeout.connect(self._apply_network)

    def stop_timers(self) -> None:
        self.timer.stop()
        self.banner_timer.stop()

    async def cancel_pending(self) -> None:
        """On close: a run about to start (waiting on the server) never will."""
        pending = list(self._tasks)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def _on_server_ready(self) -> None:
        self.window.settings_panel.url.setPlaceholderText(f"e.g. {self.server_ctl.base_url}")  # the real port
        self.say(f"Ready. Click a mode (or press {keys_hint()}), or Compare (C).", 5000)
        pending, self._pending = self._pending, None
        if self.lessons.pending is not None:
            lesson, self.lessons.pending = self.lessons.pending, None
            self.lessons.start(lesson)
        elif pending is not None:
            self.start_comparison(pending) if len(pending) > 1 else self.start_mode(pending[0])

    def _apply_network(self) -> None:
        if self.lab.series_running or (self.lessons.current is not None and self.lab.active):
            self.say("A lesson plays its own network: the panel's applies after it.", 4000)
            return
        if self.server_ctl.running and not self.window.closing:
            self.spawn(self.server_ctl.apply_now())

    def start_mode(self, mode: str) -> None:
        """Start a run in ``mode``; a run still going is cancelled first, and the window says so."""
        self.window.mode_actions[mode].setChecked(True)
        plans = self._plans([mode])
        if plans is not None:
            self.lessons.current = None
            self.spawn(self._start(plans, self._stop_banner(MODES[mode].title)))

    def start_comparison(self, modes: Sequence[str] | None = None) -> None:
        """Run the same workload in each mode (default: the ones ticked under Compare), in turn."""
        chosen = list(modes) if modes is not None else self.window.compare_menu.modes()
        if not chosen:
            self.say("Tick at least one mode in Compare's menu (the arrow beside it).")
            return
        plans = self._plans(chosen)
        if plans is not None:
            self.lessons.current = None
            self.spawn(self._start(plans, self._stop_banner("a comparison")))

    def _plans(self, modes: list[str]) -> list[RunSettings] | None:
        if self.window.closing:
            return None
        self.lessons.drop_series()  # a mode or a comparison replaces a lesson of series under way
        if self.window.settings_panel.uses_local_server and not self.server_ctl.is_ready.is_set():
            self._pending = modes
            what = MODES[modes[0]].title if len(modes) == 1 else "The comparison"
            self.say(f"{what} starts as soon as the local server is ready…")
            return None
        self._pending = None
        settings = self.window.settings_panel.run_settings(modes[0])
        if settings is None:
            self.say("Not started: " + self.window.settings_panel.problem.text(), 0, PROBLEM)
            return None
        return same_workload(settings, modes)

    def start_plans(self, plans: list[RunSettings], what: str, overrides: dict[str, Any] | None = None) -> None:
        """Start runs made elsewhere (a lesson's variants): one, or a comparison, with its banner."""
        self.lessons.drop_series()
        self.spawn(self._start(plans, self._stop_banner(what), overrides))

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
                self.say(f"Not started: {self.server_ctl.error or 'the local server is not running'}", 0, PROBLEM)
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
            self.lab.start_comparison(plans, base_url, network, conditions, reset)

    def _on_run_launched(self, live: LiveRun) -> None:
        """The Lab started a run (alone, or the next of a comparison): show it as it grows."""
        self.window.replay.end()
        live.finished_callbacks.append(self._on_run_finished)
        self.timeline.band_names = self.lessons.variant_names()
        if len(self.lab.shown) > 1 and self.timeline.runs == self.lab.shown[:-1]:
            self.timeline.add_run(live)
        else:
            self.timeline.set_runs(self.lab.shown)
        self.window.strip.set_run(live, MODES[live.settings.mode].title if len(self.lab.shown) > 1 else "")
        settings = live.settings
        notes = "  ".join([*settings.notes, *advice(settings)])
        step = ""
        if self.lab.comparison_running:
            step = f"Comparison {len(self.lab.shown)}/{len(self.lab.comparison_plan)}: "
            self.lessons.show_progress(len(self.lab.shown), len(self.lab.comparison_plan))
        self.window.stats.show_step_legend(run.settings for run in self.timeline.runs)
        self.window.view.show_loop_lag()
        title = MODES[settings.mode].title
        self.say(f"{step}{title}: fetching {settings.count:,} Pokémon, {at_once(settings)} at once…  {notes}")
        self.timer.start()
        self.window.stop_action.setEnabled(True)
        self.started.emit(live)

    def stop_run(self) -> None:
        if self.window.presenter.active and not self.lab.active:
            self.window.presenter.leave()  # Esc with nothing to stop leaves full screen, as a slideshow does
            return
        if self.lessons.cancel_series():  # the run under way stops as any run does
            self.say("Stopping the lesson…")
            return
        if self.lab.active:
            self.lab.stop()
            self.say("Stopping: queued requests will not start…")

    def _clear_banner(self) -> None:
        self.timeline.banner = ""
        self.timeline.update()

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
            self.window.history_panel.record(finished)  # every run that ends is kept, replaced ones too
        if live is not self.lab.current or live not in self.timeline.runs:
            return  # replaced by another run, or by kept runs shown meanwhile: not on screen any more
        self.window.explain.show_run(finished)
        on_screen = self.window.view.finished_on_screen()
        self.window.compare_table.show_runs(on_screen if len(on_screen) > 1 else [], *self.ranking(on_screen))
        summary = live.summary()
        if not self.lab.comparison_running or summary.cancelled:
            self.window.stop_action.setEnabled(False)
        if live.error:
            self.say(f"The run failed: {live.error}", 0, PROBLEM)
        elif not self.lab.comparison_running:
            self.say(
                f"{MODES[live.settings.mode].title} done in {summary.wall_s:.2f} s: {summary.ok} ok, "
                f"{summary.failed} failed, {summary.cancelled} cancelled. "
                "Hover a bar for timings, click it for its card."
            )
        self.finished.emit(live)

    def ranking(self, runs: Sequence[FinishedRun]) -> tuple[Measure | None, str]:
        """What ranks these runs: the open lesson's own figure when they are its variants, else wall time."""
        spec = self.lessons.current
        if spec is None or spec.rank_by is None or [r.settings.mode for r in runs] != [v.mode for v in spec.variants]:
            return None, ""
        return spec.rank_by, spec.rank_name

    def _on_comparison_done(self, task: asyncio.Task[None]) -> None:
        if self.window.closing or task is not self.lab.comparing:
            return  # closing, or a newer run replaced this comparison: its own buttons stand
        if not task.cancelled() and task.exception() is not None:
            self.window.stop_action.setEnabled(False)
            self.say(f"The comparison stopped: {task.exception()}", 0, PROBLEM)
            return
        self.window.stop_action.setEnabled(False)
        runs = self.window.view.finished_on_screen()
        if len(runs) > 1:
            self.window.docks["compare"].raise_()
            measure, name = self.ranking(runs)
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

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(self._report_failure)

    def _report_failure(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self.say(f"Something went wrong: {task.exception()}", 0, PROBLEM)

    # --- runs that are over ----------------------------------------------------------------------

    def show_recorded(self, runs: list[FinishedRun]) -> None:
        """Runs from the history, on one axis like a comparison (a live run is stopped first)."""
        self.lab.stop()
        self.lessons.current = None
        self.timeline.band_names = []
        self.show_finished_runs(runs)

    def show_finished_runs(self, runs: list[FinishedRun]) -> None:
        """Runs that are over on the timeline, with their strip, stats, explanation and comparison."""
        self.window.replay.end()
        self.window.view.show_bands(runs, runs[-1].title if len(runs) > 1 else "")
        self.window.view.refresh()
        self.window.stats.show_run(runs[-1] if runs else None)
        self.window.explain.show_run(runs[0] if runs else None)
        self.window.compare_table.show_runs(runs if len(runs) > 1 else [], *self.ranking(runs))
        if len(runs) > 1:
            self.window.docks["compare"].raise_()

    def on_history_selection(self) -> None:
        """Selecting kept runs shows them at once, unless a run is going (Show selected stops it)."""
        if self.lab.active:
            self.say("A run is going: press Show selected to stop it and see the kept runs.", 4000)
            return
        self.window.history_panel.show_selected()

    def show_compared_run(self, index: int) -> None:
        runs = self.window.view.finished_on_screen()
        if 0 <= index < len(runs):
            self.window.explain.show_run(runs[index])
            self.window.docks["explain"].raise_()

    # --- replay ---------------------------------------------------------------------------------

    def start_replay(self, at: float = 0.0) -> bool:
        """Replay the runs on screen from their recorded events, paused ``at`` seconds in.

        Nothing is fetched again: the bands become replays of what was recorded. False (and a word
        in the status bar) while a run is going or when nothing finished is on screen.
        """
        if self.lab.active:
            self.say("A run is going: replay it once it has ended.", 4000)
            return False
        runs = self.window.view.finished_on_screen()
        if not runs or len(runs) != len(self.timeline.runs):
            self.say(f"Nothing to replay yet: run a mode first ({keys_hint()}).", 4000)
            return False
        self.window.replay.begin(runs, at)  # the run view puts its bands on screen, then shows the moment
        return True

    def toggle_replay(self) -> None:
        """Space: play or pause; the first press replays the runs on screen from their start."""
        if self.window.replay.active:
            self.window.replay.toggle()
        elif self.start_replay(0.0):
            self.window.replay.play()

    def jump_replay(self, forward: bool) -> None:
        """The arrows: a lesson's next page in presenter mode, else the replay's next (or previous) event."""
        if self.window.presenter.turn_page(forward):
            return
        if self.window.replay.active or self.start_replay(0.0 if forward else float("inf")):
            self.window.replay.jump(forward)

    def scrub_replay(self, t: float) -> None:
        """A press or drag on the time axis: the replay goes (paused) to that moment."""
        if not self.window.replay.active and not self.start_replay(t):
            return
        if self.window.replay.playing:
            self.window.replay.pause()
        self.window.replay.seek(t)
