"""The run history keeps every run whole: across restarts, a kill mid-write, and files gone bad."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.core.history.run_record import RecordError, record_of, run_from_record
from gui.core.history.store import (
    HISTORY_ENV,
    History,
    HistoryUnavailable,
    Trouble,
    conditions_text,
    open_history,
)
from gui.core.model.run_model import RunModel
from gui.core.results.finished_run import FinishedRun
from gui.core.results.stats import KnownNetwork, RunSummary, level_steps, summarize
from gui.core.trace.events import EndEvent, Outcome, Phase, PhaseEvent, Status
from gui.core.workload.jobs import Job
from gui.core.workload.settings import make_settings
from gui.history_cli import history_main, record_finished
from gui.server import LocalServer, NetworkConditions
from tests.core.helpers import run_mode, run_stopped_after

ROOT = Path(__file__).resolve().parents[2]
RETRY_CONDITIONS = {"latency_ms": 20, "jitter_ms": 5, "jitter": "uniform", "error_rate": 0.3, "retry_after_s": 0}


def finished(run_settings: Any, model: Any, wall_s: float, started_at: float, played: NetworkConditions) -> FinishedRun:
    summary = summarize(model, run_settings, wall_s, network_of(played.to_dict()))
    return FinishedRun(run_settings, model, summary, started_at, played.to_dict())


def network_of(conditions: dict[str, Any] | None) -> KnownNetwork:
    assert conditions is not None
    return KnownNetwork.from_conditions(conditions)


async def retried_run(server: LocalServer) -> FinishedRun:
    """A threads run where some requests fail and are retried (the server's dice start over)."""
    played = server.set_conditions(**RETRY_CONDITIONS, seed=4)
    server.reset_dice()
    run, model = await run_mode(server.base_url, mode="threads", count=24, concurrency=4, retries=2, backoff_s=0.01)
    return finished(run.settings, model, run.wall_s, run.started_at, played)


async def stopped_run(server: LocalServer) -> FinishedRun:
    """An asyncio run stopped after its third answer: the rest end cancelled, some never started."""
    played = server.set_conditions(**NetworkConditions(latency_ms=20).to_dict())
    run, model = await run_stopped_after(server.base_url, 3, mode="asyncio", count=30, concurrency=3)
    return FinishedRun.of(run, played.to_dict(), model=model)


@pytest.fixture
async def retried(server: LocalServer) -> FinishedRun:
    return await retried_run(server)


@pytest.fixture
async def stopped(server: LocalServer) -> FinishedRun:
    return await stopped_run(server)


@pytest.fixture
def history_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


@pytest.fixture
def history(history_path: Path) -> Iterator[History]:
    with History(history_path) as opened:
        yield opened


def assert_one_sentence(message: str | None, path: Path) -> None:
    assert message is not None
    assert str(path) in message and "\n" not in message
    assert message.endswith(".") and message.count(". ") == 0, message


def broken_copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".broken-*"))


# Keeping, listing, loading, forgetting


async def test_kept_runs_are_listed_newest_first_with_their_list_columns(
    history: History, retried: FinishedRun, stopped: FinishedRun
) -> None:
    first, second = history.add(retried), history.add(stopped)
    entries = history.list()
    assert [e.id for e in entries] == [second, first]
    newest, oldest = entries
    assert (oldest.mode, oldest.count, oldest.concurrency) == ("threads", 24, 4)
    assert oldest.conditions == "20 ms ±5 uniform, 30 % errors"
    assert oldest.wall_s == retried.summary.wall_s and oldest.efficiency == retried.summary.efficiency
    assert oldest.started_at == retried.started_at and not oldest.stopped
    assert (newest.mode, newest.count, newest.concurrency, newest.stopped) == ("asyncio", 30, 3, True)


async def test_a_loaded_run_is_the_run_that_was_kept(history: History, retried: FinishedRun) -> None:
    loaded = history.load(history.add(retried))
    assert record_of(loaded) == record_of(retried)
    assert loaded.summary == retried.summary and loaded.settings == retried.settings
    assert loaded.title == "Threads"


