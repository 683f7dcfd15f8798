"""Every lesson's claim is checked on its run's numbers, both ways.

For each lesson: a run that shows its point holds every check and its verdict says the point; a
run made not to show it (too few workers, a server limit, a network with no long tail, ...) fails
the check that depends on it, and its verdict says so instead of claiming the point. Each run is
real, against the local server; nothing in a verdict is set by hand.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest

from gui.core.exports import reports_json
from gui.core.lessons import sweep
from gui.core.lessons.catalogue import LESSONS, lesson_spec
from gui.core.lessons.claims import Check, Claim, compose_verdict
from gui.core.lessons.lesson import LessonSpec, lesson_report, network, run_series, series_report
from gui.core.watches.machine_load import MachineLoad
from gui.headless import run_headless_comparison
from gui.server import LocalServer, NetworkConditions


def run_spec(spec: LessonSpec) -> dict[str, Any]:
    """The lesson's ``--json`` report for one real run of ``spec`` against a server of its own."""
    conditions = NetworkConditions().updated(spec.conditions)
    if spec.is_series:
        with LocalServer(conditions) as server:
            series = asyncio.run(run_series(spec, server.base_url, conditions.to_dict()))
        runs = [measured[-1].run for measured in series]
        return series_report(spec, series, [reports_json([run]) for run in runs])
    runs = run_headless_comparison(spec.plans(), conditions).runs
    return lesson_report(spec, runs, [reports_json([run]) for run in runs])


def with_preset(lesson_id: str, **preset: Any) -> LessonSpec:
    spec = lesson_spec(lesson_id)
    return dataclasses.replace(spec, preset={**spec.preset, **preset})


def missed(report: dict[str, Any]) -> list[str]:
    return [check["what"] for check in report["claim"]["checks"] if not check["held"]]


def assert_consistent(report: dict[str, Any]) -> None:
    """``held`` is every check's, and each check's is its own comparison."""
    ops = {">=": float.__ge__, "<=": float.__le__, "==": float.__eq__, ">": float.__gt__, "<": float.__lt__}
    claim = report["claim"]
    for check in claim["checks"]:
        assert check["held"] == ops[check["op"]](float(check["measured"]), float(check["mark"])), check
    assert claim["held"] == all(check["held"] for check in claim["checks"])
    assert set(report["machine"]) == {"cores", "others_cpu_share", "busy"}


def assert_shows_the_point(report: dict[str, Any]) -> None:
    """Held, or (only for checks a busy machine can change) not held with the machine said busy."""
    assert_consistent(report)
    if report["claim"]["held"]:
        assert "did not show" not in report["verdict"], report["verdict"]
        return
    assert report["machine"]["busy"], (missed(report), report["verdict"])
    assert "The machine was busy" in report["verdict"]


def assert_does_not_show(report: dict[str, Any], check_part: str, said: str) -> None:
    assert_consistent(report)
    assert not report["claim"]["held"]
    assert any(check_part in what for what in missed(report)), missed(report)
    assert report["verdict"].startswith("This run did not show"), report["verdict"]
    assert said in report["verdict"], report["verdict"]


# --- the claim itself ----------------------------------------------------------------------------


def test_a_check_holds_exactly_when_its_comparison_does() -> None:
    def check(measured: float, op: str, mark: float) -> Check:
        return Check("x", measured, op, mark, "held", "missed")

    assert check(2, ">=", 2).held and not check(1.99, ">=", 2).held
    assert check(0, "==", 0).held and not check(1, "==", 0).held
    assert check(1, "<", 2).held and not check(2, "<", 2).held
    assert not check(float("nan"), "<=", 1).held
    with pytest.raises(ValueError):
        check(1, "=>", 1)


def test_the_verdict_says_each_checks_own_sentence_and_why_a_load_sensitive_miss_happened() -> None:
    held = Check("a", 1, ">=", 1, "A held.", "A missed.")
    miss = Check("b", 0, ">=", 1, "B held.", "B missed.", load_sensitive=True)
    assert compose_verdict(Claim((held,)), None) == "A held."
    busy = MachineLoad(cores=2, wall_s=1.0, machine_busy_s=1.9, ours_s=0.9)
    quiet = MachineLoad(cores=2, wall_s=1.0, machine_busy_s=1.0, ours_s=0.95)
    text = compose_verdict(Claim((held, miss)), busy)
    assert text.startswith("This run did not show all of the lesson's point (1 of 2 checks missed).")
    assert "A held. B missed." in text and "The machine was busy" in text and "50%" in text
    assert "busy" not in compose_verdict(Claim((held, miss)), quiet)


def test_every_lesson_declares_checks() -> None:
    for spec in LESSONS.values():
        assert spec.checks is not None, spec.id


