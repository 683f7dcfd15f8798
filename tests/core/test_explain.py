"""The explanation of a run and the comparison of runs, from real runs against the local server."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gui.core.modes.catalogue import MODE_NAMES, MODES, mode_spec
from gui.core.results.comparison_table import (
    comparison_rows,
    ms_text,
    percent_text,
    row_cells,
    seconds_text,
    speedup_text,
)
from gui.core.results.finished_run import FinishedRun
from gui.core.run.engine import Run
from gui.core.views.explain import code_caption, code_of, explain, first_start_s, network_wait_s
from gui.core.workload.settings import make_settings
from gui.server import LocalServer
from tests.core.helpers import WatchingSink, collect

REPO = Path(__file__).resolve().parents[2]


async def finished_run(
    server: LocalServer, conditions: dict[str, Any], stop_after: int | None = None, known: bool = True, **settings: Any
) -> FinishedRun:
    """Run for real under ``conditions``, optionally stopping after ``stop_after`` requests ended."""
    played = server.set_conditions(**conditions)
    sink = WatchingSink()
    run = Run(make_settings(**settings), server.base_url, sink)
    if stop_after is not None:

        def on_end(ends: int) -> None:
            if ends == stop_after:
                run.cancel()

        sink.on_end = on_end
    await run.execute()
    model = collect(run)
    return FinishedRun.of(run, played.to_dict() if known else None, model=model)


async def test_a_threads_run_is_explained_with_its_own_numbers_and_the_modes_lesson(server: LocalServer) -> None:
    run = await finished_run(server, {"latency_ms": 100}, mode="threads", count=20, concurrency=5)
    text = explain(run)
    summary = run.summary
    assert summary.ideal_s == pytest.approx(0.4)
    assert f"5 worker threads, {ms_text(100)} each" in text
    assert f"at best 20 requests take {seconds_text(0.4)} (4 waves of {ms_text(100)})" in text
    assert f"this run took {seconds_text(summary.wall_s)}, an efficiency of {percent_text(summary.efficiency)}" in text
    assert MODES["threads"].why in text
    assert f"{summary.effective_concurrency:.1f} requests were in flight on average" in text
    assert "Stopped" not in text and "failed" not in text
    assert "<" not in text, "plain text, no markup"


async def test_a_sequential_run_says_its_time_is_its_waits_added_up(server: LocalServer) -> None:
    run = await finished_run(server, {"latency_ms": 100}, mode="sequential", count=5)
    text = explain(run)
    wait_s = network_wait_s(run.model)
    assert 0.5 <= wait_s <= run.wall_s
    assert f"5 waits of {ms_text(100)}, one after another" in text
    assert f"Its one thread spent {seconds_text(wait_s)} of the {seconds_text(run.wall_s)}" in text
    assert MODES["sequential"].why in text


async def test_a_stopped_run_says_after_how_many_it_stopped(server: LocalServer) -> None:
    run = await finished_run(server, {"latency_ms": 100}, stop_after=2, mode="threads", count=40, concurrency=2)
    finished = run.summary.requests - run.summary.cancelled
    assert run.summary.cancelled >= 30
    text = explain(run)
    assert f"Stopped after {finished} of 40" in text
    assert f"at best the {finished} requests it finished take {seconds_text(run.summary.ideal_s)}" in text


async def test_a_run_on_another_server_says_its_ideal_is_unknown(server: LocalServer) -> None:
    run = await finished_run(
        server, {"latency_ms": 20}, known=False, mode="asyncio", count=6, concurrency=3, base_url=server.base_url
    )
    text = explain(run)
    assert run.summary.ideal_s is None
    assert "The ideal is unknown" in text and "against 127.0.0.1" in text
    assert f"this run took {seconds_text(run.wall_s)}" in text
    assert "at best" not in text


async def test_a_server_limit_below_the_workers_is_named_and_counted_in_the_waves(server: LocalServer) -> None:
    run = await finished_run(server, {"latency_ms": 50, "max_concurrent": 2}, mode="asyncio", count=12, concurrency=6)
    text = explain(run)
    assert run.summary.ideal_s == pytest.approx(0.3)
    assert f"(6 waves of {ms_text(50)})" in text
    assert "The server answers only 2 requests at once, fewer than the 6 this run could send" in text


async def test_failures_and_retries_are_counted(server: LocalServer) -> None:
    run = await finished_run(
        server,
        {"latency_ms": 10, "error_rate": 1.0, "retry_after_s": 0},
        mode="threads",
        count=6,
        concurrency=3,
        retries=1,
        backoff_s=0.01,
    )
    text = explain(run)
    assert run.summary.failed == 6 and run.summary.retries == 6
    assert "6 of the 6 requests failed (http " in text
    assert "6 retries: each sent a failed request again after a back-off" in text


async def test_jitter_is_named_with_the_runs_own_percentiles(server: LocalServer) -> None:
    conditions = {"latency_ms": 40, "jitter": "long-tail", "jitter_ms": 40, "seed": 5}
    run = await finished_run(server, conditions, mode="asyncio", count=30, concurrency=10)
    text = explain(run)
    assert f"Latency varied (a long tail, {ms_text(40)} extra on average)" in text
    assert f"half the requests took {ms_text(run.summary.p50_ms)} or less" in text
    assert f"the slowest {percent_text(0.05)} {ms_text(run.summary.p95_ms)} or more" in text


async def test_processes_name_the_time_their_workers_took_to_start(server: LocalServer) -> None:
    run = await finished_run(server, {"latency_ms": 20}, mode="processes", count=4, concurrency=2)
    first = first_start_s(run.model)
    assert first is not None
    text = explain(run)
    assert f"The first request left {seconds_text(first)} after the start" in text
    assert "2 worker processes" in text
    assert MODES["processes"].why in text


@pytest.mark.parametrize("mode", MODE_NAMES)
def test_the_code_shown_is_the_real_source_of_each_textbook_function(mode: str) -> None:
    spec = mode_spec(mode)
    blocks = code_of(spec)
    assert len(blocks) == len(spec.textbook)
    for block, function in zip(blocks, spec.textbook, strict=True):
        assert block.source == inspect.getsource(function)
        assert block.qualname == function.__qualname__
        assert block.first_line == inspect.getsourcelines(function)[1]
        in_file = (REPO / block.file).read_text(encoding="utf-8").splitlines()
        assert in_file[block.first_line - 1 : block.first_line - 1 + len(block.lines)] == block.lines
        for i, line in enumerate(block.lines):
            marks = (spec.waits_at,) if isinstance(spec.waits_at, str) else spec.waits_at
            assert any(mark in line for mark in marks) == (i in block.wait_lines)
    assert any(block.wait_lines for block in blocks), f"{mode} marks no line where it waits"


def test_the_caption_names_the_file_the_first_line_the_function_and_the_wait_line() -> None:
    block = code_of(mode_spec("threads"))[0]
    wait_line = block.first_line + block.wait_lines[0]
    assert code_caption([block]) == (
        f"gui/core/modes/threads.py, line {block.first_line}: fetch_with_thread_pool, waits at line {wait_line}"
    )
    pool, worker = code_of(mode_spec("processes"))
    caption = code_caption([pool, worker])
    assert caption.count("gui/core/modes/processes.py") == 1
    assert f"; line {worker.first_line}: fetch_in_worker" in caption


async def test_speedups_are_wall_ratios_and_the_slowest_is_exactly_one(server: LocalServer) -> None:
    runs = [
        await finished_run(server, {"latency_ms": 50}, mode="sequential", count=6),
        await finished_run(server, {"latency_ms": 50}, mode="threads", count=6, concurrency=3),
        await finished_run(server, {"latency_ms": 50}, mode="asyncio", count=6, concurrency=6),
    ]
    rows = comparison_rows(runs)
    assert [row.title for row in rows] == ["Sequential", "Threads", "Asyncio"]
    slowest = max(runs, key=lambda run: run.wall_s)
    for row, run in zip(rows, runs, strict=True):
        assert row.speedup == pytest.approx(slowest.wall_s / run.wall_s)
        assert row.wall_s == run.wall_s and row.errors == run.summary.failed
        assert row.ideal_s == run.summary.ideal_s and row.p95_ms == run.summary.p95_ms
        assert row.fastest == (run.wall_s == min(r.wall_s for r in runs))
    assert rows[runs.index(slowest)].speedup == 1.0
    assert row_cells(rows[runs.index(slowest)])[-1] == "1.0×"
    assert rows[0].speedup == 1.0, "six waits one after another are the slowest"


def test_cells_write_units_the_way_the_explanation_does() -> None:
    assert seconds_text(2.4) == "2.40\u00a0s"
    assert percent_text(0.954) == "95\u00a0%"
    assert ms_text(152.4) == "152\u00a0ms" and ms_text(2.46) == "2.5\u00a0ms"
    assert speedup_text(12.34) == "12.3×"
    assert seconds_text(None) == percent_text(None) == ms_text(None) == speedup_text(None) == "–"
    assert comparison_rows([]) == []


def test_importing_explain_and_the_comparison_loads_no_qt() -> None:
    code = (
        "import sys, gui.core.views.explain, gui.core.results.comparison_table\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'qasync', 'gui.qt')))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_a_run_with_a_step_shows_the_step_code_with_its_holding_line_marked() -> None:
    import inspect

    from gui.core.views.explain import code_of_run
    from gui.core.workload.after_fetch import awaited_call, blocking_call
    from gui.core.workload.settings import make_settings

    for kind, function, marked in (
        ("block", blocking_call, "time.sleep(seconds)"),
        ("await-in-thread", awaited_call, "await asyncio.to_thread"),
    ):
        blocks = code_of_run(make_settings(mode="asyncio", after_fetch=kind, step_ms=50))
        step = blocks[-1]
        assert step.source == inspect.getsource(function)
        assert [step.lines[i] for i in step.wait_lines] and all(marked in step.lines[i] for i in step.wait_lines)
    assert len(code_of_run(make_settings(mode="threads"))) == 1  # no step: the mode's code alone
