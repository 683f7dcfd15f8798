"""Lessons II: own memory, the race and its lock, deadlock. Real runs against the local server.

Each lesson's figure must prove its point every time, so the last tests run each lesson 20 times
in a row and check both the figure and that nothing (thread, process, descriptor, switch
interval) is left behind.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import sys
import threading
from collections.abc import Sequence

import pytest

from gui.core.lessons.lesson import LessonFigures
from gui.core.model.segments import Segment, span_pieces
from gui.core.results.finished_run import FinishedRun
from gui.core.trace.events import Status
from gui.server import LocalServer
from tests.core.helpers import run_lesson_on


def check_memory(runs: Sequence[FinishedRun], figures: LessonFigures) -> None:
    threads, processes, shared = figures.variants
    count = runs[0].settings.count
    assert threads["parent_count"] == count
    assert threads["distinct_pids"] == 1
    assert processes["parent_count"] == 0, "the parent saw the children's counts: their memory is not their own?"
    assert sum(processes["per_worker_counts"].values()) == count
    assert processes["distinct_pids"] == len(processes["per_worker_counts"]) >= 2
    assert processes["last_count_seen"] == processes["per_worker_counts"], "a child counted beyond its own share"
    assert shared["parent_count"] == count
    assert max(shared["last_count_seen"].values()) == count  # one counter, every process adding to it
    for figure in figures.variants:
        assert all(lane for lane in figure["per_worker_counts"])


def check_race(runs: Sequence[FinishedRun], figures: LessonFigures) -> None:
    unsafe, locked = figures.variants
    assert unsafe["lost_updates"] > 0, "no update lost without the lock"
    assert unsafe["lost_updates"] == unsafe["lost_updates_seen"], "the bars mark other writes than those lost"
    assert locked["lost_updates"] == 0 and locked["lost_updates_seen"] == 0
    assert locked["lock_wait_s"] > 0 and unsafe["lock_wait_s"] == 0
    assert unsafe["updates"] == locked["updates"] > runs[0].settings.count  # some Pokémon have two types


def check_deadlock(runs: Sequence[FinishedRun], figures: LessonFigures) -> None:
    opposite, ordered = figures.variants
    assert opposite["deadlock_detected"] is True
    assert 0 <= opposite["detected_after_s"] < 2.0
    assert len(opposite["cycle"]) >= 2 and all(opposite["cycle"])
    assert set(opposite["cycle_locks"]) == {"Pokédex", "PC box"}
    assert ordered["deadlock_detected"] is False and ordered["cycle"] == []
    assert ordered["finished"] == runs[1].settings.count
    for run in runs:  # every request ended, each in one state
        assert run.model.done == run.model.total
        assert all(span.status.is_final for span in run.model.spans)


CHECKS = {"memory": check_memory, "race": check_race, "deadlock": check_deadlock}


def test_the_deadlocked_requests_are_drawn_stuck_and_end_cancelled_with_the_reason(server: LocalServer) -> None:
    runs, figures = run_lesson_on(server, "deadlock")
    opposite = runs[0]
    found = opposite.model.deadlocks[0]
    for request_id in found.requests:
        span = opposite.model.spans[request_id]
        assert span.deadlocked and span.status is Status.CANCELLED
        assert "gave up waiting for the" in (span.error or "")
        stuck = [p for p in span_pieces(span, opposite.wall_s, False) if p.segment is Segment.DEADLOCKED]
        assert len(stuck) == 1, "a deadlocked request has one stuck wait (then it lets go of its first lock)"
        assert stuck[0].t0 <= found.formed_t <= found.t <= stuck[0].t1
    waits = [e for span in opposite.model.spans for e in span.locks if e.action == "wait" and e.holder is not None]
    assert waits, "no wait named the request holding its lock"
    assert all(opposite.model.spans[e.holder].lane for e in waits)  # type: ignore[index]


def test_a_locked_bar_shows_its_waits_and_holds_and_an_unsafe_one_its_lost_writes(server: LocalServer) -> None:
    runs, _ = run_lesson_on(server, "race")
    unsafe, locked = runs
    unsafe_kinds = {p.segment for s in unsafe.model.spans for p in span_pieces(s, unsafe.wall_s, False)}
    locked_kinds = {p.segment for s in locked.model.spans for p in span_pieces(s, locked.wall_s, False)}
    assert {Segment.UPDATING, Segment.LOST_UPDATE} <= unsafe_kinds
    assert {Segment.LOCK_WAIT, Segment.LOCK_HELD} <= locked_kinds
    assert not locked_kinds & {Segment.LOST_UPDATE, Segment.UPDATING}


@pytest.mark.timeout(300)
@pytest.mark.parametrize("lesson_id", list(CHECKS))
def test_each_lesson_shows_its_figure_20_times_in_a_row_and_leaves_nothing_behind(
    server: LocalServer, lesson_id: str
) -> None:
    asyncio.run(asyncio.sleep(0))  # the first event loop's own descriptors exist before counting
    before = (threading.active_count(), len(multiprocessing.active_children()), _open_fds(), sys.getswitchinterval())
    for attempt in range(20):
        runs, figures = run_lesson_on(server, lesson_id)
        try:
            CHECKS[lesson_id](runs, figures)
        except AssertionError as failure:
            raise AssertionError(f"run {attempt + 1} of 20: {failure}; figure {figures}") from None
    for child in multiprocessing.active_children():  # finished pool workers are reaped on this call
        child.join(timeout=5)
    after = (threading.active_count(), len(multiprocessing.active_children()), _open_fds(), sys.getswitchinterval())
    assert after[0] == before[0], "threads were left behind"
    assert after[1] == before[1], "worker processes were left behind"
    assert after[2] <= before[2] + 2, f"descriptors leaked: {before[2]} before, {after[2]} after"
    assert after[3] == before[3], "the switch interval was not put back"


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0


def test_a_lesson_run_comes_back_from_the_history_with_its_locks_writes_and_deadlock(server: LocalServer) -> None:
    import json

    from gui.core.history.run_record import record_of, run_from_record

    race, _ = run_lesson_on(server, "race")
    deadlock, _ = run_lesson_on(server, "deadlock")
    for run in (race[0], race[1], deadlock[0]):
        rebuilt = run_from_record(json.loads(json.dumps(record_of(run))))
        assert record_of(rebuilt) == record_of(run)
        assert [s.lost for s in rebuilt.model.spans] == [s.lost for s in run.model.spans]
        assert [s.deadlocked for s in rebuilt.model.spans] == [s.deadlocked for s in run.model.spans]
        assert rebuilt.model.observed == run.model.observed
