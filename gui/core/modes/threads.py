"""Threads: a pool of W worker threads, each blocking on its own request at the same time.

While one thread waits on the network it releases the GIL, so the others can send theirs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from gui.core.clients.sync_client import SyncPokemonClient
from gui.core.modes.mode_context import ModeContext
from gui.core.trace.recorder import CancelToken
from gui.core.workload.jobs import Job
from gui.plain_thread import run_blocking


def fetch_with_thread_pool(
    jobs: list[Job], workers: int, make_client: Callable[[], SyncPokemonClient], cancel: CancelToken
) -> None:
    local = threading.local()  # one client (one kept-alive connection) per worker thread
    clients: list[SyncPokemonClient] = []

    def fetch(job: Job) -> None:
        if cancel.cancelled:
            return  # still queued when Stop was pressed: never starts
        if not hasattr(local, "client"):
            local.client = make_client()
            clients.append(local.client)
        local.client.fetch(job)

    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="worker") as pool:
            for future in [pool.submit(fetch, job) for job in jobs]:
                future.result()
    finally:
        for client in clients:
            client.close()


async def run(ctx: ModeContext) -> None:
    """The engine's way in: the pool runs on a thread of its own so the caller's loop stays free."""
    workers = ctx.settings.concurrency
    await run_blocking("threads-run", lambda: fetch_with_thread_pool(ctx.jobs, workers, ctx.sync_client, ctx.cancel))
