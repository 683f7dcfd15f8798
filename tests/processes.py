"""Helpers for tests that check no process outlives the one that started it."""

from __future__ import annotations

import os
import select


def wait_for_exit(pid: int, timeout_s: float) -> bool:
    """Block on a pidfd until ``pid`` exits (no polling loop); False if it is still alive."""
    fd = os.pidfd_open(pid)
    try:
        ready, _, _ = select.select([fd], [], [], timeout_s)
        return bool(ready)
    finally:
        os.close(fd)
