"""Statistics on hand-made spans, where the right answer is known exactly."""

import gc
import random
import weakref

import pytest

from gui.core.model.run_model import RunModel
from gui.core.results.stats import KnownNetwork, ideal_lower_bound_s, percentile, summarize
from gui.core.trace.events import EndEvent, Outcome, Phase, PhaseEvent, RequestEvent, RetryEvent, Status, TraceEvent
from gui.core.workload.jobs import Job
from gui.core.workload.settings import make_settings


def finished_model(intervals: list[tuple[float, float]], statuses: list[Status] | None = None) -> RunModel:
    model = RunModel(Job(i, f"p{i}", "") for i in range(len(intervals)))
    events: list[PhaseEvent | EndEvent] = []
    for i, (start, end) in enumerate(intervals):
        status = statuses[i] if statuses else Status.OK
        events += [PhaseEvent(i, Phase.QUEUED, 0.0), PhaseEvent(i, Phase.STARTED, start, f"lane{i % 2}")]
        events.append(EndEvent(i, end, Outcome(status, 503 if status is Status.HTTP_ERROR else 200, bytes=1000)))
    model.apply(events)
    return model


def test_nearest_rank_percentiles() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99)) == (50, 95, 99)
    assert percentile([], 0.5) is None


def test_ideal_bound_is_waves_of_latency_plus_download() -> None:
    assert ideal_lower_bound_s(10, 3, KnownNetwork(100), 0) == pytest.approx(0.4)
    assert ideal_lower_bound_s(10, 10, KnownNetwork(100, bandwidth_kbps=10), 10240) == pytest.approx(1.1)
    assert ideal_lower_bound_s(10, 10, KnownNetwork(100, server_max=5), 0) == pytest.approx(0.2)


def test_a_step_lengthens_each_wave_and_cpu_work_fits_on_the_cores_only() -> None:
    # 40 requests, 4 at once, 50 ms latency, 10 ms of computing each, 2 cores:
    # 10 waves of 60 ms = 0.6 s; the computing alone needs 20 rounds of 10 ms = 0.2 s: 0.6 s.
    assert ideal_lower_bound_s(40, 4, KnownNetwork(50), 0, step_s=0.010, cores=2) == pytest.approx(0.6)
    # No latency: the 40 × 20 ms of computing on 2 cores can't take less than 0.4 s.
    assert ideal_lower_bound_s(40, 8, KnownNetwork(0), 0, step_s=0.020, cores=2) == pytest.approx(0.4)
    # A blocking call needs no core: it overlaps like a wait.
    assert ideal_lower_bound_s(40, 10, KnownNetwork(0), 0, step_s=0.050) == pytest.approx(0.2)


def test_summary_of_known_spans() -> None:
    model = finished_model(
        [(0.0, 1.0), (0.5, 1.5), (1.0, 2.0), (1.9, 2.0)], [Status.OK, Status.OK, Status.HTTP_ERROR, Status.TIMEOUT]
    )
    summary = summarize(model, make_settings(mode="threads", count=4, concurrency=2), 2.0, KnownNetwork(1000))
    assert summary.busy_s == pytest.approx(3.1)
    assert summary.effective_concurrency == pytest.approx(1.55)
    assert summary.peak_in_flight == 2  # an end at 1.0 frees its slot for the start at 1.0
    assert (summary.ok, summary.failed, summary.cancelled) == (2, 2, 0)
    assert summary.errors == {"http 503": 1, "timeout": 1}
    assert summary.ideal_s == pytest.approx(2.0) and summary.efficiency == pytest.approx(1.0)
    assert summary.throughput_rps == pytest.approx(2.0)


def test_a_stopped_run_is_compared_with_the_ideal_for_what_it_finished() -> None:
    model = finished_model([(0.0, 1.0), (0.0, 1.0), (1.0, 1.0)], [Status.OK, Status.OK, Status.CANCELLED])
    summary = summarize(model, make_settings(mode="threads", count=3, concurrency=2), 1.0, KnownNetwork(1000))
    assert summary.cancelled == 1
    assert summary.ideal_s == pytest.approx(1.0) and summary.efficiency == pytest.approx(1.0)