async def test_runs_survive_closing_and_reopening_the_file(history_path: Path, retried: FinishedRun) -> None:
    with History(history_path) as history:
        run_id = history.add(retried)
    with History(history_path) as reopened:
        assert [e.id for e in reopened.list()] == [run_id]
        assert record_of(reopened.load(run_id)) == record_of(retried)


async def test_deleted_runs_are_gone_and_the_others_stay(history: History, retried: FinishedRun) -> None:
    ids = [history.add(retried) for _ in range(4)]
    assert history.delete([ids[0], ids[2], 9999]) == 2
    assert [e.id for e in history.list()] == [ids[3], ids[1]]
    with pytest.raises(KeyError):
        history.load(ids[0])
    assert history.add(retried) > ids[3], "a deleted run's id is never given again"


async def test_the_oldest_runs_go_when_one_more_than_the_cap_is_added(history_path: Path, retried: FinishedRun) -> None:
    with History(history_path, cap=3) as history:
        ids = [history.add(retried) for _ in range(5)]
        assert [e.id for e in history.list()] == ids[:1:-1]


async def test_the_size_is_the_file_and_its_write_ahead_log(history: History, retried: FinishedRun) -> None:
    empty = history.size_bytes()
    history.add(retried)
    wal = history.path.with_name(history.path.name + "-wal")
    on_disk = history.path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    assert history.size_bytes() == on_disk > empty > 0


def test_the_conditions_column_reads_like_the_controls() -> None:
    played = NetworkConditions(latency_ms=150, jitter_ms=30, jitter="uniform", error_rate=0.03).to_dict()
    assert conditions_text(played) == "150 ms ±30 uniform, 3 % errors"
    assert conditions_text(NetworkConditions().to_dict()) == "0 ms"
    assert conditions_text(None, "https://pokeapi.co/api/v2") == "pokeapi.co"


# The record round trip


@pytest.mark.parametrize("make", [retried_run, stopped_run], ids=["retried", "stopped"])
async def test_a_record_rebuilds_the_same_record_model_and_summary(server: LocalServer, make: Any) -> None:
    run = await make(server)
    record = record_of(run)
    rebuilt = run_from_record(json.loads(json.dumps(record)))  # as the history stores it
    assert record_of(rebuilt) == record
    assert record_of(run_from_record(record_of(rebuilt))) == record

    before, after = run.model, rebuilt.model
    assert after.lanes == before.lanes and after.done == before.done
    assert [after.lane_index(lane) for lane in before.lanes] == list(range(len(before.lanes)))
    assert sorted(after.ended_order) == sorted(before.ended_order)
    assert after.peak_in_flight == max((level for _, level in level_steps(before.flight_changes)), default=0)
    # Rounded first, then sorted: a request cancelled in the microsecond it started must not swap order.
    assert sorted((round(t, 6), d) for t, d in before.flight_changes) == sorted(after.flight_changes)
    for old, new in zip(before.spans, after.spans, strict=True):
        assert (new.url, new.card, new.retries, len(new.failed_tries)) == (
            old.url,
            old.card,
            old.retries,
            len(old.failed_tries),
        )
        assert new.retry_until == pytest.approx(old.retry_until, abs=2e-6)

    again = summarize(after, rebuilt.settings, rebuilt.wall_s, network_of(rebuilt.conditions))
    assert_same_numbers(again, run.summary)


def assert_same_numbers(rebuilt: RunSummary, original: RunSummary) -> None:
    """Equal up to the microsecond the record rounds each span time to."""
    new, old = rebuilt.to_dict(), original.to_dict()
    assert new.pop("errors") == old.pop("errors")
    for name, value in old.items():
        microseconds = 1e-3 if name.endswith("_ms") else 1e-4  # a sum of many spans gathers a few
        assert new[name] == pytest.approx(value, abs=microseconds), name


async def test_the_retried_run_really_retried_and_kept_its_cards(retried: FinishedRun) -> None:
    """The round trip above only proves something if there were failed tries and cards to lose."""
    assert retried.summary.retries > 0 and any(s.failed_tries for s in retried.model.spans)
    assert any(s.card is not None for s in retried.model.spans)


