"""A computing step's pale time is told apart: waiting for a core someone else had, or for the GIL.

The runs are real: a process pool competing with busy processes of the test's own for the cores,
and two threads competing for one GIL, both against the local server over loopback.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import time
from collections.abc import Iterator
from multiprocessing.synchronize import Barrier, Event
from typing import Any

import pytest

from gui.core.exports import chrome_trace_of_runs, reports_json
from gui.core.history.run_record import record_of, run_from_record
from gui.core.lessons.measures import compute_waits
from gui.core.model.segments import Segment, segments_of_step, span_pieces
from gui.core.results.finished_run import FinishedRun
from gui.core.trace.ready_wait import StepTime, split_step, tells_core_from_gil
from gui.core.views.timeline_pieces import tooltip_text
from gui.core.workload.after_fetch import AfterFetch
from gui.server import LocalServer
from tests.core.helpers import run_mode

needs_schedstat = pytest.mark.skipif(not tells_core_from_gil(), reason="no per-thread run-queue time here")

COMPUTE = {"after_fetch": "compute", "step_ms": 20, "concurrency": 2}
SPIN_AT_MOST_S = 60.0  # a busy process ends by itself after this, even if the test never tells it


def spin(started: Barrier, stop: Event) -> None:
    """Keep one core busy until told to stop (or for ``SPIN_AT_MOST_S``): someone else's program."""
    started.wait()
    deadline = time.monotonic() + SPIN_AT_MOST_S
    while not stop.is_set() and time.monotonic() < deadline:
        for _ in range(100_000):
            pass


@pytest.fixture
def busy_cores() -> Iterator[int]:
    """As many busy processes as this process may use cores (at least two), spinning before it
    returns, and always stopped afterwards."""
    count = max(len(os.sched_getaffinity(0)), 2)
    context = multiprocessing.get_context("spawn")
    started, stop = context.Barrier(count + 1), context.Event()
    spinners = [context.Process(target=spin, args=(started, stop), daemon=True) for _ in range(count)]
    try:
        for spinner in spinners:
            spinner.start()
        started.wait(timeout=30)
        yield count
    finally:
        stop.set()
        for spinner in spinners:
            if spinner.pid is not None:
                spinner.join(timeout=10)
                if spinner.is_alive():
                    spinner.kill()
                    spinner.join()
            spinner.close()


def finished_run(server: LocalServer, **settings: Any) -> FinishedRun:
    run, model = asyncio.run(run_mode(server.base_url, count=24, **settings))
    return FinishedRun.of(run, None, model=model)


@pytest.fixture(scope="module")
def threads_run(shared_server: LocalServer) -> FinishedRun:
    """Two threads computing, each ready while the other holds the GIL."""
    return finished_run(shared_server, mode="threads", **COMPUTE)


def computing_steps(run: FinishedRun) -> list[Any]:
    steps = [(span, step) for span in run.model.spans for step in span.steps]
    assert steps and all(step.step == AfterFetch.COMPUTE for _, step in steps)
    return steps


@needs_schedstat
def test_a_process_competing_with_busy_cores_waits_for_a_core_not_for_a_gil(
    shared_server: LocalServer, busy_cores: int
) -> None:
    run = finished_run(shared_server, mode="processes", **COMPUTE)
    waits = compute_waits(run)
    assert waits.core_wait_s is not None and waits.gil_wait_s is not None
    # More busy processes than cores: each worker's step was ready about as long as it ran.
    assert waits.core_wait_s > 0.2 * waits.running_s, f"{busy_cores} busy processes never took a core: {waits}"
    assert waits.gil_wait_s < 0.25 * waits.core_wait_s, f"a process's only thread waited for its own GIL: {waits}"


@needs_schedstat
def test_two_threads_computing_wait_for_the_gil(threads_run: FinishedRun) -> None:
    waits = compute_waits(threads_run)
    assert waits.gil_wait_s is not None
    # Not "about as long as they ran": on a loaded machine much of the turn-taking is spent on a run queue.
    assert waits.gil_wait_s > 0.05 * waits.running_s, f"two threads computing never waited for the GIL: {waits}"


