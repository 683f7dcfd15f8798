"""The blocking lesson for real, and the heartbeat and step tracer that measure it: started for a run,
always gone after it, and never touching what is not the run's."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from gui.core.exports import reports_json
from gui.core.history.run_record import record_of, run_from_record
from gui.core.lessons import blocking
from gui.core.lessons.catalogue import lesson_spec
from gui.core.lessons.lesson import lesson_report
from gui.core.results.finished_run import FinishedRun
from gui.core.trace.events import BatchSink, LoopLagEvent, SliverEvent
from gui.core.watches.coroutine_slivers import installed_on
from gui.core.workload.after_fetch import AfterFetch
from gui.headless import run_headless_comparison
from gui.server import LocalServer, NetworkConditions
from tests.core.helpers import collect, make_run, run_mode


@pytest.fixture(scope="module")
def lesson() -> Iterator[tuple[dict[str, Any], list[FinishedRun]]]:
    """The lesson as ``--headless --lesson blocking --json`` runs it, once for this module."""
    spec = lesson_spec("blocking")
    result = run_headless_comparison(spec.plans(), NetworkConditions().updated(spec.conditions))
    assert not result.interrupted
    yield lesson_report(spec, result.runs, [reports_json([run]) for run in result.runs]), result.runs


def test_the_report_has_the_variants_and_figure_keys_the_issue_names(lesson: tuple[dict[str, Any], Any]) -> None:
    report, _ = lesson
    assert report["lesson"] == "blocking"
    assert [v["name"] for v in report["variants"]] == ["blocking", "fixed"]
    assert "block_ms" in report["figure"]
    assert all("loop_lag_max_ms" in v["figure"] for v in report["variants"])
    assert [v["settings"]["after_fetch"] for v in report["variants"]] == ["block", "await-in-thread"]
    assert all(v["settings"]["watch_loop"] and v["summary"]["ok"] == 40 for v in report["variants"])


def test_block_ms_is_the_measured_length_of_one_blocking_call(lesson: tuple[dict[str, Any], Any]) -> None:
    report, _ = lesson
    asked_ms = report["variants"][0]["settings"]["step_ms"]
    assert asked_ms <= report["figure"]["block_ms"]  # time.sleep never returns early
    assert report["figure"]["block_ms"] < 2 * asked_ms  # one call, not two (a loaded machine only adds a little)


def test_a_blocking_call_makes_the_loop_late_by_most_of_the_call(lesson: tuple[dict[str, Any], Any]) -> None:
    report, _ = lesson
    assert report["variants"][0]["figure"]["loop_lag_max_ms"] >= 0.8 * report["figure"]["block_ms"]


def test_the_call_awaited_in_a_thread_never_holds_the_loop_for_a_call(lesson: tuple[dict[str, Any], Any]) -> None:
    """Relations that hold on a loaded machine: the loop is late by less than half a call (a busy
    machine may add its own few milliseconds), and by less than when the call blocked it."""
    report, _ = lesson
    fixed = report["variants"][1]["figure"]
    assert fixed["loop_lag_max_ms"] < 0.5 * report["figure"]["block_ms"]
    assert fixed["loop_lag_max_ms"] < report["variants"][0]["figure"]["loop_lag_max_ms"]


def test_blocked_calls_line_up_one_after_another_and_awaited_ones_overlap(
    lesson: tuple[dict[str, Any], list[FinishedRun]],
) -> None:
    report, runs = lesson
    blocked = sorted((step.t0, step.t1) for span in runs[0].model.spans for step in span.steps)
    assert len(blocked) == 40 and len({span.lane for span in runs[0].model.spans}) == 10
    assert all(later[0] >= earlier[1] for earlier, later in zip(blocked, blocked[1:], strict=False))
    assert report["variants"][0]["figure"]["calls_at_once_max"] == 1
    assert report["variants"][1]["figure"]["calls_at_once_max"] > 1


def test_the_verdict_reads_this_runs_numbers(lesson: tuple[dict[str, Any], Any]) -> None:
    report, _ = lesson
    assert f"{report['variants'][0]['figure']['loop_lag_max_ms']:.0f} ms late" in report["verdict"]


# --- the heartbeat -------------------------------------------------------------------------------


async def test_a_run_watching_its_loop_records_heartbeats_only_while_it_runs(server: LocalServer) -> None:
    server.set_conditions(latency_ms=30)
    run, model = await run_mode(server.base_url, mode="asyncio", count=10, concurrency=5, watch_loop=True)
    assert len(model.loop_lag) >= 2, "a run of ~60 ms at 100 beats a second"
    assert all(0 <= t <= run.wall_s + 0.001 and lag >= 0 for t, lag in model.loop_lag)
    await asyncio.sleep(0.05)  # five periods: a heartbeat left behind would beat now
    assert isinstance(run.sink, BatchSink) and run.sink.drain() == []


async def test_a_run_not_asked_to_watch_records_no_heartbeat_and_no_slivers(server: LocalServer) -> None:
    _, model = await run_mode(server.base_url, mode="asyncio", count=5, concurrency=5)
    assert model.loop_lag == [] and model.slivers == []


async def test_the_heartbeat_stops_when_the_runs_caller_is_cancelled(server: LocalServer) -> None:
    server.set_conditions(latency_ms=2000)
    run = make_run(server.base_url, mode="asyncio", count=4, concurrency=4, watch_loop=True, trace_slivers=True)
    task = asyncio.ensure_future(run.execute())
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not installed_on(asyncio.get_running_loop())
    assert isinstance(run.sink, BatchSink)
    run.sink.drain()
    await asyncio.sleep(0.05)
    assert not [e for e in run.sink.drain() if isinstance(e, LoopLagEvent | SliverEvent)]


# --- the coroutine step tracer -------------------------------------------------------------------


async def test_the_task_factory_is_there_during_the_run_and_the_previous_one_after(server: LocalServer) -> None:
    loop = asyncio.get_running_loop()
    made: list[object] = []

    def previous(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        made.append(coro)
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(previous)
    try:
        run = make_run(server.base_url, mode="asyncio", count=6, concurrency=3, trace_slivers=True)
        execution = asyncio.ensure_future(run.execute())
        await asyncio.sleep(0)
        assert loop.get_task_factory() is not previous and installed_on(loop)
        await execution
        assert loop.get_task_factory() is previous and not installed_on(loop)
        assert any(type(coro).__name__ == "_SteppedCoroutine" for coro in made), "chained to the previous factory"
    finally:
        loop.set_task_factory(None)


async def test_only_the_runs_own_tasks_are_traced(server: LocalServer) -> None:
    server.set_conditions(latency_ms=40)
    run = make_run(server.base_url, mode="asyncio", count=6, concurrency=3, trace_slivers=True)
    execution = asyncio.ensure_future(run.execute())
    await asyncio.sleep(0.01)
    bystander = asyncio.ensure_future(asyncio.sleep(0))  # the window's own work on the same loop
    assert asyncio.iscoroutine(bystander.get_coro()) and type(bystander.get_coro()).__name__ == "coroutine"
    await asyncio.gather(execution, bystander)
    model = collect(run)
    assert {s.lane for s in model.slivers} - {None} == {"task 0", "task 1", "task 2"}


async def test_two_runs_overlapping_on_one_loop_keep_the_factory_until_the_second_ends(server: LocalServer) -> None:
    loop = asyncio.get_running_loop()
    server.set_conditions(latency_ms=20)
    short = make_run(server.base_url, mode="asyncio", count=2, concurrency=2, trace_slivers=True)
    long = make_run(server.base_url, mode="asyncio", count=12, concurrency=2, trace_slivers=True)
    long_execution = asyncio.ensure_future(long.execute())
    await short.execute()
    assert installed_on(loop) and not long_execution.done()
    await long_execution
    assert not installed_on(loop) and loop.get_task_factory() is None


async def test_a_traced_task_still_shows_its_coroutine_in_its_repr(server: LocalServer) -> None:
    server.set_conditions(latency_ms=200)
    run = make_run(server.base_url, mode="asyncio", count=1, concurrency=1, trace_slivers=True)
    execution = asyncio.ensure_future(run.execute())
    await asyncio.sleep(0.05)
    traced = [t for t in asyncio.all_tasks() if type(t.get_coro()).__name__ == "_SteppedCoroutine"]
    assert traced and any("fetch_with_coroutines" in repr(t) for t in traced)
    assert all(t.get_stack() for t in traced)
    await execution


# --- the thread sampler, and what survives a run ------------------------------------------------


async def test_the_thread_clock_sampler_is_gone_after_a_threads_run(server: LocalServer) -> None:
    _, model = await run_mode(server.base_url, mode="threads", count=8, concurrency=2, trace_slivers=True)
    assert {s.lane for s in model.slivers} == {"worker_0", "worker_1"}
    assert not [t for t in threading.enumerate() if t.name == "thread-clocks"]


async def test_loop_lag_slivers_and_steps_survive_the_history_round_trip(server: LocalServer) -> None:
    server.set_conditions(latency_ms=10)
    settings: dict[str, Any] = {"after_fetch": AfterFetch.BLOCK.value, "step_ms": 5}
    run, model = await run_mode(
        server.base_url, mode="asyncio", count=6, concurrency=3, watch_loop=True, trace_slivers=True, **settings
    )
    finished = FinishedRun.of(run, None, model=model)
    record = record_of(finished)
    rebuilt = run_from_record(record).model
    assert len(rebuilt.loop_lag) == len(model.loop_lag) > 0
    assert [s.lane for s in rebuilt.slivers] == [s.lane for s in model.slivers]
    assert [len(s.steps) for s in rebuilt.spans] == [1] * 6
    assert rebuilt.spans[0].steps[0].step == AfterFetch.BLOCK
    assert record_of(FinishedRun(run.settings, rebuilt, finished.summary, run.started_at, None)) == record
    assert "loop_lag" in reports_json([finished]) and "slivers" in reports_json([finished])


def test_the_lesson_is_listed_with_a_narrative_of_four_to_eight_sentences() -> None:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", blocking.LESSON.narrative) if s.strip()]
    assert 4 <= len(sentences) <= 8
    assert "window" in blocking.LESSON.narrative and "freezes" in blocking.LESSON.narrative
