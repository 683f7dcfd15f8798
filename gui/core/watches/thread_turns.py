"""When each computing thread really ran, stamped by the thread itself, and the turns they took.

A sampler thread cannot time threads that compute: it needs the GIL to read their clocks, so it
reads only when the GIL changes hands, and learns how much each thread ran between two readings,
never when. The computing thread can time itself. While a run traces slivers, a thread runs its
computing step in chunks of a few tens of microseconds (the same rounds in all) and, between two
chunks, reads the wall clock and its own CPU clock. A chunk whose wall time outgrew its CPU time
is one during which the thread was switched out (it waited for the GIL, or for a core), so the
chunks between two such chunks are a stretch it ran without a break, recorded as a
``SliverEvent`` with ``ran_s = t1 - t0``.

What that proves: every stamp is taken while the thread runs, and a stretch holds no chunk with
a gap longer than ``SWITCHED_OUT_S``, so each measured stretch lies inside a true running stretch
(a little shorter: the chunks at its ends, half-run and half-waited, are left out). Two threads'
measured stretches can overlap only where both really ran at once: their overlap is a lower
bound on the time two threads ran Python at the same moment, and the GIL makes it zero.

From the stretches and the steps, :func:`turn_taking` finds the turns: the moments the running
thread changed while the one before was still in the middle of its computing step (the
interpreter made it stop, it did not finish), and how long each full turn lasted (about
``sys.getswitchinterval()`` when two threads compete for one GIL).
"""

from __future__ import annotations

import statistics
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from gui.core.trace.events import SliverEvent
from gui.core.trace.overlap import Interval
from gui.core.trace.recorder import Recorder

CHUNK_S = 50e-6  # short beside a turn (5 ms), long beside the two clock reads between chunks (~1 µs)
SWITCHED_OUT_S = 5e-6  # a chunk's wall time beyond its CPU time that counts as "switched out" (noise: < 1 µs)
ZOOM_S = 0.04  # the stretch of a run worth zooming into: several turns of 5 ms, wide enough to read

_TRACING: dict[Recorder, ThreadTurns] = {}  # the runs tracing their computing threads now, by recorder


def supported() -> bool:
    """The thread's CPU clock counts nanoseconds here (``clock_gettime``: Linux, macOS, the BSDs).

    Windows reads thread time with ``GetThreadTimes``, which moves in steps of a clock tick
    (~15 ms): a chunk there would always look switched out.
    """
    return time.get_clock_info("thread_time").implementation.startswith("clock_gettime")


def traced(recorder: Recorder) -> ThreadTurns | None:
    """The turn tracer of the run that records to ``recorder``, if it traces its computing threads."""
    return _TRACING.get(recorder)


def tracing_any() -> bool:
    """Whether some run is tracing its computing threads now (tests check none is left after a run)."""
    return bool(_TRACING)


class ThreadTurns:
    """Lets a run's worker threads time their own computing; ``start()`` and ``stop()`` on the run's loop."""

    def __init__(self, recorder: Recorder, chunk_s: float = CHUNK_S) -> None:
        self.recorder = recorder
        self.chunk_s = chunk_s
        self.active = False
        self._lanes = threading.local()  # each worker thread's lane, as it last announced it

    def start(self) -> None:
        if supported():
            self.active = True
            self.recorder.watch_lanes(self._on_lane)
            _TRACING[self.recorder] = self

    def stop(self) -> None:
        """A thread still computing (a stopped run lets it finish its request) records nothing more."""
        self.active = False
        self.recorder.unwatch_lanes(self._on_lane)
        _TRACING.pop(self.recorder, None)

    def _on_lane(self, lane: str) -> None:
        self._lanes.lane = lane

    def run_in_chunks(self, work: Callable[[int], object], rounds: int, seconds_per_round: float) -> None:
        """``work(rounds)`` as calls of a few rounds each, recording each stretch it ran unbroken.

        The work comes as a callable so that this watch knows nothing of what it times: ``work(n)``
        must do ``n`` rounds, each taking about ``seconds_per_round`` of one core.
        """
        lane: str | None = getattr(self._lanes, "lane", None)
        chunk = max(int(self.chunk_s / seconds_per_round), 1)
        wall, cpu = time.perf_counter(), time.thread_time()
        since = wall  # where the stretch being measured began
        for done in range(0, rounds, chunk):
            work(min(chunk, rounds - done))
            wall_now, cpu_now = time.perf_counter(), time.thread_time()
            if (wall_now - wall) - (cpu_now - cpu) > SWITCHED_OUT_S:  # switched out somewhere in this chunk
                self._ran(lane, since, wall)
                since = wall_now
            wall, cpu = wall_now, cpu_now
        self._ran(lane, since, wall)

    def _ran(self, lane: str | None, t0: float, t1: float) -> None:
        if t1 > t0 and self.active:
            origin = self.recorder.t0
            self.recorder.sliver(lane, t0 - origin, t1 - origin, t1 - t0)