def test_a_steps_pieces_run_computing_then_core_then_gil_and_fill_its_wall_time(threads_run: FinishedRun) -> None:
    known = tells_core_from_gil()
    order = [Segment.COMPUTING, Segment.CORE_WAIT, Segment.GIL_WAIT] if known else [Segment.COMPUTING]
    order.append(Segment.READY_WAIT)
    for span, step in computing_steps(threads_run):
        pieces = [p for p in span_pieces(span, threads_run.wall_s, False) if p.t0 >= step.t0 and p.t1 <= step.t1]
        kinds = [p.segment for p in pieces]
        assert kinds == sorted(kinds, key=order.index), f"{span.pokemon}: {kinds}"
        assert (Segment.READY_WAIT in kinds) is not known
        assert pieces[0].t0 == step.t0 and pieces[-1].t1 == step.t1
        assert all(a.t1 == b.t0 for a, b in zip(pieces, pieces[1:], strict=False)), "a gap inside the step"
        parts = split_step(step.t1 - step.t0, step.cpu_s, step.core_wait_s)
        lengths = {p.segment: p.t1 - p.t0 for p in pieces}
        assert lengths[Segment.COMPUTING] == pytest.approx(parts.running_s, abs=1e-9)
        if known:
            assert lengths.get(Segment.CORE_WAIT, 0.0) == pytest.approx(parts.core_wait_s, abs=1e-9)
        assert sum(lengths.values()) == pytest.approx(step.t1 - step.t0, abs=1e-9)


def test_the_json_report_and_a_history_round_trip_keep_each_steps_core_wait(threads_run: FinishedRun) -> None:
    report = reports_json([threads_run])
    for span, record in zip(threads_run.model.spans, report["spans"], strict=True):
        for step, kept in zip(span.steps, record["steps"], strict=True):
            assert len(kept) == 5
            assert kept[4] == (None if step.core_wait_s is None else pytest.approx(step.core_wait_s, abs=1e-6))
    rebuilt = run_from_record(json.loads(json.dumps(record_of(threads_run))))
    for old, new in zip(threads_run.model.spans, rebuilt.model.spans, strict=True):
        for before, after in zip(old.steps, new.steps, strict=True):
            if before.core_wait_s is None:
                assert after.core_wait_s is None
            else:
                assert after.core_wait_s == pytest.approx(before.core_wait_s, abs=1e-6)
    assert compute_waits(rebuilt).wall_s == pytest.approx(compute_waits(threads_run).wall_s, abs=1e-4)


def test_an_old_history_row_without_core_waits_loads_and_draws_one_ready_piece(threads_run: FinishedRun) -> None:
    """Record format 1 kept a step as [kind, from, to, CPU]: it cannot tell a busy core from the GIL."""
    record = record_of(threads_run)
    for span in record["spans"]:
        span["steps"] = [step[:4] for step in span.get("steps", [])]
    old = run_from_record({**json.loads(json.dumps(record)), "version": 1})
    assert compute_waits(old).core_wait_s is None
    for span, step in computing_steps(old):
        assert step.core_wait_s is None
        pieces = [p for p in span_pieces(span, old.wall_s, False) if p.t0 >= step.t0 and p.t1 <= step.t1]
        pale = [p.segment for p in pieces if p.segment is not Segment.COMPUTING]
        assert pale in ([], [Segment.READY_WAIT]), f"{span.pokemon}: {pale}"
        assert not {Segment.CORE_WAIT, Segment.GIL_WAIT} & {p.segment for p in pieces}


def test_the_trace_and_the_tooltip_say_how_long_a_step_ran_and_waited(threads_run: FinishedRun) -> None:
    steps = [e for e in chrome_trace_of_runs([threads_run])["traceEvents"] if e.get("cat") == "step"]
    spans = [span for span in threads_run.model.spans if span.steps]
    assert len(steps) == len(spans)
    for event, span in zip(steps, spans, strict=True):
        step = span.steps[0]
        parts = split_step(step.t1 - step.t0, step.cpu_s, step.core_wait_s)
        assert event["args"]["running_s"] == pytest.approx(parts.running_s, abs=1e-6)
        assert event["args"]["core_wait_s"] == _rounded(parts.core_wait_s)
        tip = tooltip_text(span, threads_run.model.total)
        assert "running" in tip
        assert ("waiting for the GIL" in tip) is (parts.core_wait_s is not None)


def test_the_legend_lists_the_waits_this_machine_draws() -> None:
    listed = segments_of_step(AfterFetch.COMPUTE)
    if tells_core_from_gil():
        assert listed == (Segment.COMPUTING, Segment.CORE_WAIT, Segment.GIL_WAIT)
    else:
        assert listed == (Segment.COMPUTING, Segment.READY_WAIT)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def test_splitting_clamps_each_part_into_the_wall_time() -> None:
    """The clocks tick at different grains: a CPU clock a hair ahead never makes a negative wait."""
    assert split_step(0.010, 0.011, 0.001) == StepTime(0.010, 0.0, 0.0, 0.0)
    assert split_step(0.010, 0.004, 0.009) == pytest.approx(StepTime(0.004, 0.006, 0.0, 0.006))
    assert split_step(0.010, 0.004, None) == pytest.approx(StepTime(0.004, None, None, 0.006))
