"""Sequential: one request after another. Simple, and as slow as the sum of every wait."""

from __future__ import annotations

from gui.core.clients.sync_client import SyncPokemonClient
from gui.core.jobs import Job
from gui.core.recorder import CancelToken


def fetch_one_after_another(jobs: list[Job], client: SyncPokemonClient, cancel: CancelToken) -> None:
    for job in jobs:
        if cancel.cancelled:
            return
        client.fetch(job)  # nothing else happens until this answer is in
