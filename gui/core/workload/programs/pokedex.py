"""The race lesson's program: worker threads count Pokémon per type in one shared Pokédex.

Each count is a read, some real work, and a write of the value read plus one. When another
thread writes the same count between this thread's read and its write, one of the two updates is
lost. ``tally_locked`` holds a lock from the read to the write, so no update can fall in between.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

from gui.core.trace.events import ObservedEvent, PokemonCard, UpdateEvent
from gui.core.trace.recorder import CancelToken, Recorder
from gui.core.workload.after_fetch import simulate_matchups
from gui.core.workload.programs.program import LessonProgram
from gui.core.workload.programs.switching import SwitchInterval
from gui.core.workload.traced_lock import LockBook, TracedLock, current_request


class TracedDex:
    """Counts per type, shared by the run's threads, recording each read and each write.

    A read and a write are single dict operations, atomic under the GIL either way; each is
    stamped under a small guard only so that the stamps' order is the operations' order, which
    is what finding the lost updates afterwards relies on. The race, between a read and its
    write, is untouched.
    """

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self._guard = threading.Lock()
        self._reads = threading.local()  # this thread's last read of each key: (when, value)

    def __getitem__(self, kind: str) -> int:
        recorder, _ = current_request()
        with self._guard:
            value = self.counts.get(kind, 0)
            t = recorder.now()
        self._reads.__dict__[kind] = (t, value)
        return value

    def __setitem__(self, kind: str, value: int) -> None:
        recorder, request_id = current_request()
        with self._guard:
            self.counts[kind] = value
            t = recorder.now()
        t_read, read = self._reads.__dict__.pop(kind, (t, value))
        recorder.emit(UpdateEvent(request_id, kind, t_read, read, t, value, os.getpid()))


def tally(dex: TracedDex, card: PokemonCard, rounds: int) -> None:
    """Count the Pokémon under each of its types: read the count, work, write it back plus one."""
    for kind in card.types:
        seen = dex[kind]  # read
        simulate_matchups(tuple(value for _, value in card.stats), rounds)  # real work between read and write
        dex[kind] = seen + 1  # write: an update another thread made since the read is overwritten


def tally_locked(dex: TracedDex, lock: TracedLock, card: PokemonCard, rounds: int) -> None:
    """The same count, one thread at a time from the read to the write."""
    for kind in card.types:
        with lock:  # a thread that finds it taken waits here
            seen = dex[kind]
            simulate_matchups(tuple(value for _, value in card.stats), rounds)
            dex[kind] = seen + 1


class Tally(LessonProgram):
    """``tally`` (or ``tally_locked``) on one Pokédex per run, with the switch interval the lesson sets."""

    def __init__(self, rounds: int, locked: bool, switch_interval_s: float) -> None:
        self.rounds = rounds
        self.switching = SwitchInterval(switch_interval_s)
        self.dex = TracedDex()
        self.lock = TracedLock("Pokédex", LockBook()) if locked else None

    def apply(self, card: PokemonCard, recorder: Recorder, request_id: int) -> None:
        if self.lock is None:
            tally(self.dex, card, self.rounds)
        else:
            tally_locked(self.dex, self.lock, card, self.rounds)

    def begin(self, recorder: Recorder, cancel: CancelToken, stop_run: Callable[[], None]) -> None:
        if self.lock is not None:
            self.lock.book.cancel = cancel
        self.switching.set()

    def end(self, recorder: Recorder) -> None:
        self.switching.restore()
        for kind, count in sorted(self.dex.counts.items()):
            recorder.emit(ObservedEvent(recorder.now(), f"dex:{kind}", count))
