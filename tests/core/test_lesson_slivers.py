"""The slivers lesson for real: coroutines on one loop never run at once, and two computing threads
take turns at the GIL's switch interval, measured from their own clocks."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from gui.core.exports import reports_json
from gui.core.lessons import slivers
from gui.core.lessons.catalogue import lesson_spec
from gui.core.lessons.lesson import LessonSpec, lesson_report
from gui.core.results.finished_run import FinishedRun
from gui.core.trace.events import SliverEvent
from gui.core.watches import thread_turns
from gui.core.workload.after_fetch import AfterFetch
from gui.headless import run_headless_comparison
from gui.server import LocalServer, NetworkConditions
from tests.core.helpers import WatchingSink, run_mode

Lesson = tuple[dict[str, Any], list[FinishedRun]]
traced_here = pytest.mark.skipif(not thread_turns.supported(), reason="this system's thread clock is too coarse")
TURNS = "turns two computing threads took"


def run_lesson(spec: LessonSpec) -> Lesson:
    """The lesson as ``--headless --lesson slivers --json`` runs it: its report and its runs."""
    result = run_headless_comparison(spec.plans(), NetworkConditions().updated(spec.conditions))
    assert not result.interrupted
    return lesson_report(spec, result.runs, [reports_json([run]) for run in result.runs]), result.runs


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    return run_lesson(lesson_spec("slivers"))


def check(report: dict[str, Any], what: str) -> dict[str, Any]:
    return next(c for c in report["claim"]["checks"] if c["what"] == what)


def compute_steps(run: FinishedRun) -> dict[str, list[tuple[float, float]]]:
    steps: dict[str, list[tuple[float, float]]] = {}
    for span in run.model.spans:
        assert span.lane is not None
        steps.setdefault(span.lane, []).extend((s.t0, s.t1) for s in span.steps if s.step == AfterFetch.COMPUTE)
    return {lane: sorted(intervals) for lane, intervals in steps.items()}


# --- the real lesson -----------------------------------------------------------------------------


def test_the_report_has_the_variants_and_figure_keys_the_window_reads(lesson: Lesson) -> None:
    report, runs = lesson
    assert report["lesson"] == "slivers"
    assert [v["name"] for v in report["variants"]] == ["asyncio", "threads"]
    coroutines, threads = (v["figure"] for v in report["variants"])
    assert {"running_overlap_ms", "turns", "loop_busy_fraction"} <= set(coroutines)
    assert {"running_overlap_ms", "turns", "median_turn_ms", "threads_computed"} <= set(threads)
    count = runs[0].settings.count
    assert all(v["settings"]["trace_slivers"] and v["summary"]["ok"] == count for v in report["variants"])
    assert slivers.LESSON.plot_key in coroutines and slivers.LESSON.plot_key in threads


@traced_here
def test_the_real_lesson_holds_its_claim_and_says_so(lesson: Lesson) -> None:
    report, _ = lesson
    assert report["claim"]["held"], report["verdict"]
    assert not report["verdict"].startswith("This run did not show")
    threads = report["variants"][1]["figure"]
    assert f"took {threads['turns']} turns" in report["verdict"]


def test_coroutines_on_one_loop_never_run_at_the_same_moment(lesson: Lesson) -> None:
    report, runs = lesson
    figure = report["variants"][0]["figure"]
    assert figure["running_overlap_s"] == 0 and figure["running_overlap_ms"] == 0
    assert figure["steps"] >= runs[0].settings.count, "at least one step per request"
    assert 0 < figure["turns"] < figure["steps"], "the loop went from one coroutine to another between steps"
    lanes = {s.lane for s in runs[0].model.slivers if s.lane is not None}
    assert lanes == set(runs[0].model.lanes), "every coroutine's steps are on its own lane"


def test_the_loop_is_busy_part_of_the_time_and_waits_the_rest(lesson: Lesson) -> None:
    report, _ = lesson
    busy = report["variants"][0]["figure"]["loop_busy_fraction"]
    assert 0 < busy < 1


def test_each_coroutines_computing_happens_inside_one_of_its_steps(lesson: Lesson) -> None:
    """Two measurements of one thing: the client timed the work, the tracer timed the steps."""
    _, runs = lesson
    model = runs[0].model
    for span in model.spans:
        mine = [(s.t0, s.t1) for s in model.slivers if s.lane == span.lane]
        for step in span.steps:
            assert step.step == AfterFetch.COMPUTE
            assert any(t0 <= step.t0 and step.t1 <= t1 for t0, t1 in mine), f"{span.pokemon}: computed outside a step"


@traced_here
def test_a_threads_stretches_are_exact_and_lie_inside_its_computing_steps(lesson: Lesson) -> None:
    _, runs = lesson
    run = runs[1]
    stretches = run.model.slivers
    assert {s.lane for s in stretches} == set(run.model.lanes) and len(run.model.lanes) == slivers.THREADS
    assert all(s.ran_s == pytest.approx(s.t1 - s.t0, abs=1e-9) and s.t1 > s.t0 for s in stretches)
    steps = compute_steps(run)
    for s in stretches:
        assert s.lane is not None
        assert any(t0 <= s.t0 and s.t1 <= t1 for t0, t1 in steps[s.lane]), f"{s}: ran outside a computing step"


@traced_here
def test_the_stretches_of_one_thread_never_overlap_each_other(lesson: Lesson) -> None:
    _, runs = lesson
    for lane in runs[1].model.lanes:
        mine = sorted((s.t0, s.t1) for s in runs[1].model.slivers if s.lane == lane)
        assert mine and all(t1 <= next_t0 for (_, t1), (next_t0, _) in zip(mine, mine[1:], strict=False))


@traced_here
def test_the_threads_measured_running_is_no_more_than_their_computing_took(lesson: Lesson) -> None:
    """A stretch is a part of a step the thread really ran: together they fit in the steps' wall time."""
    report, runs = lesson
    figure = report["variants"][1]["figure"]
    wall_s = sum(t1 - t0 for intervals in compute_steps(runs[1]).values() for t0, t1 in intervals)
    assert 0 < figure["running_s"] <= wall_s
    assert figure["computing_together_s"] <= wall_s / 2, "two threads computing together count once"


