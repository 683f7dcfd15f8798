"""Statistics on hand-made spans, where the right answer is known exactly."""

import pytest

from gui.core.jobs import Job
from gui.core.run_model import RunModel
from gui.core.settings import make_settings
from gui.core.stats import KnownNetwork, ideal_lower_bound_s, percentile, summarize
from gui.core.trace import EndEvent, Outcome, Phase, PhaseEvent, Status


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
