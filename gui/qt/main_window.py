"""The main window: mode buttons, settings, the live timeline, the in-flight strip, live stats.

Worker threads and processes never reach this module: their events wait in the run's sink and a
frame timer on the GUI thread moves them into the model (``Lab.pump``) about 60 times a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QScrollArea, QSplitter, QToolBar, QVBoxLayout, QWidget

from gui.core.dataset import pokedex
from gui.core.lab import Lab, LiveRun
from gui.core.registry import MODES, keys_hint
from gui.core.settings import RunSettings, advice
from gui.core.stats import KnownNetwork
from gui.qt.flight_strip import FlightStrip
from gui.qt.pokemon_card import PokemonCard
from gui.qt.settings_panel import SettingsPanel
from gui.qt.stats_panel import StatsPanel
from gui.qt.time_window import TimeWindow
from gui.qt.timeline_view import TimelineView
from gui.server import LocalServer, NetworkConditions
from gui.server.process import ServerError, ServerStatus

FRAME_MS = 16
STATS_EVERY_FRAMES = 6  # the summary sorts every duration: ~10 times a second is plenty
CLOSE_GRACE_S = 1.5
BANNER_MS = 2500
NETWORK_APPLY_MS = 200


class MainWindow(QMainWindow):
    run_started = Signal(object)  # the LiveRun that just started
    run_finished = Signal(object)  # the LiveRun that just ended

    def __init__(self, conditions: NetworkConditions | None = None) -> None:
        super().__init__()
        self.setWindowTitle("Poké Concurrency Lab")
        pokedex()  # load the dataset now (~10 ms), not in the first frame of the first run
        self.lab = Lab()
        self.server = LocalServer(conditions)
        self.server_error: str | None = None
        self.server_ready = asyncio.Event()
        self._pending_mode: str | None = None
        self._tasks: set[asyncio.Task[None]] = set()  # strong refs: qasync keeps none (see notes)
        self._frame = 0
        self._closing = False
        self.closed = asyncio.get_event_loop().create_future()
        self.cards: list[PokemonCard] = []

        self.time_window = TimeWindow()
        self.timeline = TimelineView(self.time_window)
        self.strip = FlightStrip(self.time_window)
        self.settings_panel = SettingsPanel()
        self.stats = StatsPanel()
        self.server_label = QLabel("Starting the local server…")
        self._build_layout()
        self._build_actions()
        self.statusBar().addPermanentWidget(self.server_label)
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
        # Network changes apply to the running server at once (a teacher can raise the latency
        # mid-run and watch the bars stretch); a short pause lets a spin box settle first.
        self.network_timer = QTimer(self)
        self.network_timer.setSingleShot(True)
        self.network_timer.setInterval(NETWORK_APPLY_MS)
        self.network_timer.timeout.connect(self._apply_network)
        self.settings_panel.network_changed.connect(self.network_timer.start)
        self.timeline.span_clicked.connect(self.show_card)
        self.timeline.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.timeline.setFocus()  # keys 1-4, Esc, F and L work at once, no button looks pressed
        self.resize(1360, 820)

    # --- building -------------------------------------------------------------------------

    def _build_layout(self) -> None:
        settings_scroll = QScrollArea()
        settings_scroll.setWidget(self.settings_panel)
        settings_scroll.setWidgetResizable(True)
        settings_scroll.setMinimumWidth(250)
        settings_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        center_layout.setSpacing(2)
        center_layout.addWidget(self.timeline, 1)
        center_layout.addWidget(self.strip)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(settings_scroll)
        splitter.addWidget(center)
        splitter.addWidget(self.stats)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 860, 240])
        self.setCentralWidget(splitter)

    def _build_actions(self) -> None:
        toolbar = QToolBar("Modes")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        group = QActionGroup(self)
        self.mode_actions: dict[str, QAction] = {}
        for spec in MODES.values():
            action = QAction(f"{spec.key}  {spec.title}", self)
            action.setShortcut(QKeySequence(spec.key))
            action.setToolTip(f"{spec.summary} (key {spec.key})")
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, mode=spec.name: self.start_mode(mode))
            group.addAction(action)
            toolbar.addAction(action)
            self.mode_actions[spec.name] = action
        toolbar.addSeparator()
        self.stop_action = self._action(toolbar, "Stop", "Esc", "Cancel the run (Esc)", self.stop_run)
        self.fit_action = self._action(toolbar, "Fit", "F", "Show the whole run and follow it (F)", self.timeline.fit)
        self.per_request_action = self._action(
            toolbar, "One row per request", "L", "One row per request instead of per worker (L)", self._toggle_rows
        )
        self.per_request_action.setCheckable(True)
        self.stop_action.setEnabled(False)  # nothing to stop yet
        for action in toolbar.actions():  # keys drive the buttons; no button keeps a focus frame
            widget = toolbar.widgetForAction(action)
            if widget is not None:
                widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        quit_action = QAction("Quit", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        self.addAction(quit_action)

    def _action(self, toolbar: QToolBar, text: str, key: str, tip: str, slot: object) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setToolTip(tip)
        action.triggered.connect(slot)
        toolbar.addAction(action)
        return action

    # --- server -----------------------------------------------------------------------------

    def start_server(self) -> None:
        self._spawn(self._start_server())

    async def _start_server(self) -> None:
        self.statusBar().showMessage("Starting the local PokéAPI server…")
        try:
            url = await self.server.start_async()
        except ServerError as problem:
            self.server_error = str(problem)
            self.server_label.setText("Local server failed")
            self.statusBar().showMessage(f"{problem}. Choose the real PokéAPI or a custom URL to run anyway.")
            return
        finally:
            self.server_ready.set()
        self.server_label.setText(f"Local PokéAPI: {url}")
        self.statusBar().showMessage(f"Ready. Click a mode (or press {keys_hint()}).", 5000)
        if self._pending_mode is not None:
            self.start_mode(self._pending_mode)

    # --- commands ----------------------------------------------------------------------------

    def start_mode(self, mode: str) -> None:
        """Start a run in ``mode``; a run still going is cancelled first, and the window says so."""
        if self._closing:
            return
        self.mode_actions[mode].setChecked(True)
        if self.settings_panel.uses_local_server and not self.server_ready.is_set():
            self._pending_mode = mode
            self.statusBar().showMessage(f"{MODES[mode].title} starts as soon as the local server is ready…")
            return
        self._pending_mode = None
        settings = self.settings_panel.run_settings(mode)
        if settings is None:
            self.statusBar().showMessage("Not started: " + self.settings_panel.problem.text())
            return
        previous = self.lab.current
        banner = ""
        if previous is not None and previous.running:
            banner = f"{MODES[previous.settings.mode].title} run stopped — now {MODES[mode].title}"
        self._spawn(self._start_run(settings, banner))

    async def _start_run(self, settings: RunSettings, banner: str) -> None:
        network = None
        base_url = settings.base_url
        if not base_url:
            if self.server.state is not ServerStatus.RUNNING:
                self.statusBar().showMessage(f"Not started: {self.server_error or 'the local server is not running'}")
                return
            played = await self.server.set_conditions_async(**self.settings_panel.conditions())
            base_url = self.server.base_url
            network = KnownNetwork(played.latency_ms, played.bandwidth_kbps, played.max_concurrent)
        live = self.lab.start(settings, base_url, network)
        live.finished_callbacks.append(self._on_run_finished)
        self.timeline.set_run(live)
        self.timeline.banner = banner
        self.strip.set_run(live)
        if banner:
            self.banner_timer.start()
        notes = "  ".join([*settings.notes, *advice(settings)])
        self.statusBar().showMessage(
            f"{MODES[settings.mode].title}: fetching {settings.count:,} Pokémon, {settings.workers} at once…  {notes}"
        )
        self.timer.start()
        self.stop_action.setEnabled(True)
        self.run_started.emit(live)

    def _apply_network(self) -> None:
        if self.server.state is ServerStatus.RUNNING and not self._closing:
            self._spawn(self._apply_network_now())

    async def _apply_network_now(self) -> None:
        played = await self.server.set_conditions_async(**self.settings_panel.conditions())
        bandwidth = f", {played.bandwidth_kbps:g} KB/s" if played.bandwidth_kbps else ""
        self.statusBar().showMessage(
            f"Local server now plays {played.latency_ms:g} ms latency, ±{played.jitter_ms:g} ms {played.jitter} "
            f"jitter, {played.error_rate:.0%} errors{bandwidth}",
            4000,
        )

    def stop_run(self) -> None:
        if self.lab.current is not None and self.lab.current.running:
            self.lab.stop()
            self.statusBar().showMessage("Stopping: queued requests will not start…")

    def _toggle_rows(self) -> None:
        self.timeline.set_per_request(self.per_request_action.isChecked())

    def _clear_banner(self) -> None:
        self.timeline.banner = ""
        self.timeline.update()

    def show_card(self, request_id: int) -> None:
        live = self.lab.current
        if live is None:
            return
        card = PokemonCard(live.model.spans[request_id], self)
        card.finished.connect(lambda _: self.cards.remove(card) if card in self.cards else None)
        self.cards.append(card)
        card.show()

    # --- frames -------------------------------------------------------------------------------

    def on_frame(self) -> None:
        self.lab.pump()
        live = self.lab.current
        now = live.elapsed_s() if live is not None else 0.0
        self.timeline.refresh(now)
        self.strip.refresh(now)
        self._frame += 1
        if self._frame % STATS_EVERY_FRAMES == 0 or (live is not None and not live.running):
            self.stats.show_run(live)
        if live is None or (not live.running and not self.lab.busy):
            self.timer.stop()

    def _on_run_finished(self, live: LiveRun) -> None:
        if live is not self.lab.current:
            return
        self.stop_action.setEnabled(False)
        self.on_frame()  # takes the last events and shows the final stats
        summary = live.summary()
        if live.error:
            self.statusBar().showMessage(f"The run failed: {live.error}")
        else:
            self.statusBar().showMessage(
                f"{MODES[live.settings.mode].title} done in {summary.wall_s:.2f} s: {summary.ok} ok, "
                f"{summary.failed} failed, {summary.cancelled} cancelled. "
                "Hover a bar for timings, click it for its card."
            )
        self.run_finished.emit(live)

    # --- lifecycle ----------------------------------------------------------------------------

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(self._report_failure)

    def _report_failure(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            self.statusBar().showMessage(f"Something went wrong: {task.exception()}")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the run, the workers and the server, then close (at most a couple of seconds)."""
        if self.closed.done():
            event.accept()
            return
        event.ignore()
        if not self._closing:
            self._closing = True
            self.statusBar().showMessage("Closing: stopping the run and the local server…")
            asyncio.ensure_future(self._shutdown())

    async def _shutdown(self) -> None:
        self.timer.stop()
        self.banner_timer.stop()
        self.network_timer.stop()
        for card in list(self.cards):
            card.close()
        try:
            await asyncio.wait_for(self.lab.shutdown(), CLOSE_GRACE_S)
        except TimeoutError:
            pass  # threads still finishing their current request; they end with their timeout
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.server.stop_async()
        self.closed.set_result(None)
        self.close()