# --- each lesson, both ways -----------------------------------------------------------------------


def test_io_bound_holds_and_a_server_that_serves_one_at_a_time_does_not() -> None:
    assert_shows_the_point(run_spec(with_preset("io-bound", count=20)))
    spec = dataclasses.replace(with_preset("io-bound", count=20), conditions=network(30, max_concurrent=1))
    assert_does_not_show(run_spec(spec), "threads' speed-up", "The server served only 1 at a time")


def test_gil_holds_and_one_worker_cannot_show_processes_computing_together() -> None:
    assert_shows_the_point(run_spec(with_preset("gil", count=40)))
    report = run_spec(with_preset("gil", count=20, concurrency=1))
    assert_does_not_show(report, "processes: cores' worth", "One worker process computes alone")


def test_blocking_holds_and_one_coroutine_cannot_overlap_its_awaited_calls() -> None:
    assert_shows_the_point(run_spec(with_preset("blocking", count=20)))
    report = run_spec(with_preset("blocking", count=10, concurrency=1))
    assert_does_not_show(report, "calls awaited in a thread", "one coroutine cannot overlap its calls")


def test_race_holds_and_one_thread_loses_no_update() -> None:
    assert_shows_the_point(run_spec(lesson_spec("race")))
    report = run_spec(with_preset("race", count=30, concurrency=1))
    assert_does_not_show(report, "updates lost without a lock", "one worker thread has nobody to race with")
    assert report["variants"][0]["figure"]["lost_updates"] == 0


def test_deadlock_holds_and_one_thread_cannot_deadlock() -> None:
    assert_shows_the_point(run_spec(lesson_spec("deadlock")))
    report = run_spec(with_preset("deadlock", count=30, concurrency=1))
    assert_does_not_show(report, "deadlocks found with opposite orders", "one worker cannot wait for another")


def test_memory_holds_and_processes_that_share_their_counter_do_not_count_apart() -> None:
    report = run_spec(lesson_spec("memory"))
    assert_shows_the_point(report)
    # the processes' start-up is counted, in words that follow the two runs' lengths
    lesson = report["figure"]
    assert lesson["processes_startup_s"] > 0
    whole, threads = lesson["processes_wall_s"], lesson["threads_wall_s"]
    than = "longer than" if whole > threads else "shorter than" if whole < threads else "as long as"
    assert f"spent {lesson['processes_startup_s']:.2f} s starting their interpreters" in report["verdict"]
    assert than in report["verdict"]
    spec = lesson_spec("memory")
    shared = spec.variants[2]
    both_shared = dataclasses.replace(
        spec, variants=(spec.variants[0], dataclasses.replace(shared, name="processes"), shared)
    )
    report = run_spec(both_shared)
    assert_does_not_show(report, "processes with their own memory", "the counter was shared after all")


def test_futures_holds_and_one_pokemon_has_no_chain_to_share() -> None:
    assert_shows_the_point(run_spec(lesson_spec("futures")))
    report = run_spec(with_preset("futures", count=1))
    assert_does_not_show(report, "requests sent with shared futures", "these Pokémon share no chain")
    assert "sooner" in report["verdict"] or "later" in report["verdict"] or "same time" in report["verdict"]


def test_pipeline_holds_and_a_network_with_no_long_tail_leaves_no_straggler_to_beat() -> None:
    assert_shows_the_point(run_spec(lesson_spec("pipeline")))
    # One request at a time: stages and chains both go one request after another, so neither can win.
    spec = dataclasses.replace(with_preset("pipeline", count=8, concurrency=1), conditions=network(30))
    assert_does_not_show(run_spec(spec), "pipelined wall time", "This network has no long tail")


SMALL_SWEEP = dict(count=64, server_limit=4, latency_ms=30, threads_up_to=64, coroutines_up_to=64)


def test_sweep_holds_and_a_server_with_no_limit_lets_more_workers_keep_paying() -> None:
    small = sweep.make_lesson(**SMALL_SWEEP)
    assert_shows_the_point(run_spec(small))
    unlimited = dataclasses.replace(small, conditions=network(30))
    report = run_spec(unlimited)
    assert_does_not_show(report, "the best run past 4", "The server had no limit of its own")


def test_the_sweep_verdict_says_a_cost_only_with_the_sign_its_numbers_have() -> None:
    small = sweep.make_lesson(**SMALL_SWEEP)
    report = run_spec(small)
    threads = {p["workers"]: p for p in report["variants"][0]["figure"]["points"]}
    low, high = threads[4]["ctx_switches"], threads[64]["ctx_switches"]
    word = "rose" if high > low else "fell" if high < low else "stayed"
    assert f"context switches {word}" in report["verdict"] or f"count {word}" in report["verdict"]
