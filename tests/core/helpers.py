"""Run the engine for real against the local server and collect what it recorded."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from gui.core.lessons.catalogue import lesson_spec
from gui.core.lessons.lesson import LessonFigures, measure_run
from gui.core.model.run_model import RunModel
from gui.core.results.finished_run import FinishedRun
from gui.core.run.engine import Run
from gui.core.trace.events import BatchSink, EndEvent, TraceEvent
from gui.core.workload.settings import make_settings
from gui.server import LocalServer, NetworkConditions


class WatchingSink(BatchSink):
    """A BatchSink that also keeps every event and can act when the k-th request ends."""

    def __init__(self, on_end: Callable[[int], None] | None = None) -> None:
        super().__init__()
        self.history: list[TraceEvent] = []
        self.ends = 0
        self.on_end = on_end
        self._lock = threading.Lock()

    def emit(self, event: TraceEvent) -> None:
        with self._lock:
            self.history.append(event)
            if isinstance(event, EndEvent):
                self.ends += 1
                ends = self.ends
        super().emit(event)
        if isinstance(event, EndEvent) and self.on_end is not None:
            self.on_end(ends)


def make_run(base_url: str, sink: BatchSink | None = None, **settings: Any) -> Run:
    return Run(make_settings(**settings), base_url, sink if sink is not None else BatchSink())


def collect(run: Run) -> RunModel:
    """The model of a finished run, built from everything its sink received."""
    return FinishedRun.of(run, None).model


async def run_mode(base_url: str, sink: BatchSink | None = None, **settings: Any) -> tuple[Run, RunModel]:
    run = make_run(base_url, sink, **settings)
    await run.execute()
    return run, collect(run)


async def run_stopped_after(base_url: str, ends: int, **settings: Any) -> tuple[Run, RunModel]:
    """A run cancelled as soon as ``ends`` requests have ended: the rest end cancelled."""
    sink = WatchingSink()
    run = make_run(base_url, sink, **settings)

    def stop(ended: int) -> None:
        if ended == ends:
            run.cancel()

    sink.on_end = stop
    await run.execute()
    return run, collect(run)


def run_lesson_on(server: LocalServer, lesson_id: str) -> tuple[list[FinishedRun], LessonFigures]:
    """Every variant of a lesson in turn against ``server``, as the window and ``--lesson`` run them:
    the lesson's network, the dice reset before each run."""
    spec = lesson_spec(lesson_id)
    conditions = NetworkConditions().updated(spec.conditions)
    server.set_conditions(**conditions.to_dict())
    runs = []
    for settings in spec.plans():
        server.reset_dice()
        runs.append(asyncio.run(measure_run(settings, server.base_url, conditions.to_dict())).run)
    return runs, spec.figures(runs)


def small_processes_run() -> FinishedRun:
    """Two worker processes, four requests: what ``--headless --mode processes -n 4 -c 2`` runs."""
    from gui.headless import run_headless_comparison

    settings = make_settings(mode="processes", count=4, concurrency=2)
    return run_headless_comparison([settings], NetworkConditions(latency_ms=20)).runs[0]
