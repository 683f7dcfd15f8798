"""Every mode against the real local server: spans, phases, lanes, timing, cancel, errors, retries."""

from __future__ import annotations

import os

import pytest

from gui.core.model.run_model import RunModel
from gui.core.modes.catalogue import MODE_NAMES
from gui.core.results.finished_run import FinishedRun
from gui.core.results.stats import KnownNetwork, summarize
from gui.core.run.engine import RunState
from gui.core.trace.events import PHASE_ORDER, EndEvent, Phase, RetryEvent, Status
from gui.core.workload.settings import RunSettings, make_settings
from gui.server import LocalServer
from tests.core.helpers import WatchingSink, collect, make_run, run_mode

CLOCK_SLACK_S = 0.001  # two processes' clocks and their stamps: a millisecond either way
ALL_MODES = ["sequential", "threads", "asyncio", "processes"]


def assert_phases_in_order(model: RunModel) -> None:
    for span in model.spans:
        times = [span.t[p] for p in PHASE_ORDER if p in span.t]
        assert times == sorted(times), f"{span.pokemon}: phases out of order {span.t}"


@pytest.mark.parametrize("mode", ALL_MODES)
async def test_every_mode_ends_every_request_ok_with_phases_in_order(server: LocalServer, mode: str) -> None:
    server.set_conditions(latency_ms=50)
    run, model = await run_mode(server.base_url, mode=mode, count=12, concurrency=3)
    assert run.state is RunState.FINISHED
    assert model.total == 12 and model.finished
    assert all(s.status is Status.OK for s in model.spans)
    assert_phases_in_order(model)
    full = set(PHASE_ORDER)
    assert all(set(s.t) == full for s in model.spans), "every phase measured for a plain GET"
    assert [s.card.name for s in model.spans if s.card][:3] == ["bulbasaur", "ivysaur", "venusaur"]
    for span in model.spans:
        # No first byte comes sooner than the server's 50 ms after the request began: the server
        # starts counting when the request arrives, which is after the client started it.
        assert span.t[Phase.FIRST_BYTE] - span.t[Phase.STARTED] >= 0.050 - CLOCK_SLACK_S
        assert span.t[Phase.FIRST_BYTE] > span.t[Phase.SENT]
    # The wait sits in "waiting for the first byte" for most requests; a client thread the machine
    # switched out between writing and stamping "sent" moves a little of it into "sending".
    ttfb = sorted(span.t[Phase.FIRST_BYTE] - span.t[Phase.SENT] for span in model.spans)
    assert ttfb[len(ttfb) // 2] >= 0.040


async def test_sequential_uses_one_lane_and_never_overlaps(server: LocalServer) -> None:
    server.set_conditions(latency_ms=20)
    _, model = await run_mode(server.base_url, mode="sequential", count=6, concurrency=8)
    assert model.lanes == ["sequential"]
    for before, after in zip(model.spans, model.spans[1:], strict=False):
        assert after.t[Phase.STARTED] >= before.t[Phase.ENDED]


async def test_threads_use_one_lane_per_worker_thread(server: LocalServer) -> None:
    server.set_conditions(latency_ms=50)
    _, model = await run_mode(server.base_url, mode="threads", count=16, concurrency=4)
    assert sorted(model.lanes) == [f"worker_{i}" for i in range(4)]
    assert summarize(model, model_settings("threads", 4), 1.0, None).peak_in_flight == 4


async def test_asyncio_uses_exactly_c_task_lanes(server: LocalServer) -> None:
    server.set_conditions(latency_ms=50)
    _, model = await run_mode(server.base_url, mode="asyncio", count=15, concurrency=5)
    assert sorted(model.lanes) == [f"task {i}" for i in range(5)]


async def test_processes_use_one_lane_per_worker_pid_and_report_live(server: LocalServer) -> None:
    server.set_conditions(latency_ms=150)
    seen_while_running: list[bool] = []
    sink = WatchingSink()
    run = make_run(server.base_url, sink, mode="processes", count=6, concurrency=2)

    def on_end(ends: int) -> None:
        if ends == 1:
            seen_while_running.append(run.state is RunState.RUNNING)

    sink.on_end = on_end
    await run.execute()
    model = collect(run)
    pids = {int(lane.split()[1]) for lane in model.lanes}
    assert len(pids) == 2 and os.getpid() not in pids
    assert all(s.status is Status.OK for s in model.spans)
    assert seen_while_running == [True], "the first result reached the parent while the run still went"


async def test_asyncio_with_c_equal_n_waits_all_latencies_at_once_and_sequential_one_by_one(
    server: LocalServer,
) -> None:
    """Relations that hold on a loaded machine: no answer comes sooner than its latency, and how many
    requests waited at once is counted, not timed."""
    server.set_conditions(latency_ms=100)
    finished = []
    for mode, concurrency in (("asyncio", 20), ("sequential", 1)):
        run = make_run(server.base_url, mode=mode, count=20, concurrency=concurrency)
        await run.execute()
        finished.append(FinishedRun.of(run, None))
    fast, slow = finished
    assert fast.wall_s >= 0.1 and slow.wall_s >= 20 * 0.1
    assert fast.summary.peak_in_flight == 20  # all twenty waited on the network together
    assert slow.summary.peak_in_flight == 1
    assert slow.wall_s > fast.wall_s


@pytest.mark.parametrize("mode", ALL_MODES)
async def test_cancel_mid_run_ends_every_request(server: LocalServer, mode: str) -> None:
    server.set_conditions(latency_ms=100)
    sink = WatchingSink()
    run = make_run(server.base_url, sink, mode=mode, count=40, concurrency=2)

    def on_end(ends: int) -> None:
        if ends == 2:
            run.cancel()

    sink.on_end = on_end
    await run.execute()
    model = collect(run)
    assert run.state is RunState.FINISHED
    assert model.finished and all(s.ended for s in model.spans)
    ends_per_request = [0] * 40
    for event in sink.history:
        if isinstance(event, EndEvent):
            ends_per_request[event.request_id] += 1
    assert ends_per_request == [1] * 40, "every request ends exactly once"
    statuses = [s.status for s in model.spans]
    assert statuses.count(Status.OK) >= 2
    assert statuses.count(Status.CANCELLED) >= 30
    never_started = [s for s in model.spans if s.status is Status.CANCELLED and s.start is None]
    assert never_started, "queued work never starts after cancel"


@pytest.mark.parametrize("mode", ["threads", "asyncio"])
async def test_retries_are_counted_and_honour_retry_after(server: LocalServer, mode: str) -> None:
    server.set_conditions(error_rate=1.0, seed=21, retry_after_s=1)
    sink = WatchingSink()
    _, model = await run_mode(server.base_url, sink, mode=mode, count=6, concurrency=6, retries=1, backoff_s=0.01)
    assert all(s.status is Status.HTTP_ERROR and s.retries == 1 for s in model.spans)
    retries = [e for e in sink.history if isinstance(e, RetryEvent)]
    assert len(retries) == 6
    for event in retries:
        expected = 1.0 if "429" in event.reason else 0.01
        assert event.delay_s == pytest.approx(expected)


@pytest.mark.parametrize("mode", ALL_MODES)
async def test_injected_errors_equal_retries_plus_final_failures(server: LocalServer, mode: str) -> None:
    server.set_conditions(error_rate=0.3, seed=4, retry_after_s=0)
    injected_before = server.stats()["errors_injected"]
    _, model = await run_mode(server.base_url, mode=mode, count=30, concurrency=5, retries=2, backoff_s=0.0)
    injected = server.stats()["errors_injected"] - injected_before
    summary = summarize(model, model_settings(mode, 5), 1.0, None)
    assert injected > 0
    assert summary.retries + summary.failed == injected
    assert summary.ok + summary.failed == 30
    assert sum(summary.errors.values()) == summary.failed


async def test_a_timeout_ends_as_timeout_and_a_dropped_body_as_connection_error(server: LocalServer) -> None:
    server.set_conditions(latency_ms=2000)
    _, slow = await run_mode(server.base_url, mode="threads", count=2, concurrency=2, timeout_s=0.3)
    _, slow_async = await run_mode(server.base_url, mode="asyncio", count=2, concurrency=2, timeout_s=0.3)
    assert {s.status for s in slow.spans + slow_async.spans} == {Status.TIMEOUT}
    server.set_conditions(latency_ms=0, drop_rate=1.0, padding_kb=40)
    _, cut = await run_mode(server.base_url, mode="asyncio", count=2, concurrency=2)
    _, cut_sync = await run_mode(server.base_url, mode="sequential", count=2)
    assert {s.status for s in cut.spans + cut_sync.spans} == {Status.CONNECTION_ERROR}


async def test_a_404_is_not_retried(server: LocalServer) -> None:
    _, model = await run_mode(server.base_url, mode="asyncio", names=["pikachu", "missingno"], retries=3)
    assert [s.status for s in model.spans] == [Status.OK, Status.HTTP_ERROR]
    assert model.spans[1].http_status == 404 and model.spans[1].retries == 0
    assert model.spans[0].card is not None and model.spans[0].card.types == ("electric",)


async def test_the_summary_knows_the_ideal_bound_and_efficiency(server: LocalServer) -> None:
    server.set_conditions(latency_ms=100)
    run, model = await run_mode(server.base_url, mode="asyncio", count=20, concurrency=5)
    summary = summarize(model, run.settings, run.wall_s, KnownNetwork(latency_ms=100))
    assert summary.ideal_s == pytest.approx(0.4)
    assert summary.efficiency is not None and 0.6 < summary.efficiency <= 1.0
    assert summary.peak_in_flight == 5
    assert 3.5 < summary.effective_concurrency <= 5.0


def model_settings(mode: str, concurrency: int) -> RunSettings:
    return make_settings(mode=mode, count=1, concurrency=concurrency)


@pytest.mark.parametrize("mode", ["sequential", "asyncio"])
async def test_a_request_that_cannot_even_be_sent_ends_as_a_connection_error(server: LocalServer, mode: str) -> None:
    run = make_run(server.base_url, mode=mode, count=5, concurrency=2)
    run.jobs[2] = run.jobs[2]._replace(url="not a url at all")
    await run.execute()
    model = collect(run)
    assert run.state is RunState.FINISHED
    assert [s.status for s in model.spans] == [Status.OK] * 2 + [Status.CONNECTION_ERROR] + [Status.OK] * 2
    assert model.spans[2].error


@pytest.mark.parametrize("mode", MODE_NAMES)
async def test_a_run_stopped_before_it_began_sends_nothing_and_ends_every_request_cancelled(
    server: LocalServer, mode: str
) -> None:
    """Stop pressed (or the window closed) between the click and the run's first step: the run
    still ends, at once, every request cancelled and none sent."""
    served_before = server.stats()["served"]
    run = make_run(server.base_url, mode=mode, count=6, concurrency=3)
    run.cancel()
    await run.execute()
    model = collect(run)
    assert run.state is RunState.FINISHED and model.finished
    assert all(s.status is Status.CANCELLED and Phase.STARTED not in s.t for s in model.spans)
    assert server.stats()["served"] == served_before
