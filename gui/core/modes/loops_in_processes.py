"""Asyncio in processes: one event loop per core, each running its share of the coroutines.

One event loop is one thread: however many coroutines it juggles, only one runs at a time, so the
CPU each answer costs (parsing HTTP and JSON, our own bookkeeping) queues up on one core. Here
each of P worker processes (one per core) runs the asyncio mode's own textbook function on its
share of the Pokémon, with its share of the concurrency limit, on an event loop of its own.

The worker processes are a warm pool: started by the first run (which pays for starting P
interpreters, as the processes mode does) and kept for the next, so later runs start at once.
The ideal bound is the asyncio one: ceil(N / C) waves of one latency each.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import multiprocessing.connection
import os
import queue
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from gui.core.clients.retry import RetryPolicy
from gui.core.modes.coroutines import fetch_with_coroutines
from gui.core.modes.mode_context import ModeContext
from gui.core.trace.events import LANE_PART, Phase, TraceEvent, WorkerStartEvent
from gui.core.trace.recorder import Recorder
from gui.core.workload.jobs import Job
from gui.plain_thread import run_blocking

FLUSH_EVERY_S = 0.010  # a worker sends its events in one batch this often: live, and one pickle per batch
FORWARDER_POLL_S = 0.05
LAST_EVENTS_WAIT_S = 10.0
WORKERS_UP_WAIT_S = 60.0  # starting P interpreters on a loaded machine


def fetch_with_loops_in_processes(
    jobs: list[Job], processes: int, limit: int, pool: ProcessPoolExecutor, options: dict[str, Any]
) -> None:
    shares = [jobs[i::processes] for i in range(processes)]  # each process its own Pokémon
    limits = [limit // processes + (i < limit % processes) for i in range(processes)]
    futures = [pool.submit(loop_in_process, share, n, options) for share, n in zip(shares, limits, strict=True)]
    for future in futures:
        future.result()  # wait for every process's loop to finish its share


def loop_in_process(jobs: list[Job], limit: int, options: dict[str, Any]) -> None:
    """In a worker process: the asyncio mode's textbook function, on this process's own loop."""
    asyncio.run(_fetch_here(jobs, limit, options))


# --- inside each worker process ---------------------------------------------------------------

_events: Any = None  # the pool's queue back to the parent, handed over at the worker's start
_everyone_up: Any = None  # a barrier for the pool's P workers, used once, by the warm-up
_ready_at = 0.0  # perf_counter() when this worker's initializer was done: its interpreter had started


def start_worker(events: Any, everyone_up: Any) -> None:
    """Pool initializer: keep the queue; ignore Ctrl+C (the parent stops us); die with the parent."""
    global _events, _everyone_up, _ready_at
    _events, _everyone_up = events, everyone_up
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, name="parent-watch", daemon=True).start()
    _ready_at = time.perf_counter()  # the modules are imported (unpickling this initializer did it)


def check_in() -> tuple[int, float]:
    """The warm-up's task: wait until every worker of the pool is up, then say who we are and when
    we were ready.

    Waiting makes each of the P check-ins a different process. Without it a worker that started
    first could take every check-in while the others were still starting, and a run straight
    after would give both shares to that one process, one after the other.
    """
    _everyone_up.wait(WORKERS_UP_WAIT_S)
    return os.getpid(), _ready_at


def _exit_with_parent() -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)


class _LaneRecorder(Recorder):
    """A worker's recorder: its lanes say which process, then which task ("pid 812 · task 3")."""

    def __init__(self, sink: _Batches, t0: float, pid: int) -> None:
        super().__init__(sink, t0)
        self.prefix = f"pid {pid}{LANE_PART}"

    def phase(self, request_id: int, phase: Phase, lane: str | None = None) -> None:
        super().phase(request_id, phase, self.prefix + lane if lane is not None else None)


