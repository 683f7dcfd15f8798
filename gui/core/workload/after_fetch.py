"""What a job may do after its fetch: the small programs lessons are made of.

A job is "GET one Pokémon" plus, optionally, one step on the answer. The step functions below
are textbook-short, because the code panel shows them; the clients run them and time them, so
no timing code stands between the lines a learner reads.
"""

from __future__ import annotations

import asyncio
import functools
import time
from enum import StrEnum


class AfterFetch(StrEnum):
    NOTHING = ""
    COMPUTE = "compute"  # pure-Python work on the answer: holds the GIL the whole time
    BLOCK = "block"  # a blocking call (time.sleep): in a coroutine it stops the whole loop
    AWAIT_IN_THREAD = "await-in-thread"  # the same call handed to a thread and awaited
    # The shared-memory lessons' programs (gui.core.workload.programs): what a worker does with what it caught.
    CATCH = "catch"  # add one to a module-level counter
    CATCH_SHARED = "catch-shared"  # add one to a multiprocessing.Value every process shares
    TALLY = "tally"  # count per type in a shared Pokédex: read, work, write (a race)
    TALLY_LOCKED = "tally-locked"  # the same under a lock
    LOCKS_OPPOSITE = "locks-opposite"  # two locks, taken in opposite orders by two halves of the workers
    LOCKS_ORDERED = "locks-ordered"  # the same two locks in one global order

    @property
    def is_program(self) -> bool:
        """A lesson's program on shared memory (gui.core.workload.programs), not a timed call."""
        return self not in (AfterFetch.NOTHING, AfterFetch.COMPUTE, AfterFetch.BLOCK, AfterFetch.AWAIT_IN_THREAD)


def simulate_matchups(stats: tuple[int, ...], rounds: int) -> int:
    """A type-matchup simulation: many rounds of plain arithmetic on the Pokémon's base stats."""
    score = 0
    for round_number in range(rounds):
        for stat in stats:
            score = (score * 31 + stat * (round_number % 7 + 1)) % 1_000_003  # pure Python: the GIL is held
    return score


def blocking_call(seconds: float) -> None:
    time.sleep(seconds)  # blocks the thread: in a coroutine, nothing else on the loop runs meanwhile


async def awaited_call(seconds: float) -> None:
    await asyncio.to_thread(time.sleep, seconds)  # a worker thread sleeps; the loop runs the others


CALIBRATION_ROUNDS = 20_000
SAMPLE_STATS = (45, 49, 49, 65, 65, 45)  # Bulbasaur's: the work depends on the count, not the values


@functools.cache
def seconds_per_round() -> float:
    """How long one round takes here, measured once per process (best of three, undisturbed)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        simulate_matchups(SAMPLE_STATS, CALIBRATION_ROUNDS)
        best = min(best, time.perf_counter() - started)
    return best / CALIBRATION_ROUNDS


def rounds_for_ms(ms: float) -> int:
    """The number of rounds that take about ``ms`` milliseconds of one core on this machine."""
    return max(int(ms / 1000 / seconds_per_round()), 1)
