"""The window's loop: qasync's, running ready callbacks in batches (gui/qt/event_loop.py)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer

from gui.qt.event_loop import BATCH_S
from tests.qt import conftest
from tests.qt.conftest import LoopRunner


def busy(seconds: float) -> None:
    """Work that holds the loop (not a wait): what a slow callback is."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_ready_callbacks_run_in_order_and_those_they_make_ready_run_after(loop: LoopRunner) -> None:
    ran: list[str] = []
    done = asyncio.Event()

    def first(name: str) -> None:
        ran.append(name)
        loop.loop.call_soon(ran.append, f"after {name}")

    async def main() -> None:
        for name in "abc":
            loop.loop.call_soon(first, name)
        loop.loop.call_soon(ran.append, "d")
        cancelled = loop.loop.call_soon(ran.append, "cancelled")
        cancelled.cancel()
        loop.loop.call_soon(done.set)
        await done.wait()

    loop.run(main())
    assert ran == ["a", "b", "c", "d", "after a", "after b", "after c"]


def test_a_long_batch_lets_qt_in_between(loop: LoopRunner) -> None:
    """Forty callbacks of 1 ms each are ready at once: Qt's own events (a frame, a due timer) get a
    turn long before all of them have run, and they still run in order."""
    ran: list[int] = []
    qt_turns: list[int] = []  # how many callbacks had run when Qt's timer fired
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: qt_turns.append(len(ran)))

    def step(i: int) -> None:
        busy(0.001)
        ran.append(i)

    async def main() -> None:
        timer.start()
        for i in range(40):
            loop.loop.call_soon(step, i)
        while len(ran) < 40:
            await asyncio.sleep(0)
        timer.stop()

    batches_before = loop.loop.batches
    loop.run(main())
    assert ran == list(range(40))
    slice_ = int(BATCH_S / 0.001) + 1
    between = [turn for turn in qt_turns if 0 < turn < 40]  # Qt ran while callbacks were still waiting
    assert between and between[0] <= slice_ + 1
    assert loop.loop.batches - batches_before >= 40 // slice_


def test_a_failing_callback_goes_to_the_handler_and_the_batch_goes_on(session_loop: conftest.TestEventLoop) -> None:
    errors: list[dict[str, Any]] = []
    session_loop.set_exception_handler(lambda _, context: errors.append(context))
    ran: list[str] = []

    def fail() -> None:
        raise RuntimeError("boom")

    async def main() -> None:
        session_loop.call_soon(fail)
        session_loop.call_soon(ran.append, "next")
        while not ran:
            await asyncio.sleep(0)

    try:
        session_loop.run_until_complete(asyncio.wait_for(main(), 10))
    finally:
        session_loop.set_exception_handler(None)
    assert ran == ["next"]
    assert [str(e.get("exception")) for e in errors] == ["boom"]


def test_callbacks_from_another_thread_arrive(loop: LoopRunner) -> None:
    arrived = asyncio.Event()

    async def main() -> None:
        threading.Thread(target=loop.loop.call_soon_threadsafe, args=(arrived.set,)).start()
        await arrived.wait()

    loop.run(main(), timeout_s=10)
    assert arrived.is_set()


def test_a_callback_that_runs_a_nested_event_loop_leaves_the_queue_whole(loop: LoopRunner) -> None:
    """A modal dialog or ``processEvents`` inside a callback runs the next batch inside it: every
    callback still runs once, in order, and nothing fails."""
    ran: list[str] = []

    def nested() -> None:
        ran.append("nested")
        loop.loop.call_soon(ran.append, "made inside")
        QCoreApplication.processEvents()  # a nested loop: the next batch may run here

    async def main() -> None:
        loop.loop.call_soon(nested)
        for name in ("a", "b", "c"):
            loop.loop.call_soon(ran.append, name)
        while len(ran) < 5:
            await asyncio.sleep(0)

    loop.run(main())
    assert ran == ["nested", "a", "b", "c", "made inside"]


def test_in_debug_mode_each_callback_is_qasyncs_own(loop: LoopRunner) -> None:
    """Debug mode keeps qasync's per-callback timing and names (slow-callback warnings)."""
    done = asyncio.Event()
    batches = loop.loop.batches
    loop.loop.set_debug(True)
    try:

        async def main() -> None:
            loop.loop.call_soon(done.set)
            await done.wait()

        loop.run(main())
    finally:
        loop.loop.set_debug(False)
    assert loop.loop.batches == batches
