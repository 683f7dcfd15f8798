"""Replaying a finished run: the model at every playback moment is the recorded run up to that moment."""

from __future__ import annotations

import asyncio
import dataclasses
import random
from typing import Any

import pytest

from gui.core.history.run_record import TimedEvent
from gui.core.lessons.catalogue import lesson_spec
from gui.core.lessons.lesson import measure_run
from gui.core.model.run_model import RunModel
from gui.core.results.finished_run import FinishedRun
from gui.core.session.playback_clock import SPEEDS, PlaybackClock, Replay, next_speed
from gui.core.session.replay import ReplayRun, moment_in, moment_text, parse_moment
from gui.core.trace.events import Phase
from gui.server import LocalServer, NetworkConditions
from tests.core.helpers import run_mode

pytestmark = pytest.mark.timeout(60)


class FakeTime:
    """A monotonic clock the test moves by hand: the replay's own logic, with no waiting at all."""

    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def finished_run_on(server: LocalServer, **settings: Any) -> FinishedRun:
    conditions = NetworkConditions(latency_ms=25, jitter_ms=15, error_rate=0.2, seed=3)
    server.set_conditions(**conditions.to_dict())
    run, model = asyncio.run(run_mode(server.base_url, **settings))
    return FinishedRun.of(run, conditions.to_dict(), model=model)


@pytest.fixture(scope="module")
def recorded(shared_server: LocalServer) -> FinishedRun:
    """Threads with errors and retries: every kind of span event a plain run records."""
    try:
        return finished_run_on(shared_server, mode="threads", count=30, concurrency=4, retries=2)
    finally:
        shared_server.set_conditions(**NetworkConditions().to_dict())


def rebuilt_up_to(band: ReplayRun, events: list[TimedEvent], t: float) -> RunModel:
    """The model made from scratch of the recorded events up to ``t``, with nothing of the replay's."""
    model = RunModel(band.jobs)
    model.apply(event for moment, event in events if moment <= t)
    return model


def state(model: RunModel) -> tuple[object, ...]:
    """Everything a view reads of a model, comparable with ==."""
    return (
        model.spans,
        sorted(model.lanes),
        model.in_flight,
        model.peak_in_flight,
        model.done,
        sorted(model.flight_changes),
        list(model.running),
        model.ended_order,
        model.slivers,
        model.loop_lag,
        model.barriers,
        model.deadlocks,
        model.observed,
    )


def test_the_model_at_playback_time_t_equals_the_model_rebuilt_from_the_events_up_to_t(recorded: FinishedRun) -> None:
    time = FakeTime()
    replay = Replay([recorded], now=time, speed=0.25)
    band = replay.bands[0]
    replay.clock.play()
    steps = random.Random(5)
    moments = []
    while replay.clock.playing:
        time.t += steps.uniform(0.0, 0.08)
        moments.append(replay.tick())
        assert state(band.model) == state(rebuilt_up_to(band, band.events, band.position_s))
    assert moments[-1] == pytest.approx(recorded.wall_s)
    for t in (0.7, 0.1, 0.0, 0.45, recorded.wall_s * 0.5):  # scrubbing back and forth rebuilds as needed
        replay.seek(t * recorded.wall_s if t < 1 else t)
        assert state(band.model) == state(rebuilt_up_to(band, band.events, band.position_s))


def test_the_bars_grow_exactly_as_recorded(recorded: FinishedRun) -> None:
    replay = Replay([recorded])
    band = replay.bands[0]
    for fraction in (0.25, 0.5, 0.75):
        t = recorded.wall_s * fraction
        replay.seek(t)
        for shown, original in zip(band.model.spans, recorded.model.spans, strict=True):
            # The record keeps times to the microsecond, as the history does.
            ended = original.end is not None and round(original.end, 6) <= t
            assert shown.ended == ended
            if not original.failed_tries:  # a retried request's earlier tries' phases were replaced
                assert shown.t == {p: round(v, 6) for p, v in original.t.items() if round(v, 6) <= t}
        assert band.model.done == sum(1 for s in recorded.model.spans if s.end is not None and round(s.end, 6) <= t)
        assert band.running and band.elapsed_s() == t


