"""A comparison: the same workload in each mode, one run after another, against the same network."""

from __future__ import annotations

import json

import pytest

from gui.core.results.comparison import parse_modes, same_workload
from gui.core.workload.settings import SettingsError, make_settings
from gui.headless import run_headless_comparison
from gui.server import NetworkConditions
from tests.core.test_headless_cli import main_py


def test_modes_are_parsed_in_the_order_given() -> None:
    assert parse_modes("asyncio, sequential") == ["asyncio", "sequential"]
    assert parse_modes(["threads"]) == ["threads"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("threads,teleport", "unknown mode 'teleport'"), ("threads,threads", "threads came twice"), ("", "at least one")],
)
def test_a_bad_mode_list_gets_one_readable_error(text: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        parse_modes(text)


def test_a_random_selection_without_a_seed_gets_one_seed_for_every_run() -> None:
    plans = same_workload(make_settings(selection="random", count=5), ["threads", "asyncio"])
    assert plans[0].seed is not None and plans[0].seed == plans[1].seed
    assert [p.mode for p in plans] == ["threads", "asyncio"]


def test_every_run_of_a_comparison_meets_the_same_errors() -> None:
    """The server's dice start over before each run: the same requests fail in every mode."""
    plans = same_workload(make_settings(count=30, concurrency=5), ["threads", "asyncio", "sequential"])
    result = run_headless_comparison(plans, NetworkConditions(latency_ms=5, error_rate=0.3, seed=11))
    failed = [{s.pokemon for s in run.model.spans if s.status.is_failure} for run in result.runs]
    assert failed[0], "a 30 % error rate failed nothing: the test shows nothing"
    assert failed[0] == failed[1] == failed[2]


def test_headless_compare_prints_one_report_per_mode_in_order_with_the_same_pokemon() -> None:
    done = main_py(
        "--headless", "--compare", "sequential,threads,asyncio",
        "-n", "40", "-c", "10", "--latency-ms", "100", "--seed", "7", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    runs = json.loads(done.stdout)["runs"]
    assert [r["settings"]["mode"] for r in runs] == ["sequential", "threads", "asyncio"]
    names = [[s["pokemon"] for s in r["spans"]] for r in runs]
    assert names[0] == names[1] == names[2] and len(names[0]) == 40
    assert all(r["summary"]["ok"] == 40 for r in runs)
    sequential = runs[0]["summary"]["wall_s"]
    for run in runs[1:]:
        assert sequential / run["summary"]["wall_s"] >= 5, f"{run['settings']['mode']} not 5x faster"


def test_a_stopped_run_is_never_the_fastest_and_has_no_speed_up() -> None:
    from gui.core.model.run_model import RunModel
    from gui.core.results.comparison_table import comparison_rows, fastest_and_slowest
    from gui.core.results.finished_run import FinishedRun
    from gui.core.results.stats import summarize
    from gui.core.run.engine import Run
    from gui.core.trace.events import BatchSink, EndEvent, Outcome, Status

    plans = same_workload(make_settings(count=8, concurrency=2), ["threads", "asyncio"])
    complete = run_headless_comparison(plans, NetworkConditions(latency_ms=20)).runs
    stopped_settings = make_settings(mode="sequential", count=8)
    run = Run(stopped_settings, "http://127.0.0.1:9/api/v2", BatchSink())  # never run: every request cancelled
    run.cancel()
    model = RunModel(run.jobs)
    model.apply(EndEvent(span.request_id, 0.0, Outcome(Status.CANCELLED)) for span in model.spans)
    summary = summarize(model, stopped_settings, 0.001, None)
    stopped = FinishedRun(stopped_settings, model, summary, 0.0, None)
    rows = comparison_rows([stopped, *complete])
    assert rows[0].speedup is None and not rows[0].fastest
    assert max(r.speedup or 0 for r in rows[1:]) >= 1.0 and min(r.speedup or 0 for r in rows[1:]) == 1.0
    ends = fastest_and_slowest([stopped, *complete])
    assert ends is not None and stopped not in ends
