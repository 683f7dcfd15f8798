"""The window's hold on the local server: start it, play the settings' network, reset its dice, stop it.

The window shows what this says (``status``); it never talks to the server process itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from gui.core.results.stats import KnownNetwork
from gui.server import LocalServer, NetworkConditions
from gui.server.process import ServerError, ServerStatus

NETWORK_APPLY_MS = 200
STOP_GRACE_S = 0.5  # on quit the server gets this long to leave politely, then it is terminated


class ServerController(QObject):
    status = Signal(str, int)  # a status-bar message and how long to show it (0: until replaced)
    label = Signal(str)  # the permanent "Local PokéAPI: url" label
    ready = Signal()

    def __init__(self, conditions: NetworkConditions | None, wanted: Callable[[], dict[str, Any]]) -> None:
        super().__init__()
        self.server = LocalServer(conditions)
        self.error: str | None = None
        self.is_ready = asyncio.Event()  # set once start-up ended, well or not
        self._wanted = wanted  # the conditions the settings panel asks for now
        # Network changes apply to the running server at once (a teacher can raise the latency
        # mid-run and watch the bars stretch); a short pause lets a spin box settle first.
        self.apply_timer = QTimer(self)
        self.apply_timer.setSingleShot(True)
        self.apply_timer.setInterval(NETWORK_APPLY_MS)
        self.apply_timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._setting = asyncio.Lock()  # one change of conditions at a time, in the order asked
        self._plays = 0  # runs that played their network so far

    @property
    def running(self) -> bool:
        return self.server.state is ServerStatus.RUNNING

    @property
    def base_url(self) -> str:
        return self.server.base_url

    async def start(self) -> None:
        self.status.emit("Starting the local PokéAPI server…", 0)
        try:
            url = await self.server.start_async()
        except ServerError as problem:
            self.error = str(problem)
            self.label.emit("Local server failed")
            self.status.emit(f"{problem}. Choose the real PokéAPI or a custom URL to run anyway.", 0)
            return
        finally:
            self.is_ready.set()
        self.label.emit(f"Local PokéAPI: {url}")
        self.ready.emit()

    async def play(self, overrides: dict[str, Any] | None = None) -> tuple[KnownNetwork, dict[str, Any]]:
        """Make the server play the panel's conditions (a lesson's ``overrides`` win); what it plays.

        An earlier change of the panel still on its way is superseded: it can no longer land after
        this (a lesson's network would be replaced by the panel's under its run)."""
        self._plays += 1
        async with self._setting:
            played = await self.server.set_conditions_async(**{**self._wanted(), **(overrides or {})})
        return KnownNetwork.from_conditions(played.to_dict()), played.to_dict()

    async def reset_dice(self) -> None:
        await self.server.reset_dice_async()

    def apply_now(self) -> Coroutine[Any, Any, None]:
        """The panel's conditions, to be played now unless a run's ``play`` comes first."""
        return self._apply(self._plays)

    async def _apply(self, plays_then: int) -> None:
        async with self._setting:
            if self._plays != plays_then:
                return  # a run started meanwhile and played its own network: this change is in it
            played = await self.server.set_conditions_async(**self._wanted())
        bandwidth = f", {played.bandwidth_kbps:g} KB/s" if played.bandwidth_kbps else ""
        self.status.emit(
            f"Local server now plays {played.latency_ms:g} ms latency, ±{played.jitter_ms:g} ms {played.jitter} "
            f"jitter, {played.error_rate:.0%} errors{bandwidth}",
            4000,
        )

    async def stop(self) -> None:
        self.apply_timer.stop()
        await self.server.stop_async(STOP_GRACE_S)
