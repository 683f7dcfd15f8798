"""Await blocking work without blocking the event loop, on a plain thread of its own.

Not ``loop.run_in_executor(None, ...)``: under qasync the default executor is its QThread
pool, which outlives the loop it belongs to and has bitten us (see docs/events-to-pixels.md). A named
plain thread is also easy to spot in a thread dump.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


async def run_blocking(name: str, work: Callable[[], T]) -> T:
    """Run ``work()`` in a new thread called ``name``; return (or raise) what it did."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if done.done():
            return
        if error is not None:
            done.set_exception(error)
        else:
            done.set_result(result)  # type: ignore[arg-type]

    def target() -> None:
        try:
            result = work()
        except BaseException as error:  # handed to the awaiting coroutine
            _tell(loop, settle, None, error)
        else:
            _tell(loop, settle, result, None)

    # If the awaiting coroutine is cancelled first, nobody reads the outcome: mark it read, so a
    # late failure does not print "Future exception was never retrieved".
    done.add_done_callback(lambda future: future.cancelled() or future.exception())
    threading.Thread(target=target, name=name, daemon=True).start()
    return await asyncio.shield(done)


def _tell(loop: asyncio.AbstractEventLoop, settle: Callable[..., None], *outcome: object) -> None:
    """Hand the outcome to the loop; a loop already closed (the app quit meanwhile) awaits nothing."""
    try:
        loop.call_soon_threadsafe(settle, *outcome)
    except RuntimeError:  # "Event loop is closed"
        pass