@traced_here
def test_the_zoom_holds_turns_of_both_threads_inside_the_threads_run(lesson: Lesson) -> None:
    report, runs = lesson
    zoom = report["figure"]["zoom"]
    assert zoom["variant"] == "threads"
    assert 0.03 <= zoom["t1_s"] - zoom["t0_s"] <= 0.06
    run = runs[1]
    taking = thread_turns.turn_taking(run.model.slivers, compute_steps(run))
    handovers = [t for t in taking.handovers if zoom["t0_s"] <= t <= zoom["t1_s"]]
    assert len(handovers) >= 3
    inside = {s.lane for s in run.model.slivers if zoom["t0_s"] <= s.t0 and s.t1 <= zoom["t1_s"]}
    assert inside == set(run.model.lanes)


@traced_here
def test_the_figure_counts_the_turns_the_stretches_show(lesson: Lesson) -> None:
    report, runs = lesson
    figure = report["variants"][1]["figure"]
    taking = thread_turns.turn_taking(runs[1].model.slivers, compute_steps(runs[1]))
    assert figure["turns"] == len(taking.handovers) > 0
    assert figure["full_turns"] == len(taking.full_turns_s) <= figure["turns"]
    lanes = [turn.lane for turn in taking.turns]
    assert all(a != b for a, b in zip(lanes, lanes[1:], strict=False)), "a turn ends where another thread's begins"


def test_the_lesson_tells_its_story_in_four_to_eight_sentences() -> None:
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", slivers.LESSON.narrative) if s.strip()]
    assert 4 <= len(sentences) <= 8


# --- runs made not to show the point ------------------------------------------------------------


def with_threads(spec: LessonSpec, **settings: Any) -> LessonSpec:
    """The lesson with its threads variant changed (fewer Pokémon: only the threads matter here)."""
    coroutines, threads = spec.variants
    changed = dataclasses.replace(threads, settings={**threads.settings, **settings})
    return dataclasses.replace(spec, variants=(coroutines, changed), preset={**spec.preset, "count": 8})


@traced_here
def test_one_worker_thread_takes_no_turns_and_the_verdict_says_so() -> None:
    report, _ = run_lesson(with_threads(lesson_spec("slivers"), concurrency=1))
    turns = check(report, TURNS)
    assert not turns["held"] and turns["measured"] == 0
    assert not report["claim"]["held"]
    assert report["verdict"].startswith("This run did not show")
    assert "Only one thread computed, so there was no one to take turns with (0 turns)." in report["verdict"]


@traced_here
def test_threads_that_do_not_compute_take_no_turns_and_the_verdict_says_so() -> None:
    report, _ = run_lesson(with_threads(lesson_spec("slivers"), after_fetch=AfterFetch.NOTHING.value))
    assert not check(report, TURNS)["held"]
    assert report["verdict"].startswith("This run did not show")
    assert "No thread computed, so there was no one to take turns with (0 turns)." in report["verdict"]


# --- on a busy machine ------------------------------------------------------------------------------


