"""The window's lessons: open one, run its variants (as a comparison, or as series of runs for the
sweep), show its figure, and hand its settings to free play.

It drives the window's own parts (the Lesson dock, the timeline, the run commands); the lessons
themselves, their runs and their figures live in the Qt-free core (``gui.core.lessons``).
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from PySide6.QtCore import QObject, SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

from gui.core.lessons.catalogue import lesson_spec
from gui.core.lessons.lesson import LessonFigures, LessonSpec, SeriesProgress, run_label, run_series
from gui.core.lessons.sweep import point as sweep_point
from gui.core.results.comparison_table import is_complete
from gui.core.results.finished_run import FinishedRun
from gui.core.session.lab import Lab
from gui.core.watches.machine_load import total
from gui.core.workload.settings import RunSettings
from gui.qt.actions import CompareMenu
from gui.qt.lesson_page import LessonPage
from gui.qt.messages import INFO
from gui.qt.presenter import Presenter
from gui.qt.server_controller import ServerController
from gui.qt.settings_panel import SettingsPanel
from gui.qt.timeline_view import TimelineView


class LessonWindow(Protocol):
    """What the lesson controller drives of the window: its parts, its run commands, its voice."""

    lab: Lab
    lesson_page: LessonPage
    timeline: TimelineView
    presenter: Presenter
    server_ctl: ServerController
    settings_panel: SettingsPanel
    docks: dict[str, QDockWidget]
    mode_actions: dict[str, QAction]
    per_request_action: QAction
    stop_action: QAction
    compare_menu: CompareMenu
    lesson_finished: SignalInstance

    @property
    def closing(self) -> bool: ...

    @property
    def server_ready(self) -> asyncio.Event: ...

    def say(self, text: str, ms: int = 0, kind: str = INFO) -> None: ...

    def start_plans(self, plans: list[RunSettings], what: str, overrides: dict[str, Any] | None = None) -> None: ...

    def show_finished_runs(self, runs: list[FinishedRun]) -> None: ...


class LessonController(QObject):
    def __init__(self, window: LessonWindow, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.current: LessonSpec | None = None  # the lesson whose variants are running or shown
        self.pending: str | None = None  # a lesson asked for before the local server was up
        window.lab.series_callbacks.append(self._on_series_done)

    def open(self, lesson_id: str) -> None:
        """Show a lesson's page (its story and its Run button); nothing runs until asked."""
        spec = lesson_spec(lesson_id)
        self._show_page(spec)
        self.window.say(f"Lesson: {spec.title}. Press Run the lesson when ready.", 5000)

    def start(self, lesson_id: str) -> None:
        """Run every variant of a lesson in turn, on the lesson's own network, then show its figure."""
        self.run_spec(lesson_spec(lesson_id))

    def run_spec(self, spec: LessonSpec) -> None:
        window = self.window
        if window.lesson_page.lesson is not spec:
            self._show_page(spec)
        if window.closing:
            return
        if not window.server_ready.is_set():
            window.lesson_page.show_problem("The lesson starts when the local server is ready…")
            self.pending = spec.id
            return
        self.drop_series()  # one lesson at a time: two sweeps would measure each other's threads
        self.current = None  # the lesson being replaced must not be "finished" as this one
        window.lesson_page.clear_figure()
        if spec.is_series:
            self.current = spec
            window.lab.start_series(self._run_series(spec))
            if window.presenter.active:
                window.presenter.show_page("run")
            return
        if spec.rows == "requests":  # chains of requests read best one request a row, each under its initiator
            window.per_request_action.setChecked(True)
            window.timeline.set_per_request(True)
        window.start_plans(spec.plans(), f"lesson {spec.id}", spec.conditions)
        self.current = spec
        if window.presenter.active:  # the class watches the bars grow, then turns to the figure
            window.presenter.show_page("run")

    def try_it(self, lesson_id: str) -> None:
        """Load the lesson's last variant (settings and network) into the panel for free play."""
        spec = lesson_spec(lesson_id)
        plans = spec.plans()
        window = self.window
        window.settings_panel.load(plans[-1], spec.conditions)
        if plans[-1].mode not in window.mode_actions:  # the lesson's own programs have no button
            window.say(
                "The lesson's network is in the panel on the left. Its programs follow links, so they run "
                "from Run the lesson only; the mode keys run the same network with plain requests."
            )
            return
        window.mode_actions[plans[-1].mode].setChecked(True)
        window.compare_menu.choose([v.mode for v in spec.variants])
        window.say(
            f"The lesson's settings are in the panel on the left: change one, then press a mode key "
            f"or C to compare {', '.join(v.mode for v in spec.variants)}."
        )

    def variant_names(self) -> list[str]:
        return [v.name for v in self.current.variants] if self.current is not None else []

    def show_progress(self, number: int, total: int) -> None:
        """A variant of the current lesson (if any) just started."""
        if self.current is not None and number <= len(self.current.variants):
            self.window.lesson_page.show_running(number, total, self.current.variants[number - 1].name)

    def finish(self, spec: LessonSpec, runs: list[FinishedRun]) -> None:
        """A lesson's comparison ended: its figure, or why there is none."""
        window = self.window
        if spec.is_series:
            return  # a lesson of series is finished by its own task, never by a comparison
        if len(runs) != len(spec.variants) or not all(is_complete(run) for run in runs):
            window.lesson_page.stopped()
            window.lesson_finished.emit(None)
            return
        figures = spec.figures(runs)
        window.lesson_page.show_figures(spec, figures, total(run.machine for run in runs))
        zoom = figures.lesson.get("zoom")
        if zoom:  # the stretch where the lesson's point can be seen (F shows the whole run again)
            window.timeline.time_window.following = False
            window.timeline.time_window.set_range(float(zoom["t0_s"]), float(zoom["t1_s"]))
        window.docks["lesson"].raise_()
        where = "→ shows the figure." if window.presenter.active else "The Lesson dock says more; Comparison, the code."
        window.say(f"{claim_status(spec, figures)} {where}")
        window.lesson_finished.emit(figures)

    # --- lessons of series (the sweep) ----------------------------------------------------------

    @property
    def series(self) -> asyncio.Task[Any] | None:
        """The lesson of series under way (the sweep), which the Lab owns."""
        return self.window.lab.series

    def cancel_series(self) -> bool:
        """Stop a lesson of series under way; True if there was one."""
        if not self.window.lab.series_running:
            return False
        self.window.lab.stop()
        return True

    def drop_series(self) -> None:
        """Stop a lesson of series and forget it: something else replaces it, so it reports nothing
        (the Lab keeps it until it has wound down)."""
        self.cancel_series()
        self.window.lab.series = None

    async def _run_series(self, spec: LessonSpec) -> None:
        """Each run measured, its point drawn as soon as it ends, its bars shown on the timeline."""
        window = self.window
        _, conditions = await window.server_ctl.play(spec.conditions)
        window.stop_action.setEnabled(True)
        series = await run_series(spec, window.server_ctl.base_url, conditions, self._on_series_progress)
        if asyncio.current_task() is not self.series:
            return  # replaced meanwhile: its figure would not be this page's
        figures = spec.figures_of_series(series)
        window.stop_action.setEnabled(False)
        window.lesson_page.show_figures(spec, figures, total(m.run.machine for runs in series for m in runs))
        window.say(claim_status(spec, figures))
        window.lesson_finished.emit(figures)

    def _on_series_progress(self, step: SeriesProgress) -> None:
        window = self.window
        if step.measured is None:
            window.lesson_page.show_running(step.number, step.total, run_label(step.variant, step.settings))
            window.say(
                f"Lesson run {step.number} of {step.total}: {step.variant}, {step.settings.concurrency} at once…"
            )
            return
        run = step.measured.run
        limit = int((run.conditions or {}).get("max_concurrent", 0)) or None
        window.lesson_page.sweep.add_point(step.variant, sweep_point(step.measured), limit)
        window.show_finished_runs([run])

    def _on_series_done(self, task: asyncio.Task[None]) -> None:
        if task is not self.series:
            return
        window = self.window
        window.stop_action.setEnabled(False)
        if task.cancelled():
            window.lesson_page.stopped()
            window.lesson_finished.emit(None)
        elif task.exception() is not None:
            window.lesson_page.show_problem(f"The lesson stopped: {task.exception()}")
            window.lesson_finished.emit(None)

    def _show_page(self, spec: LessonSpec) -> None:
        window = self.window
        window.lesson_page.show_lesson(spec)
        if window.presenter.active:  # presenting: the story first, alone on the screen
            window.presenter.show_page("narrative")
            return
        window.docks["lesson"].show()
        window.docks["lesson"].raise_()


def claim_status(spec: LessonSpec, figures: LessonFigures) -> str:
    """For the status bar, short enough for a projector: whether the run showed the lesson's point
    (the lesson's page holds the verdict whole)."""
    claim = spec.claim(figures)
    held = f"{sum(check.held for check in claim.checks)} of {len(claim.checks)} checks held"
    if claim.held:
        return f"Lesson done: {held}; the run showed the point."
    return f"Lesson done: only {held}; the run did not show all of the point."
