"""The server's line of waiting requests: at most ``limit`` are served at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ServingQueue:
    """Like an ``asyncio.Semaphore`` whose size can change while requests wait.

    A semaphore cannot be resized, and the admin endpoint may change ``max_concurrent`` mid-run;
    a condition variable re-checks the limit whenever a slot frees or the limit moves.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit  # 0 = unlimited
        self.active = 0
        self.waiting = 0
        self.peak_active = 0
        self._changed = asyncio.Condition()

    def set_limit(self, limit: int) -> None:
        """Resize the queue; the peak restarts so it describes the new limit."""
        self.limit = limit
        self.peak_active = self.active
        asyncio.ensure_future(self._notify_all())

    async def _notify_all(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _has_room(self) -> bool:
        return self.limit == 0 or self.active < self.limit

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._changed:
            self.waiting += 1
            try:
                await self._changed.wait_for(self._has_room)
            finally:
                self.waiting -= 1
            self.active += 1
            self.peak_active = max(self.peak_active, self.active)
        try:
            yield
        finally:
            async with self._changed:
                self.active -= 1
                self._changed.notify()
