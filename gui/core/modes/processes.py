"""Processes: W worker processes, each with its own interpreter (and its own GIL).

Heavier to start than threads, but the only way to run Python code on several cores at once.
Workers are started with ``spawn``: forking a process that already runs Qt's threads can deadlock.
Each worker reports its events through a multiprocessing queue, so the timeline is live.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.queues import Queue
from typing import Any

from gui.core.clients.retry import RetryPolicy
from gui.core.clients.sync_client import SyncPokemonClient
from gui.core.modes.mode_context import ModeContext
from gui.core.trace.events import EndEvent, TraceEvent
from gui.core.trace.recorder import CancelToken, Recorder
from gui.core.workload.jobs import Job
from gui.core.workload.programs.program import inherited
from gui.plain_thread import run_blocking

FORWARDER_POLL_S = 0.05  # how often the event forwarder checks whether it should stop
LAST_EVENTS_WAIT_S = 10.0


def fetch_with_process_pool(
    jobs: list[Job], workers: int, worker_options: dict[str, Any], events: Queue[TraceEvent], cancel: CancelToken
) -> None:
    if cancel.cancelled:
        return  # stopped before it began: not one interpreter is started
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, context, initializer=start_worker, initargs=(events, worker_options)) as pool:
        futures = [pool.submit(fetch_in_worker, job) for job in jobs]  # starts the workers
        cancel.on_cancel(lambda: stop_pool_now(pool))  # after submit: every worker is known, none left out
        for future in futures:
            if cancel.cancelled:
                return  # the workers were terminated: the jobs left fail, which is fine here
            failure = future.exception()  # wait for this job to end
            if failure is not None and not cancel.cancelled:
                raise failure  # a bug in a worker fails the run, as it does in threads mode


def stop_pool_now(pool: ProcessPoolExecutor) -> None:
    """Drop queued jobs and terminate the workers mid-request (threads can't be killed; processes can)."""
    processes = list(getattr(pool, "_processes", {}).values())  # no public API before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


# --- runs in the parent: the engine's way in ------------------------------------------------


async def run(ctx: ModeContext) -> None:
    await run_blocking("processes-run", lambda: _run_pool(ctx))


def _run_pool(ctx: ModeContext) -> None:
    """The pool, plus a thread that forwards the workers' events onto the run's recorder."""
    events: Any = multiprocessing.get_context("spawn").Queue()
    all_ended = threading.Event()
    stop = threading.Event()
    forwarder = threading.Thread(
        target=_forward_events, args=(events, ctx.recorder, len(ctx.jobs), all_ended, stop), name="process-events"
    )
    forwarder.start()
    s = ctx.settings
    options: dict[str, Any] = {
        "t0": ctx.recorder.t0,
        "timeout_s": s.timeout_s,
        "retries": s.retries,
        "backoff_s": s.backoff_s,
        "max_body_kb": s.max_body_kb,
    }
    options["inherit"] = ctx.for_workers()  # e.g. a shared-memory counter: it can only travel at a worker's start
    options["asked_s"] = ctx.recorder.now()  # the pool is made next: each worker's start-up is drawn from here
    whole = False
    try:
        fetch_with_process_pool(ctx.jobs, s.concurrency, options, events, ctx.cancel)
        whole = not ctx.cancel.cancelled  # every worker exited by itself: what it sent is all in the queue
        if whole:
            # A worker's result can overtake its last events on the way back: wait for them.
            all_ended.wait(timeout=LAST_EVENTS_WAIT_S)
    finally:
        stop.set()
        forwarder.join()
        if whole:
            _forward_rest(events, ctx.recorder)
        events.cancel_join_thread()  # a terminated worker may have left it half-written
        events.close()


def _forward_events(
    events: Any, recorder: Recorder, total: int, all_ended: threading.Event, stop: threading.Event
) -> None:
    """Move worker-process events onto the run's recorder until told to stop."""
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


def _forward_rest(events: Any, recorder: Recorder) -> None:
    """What is left once the last request ended: a worker that fetched nothing still said it was ready."""
    while True:
        try:
            recorder.emit(events.get_nowait())
        except queue.Empty:
            return


# --- runs inside each worker process ----------------------------------------------------------

_client: SyncPokemonClient | None = None


class _QueueSink:
    def __init__(self, events: Queue[TraceEvent]) -> None:
        self.events = events

    def emit(self, event: TraceEvent) -> None:
        self.events.put(event)


def start_worker(events: Queue[TraceEvent], options: dict[str, Any]) -> None:
    """Pool initializer: one client per process, stamping times on the parent's clock; once it is
    made, the worker says it is ready (its start-up is what the learner saw as a blank lane)."""
    global _client
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the terminal reaches us too: the parent stops us
    threading.Thread(target=_exit_with_parent, name="parent-watch", daemon=True).start()
    inherited.update(options.get("inherit", {}))  # a lesson's shared memory, read by its program
    recorder = Recorder(_QueueSink(events), options["t0"])
    policy = RetryPolicy(options["retries"], options["backoff_s"])
    pid = os.getpid()
    lane = f"pid {pid}"
    _client = SyncPokemonClient(recorder, options["timeout_s"], policy, CancelToken(), lane, options["max_body_kb"])
    recorder.worker_ready(pid, lane, options["asked_s"])  # before any event of its requests, on the same queue


def _exit_with_parent() -> None:
    """A pool worker outlives a parent that crashed or was killed; this one does not."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)


def fetch_in_worker(job: Job) -> None:
    assert _client is not None, "start_worker did not run"
    _client.fetch(job)