def random_run_events(seed: int, jobs: int) -> list[TraceEvent]:
    """A run's events in arrival order: starts, retries, ends of every kind, requests and awaits
    found mid-run, some requests never started (cancelled in the queue)."""
    rng = random.Random(seed)
    events: list[TraceEvent] = [PhaseEvent(i, Phase.QUEUED, 0.0) for i in range(jobs)]
    timeline: list[tuple[float, TraceEvent]] = []
    statuses = [Status.OK] * 6 + [Status.HTTP_ERROR, Status.TIMEOUT, Status.CANCELLED, Status.INVALID_RESPONSE]
    next_id = jobs
    for request_id in range(jobs):
        start = rng.uniform(0, 1)
        end = start + rng.uniform(0.001, 0.5)
        status = rng.choice(statuses)
        if status is Status.CANCELLED and rng.random() < 0.5:  # never got a worker
            timeline.append((end, EndEvent(request_id, end, Outcome(status))))
            continue
        timeline.append((start, PhaseEvent(request_id, Phase.STARTED, start, f"task {rng.randrange(8)}")))
        if rng.random() < 0.2:
            timeline.append((start + 0.0005, RetryEvent(request_id, start + 0.0005, "http 503", 0.0002)))
        http = 503 if status is Status.HTTP_ERROR else 200
        timeline.append((end, EndEvent(request_id, end, Outcome(status, http, bytes=rng.randrange(2000), retries=0))))
    timeline.sort(key=lambda pair: pair[0])
    for t, event in timeline:
        events.append(event)
        if isinstance(event, EndEvent) and event.outcome.status is Status.OK and rng.random() < 0.2:
            found, awaiting = next_id, next_id + 1  # its answer named a resource; another reader awaits it
            next_id += 2
            events += [
                RequestEvent(found, "species", "", t, initiator=event.request_id),
                RequestEvent(awaiting, "species", "", t, initiator=event.request_id, awaits=found),
                PhaseEvent(found, Phase.STARTED, t, "task 0"),
                PhaseEvent(awaiting, Phase.STARTED, t, "task 1"),
                EndEvent(found, t + 0.01, Outcome(Status.OK, 200, bytes=100)),
                EndEvent(awaiting, t + 0.01, Outcome(Status.OK)),
            ]
    return events


@pytest.mark.parametrize("seed", range(5))
def test_a_summary_taken_while_the_run_grows_equals_one_taken_from_scratch(seed: int) -> None:
    """The live summary counts each request once, as it ends: at every moment, and at the end, it
    must say what a summary of the same events made from nothing says."""
    events = random_run_events(seed, 300)
    settings = make_settings(mode="asyncio", count=300, concurrency=8)
    live = RunModel(Job(i, f"p{i}", "") for i in range(300))
    cuts = sorted(random.Random(seed).sample(range(1, len(events)), 25)) + [len(events)]
    done = 0
    for cut in cuts:
        live.apply(events[done:cut])
        done = cut
        fresh = RunModel(Job(i, f"p{i}", "") for i in range(300))
        fresh.apply(events[:cut])
        wall = max(cut / len(events), 1e-3)
        assert summarize(live, settings, wall, KnownNetwork(50)) == summarize(fresh, settings, wall, KnownNetwork(50))
    summary = summarize(live, settings, 1.0, KnownNetwork(50))
    requests = [s for s in live.spans if s.is_request]
    assert summary.requests == len(requests) > 300  # requests found mid-run count; awaits do not
    assert summary.cancelled == sum(s.status is Status.CANCELLED for s in requests)
    assert summary.ok + summary.failed + summary.cancelled == len(requests)
    assert summary.retries == sum(s.retries for s in requests) > 0


def test_a_summarized_model_is_not_kept_alive_by_the_summary() -> None:
    """Replays and kept runs drop models all the time; the live summary's tally goes with them."""
    model = finished_model([(0.0, 1.0), (0.5, 1.5)])
    summarize(model, make_settings(mode="threads", count=2, concurrency=2), 2.0, None)
    gone = weakref.ref(model)
    del model
    gc.collect()
    assert gone() is None