def test_lanes_keep_the_order_the_live_run_met_them_in() -> None:
    """Threads race to report: worker_b's start may arrive before worker_a's earlier one."""
    model = RunModel([Job(0, "bulbasaur", "u0"), Job(1, "ivysaur", "u1")])
    model.apply([PhaseEvent(1, Phase.STARTED, 0.2, "worker_b"), PhaseEvent(0, Phase.STARTED, 0.1, "worker_a")])
    model.apply([EndEvent(0, 0.3, Outcome(Status.OK, 200)), EndEvent(1, 0.4, Outcome(Status.OK, 200))])
    settings = make_settings(mode="threads", count=2, concurrency=2)
    run = FinishedRun(settings, model, summarize(model, settings, 0.5, None), 0.0, None)
    rebuilt = run_from_record(record_of(run)).model
    assert rebuilt.lanes == ["worker_b", "worker_a"] and rebuilt.lane_index("worker_b") == 0
    assert rebuilt.flight_changes == [(0.1, 1), (0.2, 1), (0.3, -1), (0.4, -1)] and rebuilt.peak_in_flight == 2


async def test_a_record_from_a_newer_version_or_cut_short_is_refused_with_a_reason(retried: FinishedRun) -> None:
    record = record_of(retried)
    with pytest.raises(RecordError, match="newer"):
        run_from_record({**record, "version": 99})
    with pytest.raises(RecordError, match="malformed"):
        run_from_record({k: v for k, v in record.items() if k != "spans"})


# Files that cannot be used


async def test_a_garbage_file_gives_one_message_and_is_moved_aside_not_deleted(history_path: Path) -> None:
    history_path.parent.mkdir(parents=True)
    garbage = bytes(range(256)) * 32
    history_path.write_bytes(garbage)
    with pytest.raises(HistoryUnavailable) as raised:
        History(history_path)
    assert raised.value.trouble is Trouble.CORRUPT
    assert_one_sentence(str(raised.value), history_path)
    assert history_path.read_bytes() == garbage, "opening alone never moves anything"

    history, message = open_history(history_path)
    assert history is None
    assert_one_sentence(message, history_path)
    [aside] = broken_copies(history_path)
    assert aside.read_bytes() == garbage and not history_path.exists()
    assert message is not None and aside.name in message

    fresh, problem = open_history(history_path)
    assert fresh is not None and problem is None
    with fresh:
        assert fresh.list() == []


def test_some_other_sqlite_database_is_not_taken_for_a_history(history_path: Path) -> None:
    history_path.parent.mkdir(parents=True)
    with sqlite3.connect(history_path) as other:
        other.execute("CREATE TABLE notes (text TEXT)")
    other.close()
    history, message = open_history(history_path)
    assert history is None
    assert_one_sentence(message, history_path)
    assert len(broken_copies(history_path)) == 1


