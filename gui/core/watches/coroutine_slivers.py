"""When each coroutine of a run really runs: every step of its task, stamped on the run's clock.

A task runs its coroutine only inside ``coro.send()`` and ``coro.throw()``; between two of those
calls it is suspended and the loop runs something else. So wrapping the coroutine in an object
that delegates those calls and stamps ``perf_counter()`` around each gives every step exactly,
without a line in the textbook code. The wrapping happens in a task factory installed on the
running loop for the run's duration (and restored after), and only for tasks the run itself
creates: they inherit a context variable the engine sets on the run's own task, so the window's
tasks on the same loop are left alone.

Each step is recorded as a ``SliverEvent`` of its task's lane. The task learns its lane when its
worker announces it (``Recorder.watch_lanes``), which the clients do while the task is stepping.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections.abc import Callable, Coroutine, Generator
from typing import Any

from gui.core.trace.recorder import Recorder

_TRACER: contextvars.ContextVar[CoroutineSlivers | None] = contextvars.ContextVar("coroutine_slivers", default=None)


class CoroutineSlivers:
    """Records the steps of one run's tasks on one loop; ``start()`` and ``stop()`` on that loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, recorder: Recorder) -> None:
        self.loop = loop
        self.recorder = recorder
        self.active = False
        self._thread = threading.get_ident()
        self._stepping: _SteppedCoroutine | None = None  # the coroutine inside send()/throw() right now

    def start(self) -> None:
        _FactoryOnLoop.install(self.loop)
        self.recorder.watch_lanes(self._on_lane)
        self.active = True

    def stop(self) -> None:
        """Stop recording (tasks that outlive the run stay wrapped, silently) and restore the loop."""
        if not self.active:
            return
        self.active = False
        self.recorder.unwatch_lanes(self._on_lane)
        _FactoryOnLoop.uninstall(self.loop)

    def create_task(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """The run's own task: it, and every task it creates, has its steps recorded."""
        context = contextvars.copy_context()
        context.run(_TRACER.set, self)
        return self.loop.create_task(coro, context=context)

    def _on_lane(self, lane: str) -> None:
        if self._stepping is not None and threading.get_ident() == self._thread:
            self._stepping.lane = lane

    def _step(self, coro: _SteppedCoroutine, t0: float, t1: float) -> None:
        if self.active:
            origin = self.recorder.t0
            self.recorder.sliver(coro.lane, t0 - origin, t1 - origin, t1 - t0)


class _SteppedCoroutine(Coroutine[Any, Any, Any]):
    """A coroutine whose every step is timed; everything else is the wrapped coroutine's."""

    __slots__ = ("_coro", "_tracer", "lane")

    def __init__(self, coro: Coroutine[Any, Any, Any], tracer: CoroutineSlivers) -> None:
        self._coro = coro
        self._tracer = tracer
        self.lane: str | None = None

    def send(self, value: Any) -> Any:
        return self._timed(self._coro.send, value)

    def throw(self, *args: Any) -> Any:
        return self._timed(self._coro.throw, *args)

    def _timed(self, method: Callable[..., Any], *args: Any) -> Any:
        """One step of the coroutine, stamped before and after: the moments it really ran."""
        tracer = self._tracer
        outer, tracer._stepping = tracer._stepping, self  # a step inside a step: only if someone nests loops
        t0 = time.perf_counter()
        try:
            return method(*args)
        finally:
            t1 = time.perf_counter()
            tracer._stepping = outer
            tracer._step(self, t0, t1)

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, Any]:
        return self._coro.__await__()

    def __getattr__(self, name: str) -> Any:
        # cr_frame, cr_code, __qualname__ ...: what asyncio reads for a task's repr and stack.
        if name in _SteppedCoroutine.__slots__:  # not set yet: never recurse looking for it
            raise AttributeError(name)
        return getattr(self._coro, name)


class _FactoryOnLoop:
    """The task factory on one loop, shared by the runs tracing on it, removed with the last one.

    Two runs can overlap on the window's loop (one winding down while the next starts), so the
    factory is installed once and counted, never swapped per run.
    """

    _installed: dict[asyncio.AbstractEventLoop, _FactoryOnLoop] = {}

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.previous = loop.get_task_factory()
        self.users = 0

    @classmethod
    def install(cls, loop: asyncio.AbstractEventLoop) -> None:
        factory = cls._installed.get(loop)
        if factory is None:
            factory = cls._installed[loop] = cls(loop)
            loop.set_task_factory(factory)
        factory.users += 1

    @classmethod
    def uninstall(cls, loop: asyncio.AbstractEventLoop) -> None:
        factory = cls._installed.get(loop)
        if factory is None:
            return
        factory.users -= 1
        if factory.users > 0:
            return
        del cls._installed[loop]
        ours = loop.get_task_factory() is factory
        if ours:  # else someone else's factory is on top: leave theirs alone
            loop.set_task_factory(factory.previous)

    def __call__(
        self, loop: asyncio.AbstractEventLoop, coro: Any, context: contextvars.Context | None = None
    ) -> asyncio.Future[Any]:
        tracer = context.get(_TRACER) if context is not None else _TRACER.get()
        if tracer is not None and tracer.active and asyncio.iscoroutine(coro):
            coro = _SteppedCoroutine(coro, tracer)
        previous: Any = self.previous  # typeshed's factory type leaves out the context asyncio passes
        if previous is not None:
            task: asyncio.Future[Any] = (
                previous(loop, coro, context=context) if context is not None else previous(loop, coro)
            )
            return task
        return asyncio.Task(coro, loop=loop, context=context)


def installed_on(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether a run is tracing steps on ``loop`` right now (tests check it is gone after a run)."""
    return loop in _FactoryOnLoop._installed
