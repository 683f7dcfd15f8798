"""The lab session the window drives: start a run, stop it, pump its events into its model.

Qt-free, so a test (or another front end) can drive exactly what the buttons drive. Each run
has its own sink and model: a run that is still winding down after a mode switch can never
write into the bars of the next one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from gui.core.model.run_model import RunModel
from gui.core.results.finished_run import FinishedRun
from gui.core.results.stats import KnownNetwork, RunSummary, summarize
from gui.core.run.engine import Run, RunState
from gui.core.run.frozen_heap import frozen_heap
from gui.core.run.series import one_after_another
from gui.core.trace.events import BatchSink
from gui.core.workload.settings import RunSettings


@dataclass
class LiveRun:
    run: Run
    sink: BatchSink
    model: RunModel
    network: KnownNetwork | None
    conditions: dict[str, Any] | None = None  # what the local server played (None: another server)
    task: asyncio.Task[float] | None = None
    error: str | None = None  # a run that failed for a reason only a bug can cause
    finished_callbacks: list[Callable[[LiveRun], None]] = field(default_factory=list)
    _final_summary: RunSummary | None = None

    @property
    def settings(self) -> RunSettings:
        return self.run.settings

    @property
    def running(self) -> bool:
        return self.run.state in (RunState.NEW, RunState.RUNNING, RunState.CANCELLING)

    def elapsed_s(self) -> float:
        """Seconds since the run started (its final wall time once it is over)."""
        if not self.running:
            return self.run.wall_s
        return time.perf_counter() - self.run.t0 if self.run.t0 is not None else 0.0

    def summary(self) -> RunSummary:
        """The numbers so far; once every request's end is in the model they never change again,
        so the stats panel, the status bar and the terminal log share one computation."""
        if self._final_summary is not None:
            return self._final_summary
        summary = summarize(self.model, self.settings, max(self.elapsed_s(), 1e-9), self.network)
        if not self.running and self.model.finished:
            self._final_summary = summary
        return summary

    summary_now = summary  # the name the timeline reads (gui.core.views.timeline_pieces.ShownRun)

    def finished_run(self) -> FinishedRun:
        """This run as the history, the explain panel and the exports keep it (once it is over)."""
        return FinishedRun.of(self.run, self.conditions, model=self.model, summary=self.summary(), error=self.error)


Reset = Callable[[], Awaitable[None]]


class Lab:
    """Owns the current run, the runs on screen, and the ones still stopping; the window calls these."""

    def __init__(self) -> None:
        self.current: LiveRun | None = None
        self.shown: list[LiveRun] = []  # on screen: one run, or a comparison's runs so far
        self.comparing: asyncio.Task[None] | None = None
        self.comparison_plan: list[RunSettings] = []  # every run the comparison will make, in order
        self.series: asyncio.Task[Any] | None = None  # a lesson's series of measured runs (the sweep)
        self.run_callbacks: list[Callable[[LiveRun], None]] = []  # told of each run as it starts
        # Told once a frame, after the current run's new events are in its model (``pump``), and once
        # more when a run has ended and its last events are in (before its finished callbacks).
        self.frame_callbacks: list[Callable[[LiveRun], None]] = []
        # Told when a comparison (a lesson's series) has ended, run to the end, stopped or failed: its task.
        self.comparison_callbacks: list[Callable[[asyncio.Task[Any]], None]] = []
        self.series_callbacks: list[Callable[[asyncio.Task[Any]], None]] = []
        self._winding_down: set[asyncio.Task[Any]] = set()  # strong refs: qasync keeps none

    def start(
        self,
        settings: RunSettings,
        base_url: str,
        network: KnownNetwork | None,
        conditions: dict[str, Any] | None = None,
    ) -> LiveRun:
        """Start a run now, cancelling the current one (or comparison) if it is still going."""
        self.stop()
        self.comparing = self.series = None  # a stopped comparison or series winding down is no longer ours
        self.shown = []
        return self._launch(settings, base_url, network, conditions)

    def start_comparison(
        self,
        plans: Sequence[RunSettings],
        base_url: str,
        network: KnownNetwork | None,
        conditions: dict[str, Any] | None,
        reset: Reset | None,
    ) -> asyncio.Task[None]:
        """Run each settings in turn (never two at once), ``reset()`` awaited before each run."""
        self.stop()
        self.series = None
        self.shown = []
        self.comparison_plan = list(plans)
        task = asyncio.ensure_future(self._compare(list(plans), base_url, network, conditions, reset))
        self.comparing = task
        self._winding_down.add(task)
        task.add_done_callback(self._winding_down.discard)
        task.add_done_callback(lambda done: _tell(self.comparison_callbacks, done))
        return task

    async def _compare(
        self,
        plans: list[RunSettings],
        base_url: str,
        network: KnownNetwork | None,
        conditions: dict[str, Any] | None,
        reset: Reset | None,
    ) -> None:
        async def run_one(settings: RunSettings) -> LiveRun:
            live = self._launch(settings, base_url, network, conditions)
            assert live.task is not None
            await asyncio.wait([live.task])  # not ``await task``: a stopped run must not end us here
            return live

        def goes_on(live: LiveRun) -> bool:
            stopped = live.summary().cancelled and not live.model.stopped_itself
            return not (live.task is None or live.task.cancelled() or live.model.total != live.model.done or stopped)

        await one_after_another(plans, run_one, before_each=reset, goes_on=goes_on)

    def start_series(self, work: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """A lesson's series of measured runs (the sweep's), owned as a comparison is: it replaces
        what was going, ``stop`` cancels it (its run under way stops as any run does), and
        ``shutdown`` waits for it; a replaced series winds down, reporting nothing."""
        self.stop()
        self.comparing = None
        self.shown = []
        task = asyncio.ensure_future(work)
        self.series = task
        self._winding_down.add(task)
        task.add_done_callback(self._winding_down.discard)
        task.add_done_callback(lambda done: _tell(self.series_callbacks, done))
        return task

    @property
    def series_running(self) -> bool:
        return self.series is not None and not self.series.done()

    def _launch(
        self, settings: RunSettings, base_url: str, network: KnownNetwork | None, conditions: dict[str, Any] | None
    ) -> LiveRun:
        sink = BatchSink()
        with frozen_heap:  # 10,000 jobs and spans set off a collection: let it not walk the window's heap
            run = Run(settings, base_url, sink)
            live = LiveRun(run, sink, RunModel(run.jobs), network, conditions)
        live.task = asyncio.ensure_future(run.execute())
        self._winding_down.add(live.task)
        live.task.add_done_callback(lambda task: self._on_done(live, task))
        self.current = live
        self.shown.append(live)
        for callback in self.run_callbacks:
            callback(live)
        return live

    def stop(self) -> None:
        """Stop the current run; a comparison or a series under way does not go on to its next run."""
        if self.comparing is not None and not self.comparing.done():
            self.comparing.cancel()
        if self.series is not None and not self.series.done():
            self.series.cancel()
        if self.current is not None and self.current.running:
            self.current.run.cancel()

    def pump(self) -> int:
        """Move the current run's waiting events into its model (once per frame) and say so."""
        if self.current is None:
            return 0
        applied = self.current.model.apply(self.current.sink.drain())
        for callback in self.frame_callbacks:
            callback(self.current)
        return applied

    @property
    def comparison_running(self) -> bool:
        return self.comparing is not None and not self.comparing.done()

    @property
    def active(self) -> bool:
        """A run is going, or a comparison or a series is between two of its runs: Stop has something to stop."""
        return self.comparison_running or self.series_running or (self.current is not None and self.current.running)

    @property
    def busy(self) -> bool:
        return any(not task.done() for task in self._winding_down)

    async def shutdown(self) -> None:
        """Cancel everything and wait until every run's threads and processes have stopped."""
        self.stop()
        if self._winding_down:
            await asyncio.gather(*self._winding_down, return_exceptions=True)

    def _on_done(self, live: LiveRun, task: asyncio.Task[float]) -> None:
        self._winding_down.discard(task)
        if not task.cancelled() and task.exception() is not None:
            live.error = f"{type(task.exception()).__name__}: {task.exception()}"
        live.model.apply(live.sink.drain())  # a replaced run's model is completed too (run history)
        for frame_callback in self.frame_callbacks:
            frame_callback(live)
        for callback in live.finished_callbacks:
            callback(live)


def _tell(callbacks: list[Callable[[asyncio.Task[Any]], None]], task: asyncio.Task[Any]) -> None:
    for callback in callbacks:
        callback(task)
