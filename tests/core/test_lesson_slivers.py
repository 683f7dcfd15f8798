"""The slivers lesson for real: coroutines on one loop never run at once; threads' CPU clocks agree
with what the threads measured themselves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from gui.core import thread_clocks
from gui.core.exports import reports_json
from gui.core.finished_run import FinishedRun
from gui.core.lessons import slivers
from gui.core.lessons.lesson import lesson_report
from gui.core.registry import lesson_spec
from gui.core.steps import AfterFetch
from gui.headless import run_headless_comparison
from gui.server import NetworkConditions

Lesson = tuple[dict[str, Any], list[FinishedRun]]


@pytest.fixture(scope="module")
def lesson() -> Iterator[Lesson]:
    """The lesson as ``--headless --lesson slivers --json`` runs it, once for this module."""
    spec = lesson_spec("slivers")
    result = run_headless_comparison(spec.plans(), NetworkConditions().updated(spec.conditions))
    assert not result.interrupted
    yield lesson_report(spec, result.runs, [reports_json([run]) for run in result.runs]), result.runs


def test_the_report_has_the_variants_and_figure_keys_the_issue_names(lesson: Lesson) -> None:
    report, _ = lesson
    assert report["lesson"] == "slivers"
    assert [v["name"] for v in report["variants"]] == ["asyncio", "threads"]
    coroutines = report["variants"][0]["figure"]
    assert {"running_overlap_s", "loop_busy_fraction"} <= set(coroutines)
    assert all(v["settings"]["trace_slivers"] and v["summary"]["ok"] == 40 for v in report["variants"])


def test_coroutines_on_one_loop_never_run_at_the_same_moment(lesson: Lesson) -> None:
    report, runs = lesson
    figure = report["variants"][0]["figure"]
    assert figure["running_overlap_s"] == 0 and figure["running_overlap_ms"] == 0
    assert figure["steps"] >= 40, "at least one step per request"
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


@pytest.mark.skipif(not thread_clocks.supported(), reason="no per-thread CPU clocks on this system")
def test_threads_samples_never_claim_more_running_than_their_interval_holds(lesson: Lesson) -> None:
    report, runs = lesson
    samples = runs[1].model.slivers
    assert {s.lane for s in samples} == set(runs[1].model.lanes)
    assert all(0 < s.ran_s <= s.t1 - s.t0 for s in samples)
    figure = report["variants"][1]["figure"]
    assert 0 <= figure["running_overlap_s"] <= figure["running_overlap_at_most_s"]
    assert figure["running_overlap_ms"] == pytest.approx(figure["running_overlap_s"] * 1000, abs=0.001)


@pytest.mark.skipif(not thread_clocks.supported(), reason="no per-thread CPU clocks on this system")
def test_threads_cpu_clocks_account_for_all_the_computing_the_threads_timed(lesson: Lesson) -> None:
    """The sampler read more than the steps (the fetches cost CPU too), never less."""
    report, runs = lesson
    computed_s = sum(step.cpu_s or 0.0 for span in runs[1].model.spans for step in span.steps)
    assert computed_s > 0
    assert report["variants"][1]["figure"]["running_s"] >= 0.9 * computed_s


def test_the_lesson_tells_its_story_in_four_to_eight_sentences() -> None:
    sentences = [s for s in slivers.LESSON.narrative.split(". ") if s.strip()]
    assert 4 <= len(sentences) <= 8
