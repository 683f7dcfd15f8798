"""A run that is over, as the comparison, the history, the explain panel and the exports see it.

A live run becomes one when it ends; the history gives them back after a restart; a headless run
is one. Whatever made it, the same numbers and the same spans come with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gui.core.model.run_model import RunModel
from gui.core.modes.catalogue import mode_spec
from gui.core.results.stats import KnownNetwork, RunSummary, summarize
from gui.core.watches.machine_load import MachineLoad
from gui.core.workload.settings import RunSettings

if TYPE_CHECKING:
    from gui.core.run.engine import Run


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
    def of(cls, run: Run, model: RunModel, conditions: dict[str, Any] | None, error: str | None = None) -> FinishedRun:
        """An engine run that ended and the model of its events; ``conditions`` None for another server."""
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
