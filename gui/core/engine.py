"""One run: make the jobs, hand them to a mode, and make sure every request ends exactly once."""

from __future__ import annotations

import asyncio
import multiprocessing
import queue
import threading
import time
from enum import Enum
from typing import Any

from gui.core.blocking import run_blocking
from gui.core.clients.sync_client import SyncPokemonClient, shared_tls_context
from gui.core.jobs import Job, make_jobs
from gui.core.modes.coroutines import fetch_with_coroutines
from gui.core.modes.processes import fetch_with_process_pool
from gui.core.modes.sequential import fetch_one_after_another
from gui.core.modes.threads import fetch_with_thread_pool
from gui.core.recorder import CancelToken, Recorder
from gui.core.retry import RetryPolicy
from gui.core.settings import Mode, RunSettings
from gui.core.trace import BatchSink, EndEvent, EventSink, Outcome, Phase, Status, TraceEvent

FORWARDER_POLL_S = 0.05  # how often the process-event forwarder checks whether it should stop


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
        self._cancel = CancelToken()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._mode_task: asyncio.Future[Any] | None = None
        if settings.mode in (Mode.SEQUENTIAL, Mode.THREADS):
            shared_tls_context()  # set-up cost paid before the clock starts, not by the first request

    @property
    def policy(self) -> RetryPolicy:
        return RetryPolicy(self.settings.retries, self.settings.backoff_s)

    def cancel(self) -> None:
        if self.state is not RunState.RUNNING:
            return
        self.state = RunState.CANCELLING
        self._cancel.cancel()
        # Only coroutines are cancelled through their task; the other modes are told through the
        # token and are awaited until their threads or processes have really stopped.
        if self.settings.mode is Mode.ASYNCIO and self._loop is not None and self._mode_task is not None:
            self._loop.call_soon_threadsafe(self._mode_task.cancel)

    async def execute(self) -> float:
        """Run to the end (or to cancel); returns the wall time in seconds."""
        if self.state is not RunState.NEW:
            raise RuntimeError("a Run executes once; make a new one")
        self._loop = asyncio.get_running_loop()
        self.state = RunState.RUNNING
        self.t0 = time.perf_counter()
        recorder = Recorder(self.sink, self.t0)
        for job in self.jobs:
            recorder.phase(job.request_id, Phase.QUEUED)
        self._mode_task = asyncio.ensure_future(self._run_mode(recorder))
        try:
            await asyncio.shield(self._mode_task)
        except asyncio.CancelledError:
            if not self._cancel.cancelled:  # our caller was cancelled, not just the mode
                self.cancel()
                await asyncio.gather(self._mode_task, return_exceptions=True)
                raise
        finally:
            self._finish(recorder)  # whatever happened, every request ends in exactly one state
        return self.wall_s

    def _finish(self, recorder: Recorder) -> None:
        for job in self.jobs:
            if job.request_id not in recorder.ended:
                recorder.end(job.request_id, Outcome(Status.CANCELLED))
        self.wall_s = recorder.now()
        self.state = RunState.FINISHED

    async def _run_mode(self, recorder: Recorder) -> None:
        s = self.settings
        if s.mode is Mode.ASYNCIO:
            await fetch_with_coroutines(self.jobs, s.concurrency, s.timeout_s, self.policy, recorder)
        elif s.mode is Mode.SEQUENTIAL:
            client = self._sync_client(recorder)
            try:
                await run_blocking("sequential", lambda: fetch_one_after_another(self.jobs, client, self._cancel))
            finally:
                client.close()
        elif s.mode is Mode.THREADS:
            make_client = lambda: self._sync_client(recorder)
            await run_blocking(
                "threads-run", lambda: fetch_with_thread_pool(self.jobs, s.concurrency, make_client, self._cancel)
            )
        else:
            await run_blocking("processes-run", lambda: self._run_processes(recorder))

    def _sync_client(self, recorder: Recorder) -> SyncPokemonClient:
        return SyncPokemonClient(recorder, self.settings.timeout_s, self.policy, self._cancel)

    def _run_processes(self, recorder: Recorder) -> None:
        events: Any = multiprocessing.get_context("spawn").Queue()
        all_ended = threading.Event()
        stop = threading.Event()
        forwarder = threading.Thread(
            target=_forward_events, args=(events, recorder, len(self.jobs), all_ended, stop), name="process-events"
        )
        forwarder.start()
        options = {
            "t0": recorder.t0,
            "timeout_s": self.settings.timeout_s,
            "retries": self.settings.retries,
            "backoff_s": self.settings.backoff_s,
        }
        try:
            fetch_with_process_pool(self.jobs, self.settings.concurrency, options, events, self._cancel)
            if not self._cancel.cancelled:
                # A worker's result can overtake its last events on the way back: wait for them.
                all_ended.wait(timeout=10)
        finally:
            stop.set()
            forwarder.join()
            events.cancel_join_thread()  # a terminated worker may have left it half-written
            events.close()


def _forward_events(
    events: Any, recorder: Recorder, total: int, all_ended: threading.Event, stop: threading.Event
) -> None:
    """Move worker-process events onto the run's sink until told to stop."""
    while not stop.is_set():
        try:
            event: TraceEvent = events.get(timeout=FORWARDER_POLL_S)
        except queue.Empty:
            continue
        except (EOFError, OSError, ValueError):
            return  # the queue broke because workers were terminated mid-write
        recorder.emit(event)
        if isinstance(event, EndEvent) and len(recorder.ended) >= total:
            all_ended.set()
