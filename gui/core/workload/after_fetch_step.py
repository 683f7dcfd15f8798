"""Runs a job's step after its fetch (see ``gui.core.workload.after_fetch``) and records when and how it ran."""

from __future__ import annotations

import time
from dataclasses import dataclass

from gui.core.trace.events import PokemonCard
from gui.core.trace.ready_wait import run_queue_s, waited_for_core_s
from gui.core.trace.recorder import Recorder
from gui.core.watches import thread_turns
from gui.core.workload.after_fetch import AfterFetch, awaited_call, blocking_call, seconds_per_round, simulate_matchups


@dataclass(frozen=True)
class AfterFetchStep:
    """One step for every job of a run; the rounds are fixed in the parent, so every mode (and
    every worker process) does exactly the same amount of work."""

    kind: AfterFetch
    rounds: int = 0  # COMPUTE: rounds of the matchup simulation
    seconds: float = 0.0  # BLOCK and AWAIT_IN_THREAD: how long the call takes

    def run(self, recorder: Recorder, request_id: int, card: PokemonCard) -> None:
        """On the calling thread (a worker thread, a process, or a coroutine's own loop)."""
        queued0 = run_queue_s()  # read outside [t0, t1]: opening a file lets another thread take the GIL
        t0, cpu0 = recorder.now(), time.thread_time()
        if self.kind is AfterFetch.COMPUTE:
            stats = tuple(value for _, value in card.stats)
            if (turns := thread_turns.traced(recorder)) is not None:  # the thread times each stretch it runs
                turns.run_in_chunks(lambda rounds: simulate_matchups(stats, rounds), self.rounds, seconds_per_round())
            else:
                simulate_matchups(stats, self.rounds)
        else:
            blocking_call(self.seconds)
        t1, cpu, core_wait = recorder.now(), time.thread_time() - cpu0, waited_for_core_s(queued0, run_queue_s())
        recorder.step(request_id, self.kind, t0, t1, cpu, core_wait)

    async def run_async(self, recorder: Recorder, request_id: int, card: PokemonCard) -> None:
        """In a coroutine: only AWAIT_IN_THREAD gives the loop back; the others hold it, as they would."""
        if self.kind is not AfterFetch.AWAIT_IN_THREAD:
            self.run(recorder, request_id, card)
            return
        t0 = recorder.now()
        await awaited_call(self.seconds)
        recorder.step(request_id, self.kind, t0, recorder.now(), None)
