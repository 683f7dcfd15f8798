"""Processes: W worker processes, each with its own interpreter (and its own GIL).

Heavier to start than threads, but the only way to run Python code on several cores at once.
Workers are started with ``spawn``: forking a process that already runs Qt's threads can deadlock.
Each worker reports its events through a multiprocessing queue, so the timeline is live.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.queues import Queue
from typing import Any

from gui.core.clients.sync_client import SyncPokemonClient
from gui.core.jobs import Job
from gui.core.recorder import CancelToken, Recorder
from gui.core.retry import RetryPolicy
from gui.core.trace import TraceEvent


def fetch_with_process_pool(
    jobs: list[Job], workers: int, worker_options: dict[str, Any], events: Queue[TraceEvent], cancel: CancelToken
) -> None:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, context, initializer=start_worker, initargs=(events, worker_options)) as pool:
        cancel.on_cancel(lambda: stop_pool_now(pool))
        futures = [pool.submit(fetch_in_worker, job) for job in jobs]
        for future in futures:
            if not cancel.cancelled:
                future.exception()  # wait; a terminated pool fails the rest, which is fine here


def stop_pool_now(pool: ProcessPoolExecutor) -> None:
    """Drop queued jobs and terminate the workers mid-request (threads can't be killed; processes can)."""
    processes = list(getattr(pool, "_processes", {}).values())  # no public API before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


# --- runs inside each worker process ----------------------------------------------------------

_client: SyncPokemonClient | None = None


class _QueueSink:
    def __init__(self, events: Queue[TraceEvent]) -> None:
        self.events = events

    def emit(self, event: TraceEvent) -> None:
        self.events.put(event)


def start_worker(events: Queue[TraceEvent], options: dict[str, Any]) -> None:
    """Pool initializer: one client per process, stamping times on the parent's clock."""
    global _client
    threading.Thread(target=_exit_with_parent, name="parent-watch", daemon=True).start()
    recorder = Recorder(_QueueSink(events), options["t0"])
    policy = RetryPolicy(options["retries"], options["backoff_s"])
    _client = SyncPokemonClient(recorder, options["timeout_s"], policy, CancelToken(), lane=f"pid {os.getpid()}")


def _exit_with_parent() -> None:
    """A pool worker outlives a parent that crashed or was killed; this one does not."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)


def fetch_in_worker(job: Job) -> None:
    assert _client is not None, "start_worker did not run"
    _client.fetch(job)
