"""A local, PokéAPI-compatible HTTP server with adjustable network conditions.

It serves the bundled dataset on 127.0.0.1 so the app (and its tests) never need the internet,
and it can play a slow, flaky, rate-limited API on demand so concurrency has something to hide.
"""

from gui.server.conditions import NetworkConditions
from gui.server.process import LocalServer

__all__ = ["LocalServer", "NetworkConditions"]
