"""What the engine hands a mode when it runs it: the jobs, the settings, the recorder, the stop sign.

A mode's runner (the ``run`` beside each textbook function) takes one of these, so the textbook
function itself keeps only the arguments a learner needs to read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gui.core.clients.retry import RetryPolicy
from gui.core.clients.sync_client import SyncPokemonClient
from gui.core.trace.recorder import CancelToken, Recorder
from gui.core.workload.jobs import Job
from gui.core.workload.programs.program import LessonProgram
from gui.core.workload.settings import RunSettings


@dataclass(frozen=True)
class ModeContext:
    jobs: list[Job]
    settings: RunSettings
    recorder: Recorder
    cancel: CancelToken

    @property
    def policy(self) -> RetryPolicy:
        return RetryPolicy(self.settings.retries, self.settings.backoff_s)

    def sync_client(self, lane: str | None = None) -> SyncPokemonClient:
        """A worker's own instrumented client (one kept-alive connection)."""
        s = self.settings
        return SyncPokemonClient(self.recorder, s.timeout_s, self.policy, self.cancel, lane, s.max_body_kb)

    @property
    def program(self) -> LessonProgram | None:
        """The lesson's program every job runs after its fetch, if the run has one."""
        step = self.jobs[0].step if self.jobs else None
        return step if isinstance(step, LessonProgram) else None

    def for_workers(self) -> dict[str, Any]:
        """What each worker process must be handed at its start (see LessonProgram.for_workers)."""
        program = self.program
        return program.for_workers() if program is not None else {}
