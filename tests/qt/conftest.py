"""Qt test fixtures: one QApplication (pytest-qt's ``qapp``), a fresh qasync loop per test whose
exception handler fails the test, and a real main window with its own local server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from gui.core.history.store import History
from gui.qt.event_loop import BatchingEventLoop
from gui.qt.main_window import MainWindow
from gui.server import NetworkConditions

T = TypeVar("T")
WAIT_S = 30.0


class LoopRunner:
    """Runs coroutines and conditions on the test's qasync loop, with a deadline (never a sleep)."""

    def __init__(self, loop: qasync.QEventLoop) -> None:
        self.loop = loop

    def run(self, awaitable: Awaitable[T], timeout_s: float = WAIT_S) -> T:
        result: T = self.loop.run_until_complete(asyncio.wait_for(awaitable, timeout_s))
        return result

    def until(self, condition: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
        """Let the loop (and Qt) run until ``condition()`` holds, checking after every event batch."""

        async def wait() -> None:
            while not condition():
                await asyncio.sleep(0)  # yield to the loop: Qt events and timers run in between

        self.run(wait(), timeout_s)


class TestEventLoop(BatchingEventLoop):
    """The app's loop (qasync's, ready callbacks in batches), staying "running" for the final
    ``processEvents`` of ``run_until_complete``.

    qasync 0.28 ends every ``run_until_complete`` with one more ``processEvents()`` after it has
    cleared the running loop, so a task stepped there fails in ``get_running_loop()``. The app
    calls ``run_until_complete`` once, at exit; a test calls it many times, so the gap matters here.
    """

    def run_forever(self) -> Any:
        try:
            return super().run_forever()
        finally:
            asyncio.events._set_running_loop(self)


@pytest.fixture(scope="session")
def session_loop(qapp: QApplication) -> Iterator[TestEventLoop]:
    """One qasync loop for the whole session, as the app has one for its whole life.

    A fresh loop per test left timers of closed loops behind that Qt later fired into freed
    objects (a segfault in QTimerInfoList::activateTimers, seen after several window tests).
    """
    event_loop = TestEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    asyncio.events._set_running_loop(None)
    event_loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def loop(session_loop: TestEventLoop) -> Iterator[LoopRunner]:
    """The session loop, with an exception handler that fails this test on any loop error."""
    failures: list[dict[str, Any]] = []
    asyncio.set_event_loop(session_loop)
    asyncio.events._set_running_loop(session_loop)
    session_loop.set_exception_handler(lambda _, context: failures.append(context))
    yield LoopRunner(session_loop)
    session_loop.set_exception_handler(None)
    asyncio.events._set_running_loop(None)
    assert not failures, f"the event loop reported errors: {failures}"


@pytest.fixture
def window(loop: LoopRunner, tmp_path: Path) -> Iterator[MainWindow]:
    """A real main window with a real local server and a history of its own. Not given to
    ``qtbot.addWidget``: pytest-qt would close it before this fixture's own teardown, which must
    await the window's shutdown."""
    main = MainWindow(NetworkConditions(latency_ms=40), History(tmp_path / "history.sqlite3"))
    main.settings_panel.enter(latency=40, jitter=0)
    main.show()
    main.start_server()
    loop.run(main.server_ready.wait())
    assert main.server_error is None
    yield main
    if not main.closed.done():
        main.close()
        loop.run(main.closed)
    main.deleteLater()


def finished_run(window: MainWindow, loop: LoopRunner, timeout_s: float = WAIT_S) -> Any:
    """Wait for the window's current run to finish and return it."""
    loop.until(lambda: window.lab.current is not None and not window.lab.current.running, timeout_s)
    loop.until(lambda: not window.runs.timer.isActive(), timeout_s)
    return window.lab.current
