"""What a lesson's program is to the engine and the clients: a job's step, with hooks around the run.

The clients call ``run`` (or ``run_async``) after each successful fetch, as for any step. The engine
calls ``begin`` before the workers start and ``end`` once they are all done: that is where a
program resets, watches or reads back the memory its workers used. ``for_workers`` names what a
worker process must be handed when it starts (a shared-memory counter cannot travel with each job).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gui.core.trace.events import Outcome, PokemonCard, Status
from gui.core.trace.recorder import CancelToken, Recorder
from gui.core.workload.traced_lock import GaveUp, working_on

# In a worker process: what its parent handed it at its start (``for_workers``), filled by the
# process mode's initializer. A program reads it here, so that it need not know the modes.
inherited: dict[str, Any] = {}


class LessonProgram:
    """A step whose work is ``apply``; the base runs it as the request's, and ends it if it gave up."""

    def apply(self, card: PokemonCard, recorder: Recorder, request_id: int) -> None:
        raise NotImplementedError

    def run(self, recorder: Recorder, request_id: int, card: PokemonCard) -> None:
        token = working_on.set((recorder, request_id))
        try:
            self.apply(card, recorder, request_id)
        except GaveUp as stopped:  # the run is stopping: this request ends here, visibly, once
            recorder.end(request_id, Outcome(Status.CANCELLED, error=str(stopped)))
        finally:
            working_on.reset(token)

    async def run_async(self, recorder: Recorder, request_id: int, card: PokemonCard) -> None:
        self.run(recorder, request_id, card)  # these programs are for threads and processes

    def begin(self, recorder: Recorder, cancel: CancelToken, stop_run: Callable[[], None]) -> None:
        """In the run's own process, before any worker starts."""

    def end(self, recorder: Recorder) -> None:
        """In the run's own process, once every worker is done (or stopped)."""

    def for_workers(self) -> dict[str, Any]:
        """Objects a worker process inherits when it starts (see ``gui.core.modes.processes``)."""
        return {}
