"""How much stretches of time overlap: across lanes, in total, and at most at once.

"Pairwise overlap" is summed over pairs of lanes: two lanes running together for 1 s count 1 s,
three lanes for 1 s count 3 s (three pairs). It is zero exactly when no two lanes ever ran at
the same moment, which is what a lesson wants to show (or rule out).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from gui.core.trace.events import SliverEvent

Interval = tuple[float, float]


class OverlapBounds(NamedTuple):
    """Pairwise overlap known only within bounds (samples say how much ran, not exactly when)."""

    at_least_s: float
    at_most_s: float


def union_s(intervals: Iterable[Interval]) -> float:
    """The length of time covered by at least one of ``intervals``."""
    total, reach = 0.0, float("-inf")
    for t0, t1 in sorted(intervals):
        if t1 <= reach:
            continue
        total += t1 - max(t0, reach)
        reach = t1
    return total


def most_at_once(intervals: Iterable[Interval]) -> int:
    """The most intervals in progress at the same moment (touching ends do not overlap)."""
    edges = sorted([(t0, 1) for t0, _ in intervals] + [(t1, -1) for _, t1 in intervals], key=lambda e: (e[0], e[1]))
    level = peak = 0
    for _, change in edges:
        level += change
        peak = max(peak, level)
    return peak


def pairwise_overlap_s(by_lane: Mapping[str, Sequence[Interval]]) -> float:
    """Exact pairwise overlap of lanes whose intervals are known exactly (coroutine steps)."""
    edges: list[tuple[float, int, str]] = []
    for lane, intervals in by_lane.items():
        edges += [(t0, 1, lane) for t0, _ in intervals] + [(t1, -1, lane) for _, t1 in intervals]
    edges.sort(key=lambda e: (e[0], e[1]))
    depth: dict[str, int] = defaultdict(int)  # a lane's own intervals may touch or nest
    running = 0  # lanes with at least one interval in progress
    total, previous = 0.0, 0.0
    for t, change, lane in edges:
        total += running * (running - 1) / 2 * (t - previous)
        previous = t
        before = depth[lane]
        depth[lane] += change
        running += (depth[lane] > 0) - (before > 0)
    return total


def sampled_overlap_s(samples: Iterable[SliverEvent]) -> OverlapBounds:
    """Bounds on the pairwise overlap of threads from CPU-clock samples taken at shared instants.

    In one interval of length d where the threads ran a_1 … a_n: the pairs overlapped for at
    most the sum of min(a_i, a_j), and for at least sum(a) - d (time can hold only d of running
    without two at once; each moment with k running adds k - 1 <= k(k - 1)/2 pairs).
    """
    by_interval: dict[Interval, list[float]] = defaultdict(list)
    for sample in samples:
        by_interval[(sample.t0, sample.t1)].append(sample.ran_s)
    least = most = 0.0
    for (t0, t1), ran in by_interval.items():
        least += max(sum(ran) - (t1 - t0), 0.0)
        ran.sort()
        most += sum(a * (len(ran) - 1 - i) for i, a in enumerate(ran))  # each a_i is the min of its pairs above it
    return OverlapBounds(least, most)