class _Batches:
    """Collects one run's events on the worker's loop and puts them on the queue in batches."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.pending: list[TraceEvent] = []

    def emit(self, event: TraceEvent) -> None:
        self.pending.append(event)

    def flush(self) -> None:
        if self.pending:
            batch, self.pending = self.pending, []
            _events.put((self.run_id, batch))


async def _fetch_here(jobs: list[Job], limit: int, options: dict[str, Any]) -> None:
    sink = _Batches(options["run_id"])
    recorder = _LaneRecorder(sink, options["t0"], os.getpid())
    policy = RetryPolicy(options["retries"], options["backoff_s"])
    flusher = asyncio.create_task(_flush_often(sink))
    try:
        await fetch_with_coroutines(jobs, limit, options["timeout_s"], policy, recorder, options["max_body_kb"])
    finally:
        flusher.cancel()
        sink.flush()
        _events.put((sink.run_id, None))  # this process's share is done: nothing more follows


async def _flush_often(sink: _Batches) -> None:
    while True:
        await asyncio.sleep(FLUSH_EVERY_S)
        sink.flush()


# --- in the parent: the warm pool, and the engine's way in ------------------------------------


class _WarmPool:
    """P worker processes and their queue of events, kept from one run to the next."""

    def __init__(self, processes: int) -> None:
        context = multiprocessing.get_context("spawn")  # forking a process with Qt's threads can deadlock
        self.asked_at = time.perf_counter()
        self.processes = processes
        self.events: Any = context.Queue()
        everyone_up = context.Barrier(processes)
        self.pool = ProcessPoolExecutor(
            processes, context, initializer=start_worker, initargs=(self.events, everyone_up)
        )
        self.broken = False
        # Start every interpreter now, not when the first jobs arrive: each is up when this returns.
        try:
            self.ready_at = dict(started.result() for started in [self.pool.submit(check_in) for _ in range(processes)])
        except BaseException:  # a worker that never came up (a broken barrier): leave no pool behind
            self.terminate()
            raise
        self.pids = set(self.ready_at)
        self.start_reported = False  # only the run that made the pool paid for its start

    def report_start(self, recorder: Recorder) -> None:
        """Each worker's start-up, on the run's clock, if this run is the one that started them."""
        paid = not self.start_reported and self.asked_at >= recorder.t0  # not a pool made before the run
        self.start_reported = True
        if not paid:
            return
        for pid, ready_at in self.ready_at.items():
            recorder.emit(WorkerStartEvent(pid, f"pid {pid}", self.asked_at - recorder.t0, ready_at - recorder.t0))

    def terminate(self) -> None:
        """Stop mid-request (Stop or quit): the processes are killed; the next run starts a new pool."""
        self.broken = True
        processes = list(getattr(self.pool, "_processes", {}).values())  # no public API before 3.14
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.events.cancel_join_thread()
        self.events.close()


_warm: _WarmPool | None = None
_warm_lock = threading.Lock()


def warm_pool(processes: int) -> _WarmPool:
    """The pool of ``processes`` workers, started now if there is none (or it has another size)."""
    global _warm
    with _warm_lock:
        if _warm is not None and (_warm.broken or _warm.processes != processes):
            if not _warm.broken:
                _warm.close()
            _warm = None
        if _warm is None:
            _warm = _WarmPool(processes)
        return _warm


@atexit.register
def _close_warm_pool() -> None:
    global _warm
    with _warm_lock:
        if _warm is not None and not _warm.broken:
            _warm.close()
        _warm = None


def processes_for(settings_concurrency: int, jobs: int) -> int:
    """One loop per core, never more loops than coroutines or Pokémon."""
    return max(1, min(os.cpu_count() or 1, settings_concurrency, jobs))


async def run(ctx: ModeContext) -> None:
    await run_blocking("loops-in-processes", lambda: _run_pool(ctx))


def _run_pool(ctx: ModeContext) -> None:
    if ctx.cancel.cancelled or not ctx.jobs:
        return
    s = ctx.settings
    processes = processes_for(s.concurrency, len(ctx.jobs))
    warm = warm_pool(processes)
    warm.report_start(ctx.recorder)
    run_id = f"{os.getpid()}-{time.perf_counter_ns()}"
    options: dict[str, Any] = {
        "run_id": run_id,
        "t0": ctx.recorder.t0,
        "timeout_s": s.timeout_s,
        "retries": s.retries,
        "backoff_s": s.backoff_s,
        "max_body_kb": s.max_body_kb,
    }
    forwarder = _Forwarder(warm.events, ctx.recorder, run_id, processes)
    ctx.cancel.on_cancel(warm.terminate)
    try:
        fetch_with_loops_in_processes(ctx.jobs, processes, s.concurrency, warm.pool, options)
        forwarder.all_done.wait(LAST_EVENTS_WAIT_S)  # a result can overtake its last batch
    except Exception:
        if not ctx.cancel.cancelled:
            raise  # a bug in a worker fails the run, as in the other modes
    finally:
        forwarder.stop()


class _Forwarder:
    """A thread that moves this run's batches from the pool's queue onto the run's recorder."""

    def __init__(self, events: Any, recorder: Recorder, run_id: str, processes: int) -> None:
        self.events = events
        self.recorder = recorder
        self.run_id = run_id
        self.left = processes
        self.all_done = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._forward, name="loops-events")
        self._thread.start()

    def _forward(self) -> None:
        while not self._stop.is_set():
            try:
                run_id, batch = self.events.get(timeout=FORWARDER_POLL_S)
            except queue.Empty:
                continue
            except (EOFError, OSError, ValueError):
                return  # the queue broke: the workers were terminated mid-write
            if run_id != self.run_id:
                continue  # a batch of an earlier, stopped run
            if batch is None:
                self.left -= 1
                if self.left == 0:
                    self.all_done.set()
                    return  # every process has said its last: nothing of this run follows
                continue
            for event in batch:
                self.recorder.emit(event)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