SPIN = "import time\nend = time.monotonic() + 60\nwhile time.monotonic() < end:\n    pass\n"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def two_busy_loops() -> Iterator[list[int]]:
    """Two processes spinning on the cores for at most a minute each, killed after the test.

    Started through a shell that leaves them behind (their parent is then init), because the
    lesson counts the CPU time of its own process and every process below it as its own: a
    child of the test would not be "another program" to it.
    """
    start = f"{shlex.quote(sys.executable)} -c {shlex.quote(SPIN)} >/dev/null 2>&1 & echo $!"
    pids = [int(subprocess.run(["sh", "-c", start], capture_output=True, text=True, check=True).stdout) for _ in "ab"]
    try:
        yield pids
    finally:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@traced_here
def test_the_claim_still_holds_while_two_other_processes_keep_the_cores_busy(two_busy_loops: list[int]) -> None:
    """Taking turns is the GIL's doing, not the cores': busy cores change how long, not whether."""
    report, _ = run_lesson(lesson_spec("slivers"))
    assert all(alive(pid) for pid in two_busy_loops), "the busy loops ran all through the lesson"
    if report["machine"]["others_cpu_share"] is not None:
        assert report["machine"]["busy"]
    assert report["claim"]["held"], report["verdict"]


# --- the tracing itself -----------------------------------------------------------------------------


@traced_here
async def test_a_computing_threads_run_uses_no_sampler_and_is_untraced_after(server: LocalServer) -> None:
    """The sampler would need the GIL every millisecond and break up the turns it is there to show."""
    server.set_conditions(latency_ms=5)
    threads_at_first_end: list[set[str]] = []

    def look(ended: int) -> None:
        if ended == 1:
            threads_at_first_end.append({t.name for t in threading.enumerate()})

    sink = WatchingSink(look)
    _, model = await run_mode(
        server.base_url, sink, mode="threads", count=4, concurrency=2, after_fetch="compute", step_ms=10,
        trace_slivers=True,
    )  # fmt: skip
    assert threads_at_first_end and "thread-clocks" not in threads_at_first_end[0]
    assert model.slivers and all(s.ran_s == s.t1 - s.t0 for s in model.slivers)
    assert not thread_turns.tracing_any()


async def test_an_untraced_computing_run_records_no_stretches(server: LocalServer) -> None:
    server.set_conditions(latency_ms=5)
    _, model = await run_mode(server.base_url, mode="threads", count=4, concurrency=2, after_fetch="compute", step_ms=5)
    assert model.slivers == [] and all(span.steps for span in model.spans)


# --- turns from stretches (the figure's arithmetic, on stretches made up to show each case) ------


def ran(lane: str, t0: float, t1: float) -> SliverEvent:
    return SliverEvent(lane, t0, t1, t1 - t0)


def test_threads_that_alternate_inside_their_steps_take_a_turn_at_every_change() -> None:
    steps = {"a": [(0.0, 1.0)], "b": [(0.0, 1.0)]}
    stretches = [ran("a", 0.0, 0.1), ran("b", 0.1, 0.2), ran("a", 0.2, 0.3), ran("b", 0.3, 0.4), ran("a", 0.4, 0.5)]
    taking = thread_turns.turn_taking(stretches, steps)
    assert len(taking.handovers) == len(stretches) - 1
    assert taking.full_turns_s == pytest.approx([0.1] * (len(stretches) - 2))


def test_a_thread_that_finished_its_step_hands_nothing_over() -> None:
    steps = {"a": [(0.0, 0.1)], "b": [(0.1, 0.2)]}
    taking = thread_turns.turn_taking([ran("a", 0.0, 0.1), ran("b", 0.1, 0.2)], steps)
    assert taking.handovers == [] and taking.median_turn_s is None and taking.busiest() is None


def test_stretches_of_one_thread_broken_by_a_busy_core_are_one_turn() -> None:
    steps = {"a": [(0.0, 1.0)], "b": [(0.0, 1.0)]}
    stretches = [ran("a", 0.0, 0.05), ran("a", 0.06, 0.1), ran("b", 0.1, 0.2), ran("a", 0.2, 0.3)]
    taking = thread_turns.turn_taking(stretches, steps)
    assert [turn.lane for turn in taking.turns] == ["a", "b", "a"]
    assert taking.turns[0].t1 - taking.turns[0].t0 == pytest.approx(0.1)


def test_the_busiest_stretch_is_centred_on_the_most_hand_overs() -> None:
    steps = {"a": [(0.0, 2.0)], "b": [(0.0, 2.0)]}
    lone = [ran("a", 0.0, 0.5), ran("b", 0.5, 1.0)]  # one hand-over at 0.5
    quick = [ran("b" if i % 2 else "a", 1.0 + i * 0.005, 1.005 + i * 0.005) for i in range(8)]
    taking = thread_turns.turn_taking(lone + quick, steps)
    t0, t1 = taking.busiest(0.04) or (0.0, 0.0)
    assert t1 - t0 == pytest.approx(0.04)
    assert sum(t0 <= t <= t1 for t in taking.handovers) == len(taking.handovers) - 1
