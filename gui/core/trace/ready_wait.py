"""Why a computing thread was ready but not running: the GIL, or a core someone else had.

A thread's CPU clock says how long a step really ran. For the rest of its wall time the thread was
ready and not running, for one of two reasons a lesson must not mix up. Another thread of its own
process held the GIL: the thread then sleeps on the GIL's condition variable, and the kernel does not
count it as runnable. Or every core was busy with someone else (the window painting its bars, the
server, other programs): the thread was runnable, on a run queue, and Linux counts that time per
thread in ``/proc/thread-self/schedstat``. So a step's wait for a core is the growth of that count
over the step, and its wait for the GIL is what is left. A process's single worker thread competes
with no other thread of its own, so its pale time is nearly all a busy core.

Where the file cannot be read (not Linux) the two cannot be told apart, and are not guessed: the
step is "ready, not running (GIL or a busy core)".
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import NamedTuple

SCHEDSTAT = "/proc/thread-self/schedstat"  # ns on a CPU, ns runnable on a run queue, timeslices run


def run_queue_s() -> float | None:
    """How long the calling thread has been runnable but waiting for a core, in all (s); None where
    the kernel does not say. One open and one read: cheap enough for every step."""
    try:
        with open(SCHEDSTAT, "rb", buffering=0) as file:
            return int(file.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


@functools.cache
def tells_core_from_gil() -> bool:
    """Whether this machine's steps are split into a wait for a core and a wait for the GIL."""
    return run_queue_s() is not None


def waited_for_core_s(before: float | None, after: float | None) -> float | None:
    """The run-queue time between two readings of ``run_queue_s`` on one thread."""
    if before is None or after is None:
        return None
    return max(after - before, 0.0)


class StepTime(NamedTuple):
    """A computing step's wall time, cut into parts that add up to it.

    Where ``core_wait_s`` is None the platform could not tell a busy core from the GIL: then
    ``gil_wait_s`` is None too, and ``ready_s`` (the two together) is all that is known.
    """

    running_s: float  # on a core: the thread's own CPU clock
    core_wait_s: float | None  # runnable, on a run queue: every core was busy with someone else
    gil_wait_s: float | None  # neither: waiting for the GIL another thread of its process held
    ready_s: float  # ready but not running, for either reason: wall - running

    @property
    def wall_s(self) -> float:
        return self.running_s + self.ready_s


def split_step(wall_s: float, cpu_s: float | None, core_wait_s: float | None) -> StepTime:
    """Running = CPU time, waiting for a core = the run-queue time, waiting for the GIL = the rest.

    Each is clamped into what is left of the wall time: the clocks tick at different grains, and a
    CPU clock a hair ahead of the wall clock must not make a negative wait.
    """
    wall = max(wall_s, 0.0)
    running = min(max(cpu_s or 0.0, 0.0), wall)
    ready = wall - running
    if core_wait_s is None:
        return StepTime(running, None, None, ready)
    core = min(max(core_wait_s, 0.0), ready)
    return StepTime(running, core, ready - core, ready)


def total(parts: Iterable[StepTime]) -> StepTime:
    """The parts of many steps summed; a wait is None if any step could not tell its reasons apart."""
    running = ready = core = gil = 0.0
    known = True
    for part in parts:
        running += part.running_s
        ready += part.ready_s
        if part.core_wait_s is None or part.gil_wait_s is None:
            known = False
        else:
            core += part.core_wait_s
            gil += part.gil_wait_s
    return StepTime(running, core if known else None, gil if known else None, ready)
