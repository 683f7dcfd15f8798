"""The GIL's switch interval, changed for one run and put back after it."""

from __future__ import annotations

import sys


class SwitchInterval:
    """``sys.setswitchinterval`` for the length of a run: ``set()`` at its begin, ``restore()`` at its end."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._old: float | None = None

    def set(self) -> None:
        self._old = sys.getswitchinterval()
        sys.setswitchinterval(self.seconds)

    def restore(self) -> None:
        if self._old is not None:
            sys.setswitchinterval(self._old)
            self._old = None