async def test_a_locked_file_gives_one_message_and_stays_where_it_is(history_path: Path, retried: FinishedRun) -> None:
    with History(history_path) as history:
        run_id = history.add(retried)
    holder = sqlite3.connect(history_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(HistoryUnavailable) as raised:
            History(history_path, timeout_s=0.1)
        assert raised.value.trouble is Trouble.LOCKED
        unavailable, message = open_history(history_path, timeout_s=0.1)
        assert unavailable is None
        assert_one_sentence(message, history_path)
        assert message is not None and "locked" in message
    finally:
        holder.close()
    assert broken_copies(history_path) == [] and history_path.exists()
    with History(history_path) as reopened:
        assert [e.id for e in reopened.list()] == [run_id]


def test_a_folder_in_the_way_gives_one_message_and_stays_where_it_is(history_path: Path) -> None:
    history_path.mkdir(parents=True)
    history, message = open_history(history_path)
    assert history is None
    assert_one_sentence(message, history_path)
    assert history_path.is_dir() and broken_copies(history_path) == []


# A kill mid-write

CHILD = r"""
import json, sys
from pathlib import Path
from gui.core.history.store import History
from gui.core.history.run_record import run_from_record

path, records = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
history = History(path)
for record in records[:2]:
    history.add(run_from_record(record))

wal = path.with_name(path.name + "-wal")
committed_bytes = wal.stat().st_size

def hold_before_commit(statement):
    if statement == "COMMIT":  # the third run is written inside add()'s transaction, not committed
        print("inside the transaction", committed_bytes, wal.stat().st_size, flush=True)
        sys.stdin.readline()  # wait here until the parent kills us

# A one-page cache makes SQLite spill the uncommitted run into the log, so recovery must skip it.
history._db.execute("PRAGMA cache_size = 1")
history._db.set_trace_callback(hold_before_commit)
history.add(run_from_record(records[2]))
"""


async def test_a_kill_in_the_middle_of_writing_a_run_leaves_the_earlier_runs_whole(
    tmp_path: Path, history_path: Path, retried: FinishedRun, stopped: FinishedRun
) -> None:
    runs = [retried, stopped, retried]
    records_file = tmp_path / "records.json"
    records_file.write_text(json.dumps([record_of(run) for run in runs]), encoding="utf-8")
    command = [sys.executable, "-c", CHILD, str(history_path), str(records_file)]
    pipes = subprocess.PIPE
    with subprocess.Popen(command, cwd=ROOT, stdin=pipes, stdout=pipes, stderr=pipes, text=True) as child:
        assert child.stdout is not None and child.stderr is not None
        try:
            ready = child.stdout.readline()  # the child's signal, sent from inside the open transaction
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
        errors = child.stderr.read()
    assert ready.startswith("inside the transaction"), errors
    committed_bytes, log_bytes = map(int, ready.split()[-2:])
    assert log_bytes > committed_bytes, "the third run's uncommitted pages are in the log when it dies"
    assert child.returncode == -signal.SIGKILL

    with History(history_path) as history:
        entries = history.list()
        assert [(e.mode, e.count) for e in entries] == [("asyncio", 30), ("threads", 24)]
        for entry, run in zip(reversed(entries), runs[:2], strict=True):
            assert record_of(history.load(entry.id)) == record_of(run)


# The command line


async def test_the_history_command_prints_a_table_with_the_path_and_size(
    history_path: Path, retried: FinishedRun, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(HISTORY_ENV, str(history_path))
    assert record_finished(retried, enabled=True) is None
    assert history_main(as_json=False) == 0
    out = capsys.readouterr().out
    assert str(history_path) in out and "1 run)" in out
    header, row = out.splitlines()[2:4]
    assert header.split()[:4] == ["id", "when", "mode", "N"] and "efficiency" in header
    assert "threads" in row and "20 ms ±5 uniform, 30 % errors" in row and f"{retried.wall_s:.2f} s" in row


async def test_the_history_command_prints_json_with_every_run(
    history_path: Path, retried: FinishedRun, stopped: FinishedRun, capsys: pytest.CaptureFixture[str]
) -> None:
    with History(history_path) as history:
        ids = [history.add(retried), history.add(stopped)]
    assert history_main(as_json=True, path=history_path) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["path"] == str(history_path) and report["size_bytes"] == history_path.stat().st_size > 0
    assert [run["id"] for run in report["runs"]] == ids[::-1]
    assert report["runs"][0]["stopped"] is True and report["runs"][1]["concurrency"] == 4


def test_the_history_command_on_a_broken_file_says_so_once_and_exits_1(
    history_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history_path.parent.mkdir(parents=True)
    history_path.write_bytes(b"not a database, just words" * 100)
    assert history_main(as_json=True, path=history_path) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1
    assert str(history_path) in captured.err


def test_the_history_command_on_no_file_lists_nothing_and_creates_nothing(
    history_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert history_main(as_json=True, path=history_path) == 0
    assert json.loads(capsys.readouterr().out) == {"path": str(history_path), "size_bytes": 0, "runs": []}
    assert not history_path.exists()


async def test_a_headless_run_is_kept_unless_history_is_off(
    history_path: Path, retried: FinishedRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HISTORY_ENV, str(history_path))
    assert record_finished(retried, enabled=False) is None
    assert not history_path.exists()
    assert record_finished(retried, enabled=True) is None
    with History() as history:
        assert history.path == history_path and len(history.list()) == 1


async def test_a_headless_run_on_a_broken_history_warns_and_moves_the_file_aside(
    history_path: Path, retried: FinishedRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(HISTORY_ENV, str(history_path))
    history_path.parent.mkdir(parents=True)
    history_path.write_bytes(b"\x00garbage" * 1000)
    warning = record_finished(retried, enabled=True)
    assert_one_sentence(warning, history_path)
    assert len(broken_copies(history_path)) == 1
