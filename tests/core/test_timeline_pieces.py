"""The Qt-free half of the timeline: rows, pieces, band titles and tooltips from real runs."""

from __future__ import annotations

from typing import Any

import pytest

from gui.core.model.run_model import RunModel
from gui.core.model.segments import Segment
from gui.core.results.finished_run import FinishedRun
from gui.core.results.stats import KnownNetwork, summarize
from gui.core.trace.events import TraceEvent
from gui.core.views.timeline_pieces import (
    OPEN,
    RunningPieces,
    band_title,
    flatten,
    natural_key,
    sorted_lanes,
    tooltip_text,
)
from gui.server import LocalServer
from tests.core.helpers import WatchingSink, run_mode


def test_lanes_sort_with_numbers_as_numbers() -> None:
    assert sorted(["worker_10", "worker_9", "worker_1"], key=natural_key) == ["worker_1", "worker_9", "worker_10"]


async def test_a_finished_band_title_names_mode_size_wall_and_efficiency(server: LocalServer) -> None:
    server.set_conditions(latency_ms=20)
    run, model = await run_mode(server.base_url, mode="threads", count=12, concurrency=11)
    lanes = sorted_lanes(model)  # the pool starts a thread per waiting job, up to 11; a fast one may take two
    assert 2 <= len(lanes) <= 11 and set(lanes) <= {f"worker_{i}" for i in range(11)}
    summary = summarize(model, run.settings, run.wall_s, KnownNetwork(20))
    title = band_title(FinishedRun.of(run, None, model=model, summary=summary))
    assert title.startswith("Threads · 12 Pokémon, 11 at once · ") and f"{summary.wall_s:.2f} s" in title
    assert "efficiency" in title
    rows = {lane: i for i, lane in enumerate(sorted_lanes(model))}
    pieces, bars = flatten(model.spans, lambda s: rows[s.lane] if s.lane else -1, run.wall_s, with_queue=False)
    assert len(bars) == 12 and {p.segment for p in pieces} >= {Segment.WAITING}
    assert max(p.row for p in pieces) == len(lanes) - 1


async def test_a_retried_request_tooltip_lists_each_failed_try(server: LocalServer) -> None:
    server.set_conditions(latency_ms=5, error_rate=1.0, seed=2, retry_after_s=0)
    _, model = await run_mode(server.base_url, mode="asyncio", count=1, retries=2, backoff_s=0.01)
    span = model.spans[0]
    assert len(span.failed_tries) == 2
    tip = tooltip_text(span, model.total)
    assert tip.count("failed at") == 2 and "back-off until" in tip
    first, second = span.failed_tries
    assert first.t1 <= first.backoff_until <= second.t0 + 1e-9


def frames_of(events: list[TraceEvent], frames: int) -> list[tuple[list[TraceEvent], float]]:
    """A recorded run cut into ``frames`` batches, each with the moment its frame is drawn (at or
    after its last event, as the window's frames come)."""
    times = [t for e in events if (t := getattr(e, "t", None)) is not None]
    cuts = sorted({len(events) * k // frames for k in range(1, frames)} | {len(events)})
    batches, done, latest = [], 0, 0.0
    for cut in cuts:
        batch = events[done:cut]
        latest = max([latest, *(t for e in batch if (t := getattr(e, "t", None)) is not None)])
        batches.append((batch, latest + (max(times) - min(times)) / frames / 3))
        done = cut
    return batches


@pytest.mark.parametrize(
    "settings",
    [
        {"mode": "asyncio", "count": 40, "concurrency": 8, "retries": 2, "backoff_s": 0.01},
        {"mode": "threads", "count": 30, "concurrency": 6, "after_fetch": "tally-locked"},
        {"mode": "threads", "count": 30, "concurrency": 6, "after_fetch": "tally"},  # a write loses another's
        {"mode": "threads", "count": 8, "concurrency": 4, "after_fetch": "locks-opposite"},  # a deadlock marks four
    ],
    ids=["asyncio-retrying", "threads-locks", "threads-lost-writes", "threads-deadlock"],
)
async def test_running_pieces_kept_between_frames_equal_pieces_made_afresh(
    server: LocalServer, settings: dict[str, Any]
) -> None:
    """Each frame of a real run (retries backing off, lock waits): the kept pieces of the requests in
    flight are those ``flatten`` makes from nothing, in both row layouts. Only a running bar's label
    colour may differ (its growing piece counts as its longest)."""
    server.set_conditions(latency_ms=15, jitter_ms=10, error_rate=0.3, seed=4, retry_after_s=0)
    sink = WatchingSink()
    run, _ = await run_mode(server.base_url, sink, **settings)
    for with_queue in (False, True):
        model = RunModel(run.jobs)
        kept = RunningPieces()
        compared = 0
        for batch, now in frames_of(sink.history, 60):
            model.apply(batch)
            lanes = sorted_lanes(model)  # a new lane can move the others' rows: the cache must follow
            row_of = (
                (lambda s: s.request_id)
                if with_queue
                else (lambda s, lanes=lanes: lanes.index(s.lane) if s.lane else -1)
            )
            running = [model.spans[i] for i in model.running]
            pieces, bars = kept.flatten(running, row_of, now, with_queue)
            pieces = [p._replace(t1=max(now, p.t0)) if p.t1 == OPEN else p for p in pieces]  # what a frame does
            bars = [b._replace(t1=max(now, b.t0)) if b.t1 == OPEN else b for b in bars]
            fresh_pieces, fresh_bars = flatten(running, row_of, now, with_queue)
            assert pieces == fresh_pieces
            assert [b._replace(main=Segment.QUEUED) for b in bars] == [
                b._replace(main=Segment.QUEUED) for b in fresh_bars
            ]
            compared += len(running)
        assert compared > 50  # frames really had requests in flight
