"""The deadlock lesson's program: each worker files its Pokémon in two records, a lock each.

Half the workers take the Pokédex's lock, then the PC box's; the other half take them the other
way round. A worker holding one lock and waiting for the other can wait forever for a worker that
holds the other and waits for the first: a deadlock. Taking them in one global order cannot.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from gui.core.trace.events import PokemonCard
from gui.core.trace.recorder import CancelToken, Recorder
from gui.core.workload.after_fetch import simulate_matchups
from gui.core.workload.programs.program import LessonProgram
from gui.core.workload.programs.switching import SwitchInterval
from gui.core.workload.traced_lock import DeadlockWatch, LockBook, TracedLock


def file_entry(card: PokemonCard, first: TracedLock, second: TracedLock, rounds: int) -> None:
    """File the Pokémon in two shared records: the first under its lock, then the second under both."""
    stats = tuple(value for _, value in card.stats)
    with first:
        simulate_matchups(stats, rounds)  # fills in the first record, holding its lock
        with second:  # a worker that holds this one and wants the first: neither can go on
            simulate_matchups(stats, max(rounds // 4, 1))


class TwoLocks(LessonProgram):
    """``file_entry`` with the locks in opposite orders (odd and even workers) or in one order."""

    def __init__(self, rounds: int, ordered: bool, switch_interval_s: float) -> None:
        self.rounds = rounds
        self.ordered = ordered
        self.switching = SwitchInterval(switch_interval_s)
        self.book = LockBook()
        self.dex_lock = TracedLock("Pokédex", self.book)
        self.box_lock = TracedLock("PC box", self.book)
        self._watch: DeadlockWatch | None = None

    def apply(self, card: PokemonCard, recorder: Recorder, request_id: int) -> None:
        if self.ordered or worker_number() % 2 == 0:
            file_entry(card, self.dex_lock, self.box_lock, self.rounds)  # the one order: Pokédex, then PC box
        else:
            file_entry(card, self.box_lock, self.dex_lock, self.rounds)

    def begin(self, recorder: Recorder, cancel: CancelToken, stop_run: Callable[[], None]) -> None:
        self.book.cancel = cancel
        self.switching.set()
        self._watch = DeadlockWatch(self.book, recorder, stop_run)
        self._watch.start()

    def end(self, recorder: Recorder) -> None:
        if self._watch is not None:
            self._watch.stop()
        self.switching.restore()


def worker_number() -> int:
    """The pool's number of this thread ("worker_3" → 3): which half of the workers it is in."""
    digits = threading.current_thread().name.rpartition("_")[2]
    return int(digits) if digits.isdigit() else threading.get_ident()
