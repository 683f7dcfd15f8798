"""Sequential: one request after another. Simple, and as slow as the sum of every wait."""

from __future__ import annotations

from gui.core.clients.sync_client import SyncPokemonClient
from gui.core.modes.mode_context import ModeContext
from gui.core.trace.recorder import CancelToken
from gui.core.workload.jobs import Job
from gui.plain_thread import run_blocking


def fetch_one_after_another(jobs: list[Job], client: SyncPokemonClient, cancel: CancelToken) -> None:
    for job in jobs:
        if cancel.cancelled:
            return
        client.fetch(job)  # nothing else happens until this answer is in


async def run(ctx: ModeContext) -> None:
    """The engine's way in: one client, on a thread of its own so the caller's loop stays free."""
    client = ctx.sync_client()
    try:
        await run_blocking("sequential", lambda: fetch_one_after_another(ctx.jobs, client, ctx.cancel))
    finally:
        client.close()