# --- the turns, from the stretches -----------------------------------------------------------------


class Turn(NamedTuple):
    """One thread's running stretches with no other thread's in between (its hold on the GIL)."""

    lane: str
    t0: float  # its first measured running moment
    t1: float  # its last
    handed_in: bool  # it took over from a thread still in the middle of its computing step
    handed_out: bool  # it stopped in the middle of its own computing step, and another thread ran next


class TurnTaking(NamedTuple):
    turns: list[Turn]  # in time order

    @property
    def handovers(self) -> list[float]:
        """The moments a computing thread stopped mid-step and another ran: the turns taken."""
        return [turn.t1 for turn in self.turns if turn.handed_out]

    @property
    def full_turns_s(self) -> list[float]:
        """How long each turn lasted that began and ended with a hand-over (both threads computing)."""
        return [turn.t1 - turn.t0 for turn in self.turns if turn.handed_in and turn.handed_out]

    @property
    def median_turn_s(self) -> float | None:
        lengths = self.full_turns_s
        return statistics.median(lengths) if lengths else None

    def busiest(self, span_s: float = ZOOM_S) -> Interval | None:
        """``span_s`` of the run that holds the most hand-overs, centred on them; None without any."""
        moments = self.handovers
        best, first, last = 0, 0, 0
        start = 0
        for end, moment in enumerate(moments):
            while moment - moments[start] > span_s:
                start += 1
            if end - start + 1 > best:
                best, first, last = end - start + 1, start, end
        if not best:
            return None
        middle = (moments[first] + moments[last]) / 2
        return middle - span_s / 2, middle + span_s / 2


def turn_taking(stretches: Sequence[SliverEvent], steps: Mapping[str, Sequence[Interval]]) -> TurnTaking:
    """The turns in the threads' measured stretches; ``steps`` holds each lane's computing steps.

    A change of running thread counts as a hand-over only while the thread before was still inside
    its step: one that finished its work and went to fetch the next Pokémon handed nothing over.
    """
    ordered = sorted((s for s in stretches if s.lane is not None), key=lambda s: s.t0)
    held: list[tuple[str, float, float]] = []  # (lane, t0, t1): consecutive stretches of one lane merged
    for sliver in ordered:
        lane = str(sliver.lane)
        if held and held[-1][0] == lane:
            held[-1] = (lane, held[-1][1], max(held[-1][2], sliver.t1))
        else:
            held.append((lane, sliver.t0, sliver.t1))
    starts = {lane: [t0 for t0, _ in intervals] for lane, intervals in steps.items()}
    out = [
        _unfinished_at(steps.get(lane, ()), starts.get(lane, []), t1, nxt[1])
        for (lane, _, t1), nxt in zip(held, held[1:], strict=False)
    ]
    out.append(False)
    return TurnTaking(
        [
            Turn(lane, t0, t1, handed_in=index > 0 and out[index - 1], handed_out=out[index])
            for index, (lane, t0, t1) in enumerate(held)
        ]
    )


def _unfinished_at(intervals: Sequence[Interval], starts: list[float], ran_until: float, next_ran: float) -> bool:
    """Whether the step that the lane ran in until ``ran_until`` was still going on at ``next_ran``."""
    index = bisect_right(starts, ran_until) - 1
    return index >= 0 and intervals[index][1] > next_ran
