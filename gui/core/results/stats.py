"""Run statistics: what the numbers beside the timeline and in the reports mean, in one place."""

from __future__ import annotations

import math
import os
import weakref
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from gui.core.model.run_model import RunModel, Span
from gui.core.modes.catalogue import at_once
from gui.core.trace.events import Status
from gui.core.workload.settings import RunSettings


@dataclass(frozen=True)
class KnownNetwork:
    """What we know about the server's behaviour, when it is our local server."""

    latency_ms: float
    bandwidth_kbps: float = 0.0  # per response; 0 = unlimited
    server_max: int = 0  # requests it serves at once; 0 = unlimited

    @classmethod
    def from_conditions(cls, conditions: Mapping[str, Any]) -> KnownNetwork:
        """From the local server's conditions as it reports them (``NetworkConditions.to_dict()``)."""
        return cls(
            float(conditions.get("latency_ms", 0.0)),
            float(conditions.get("bandwidth_kbps", 0.0)),
            int(conditions.get("max_concurrent", 0)),
        )


@dataclass(frozen=True)
class RunSummary:
    requests: int
    ok: int
    failed: int
    cancelled: int
    wall_s: float
    busy_s: float  # sum of every request's duration (start to end)
    effective_concurrency: float  # busy_s / wall_s: how many requests were in flight on average
    peak_in_flight: int
    throughput_rps: float  # finished requests (any outcome but cancelled) per second
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    errors: dict[str, int]  # "http 503", "timeout", ... -> count
    retries: int
    bytes: int
    ideal_s: float | None  # the fastest the finished requests could have been, given the network
    efficiency: float | None  # ideal_s / wall_s

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(sorted_values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = max(math.ceil(fraction * len(sorted_values)) - 1, 0)
    return sorted_values[rank]


class _Steps:
    """The steps made so far from one growing list of changes (a live run's ``flight_changes``)."""

    __slots__ = ("changes", "used", "steps", "peak")

    def __init__(self, changes: list[tuple[float, int]]) -> None:
        self.changes = changes  # held, so its id cannot be reused by another list while cached
        self.used = 0  # how many of its changes the steps are made of
        self.steps: list[tuple[float, int]] = []
        self.peak = 0  # the highest level among ``steps``


_STEPS_CACHE: dict[int, _Steps] = {}
_STEPS_CACHE_SIZE = 8


def level_steps(changes: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """(t, requests in flight just after t) from (t, +1 started / -1 ended) in any order.

    Sorted by time with ends first on ties: a request ending at t frees its slot for one
    starting at t, so a pool of 4 never looks like 5.

    The window asks every frame while a run grows its changes; sorting 20,000 of them each time
    cost milliseconds. Changes arrive nearly in time order, so the steps already made are kept and
    only the new changes are sorted onto them, unless one of them belongs before the last step
    (then everything is sorted again). The list returned is shared: read it, do not change it.
    """
    return _steps_of(changes).steps


def peak_level(changes: list[tuple[float, int]]) -> int:
    """The most requests in flight at once: the highest of ``level_steps(changes)``, kept as the
    steps are made (the stats panel asks several times a second)."""
    return _steps_of(changes).peak


def _steps_of(changes: list[tuple[float, int]]) -> _Steps:
    cached = _STEPS_CACHE.get(id(changes))
    if cached is None or cached.changes is not changes or cached.used > len(changes):
        cached = _Steps(changes)
        _STEPS_CACHE[id(changes)] = cached
        while len(_STEPS_CACHE) > _STEPS_CACHE_SIZE:
            del _STEPS_CACHE[next(iter(_STEPS_CACHE))]
    new = sorted(changes[cached.used :])
    steps, peak = cached.steps, cached.peak
    if steps and new and new[0] < _last_change(steps):
        new, steps, peak = sorted(changes), [], 0
    level = steps[-1][1] if steps else 0
    for t, delta in new:
        level += delta
        steps.append((t, level))
        peak = max(peak, level)
    cached.steps, cached.used, cached.peak = steps, len(changes), peak
    return cached


def _last_change(steps: list[tuple[float, int]]) -> tuple[float, int]:
    """The change that made the last step, as it sorts: (t, +1 or -1)."""
    previous = steps[-2][1] if len(steps) > 1 else 0
    return steps[-1][0], steps[-1][1] - previous


def ideal_lower_bound_s(
    requests: int,
    concurrency: int,
    network: KnownNetwork,
    body_bytes: float,
    step_s: float = 0.0,
    cores: int = 0,
    depth: int = 1,
) -> float:
    """ceil(N / C) waves, each at least one latency plus one body at the bandwidth, plus the job's
    step after its fetch. CPU work can run on at most ``cores`` at once (0: the step needs no core).
    Requests found in answers come after them: a chain ``depth`` requests long takes ``depth``
    waves however wide the limit."""
    if network.server_max:
        concurrency = min(concurrency, network.server_max)

    per_request = network.latency_ms / 1000.0
    if network.bandwidth_kbps:
        per_request += body_bytes / (network.bandwidth_kbps * 1024)
    waves = max(math.ceil(requests / concurrency), depth) * (per_request + step_s)
    if not cores:
        return waves
    # The waits overlap across every worker, but CPU work runs on at most ``cores`` at once.
    return max(waves, math.ceil(requests / cores) * step_s)


def error_label(span: Span) -> str:
    if span.status is Status.HTTP_ERROR:
        return f"http {span.http_status}"
    return span.status.value


class _Tally:
    """What ``summarize`` needs of the requests that have ended, added up once per request.

    The stats panel asks several times a second while a run grows; walking 10,000 spans each
    time cost 13-18 ms of the window's loop (its lag goal is 50 ms in all). A span never changes
    once it has ended (as far as these numbers go), so each is counted when it ends and only the
    few still running are looked at again. Sums of floats use ``math.fsum`` over the kept values:
    the same result in whatever order the requests ended (a run rebuilt from the history must
    summarize the same).
    """

    __slots__ = (
        "spans_seen", "ended_seen", "requests", "ok", "failed", "cancelled", "busy", "ok_bytes",
        "bytes", "ended_retries", "errors", "durations", "in_order", "depth",
    )  # fmt: skip

    def __init__(self) -> None:
        self.spans_seen = 0  # spans counted as requests (or not): mid-run requests join the list
        self.ended_seen = 0  # how much of ``model.ended_order`` is counted
        self.requests = self.ok = self.failed = self.cancelled = 0
        self.ok_bytes = self.bytes = self.ended_retries = 0
        self.busy: list[float] = []  # durations of ended requests, any outcome
        self.durations: list[float] = []  # of those that finished (not cancelled)
        self.in_order = True  # ``durations`` is sorted (sorting when asked: insort per end was quadratic)
        self.errors: Counter[str] = Counter()
        self.depth = -1  # the deepest finished request's depth in its chain (-1: none finished)

    def sorted_durations(self) -> list[float]:
        if not self.in_order:
            self.durations.sort()  # nearly sorted already: close to linear
            self.in_order = True
        return self.durations

    def update(self, model: RunModel) -> None:
        spans = model.spans
        self.requests += sum(s.is_request for s in spans[self.spans_seen :])
        self.spans_seen = len(spans)
        ended = model.ended_order
        for request_id in ended[self.ended_seen :]:
            span = spans[request_id]
            if span.is_request:  # an await of a shared future sends nothing
                self._add(span)
        self.ended_seen = len(ended)

    def _add(self, span: Span) -> None:
        duration = span.duration_s
        if duration is not None:
            self.busy.append(duration)
        self.bytes += span.bytes
        self.ended_retries += span.retries
        if span.status is Status.CANCELLED:
            self.cancelled += 1
            return
        if duration is not None:
            if self.durations and duration < self.durations[-1]:
                self.in_order = False
            self.durations.append(duration)
        self.depth = max(self.depth, span.depth)
        if span.status is Status.OK:
            self.ok += 1
            self.ok_bytes += span.bytes
        elif span.status.is_failure:
            self.failed += 1
            self.errors[error_label(span)] += 1


_TALLIES: weakref.WeakKeyDictionary[RunModel, _Tally] = weakref.WeakKeyDictionary()  # gone with its model


def _tally(model: RunModel) -> _Tally:
    tally = _TALLIES.get(model)
    if tally is None or tally.ended_seen > len(model.ended_order):
        tally = _TALLIES[model] = _Tally()
    tally.update(model)
    return tally


def _ms(seconds: float | None) -> float | None:
    return seconds * 1000 if seconds is not None else None


def summarize(model: RunModel, settings: RunSettings, wall_s: float, network: KnownNetwork | None) -> RunSummary:
    tally = _tally(model)
    finished = tally.ok + tally.failed  # every request that ended, but the cancelled
    durations = tally.sorted_durations()
    busy_s = math.fsum(tally.busy)
    # Of the work really done: a stopped run is compared with the best time for what it finished.
    ideal = None
    if network and finished:
        step_s = settings.step_ms / 1000 if settings.after_fetch else 0.0
        cores = (os.cpu_count() or 1) if settings.after_fetch == "compute" else 0
        body = tally.ok_bytes / tally.ok if tally.ok else 0.0
        ideal = ideal_lower_bound_s(finished, at_once(settings), network, body, step_s, cores, 1 + tally.depth) or None
    running_retries = sum(model.spans[i].retries for i in model.running)  # nothing else of them counts yet
    return RunSummary(
        requests=tally.requests,
        ok=tally.ok,
        failed=tally.failed,
        cancelled=tally.cancelled,
        wall_s=wall_s,
        busy_s=busy_s,
        effective_concurrency=busy_s / wall_s if wall_s > 0 else 0.0,
        peak_in_flight=peak_level(model.flight_changes),
        throughput_rps=finished / wall_s if wall_s > 0 else 0.0,
        p50_ms=_ms(percentile(durations, 0.50)),
        p95_ms=_ms(percentile(durations, 0.95)),
        p99_ms=_ms(percentile(durations, 0.99)),
        errors=dict(sorted(tally.errors.items())),
        retries=tally.ended_retries + running_retries,
        bytes=tally.bytes,
        ideal_s=ideal,
        efficiency=ideal / wall_s if ideal is not None and wall_s > 0 else None,
    )