def test_played_to_its_end_the_replay_is_the_recorded_run(recorded: FinishedRun) -> None:
    replay = Replay([recorded])
    replay.seek(recorded.wall_s)
    band = replay.bands[0]
    assert not band.running
    assert band.summary_now() == recorded.summary
    assert [(s.request_id, s.status, s.lane, s.retries, s.bytes) for s in band.model.spans] == [
        (s.request_id, s.status, s.lane, s.retries, s.bytes) for s in recorded.model.spans
    ]
    assert sorted(band.model.lanes) == sorted(recorded.model.lanes)
    assert band.model.peak_in_flight == recorded.model.peak_in_flight
    assert "the end, as recorded" in moment_text(band, 1.0)


def test_a_quarter_speed_clock_takes_four_times_the_recorded_time() -> None:
    time = FakeTime()
    clock = PlaybackClock(2.0, time, speed=0.25)
    clock.play()
    time.t += 4.0
    assert clock.position() == pytest.approx(1.0)
    clock.set_speed(2.0)  # a new speed keeps the moment where it is
    assert clock.position() == pytest.approx(1.0)
    time.t += 0.25
    assert clock.position() == pytest.approx(1.5)
    time.t += 10
    assert clock.at_end and clock.position() == 2.0
    clock.play()  # at the end, play starts over
    assert clock.position() == 0.0


def test_speeds_step_from_a_twentieth_to_double_and_stop_at_either_end() -> None:
    assert SPEEDS[0] == 0.05 and SPEEDS[-1] == 2.0
    assert next_speed(1.0, faster=True) == 1.5
    assert next_speed(1.0, faster=False) == 0.75
    assert next_speed(2.0, faster=True) == 2.0
    assert next_speed(0.05, faster=False) == 0.05


def test_stepping_visits_every_moment_a_request_changed_in_order_and_back(recorded: FinishedRun) -> None:
    replay = Replay([recorded])
    visited = []
    while replay.position_s < replay.duration_s:
        visited.append(replay.jump(forward=True))
    assert visited[:-1] == replay.event_times[: len(visited) - 1]
    assert visited == sorted(visited)
    back = replay.jump(forward=False)
    assert back < replay.duration_s and not replay.clock.playing
    replay.seek(0.0)
    assert replay.jump(forward=False) == 0.0


def test_every_band_of_a_comparison_plays_on_one_clock(recorded: FinishedRun, shared_server: LocalServer) -> None:
    try:
        short = finished_run_on(shared_server, mode="asyncio", count=10, concurrency=10)
    finally:
        shared_server.set_conditions(**NetworkConditions().to_dict())
    replay = Replay([recorded, short])
    assert replay.duration_s == max(recorded.wall_s, short.wall_s)
    replay.seek(short.wall_s * 0.5)
    assert [band.position_s for band in replay.bands] == [short.wall_s * 0.5] * 2
    replay.seek(replay.duration_s)
    assert not any(band.running for band in replay.bands)
    assert replay.bands[1].elapsed_s() == short.wall_s


def test_requests_found_mid_run_appear_when_they_were_found(shared_server: LocalServer) -> None:
    spec = lesson_spec("pipeline")
    settings = dataclasses.replace(spec.plans()[-1], count=8)
    conditions = NetworkConditions(latency_ms=20).to_dict()
    shared_server.set_conditions(**conditions)
    try:
        run = asyncio.run(measure_run(settings, shared_server.base_url, conditions)).run
    finally:
        shared_server.set_conditions(**NetworkConditions().to_dict())
    assert run.model.total > run.model.jobs
    replay = Replay([run])
    band = replay.bands[0]
    found = run.model.spans[run.model.jobs :]
    made = sorted(round(s.t[Phase.QUEUED], 6) for s in found)  # the record keeps microseconds
    middle = made[len(made) // 2]
    replay.seek(middle)
    assert band.model.total == run.model.jobs + sum(t <= middle for t in made)
    assert state(band.model) == state(rebuilt_up_to(band, band.events, middle))
    replay.seek(replay.duration_s)
    assert band.model.total == run.model.total
    assert band.model.rows() == run.model.rows()


@pytest.mark.parametrize(
    ("text", "moment"), [("50%", 1.0), ("25%", 0.5), ("0.5", 0.5), ("1.5s", 1.5), ("100%", 2.0), ("9", 2.0)]
)
def test_at_takes_seconds_or_a_percentage_of_the_run(text: str, moment: float) -> None:
    assert moment_in(text, 2.0) == pytest.approx(moment)


@pytest.mark.parametrize("text", ["", "half", "-1", "150%", "nan", "inf"])
def test_at_refuses_what_is_no_moment_with_a_sentence(text: str) -> None:
    with pytest.raises(ValueError, match="--at"):
        parse_moment(text)
