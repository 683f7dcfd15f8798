"""The lessons prove their point with this run's measurements: figures checked as relations."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from gui.core.exports import reports_json
from gui.core.lessons import gil
from gui.core.lessons.catalogue import LESSONS, lesson_spec
from gui.core.lessons.gil import cores_busy
from gui.core.lessons.lesson import lesson_report
from gui.core.model.segments import Segment, span_pieces
from gui.core.trace.events import Phase
from gui.core.trace.ready_wait import tells_core_from_gil
from gui.headless import run_headless_comparison
from gui.server import NetworkConditions
from tests.core.test_headless_cli import main_py


def run_lesson(lesson_id: str) -> dict[str, Any]:
    spec = lesson_spec(lesson_id)
    runs = run_headless_comparison(spec.plans(), NetworkConditions().updated(spec.conditions)).runs
    return lesson_report(spec, runs, [reports_json([run]) for run in runs])


def test_every_lesson_has_a_story_of_four_to_twelve_sentences_and_named_variants() -> None:
    for spec in LESSONS.values():  # twelve: a plain sentence for each word the story is the first to use
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", spec.narrative.replace("e.g.", "eg")) if s.strip()]
        assert 4 <= len(sentences) <= 12, f"{spec.id}: {len(sentences)} sentences"
        assert len({v.name for v in spec.variants}) == len(spec.variants) >= 2


def test_io_bound_threads_and_coroutines_beat_sequential_by_most_of_the_concurrency() -> None:
    report = run_lesson("io-bound")
    variants = {v["name"]: v for v in report["variants"]}
    assert list(variants) == ["sequential", "threads", "asyncio"]
    needed = 0.8 * min(variants["threads"]["settings"]["count"], variants["threads"]["settings"]["concurrency"])
    for name in ("threads", "asyncio"):
        assert variants[name]["figure"]["speedup"] >= needed, f"{name} only {variants[name]['figure']}"
    assert variants["sequential"]["figure"]["speedup"] == 1.0


def test_gil_threads_compute_one_at_a_time_and_their_computing_bars_split() -> None:
    spec = lesson_spec("gil")
    runs = run_headless_comparison(spec.plans(), NetworkConditions().updated(spec.conditions)).runs
    figures = spec.figures(runs)
    threads, processes = figures.variants[1], figures.variants[2]
    if figures.lesson["gil_enabled"]:  # a relation one GIL keeps on any machine, however busy
        assert cores_busy(threads) <= gil.THREADS_CORES_AT_MOST
        assert threads["gil_wait_s"] > 0.2 * threads["cpu_s"], "two threads computing never waited for the GIL"
    # (Processes computing together needs free cores: the claim test lets a busy machine say so.)
    assert processes["cpu_s"] > 0
    computing = [p for span in runs[1].model.spans for p in span_pieces(span, runs[1].wall_s, False)]
    kinds = {p.segment for p in computing}
    pale = Segment.GIL_WAIT if tells_core_from_gil() else Segment.READY_WAIT
    assert {Segment.COMPUTING, pale} <= kinds, "the threads' computing bars are not split"


def test_headless_lesson_json_has_the_interface_keys() -> None:
    done = main_py("--headless", "--lesson", "io-bound", "--json", "--no-history")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["lesson"] == "io-bound" and report["title"]
    for variant in report["variants"]:
        assert set(variant) >= {"name", "settings", "summary", "figure"}
        assert variant["summary"]["ok"] == variant["settings"]["count"]
    assert "figure" in report


def test_list_lessons_prints_ids_and_titles_and_an_unknown_lesson_is_one_line() -> None:
    listed = main_py("--list-lessons")
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(LESSONS)
    unknown = main_py("--headless", "--lesson", "nope")
    assert unknown.returncode == 2 and "no lesson 'nope'" in unknown.stderr and "Traceback" not in unknown.stderr


@pytest.mark.parametrize("kind", ["compute", "block"])
def test_a_step_is_traced_in_every_mode_with_the_same_amount_of_work(kind: str) -> None:
    from gui.core.results.comparison import same_workload
    from gui.core.workload.settings import make_settings

    base = make_settings(count=4, concurrency=2, after_fetch=kind, step_ms=10)
    runs = run_headless_comparison(same_workload(base, ["sequential", "threads", "asyncio", "processes"]), None).runs
    for run in runs:
        for span in run.model.spans:
            assert len(span.steps) == 1, f"{run.settings.mode}: {span.steps}"
            step = span.steps[0]
            assert step.step == kind and step.t1 > step.t0
            if kind == "block":
                assert step.t1 - step.t0 >= 0.0095  # time.sleep never returns early
            else:
                assert step.cpu_s is not None and step.cpu_s > 0  # computing used the CPU
            assert span.t[Phase.ENDED] >= step.t1  # the request ends after its step


def test_exports_keep_each_jobs_step() -> None:
    from gui.core.exports import chrome_trace_of_runs
    from gui.core.results.comparison import same_workload
    from gui.core.workload.settings import make_settings

    base = make_settings(count=3, concurrency=2, after_fetch="compute", step_ms=5)
    runs = run_headless_comparison(same_workload(base, ["threads"]), None).runs
    report = reports_json(runs)
    assert all(span["steps"][0][0] == "compute" for span in report["spans"])
    names = [e["name"] for e in chrome_trace_of_runs(runs)["traceEvents"] if e.get("cat") == "step"]
    assert names == ["Computing"] * 3
