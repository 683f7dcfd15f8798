"""Which program each ``after_fetch`` setting names: how to make its step, and the code it shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gui.core.workload.after_fetch import AfterFetch, rounds_for_ms
from gui.core.workload.programs.caught import CountCaught, CountCaughtShared, catch, catch_shared
from gui.core.workload.programs.pokedex import Tally, tally, tally_locked
from gui.core.workload.programs.program import LessonProgram
from gui.core.workload.programs.two_locks import TwoLocks, file_entry
from gui.core.workload.settings import RunSettings

# The shared-memory lessons' honest help: threads hand the GIL over every 0.5 ms instead of every
# 5 ms, as on a busy machine, so a thread is paused more often between its read and its write, or
# between its two locks. The hazards are the same at 5 ms; they only show up less often.
SWITCH_INTERVAL_S = 0.0005


@dataclass(frozen=True)
class Program:
    make: Callable[[RunSettings], LessonProgram]  # a new step (and new shared memory) for each run
    textbook: tuple[Callable[..., Any], ...]  # what the code panel shows
    marker: str  # the text of the line it tints: where workers meet


PROGRAMS: dict[AfterFetch, Program] = {
    AfterFetch.CATCH: Program(lambda s: CountCaught(), (catch,), "caught += 1"),
    AfterFetch.CATCH_SHARED: Program(lambda s: CountCaughtShared(), (catch_shared,), "with counter.get_lock()"),
    AfterFetch.TALLY: Program(
        lambda s: Tally(rounds_for_ms(s.step_ms), False, SWITCH_INTERVAL_S), (tally,), "dex[kind] = seen + 1"
    ),
    AfterFetch.TALLY_LOCKED: Program(
        lambda s: Tally(rounds_for_ms(s.step_ms), True, SWITCH_INTERVAL_S), (tally_locked,), "with lock:"
    ),
    AfterFetch.LOCKS_OPPOSITE: Program(
        lambda s: TwoLocks(rounds_for_ms(s.step_ms), False, SWITCH_INTERVAL_S), (file_entry,), "with "
    ),
    AfterFetch.LOCKS_ORDERED: Program(
        lambda s: TwoLocks(rounds_for_ms(s.step_ms), True, SWITCH_INTERVAL_S), (file_entry,), "with "
    ),
}


def lesson_program(settings: RunSettings) -> LessonProgram:
    return PROGRAMS[AfterFetch(settings.after_fetch)].make(settings)
