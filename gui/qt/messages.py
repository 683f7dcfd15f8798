"""What the window says to the user: one channel (``MainWindow.say``), each message of a kind.

A ``PROBLEM`` (a run that could not start or failed, an export that could not be written) is shown
in the theme's colour for failures, so it is not read as one more line of progress; everything
else is ``INFO``.
"""

from __future__ import annotations

from typing import Protocol

INFO, PROBLEM = "info", "problem"


class Say(Protocol):
    """Tell the user ``text`` for ``ms`` milliseconds (0: until the next message)."""

    def __call__(self, text: str, ms: int = 0, kind: str = INFO) -> None: ...
