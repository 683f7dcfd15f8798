"""The fifth mode, asyncio in processes, against the real local server: one loop per core, each
with its share of the coroutines, lanes named by process and task, a warm pool, Stop."""

from __future__ import annotations

import os

import pytest

from gui.core.modes.catalogue import MODE_NAMES, keys_hint, mode_spec
from gui.core.modes.loops_in_processes import processes_for, warm_pool
from gui.core.run.engine import RunState
from gui.core.trace.events import PHASE_ORDER, EndEvent, Phase, Status
from gui.server import LocalServer
from tests.core.helpers import WatchingSink, collect, make_run, run_mode

MODE = "asyncio-processes"
pytestmark = pytest.mark.timeout(90)


def test_it_is_the_fifth_mode_on_key_5() -> None:
    assert MODE_NAMES[4] == MODE and mode_spec(MODE).key == "5"
    assert keys_hint() == "1-5"
    assert "latency" in mode_spec(MODE).why and "CPU" in mode_spec(MODE).why  # when it pays, and when not


async def test_every_request_ends_ok_with_phases_in_order_on_lanes_named_by_process_and_task(
    server: LocalServer,
) -> None:
    run, model = await run_mode(server.base_url, mode=MODE, count=40, concurrency=6)
    assert all(s.status is Status.OK for s in model.spans)
    for span in model.spans:
        times = [span.t[p] for p in PHASE_ORDER if p in span.t]
        assert times == sorted(times) and Phase.FIRST_BYTE in span.t
    processes = processes_for(6, 40)
    pids = {lane.split(" · ")[0] for lane in model.lanes}
    assert len(pids) == processes and f"pid {os.getpid()}" not in pids
    tasks = {lane.split(" · ")[1] for lane in model.lanes}
    assert tasks <= {f"task {i}" for i in range(6)}
    assert len(model.lanes) == 6, "the limit is shared out: six coroutines in all"
    assert model.peak_in_flight <= 6


async def test_the_pool_stays_warm_for_the_next_run(server: LocalServer) -> None:
    await run_mode(server.base_url, mode=MODE, count=4, concurrency=4)
    pool = warm_pool(processes_for(4, 4))
    _, model = await run_mode(server.base_url, mode=MODE, count=4, concurrency=4)
    assert warm_pool(processes_for(4, 4)) is pool
    pids = {int(lane.split(" · ")[0].split()[1]) for lane in model.lanes}
    assert pids <= set(getattr(pool.pool, "_processes", {}))
    # Every worker was up when the pool was ready, so each share ran in a process of its own.
    assert len(pool.pids) == processes_for(4, 4) and pids == pool.pids and os.getpid() not in pids


async def test_stop_mid_run_ends_every_request_once_and_the_next_run_starts_a_new_pool(server: LocalServer) -> None:
    server.set_conditions(latency_ms=100)
    sink = WatchingSink()
    run = make_run(server.base_url, sink, mode=MODE, count=40, concurrency=2)
    sink.on_end = lambda ends: run.cancel() if ends == 2 else None
    await run.execute()
    model = collect(run)
    assert run.state is RunState.FINISHED and model.finished
    assert any(s.status is Status.CANCELLED for s in model.spans)
    ends = [0] * 40
    for event in sink.history:
        if isinstance(event, EndEvent):
            ends[event.request_id] += 1
    assert ends == [1] * 40, "every request ends exactly once"
    server.set_conditions(latency_ms=0)
    _, again = await run_mode(server.base_url, mode=MODE, count=6, concurrency=2)
    assert all(s.status is Status.OK for s in again.spans)
