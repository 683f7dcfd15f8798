"""What a running server keeps between requests: its conditions, queue, counters and cached bodies."""

from __future__ import annotations

from collections import Counter
from typing import Any

from aiohttp import web

from gui.core.workload.dataset import Pokedex
from gui.server.body_cache import DEFAULT_MAX_BYTES, BodyCache
from gui.server.catalog import Catalog
from gui.server.conditions import NetworkConditions
from gui.server.serving_queue import ServingQueue

API_PREFIX = "/api/v2"


class ServerState:
    """The mutable part of a running server: its conditions, its queue, its counters."""

    def __init__(self, conditions: NetworkConditions, dex: Pokedex, cache_max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.conditions = conditions
        self.dex = dex
        self.catalog = Catalog(dex)
        self.queue = ServingQueue(conditions.max_concurrent)
        self.seen: Counter[str] = Counter()  # how many times each path was asked for (for the dice)
        self.served = 0
        self.errors_injected = 0
        self.dropped = 0
        self.body_cache = BodyCache(cache_max_bytes)

    def set_conditions(self, conditions: NetworkConditions) -> None:
        self.conditions = conditions
        self.queue.set_limit(conditions.max_concurrent)

    def reset_dice(self) -> None:
        """Start the seeded dice over: the next run meets the same delays and errors as the first.

        A comparison calls this between its runs, so every mode faces the same network.
        """
        self.seen.clear()

    def stats(self) -> dict[str, Any]:
        return {
            "served": self.served,
            "in_flight": self.queue.active,
            "waiting": self.queue.waiting,
            "peak_in_flight": self.queue.peak_active,
            "errors_injected": self.errors_injected,
            "dropped": self.dropped,
            "cache_bytes": self.body_cache.size_bytes,
        }


STATE_KEY = web.AppKey("state", ServerState)


def api_root(request: web.Request) -> str:
    """This server's API base URL as the client reached it, for the ``url`` fields."""
    return f"{request.scheme}://{request.host}{API_PREFIX}"
