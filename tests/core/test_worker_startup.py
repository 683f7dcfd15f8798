"""A worker process's start-up (spawn, imports, its client made) is recorded, kept and drawn on its lane."""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest

from gui.core.exports import chrome_trace, reports_json
from gui.core.history.run_record import record_of, run_from_record
from gui.core.model.run_model import RunModel
from gui.core.model.segments import Segment
from gui.core.modes.catalogue import at_once
from gui.core.modes.loops_in_processes import processes_for, warm_pool
from gui.core.results.comparison_table import seconds_text
from gui.core.results.finished_run import FinishedRun
from gui.core.session.replay import ReplayRun
from gui.core.trace.events import WorkerStartEvent
from gui.core.views.explain import explain
from gui.core.views.timeline_pieces import sorted_lanes, startup_pieces, startup_tooltip
from gui.core.workload.settings import make_settings
from gui.headless import run_headless_comparison
from gui.server import LocalServer
from tests.core.helpers import run_mode, small_processes_run

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def processes_run() -> FinishedRun:
    return small_processes_run()


def first_start_on(model: RunModel, start: WorkerStartEvent) -> float:
    """When the first request on any lane of ``start``'s process got its worker."""
    return min(s.start for s in model.spans if s.lane is not None and start.owns(s.lane) and s.start is not None)


def pid_of(lane: str) -> int:
    return int(lane.split(" · ")[0].split()[1])


def rounded(starts: list[WorkerStartEvent]) -> list[tuple[int, str, float, float]]:
    """Start-ups as a record keeps them (to the microsecond)."""
    return [(s.pid, s.lane, round(s.t0, 6), round(s.t_ready, 6)) for s in starts]


def test_each_worker_process_started_once_after_the_run_began_and_before_its_first_request(
    processes_run: FinishedRun,
) -> None:
    model = processes_run.model
    starts = model.worker_starts
    per_pid = Counter(start.pid for start in starts)
    assert set(per_pid.values()) == {1}, "a process starts once"
    assert {pid_of(lane) for lane in model.lanes} <= set(per_pid), "every lane's process said when it started"
    assert len(starts) <= at_once(processes_run.settings) and os.getpid() not in per_pid
    for start in starts:
        assert start.lane == f"pid {start.pid}"
        assert 0.0 <= start.t0 < start.t_ready, "asked for after the run began; ready some time later"
        if any(start.owns(lane) for lane in model.lanes):
            assert start.t_ready <= first_start_on(model, start), "a worker fetched before it was ready"


def test_the_json_report_lists_every_start_up_and_is_empty_for_a_threads_run(processes_run: FinishedRun) -> None:
    report = json.loads(json.dumps(reports_json([processes_run])))
    listed = [(s["pid"], s["lane"], s["begin_s"], s["end_s"]) for s in report["worker_startup"]]
    assert listed == rounded(processes_run.model.worker_starts)
    assert all(s["begin_s"] < s["end_s"] for s in report["worker_startup"])
    threads = run_headless_comparison([make_settings(mode="threads", count=4, concurrency=2)], None)
    assert reports_json(threads.runs)["worker_startup"] == []


def test_a_history_round_trip_keeps_the_start_ups(processes_run: FinishedRun) -> None:
    again = run_from_record(json.loads(json.dumps(record_of(processes_run))))
    assert rounded(again.model.worker_starts) == rounded(processes_run.model.worker_starts)


def test_a_replay_shows_each_start_up_from_the_moment_it_was_ready(processes_run: FinishedRun) -> None:
    band = ReplayRun(processes_run)
    readies = sorted(round(start.t_ready, 6) for start in processes_run.model.worker_starts)
    band.seek(readies[0] / 2)
    assert band.model.worker_starts == [], "drawn before its process was ready"
    for moment in readies:
        band.seek(moment)
        assert all(start.t_ready <= moment for start in band.model.worker_starts)
    band.seek(band.duration_s)
    assert sorted(rounded(band.model.worker_starts)) == sorted(rounded(processes_run.model.worker_starts))


def test_the_timeline_draws_starting_on_each_process_lane_and_names_it_on_hover(processes_run: FinishedRun) -> None:
    model = processes_run.model
    rows = {lane: row for row, lane in enumerate(sorted_lanes(model))}
    pieces = startup_pieces(model, rows)
    assert {piece.row for piece in pieces} == set(rows.values()), "every lane shows its process starting"
    for piece in pieces:
        assert piece.segment is Segment.STARTING
        assert (piece.t0, piece.t1) == (piece.start.t0, piece.start.t_ready)
        assert piece.start.owns(sorted_lanes(model)[piece.row])
        took = piece.start.t_ready - piece.start.t0
        assert startup_tooltip(piece.start) == (
            f"pid {piece.start.pid}: interpreter started in {took:.2f} s (spawn, imports, client ready)"
        )


def test_the_chrome_trace_gives_each_start_up_a_slice_on_its_lane(processes_run: FinishedRun) -> None:
    model = processes_run.model
    events = chrome_trace(model, "processes")["traceEvents"]
    slices = [e for e in events if e.get("cat") == "startup"]
    tids = {model.lanes[e["tid"] - 1] for e in slices}
    assert tids == set(model.lanes)
    for e in slices:
        lane = model.lanes[e["tid"] - 1]
        requests = [r for r in events if r.get("cat") == "request" and r["tid"] == e["tid"]]
        assert e["args"]["pid"] == pid_of(lane)
        assert e["ts"] + e["dur"] <= min(r["ts"] for r in requests), "the start-up overlaps its lane's first request"


def test_explain_says_how_long_the_interpreters_took_and_that_the_ideal_leaves_it_out(
    processes_run: FinishedRun,
) -> None:
    text = explain(processes_run)
    starts = processes_run.model.worker_starts
    assert f"the {len(starts)} worker process" in text
    assert seconds_text(max(s.t_ready - s.t0 for s in starts)) + " to start, each a whole Python interpreter" in text
    assert "The ideal bound does not count it." in text


async def test_a_warm_pool_reports_its_start_only_in_the_run_that_started_it(server: LocalServer) -> None:
    processes = processes_for(2, 4)
    warm_pool(processes).terminate()  # as Stop does: the next run has to start a pool of its own
    _, first = await run_mode(server.base_url, mode="asyncio-processes", count=4, concurrency=2)
    _, second = await run_mode(server.base_url, mode="asyncio-processes", count=4, concurrency=2)
    assert len(first.worker_starts) == processes
    assert {pid_of(lane) for lane in first.lanes} <= {start.pid for start in first.worker_starts}
    for start in first.worker_starts:
        assert 0.0 <= start.t0 < start.t_ready <= first_start_on(first, start)
    rows = {lane: row for row, lane in enumerate(sorted_lanes(first))}
    assert {piece.row for piece in startup_pieces(first, rows)} == set(rows.values())
    assert second.worker_starts == [], "the warm pool's next run started no interpreter"
