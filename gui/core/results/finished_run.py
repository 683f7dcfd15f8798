"""A run that is over, as the comparison, the history, the explain panel and the exports see it.

``FinishedRun.of(run, ...)`` is the one way a run that ended becomes one, whoever ran it: the
window (its model folded frame by frame), the command line and the lessons (the run's own sink
folded at the end). The history gives them back after a restart, from the record it kept.
Whatever made it, the same numbers and the same spans come with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gui.core.model.run_model import RunModel
from gui.core.modes.catalogue import mode_spec
from gui.core.results.stats import KnownNetwork, RunSummary, summarize
from gui.core.run.engine import Run
from gui.core.trace.events import BatchSink
from gui.core.watches.machine_load import MachineLoad
from gui.core.workload.settings import RunSettings


@dataclass(frozen=True)
class FinishedRun:
    settings: RunSettings
    model: RunModel
    summary: RunSummary
    started_at: float  # time.time() when it started: for the history list and HAR's dates
    conditions: dict[str, Any] | None  # what the local server played (NetworkConditions.to_dict()); None elsewhere
    error: str | None = None  # it failed for a reason only a bug can cause
    machine: MachineLoad | None = None  # what other programs took of the machine meanwhile; None: not known

    @classmethod
    def of(
        cls,
        run: Run,
        conditions: dict[str, Any] | None,
        *,
        model: RunModel | None = None,
        summary: RunSummary | None = None,
        error: str | None = None,
    ) -> FinishedRun:
        """An engine run that has ended, with what the server played (``NetworkConditions.to_dict()``;
        None for another server).

        ``model``: the model its events went to as they came (the window folds them each frame);
        without one, the events waiting in the run's own sink are folded now (a headless run, a
        lesson's). ``summary``: the numbers already worked out from that model, if they were.
        ``error``: it failed for a reason only a bug can cause.
        """
        if model is None:
            if not isinstance(run.sink, BatchSink):
                raise ValueError("a run made with a sink of its own: bring the model its events went to")
            model = RunModel(run.jobs)
            model.apply(run.sink.drain())
        if summary is None:
            network = KnownNetwork.from_conditions(conditions) if conditions is not None else None
            summary = summarize(model, run.settings, run.wall_s, network)
        return cls(run.settings, model, summary, run.started_at, conditions, error, run.machine)

    @property
    def title(self) -> str:
        return mode_spec(self.settings.mode).title

    @property
    def wall_s(self) -> float:
        return self.summary.wall_s

    # As the timeline sees it (gui.core.views.timeline_pieces.ShownRun): a run that is over.
    running = False

    def elapsed_s(self) -> float:
        return self.summary.wall_s

    def summary_now(self) -> RunSummary:
        return self.summary
