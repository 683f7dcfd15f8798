"""The Qt-free half of the timeline: rows, pieces, band titles and tooltips from real runs."""

from __future__ import annotations

from gui.core.finished_run import FinishedRun
from gui.core.segments import Segment
from gui.core.stats import KnownNetwork, summarize
from gui.core.timeline_pieces import band_title, flatten, natural_key, sorted_lanes, tooltip_text
from gui.server import LocalServer
from tests.core.helpers import run_mode


def test_lanes_sort_with_numbers_as_numbers() -> None:
    assert sorted(["worker_10", "worker_9", "worker_1"], key=natural_key) == ["worker_1", "worker_9", "worker_10"]


async def test_a_finished_band_title_names_mode_size_wall_and_efficiency(server: LocalServer) -> None:
    server.set_conditions(latency_ms=20)
    run, model = await run_mode(server.base_url, mode="threads", count=12, concurrency=11)
    assert sorted_lanes(model) == [f"worker_{i}" for i in range(11)]
    summary = summarize(model, run.settings, run.wall_s, KnownNetwork(20))
    title = band_title(FinishedRun(run.settings, model, summary, run.started_at, None))
    assert title.startswith("Threads · 12 Pokémon, 11 at once · ") and f"{summary.wall_s:.2f} s" in title
    assert "efficiency" in title
    rows = {lane: i for i, lane in enumerate(sorted_lanes(model))}
    pieces, bars = flatten(model.spans, lambda s: rows[s.lane] if s.lane else -1, run.wall_s, with_queue=False)
    assert len(bars) == 12 and {p.segment for p in pieces} >= {Segment.WAITING}
    assert max(p.row for p in pieces) == 10


async def test_a_retried_request_tooltip_lists_each_failed_try(server: LocalServer) -> None:
    server.set_conditions(latency_ms=5, error_rate=1.0, seed=2, retry_after_s=0)
    _, model = await run_mode(server.base_url, mode="asyncio", count=1, retries=2, backoff_s=0.01)
    span = model.spans[0]
    assert len(span.failed_tries) == 2
    tip = tooltip_text(span, model.total)
    assert tip.count("failed at") == 2 and "back-off until" in tip
    first, second = span.failed_tries
    assert first.t1 <= first.backoff_until <= second.t0 + 1e-9
