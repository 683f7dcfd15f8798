"""Serialised answers kept for reuse, bounded by their total size in bytes.

Serialising once keeps the server's own CPU time out of the timings when thousands of requests
arrive at once. The bound matters because the padding condition makes each body as large as the
user asks (10 MB each at most): without it 100 padded Pokémon would keep a gigabyte alive long after
the padding went back to zero. The least recently used bodies go first.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # the whole unpadded dataset takes ~3 MB per base URL


class BodyCache:
    """An LRU map from a key to a response body, never holding more than ``max_bytes`` in total."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size_bytes = 0
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._bodies)

    def get(self, key: Hashable) -> bytes | None:
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        """Keep ``body``, evicting the oldest; a body larger than the whole budget is not kept."""
        if len(body) > self.max_bytes:
            return
        old = self._bodies.pop(key, None)
        if old is not None:
            self.size_bytes -= len(old)
        self._bodies[key] = body
        self.size_bytes += len(body)
        while self.size_bytes > self.max_bytes:
            _, evicted = self._bodies.popitem(last=False)
            self.size_bytes -= len(evicted)
