"""One run: make the jobs, hand them to a mode, and make sure every request ends exactly once."""

from __future__ import annotations

import asyncio
import time
from enum import Enum
from typing import Any

from gui.core.clients.sync_client import shared_tls_context
from gui.core.modes.catalogue import mode_spec
from gui.core.modes.mode_context import ModeContext
from gui.core.run.frozen_heap import frozen_heap
from gui.core.run.run_watches import RunWatches
from gui.core.trace.events import BatchSink, EventSink, Outcome, Phase, PhaseEvent, Status
from gui.core.trace.recorder import CancelToken, Recorder
from gui.core.watches.machine_load import MachineLoad, MachineMeter
from gui.core.workload.jobs import Job, make_jobs
from gui.core.workload.settings import RunSettings


class RunState(Enum):
    NEW = "new"  # made, not started
    RUNNING = "running"
    CANCELLING = "cancelling"  # cancel asked; workers are winding down
    FINISHED = "finished"  # every request has ended


class Run:
    """A single run of one mode. Events go to ``sink`` live; ``execute()`` returns when all ended.

    ``cancel()`` may be called from any thread: queued work never starts, coroutines are
    cancelled, threads stop after their current request, processes are terminated.
    """

    def __init__(self, settings: RunSettings, base_url: str, sink: EventSink | None = None) -> None:
        self.settings = settings
        self.base_url = base_url
        self.jobs: list[Job] = make_jobs(settings, base_url)
        self.sink: EventSink = sink if sink is not None else BatchSink()
        self.state = RunState.NEW
        self.wall_s = 0.0
        self.t0: float | None = None  # perf_counter() at the start: the zero of every timestamp
        self.started_at = 0.0  # time.time() at the same moment: when it ran, for people and files
        self.machine: MachineLoad | None = None  # what others took of the machine while it ran (when it ends)
        self._meter = MachineMeter()
        self._cancel = CancelToken()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._mode_task: asyncio.Future[Any] | None = None
        self.spec = mode_spec(settings.mode)
        shared_tls_context()  # set-up cost paid before the clock starts, not by the first request

    def cancel(self) -> None:
        if self.state is RunState.NEW:  # remembered: execute() then ends every request cancelled, sending none
            self._cancel.cancel()
            return
        if self.state is not RunState.RUNNING:
            return
        self.state = RunState.CANCELLING
        self._cancel.cancel()
        # Only coroutines are cancelled through their task; the other modes are told through the
        # token and are awaited until their threads or processes have really stopped.
        if self.spec.on_callers_loop and self._loop is not None and self._mode_task is not None:
            self._loop.call_soon_threadsafe(self._mode_task.cancel)

    async def execute(self) -> float:
        """Run to the end (or to cancel); returns the wall time in seconds."""
        if self.state is not RunState.NEW:
            raise RuntimeError("a Run executes once; make a new one")
        self._loop = asyncio.get_running_loop()
        with frozen_heap:
            refreezing = asyncio.ensure_future(frozen_heap.keep_frozen())
            try:
                return await self._execute()
            finally:
                refreezing.cancel()

    async def _execute(self) -> float:
        assert self._loop is not None
        self.state = RunState.RUNNING
        self._meter.start()  # before the clock starts: reading every process's times is not the run's work
        self.t0 = time.perf_counter()
        self.started_at = time.time()
        recorder = Recorder(self.sink, self.t0, len(self.jobs))
        queued_at = recorder.now()  # every job is queued at once: one moment (one float) for all of them
        for job in self.jobs:
            self.sink.emit(PhaseEvent(job.request_id, Phase.QUEUED, queued_at))
        if self._cancel.cancelled:  # stopped before it began (a quick Stop, a window closing)
            self._finish(recorder)
            return self.wall_s
        program = None  # set once it has begun: only a program that began is ended
        watches: RunWatches | None = None
        try:  # from here on, whatever fails, the run ends (a failure before its mode began included)
            context = ModeContext(self.jobs, self.settings, recorder, self._cancel)
            if context.program is not None:  # a lesson's program: it sets up the memory its workers share
                context.program.begin(recorder, self._cancel, self.cancel)
                program = context.program
            watches = RunWatches(self.settings, self.spec.on_callers_loop, self._loop, recorder)
            watches.start()
            self._mode_task = watches.create_task(self.spec.run(context))
            if self._cancel.cancelled and self.spec.on_callers_loop:  # cancelled from a thread meanwhile
                self.state = RunState.CANCELLING
                self._mode_task.cancel()
            await asyncio.shield(self._mode_task)
        except asyncio.CancelledError:
            if not self._cancel.cancelled and self._mode_task is not None:  # our caller was cancelled
                self.cancel()
                await asyncio.gather(self._mode_task, return_exceptions=True)
                raise
        finally:
            if watches is not None:
                watches.stop()  # the heartbeat, the task factory and the sampler never outlive the run
            if program is not None:
                program.end(recorder)  # what the run's own process reads once its workers are done
            self._finish(recorder)  # whatever happened, every request ends in exactly one state
        return self.wall_s

    def _finish(self, recorder: Recorder) -> None:
        for request_id in range(recorder.requests):  # the jobs, and every request found mid-run
            if request_id not in recorder.ended:
                recorder.end(request_id, Outcome(Status.CANCELLED))
        self.wall_s = recorder.now()
        self.machine = self._meter.load()
        self.state = RunState.FINISHED
