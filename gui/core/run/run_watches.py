"""What a run's settings ask the engine to watch while it runs, started together and always stopped.

- ``watch_loop``: a heartbeat on the loop the run was started on (``gui.core.watches.loop_watch``).
- ``trace_slivers``: when each worker really runs. Coroutines run on that loop, so their task
  steps are timed (``gui.core.watches.coroutine_slivers``). Threads that compute time their own computing
  (``gui.core.watches.thread_turns``); threads that only fetch are read from their CPU clocks by a sampler
  (``gui.core.watches.thread_clocks``), which would break up the turns of computing threads. Worker
  processes report through a queue, not through this process's recorder, so nothing is traced for them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from gui.core.trace.recorder import Recorder
from gui.core.watches.coroutine_slivers import CoroutineSlivers
from gui.core.watches.loop_watch import Heartbeat
from gui.core.watches.thread_clocks import ThreadClocks
from gui.core.watches.thread_turns import ThreadTurns
from gui.core.workload.after_fetch import AfterFetch
from gui.core.workload.settings import RunSettings


class RunWatches:
    """Started on the run's loop before its mode starts; ``stop()`` (idempotent) once it has ended."""

    def __init__(
        self, settings: RunSettings, on_callers_loop: bool, loop: asyncio.AbstractEventLoop, recorder: Recorder
    ) -> None:
        self.heartbeat = Heartbeat(loop, recorder) if settings.watch_loop else None
        traced = settings.trace_slivers
        self.slivers = CoroutineSlivers(loop, recorder) if traced and on_callers_loop else None
        threads, computing = traced and not on_callers_loop, settings.after_fetch == AfterFetch.COMPUTE
        self.turns = ThreadTurns(recorder) if threads and computing else None
        self.clocks = ThreadClocks(recorder) if threads and not computing else None
        self.loop = loop

    def start(self) -> None:
        for watch in (self.heartbeat, self.slivers, self.clocks, self.turns):
            if watch is not None:
                watch.start()

    def create_task(self, mode: Awaitable[Any]) -> asyncio.Task[Any]:
        """The run's mode as a task on the loop, its steps traced if asked."""
        coro = mode if asyncio.iscoroutine(mode) else _awaiting(mode)
        return self.slivers.create_task(coro) if self.slivers is not None else self.loop.create_task(coro)

    def stop(self) -> None:
        for watch in (self.heartbeat, self.slivers, self.clocks, self.turns):
            if watch is not None:
                watch.stop()


async def _awaiting(awaitable: Awaitable[Any]) -> Any:
    return await awaitable
