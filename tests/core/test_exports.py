"""Exports of real runs against the local server: CSV, HAR 1.2, the Chrome trace, the JSON report,
and the atomic writer they all go through."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import subprocess
import sys
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft6Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT6

from gui.core.exports import (
    CSV_COLUMNS,
    ExportError,
    chrome_trace_of_runs,
    har_log,
    json_report,
    reports_json,
    span_record,
    spans_csv,
    write_atomically,
    write_chrome_trace,
    write_csv,
    write_har,
    write_json_report,
)
from gui.core.exports.ascii_lanes import ascii_timeline
from gui.core.model.run_model import RunModel, Span
from gui.core.results.finished_run import FinishedRun
from gui.core.trace.events import EndEvent, Outcome, Phase, PhaseEvent, Status
from gui.core.workload.jobs import Job
from gui.server import LocalServer, NetworkConditions
from tests.core.helpers import run_mode, run_stopped_after

HAR_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "har-schema"
HAR_TIMINGS = ("blocked", "dns", "connect", "ssl", "send", "wait", "receive")
# 16 Pokémon the server knows and one it does not: a 404 is an error no retry can fix.
NAMES = [
    "bulbasaur",
    "ivysaur",
    "venusaur",
    "charmander",
    "charmeleon",
    "charizard",
    "squirtle",
    "wartortle",
    "blastoise",
    "caterpie",
    "metapod",
    "butterfree",
    "weedle",
    "kakuna",
    "beedrill",
    "pikachu",
    "missingno",
]


def finish(server: LocalServer, **settings: Any) -> FinishedRun:
    run, model = asyncio.run(run_mode(server.base_url, **settings))
    return FinishedRun.of(run, server.conditions.to_dict(), model=model)


def finish_cancelled(server: LocalServer) -> FinishedRun:
    """Two at a time, cancelled once two have ended: most requests never leave the queue."""
    run, model = asyncio.run(run_stopped_after(server.base_url, 2, mode="asyncio", count=20, concurrency=2))
    return FinishedRun.of(run, server.conditions.to_dict(), model=model)


@pytest.fixture(scope="module")
def runs(shared_server: LocalServer) -> Iterator[dict[str, FinishedRun]]:
    """Real runs, made once for this module: retried errors in both clients, and a cancelled run."""
    try:
        shared_server.set_conditions(latency_ms=10, error_rate=0.5, seed=3, retry_after_s=0)
        flaky = {"names": NAMES, "concurrency": 4, "retries": 3, "backoff_s": 0.01}
        made = {
            "threads": finish(shared_server, mode="threads", **flaky),
            "asyncio": finish(shared_server, mode="asyncio", **flaky),
        }
        shared_server.set_conditions(**{**NetworkConditions().to_dict(), "latency_ms": 30})
        made["cancelled"] = finish_cancelled(shared_server)
        yield made
    finally:
        shared_server.set_conditions(**NetworkConditions().to_dict())


def spans_of(*finished: FinishedRun) -> list[Span]:
    return [span for run in finished for span in run.model.spans]


# --- CSV ----------------------------------------------------------------------------------------


def test_csv_parses_back_with_one_row_per_request_and_its_status(runs: dict[str, FinishedRun]) -> None:
    chosen = [runs["threads"], runs["asyncio"], runs["cancelled"]]
    reader = csv.DictReader(io.StringIO(spans_csv(chosen), newline=""))
    rows = list(reader)
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    spans = spans_of(*chosen)
    assert len(rows) == len(spans)
    expected_run = [index for index, run in enumerate(chosen, start=1) for _ in run.model.spans]
    assert [int(row["run"]) for row in rows] == expected_run
    assert [row["mode"] for row in rows] == [run.settings.mode for run in chosen for _ in run.model.spans]
    for row, span in zip(rows, spans, strict=True):
        assert (row["pokemon"], row["status"], int(row["retries"])) == (span.pokemon, span.status.value, span.retries)
        assert row["http_status"] == ("" if span.http_status is None else str(span.http_status))
        for phase in Phase:
            cell = row[f"{phase.value}_s"]
            assert (cell == "") if phase not in span.t else float(cell) == pytest.approx(span.t[phase], abs=1e-6)
    missing = [row for row in rows if row["pokemon"] == "missingno"]
    assert {row["status"] for row in missing} == {"http_error"} and "HTTP" in missing[0]["error"]


def test_a_retried_run_exports_real_retries_and_a_failure(runs: dict[str, FinishedRun]) -> None:
    for run in (runs["threads"], runs["asyncio"]):
        assert run.summary.retries > 0 and run.summary.failed >= 1
        assert any(s.status is Status.OK and s.retries for s in run.model.spans)


# --- HAR ----------------------------------------------------------------------------------------


def har_validator() -> Draft6Validator:
    """The real HAR 1.2 schema (npm har-schema 2.0.0), its files referring to each other by name."""
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=DRAFT6))
        for path in sorted(HAR_SCHEMA.glob("*.json"))
    ]
    root = json.loads((HAR_SCHEMA / "har.json").read_text())
    return Draft6Validator(root, registry=Registry().with_resources(resources), format_checker=FormatChecker())


def test_the_har_schema_check_rejects_a_broken_log() -> None:
    broken = {"log": {"version": "1.2", "creator": {"name": "x"}, "entries": [{"time": 1}]}}
    messages = {error.message for error in har_validator().iter_errors(broken)}
    assert "'version' is a required property" in messages and "'timings' is a required property" in messages


def test_har_of_a_comparison_validates_against_the_har_1_2_schema(runs: dict[str, FinishedRun]) -> None:
    chosen = [runs["threads"], runs["asyncio"], runs["cancelled"]]
    har = har_log(chosen)
    assert [error.message for error in har_validator().iter_errors(har)] == []
    log = har["log"]
    assert log["version"] == "1.2" and log["creator"]["name"] == "Poké Concurrency Lab"
    assert [page["id"] for page in log["pages"]] == ["run-1", "run-2", "run-3"]
    assert log["pages"][0]["title"] == "Threads: 17 requests, 4 at once"
    assert log["pages"][2]["title"] == "Asyncio: 20 requests, 2 at once"
    for page, run in zip(log["pages"], chosen, strict=True):
        started = datetime.fromisoformat(page["startedDateTime"])
        assert started.tzinfo is not None and started.timestamp() == pytest.approx(run.started_at, abs=0.001)


def test_har_timings_are_milliseconds_that_add_up_to_time(runs: dict[str, FinishedRun]) -> None:
    for entry in har_log([runs["threads"], runs["asyncio"], runs["cancelled"]])["log"]["entries"]:
        timings = entry["timings"]
        assert timings["dns"] == -1 and timings["ssl"] == -1
        assert all(timings[name] >= 0 for name in ("blocked", "connect", "send", "wait", "receive"))
        used = [timings[name] for name in HAR_TIMINGS if timings[name] >= 0]
        assert sum(used) == pytest.approx(entry["time"], abs=1e-9)
        assert timings["_blocked_queueing"] + timings["_blocked_retrying"] == pytest.approx(timings["blocked"])


def test_har_entries_end_when_the_answer_was_received(runs: dict[str, FinishedRun]) -> None:
    run = runs["asyncio"]
    by_url = {span.url: span for span in run.model.spans}
    for entry in har_log([run])["log"]["entries"]:
        span = by_url[entry["request"]["url"]]
        if Phase.RECEIVED not in span.t:
            continue
        ends_s = datetime.fromisoformat(entry["startedDateTime"]).timestamp() + entry["time"] / 1000
        # startedDateTime has whole milliseconds, the timings whole microseconds.
        assert ends_s == pytest.approx(run.started_at + span.t[Phase.RECEIVED], abs=0.0015)
        if span.retries:
            retrying_ms = (span.retry_until or 0.0) - span.t[Phase.STARTED]
            assert entry["timings"]["_blocked_retrying"] == pytest.approx(retrying_ms * 1000, abs=0.002)


def test_har_entries_carry_status_lane_and_retries_and_are_sorted_for_devtools(runs: dict[str, FinishedRun]) -> None:
    chosen = [runs["threads"], runs["asyncio"]]
    entries = har_log(chosen)["log"]["entries"]
    starts = [datetime.fromisoformat(entry["startedDateTime"]) for entry in entries]
    assert starts == sorted(starts)
    assert len(entries) == len(spans_of(*chosen))
    for page, run in (("run-1", chosen[0]), ("run-2", chosen[1])):
        mine = {entry["request"]["url"]: entry for entry in entries if entry["pageref"] == page}
        for span in run.model.spans:
            entry = mine[span.url]
            assert entry["response"]["status"] == (span.http_status or 0)
            assert (entry["_status"], entry["_lane"], entry["_retries"]) == (span.status.value, span.lane, span.retries)
    # Unknown: a 404, unless the flaky server's dice answered every try with a 5xx or a 429 first.
    missing = next(entry for entry in entries if entry["request"]["url"].endswith("/missingno/"))
    assert (missing["response"]["status"], missing["response"]["statusText"]) in {
        (404, "Not Found"),
        (429, "Too Many Requests"),
        (500, "Internal Server Error"),
        (503, "Service Unavailable"),
    }


def test_har_leaves_out_requests_cancelled_while_queued(runs: dict[str, FinishedRun]) -> None:
    run = runs["cancelled"]
    never_started = [span for span in run.model.spans if span.start is None]
    assert never_started, "the cancel left queued requests behind"
    entries = har_log([run])["log"]["entries"]
    assert len(entries) == len(run.model.spans) - len(never_started)
    assert {span.url for span in never_started}.isdisjoint(entry["request"]["url"] for entry in entries)


def test_write_har_writes_the_same_document_to_a_file(runs: dict[str, FinishedRun], tmp_path: Path) -> None:
    path = tmp_path / "runs.har"
    write_har(path, [runs["threads"]])
    assert json.loads(path.read_text(encoding="utf-8")) == har_log([runs["threads"]])


# --- Chrome trace -------------------------------------------------------------------------------


def complete_slices(trace: dict[str, Any]) -> list[dict[str, Any]]:
    return [event for event in trace["traceEvents"] if event["ph"] == "X"]


def partial_overlaps(slices: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of slices on one (pid, tid) track that overlap without one holding the other.

    Viewers nest slices by containment; a slice that pokes out of its neighbour is dropped.
    """
    tracks: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for event in slices:
        tracks[event["pid"], event["tid"]].append(event)
    bad = []
    for track in tracks.values():
        for a, b in combinations(track, 2):
            a0, a1, b0, b1 = a["ts"], a["ts"] + a["dur"], b["ts"], b["ts"] + b["dur"]
            disjoint = a1 <= b0 or b1 <= a0
            nested = (a0 <= b0 and b1 <= a1) or (b0 <= a0 and a1 <= b1)
            if not (disjoint or nested):
                bad.append((a["name"], b["name"]))
    return bad


def test_the_overlap_check_catches_a_slice_that_pokes_out_by_a_tenth_of_a_microsecond() -> None:
    touching = [
        {"pid": 1, "tid": 1, "ts": 0, "dur": 10, "name": "a"},
        {"pid": 1, "tid": 1, "ts": 10, "dur": 5, "name": "b"},
    ]
    poking = [{**touching[0], "dur": 10.1}, touching[1]]
    assert partial_overlaps(touching) == [] and partial_overlaps(poking) == [("a", "b")]


def test_trace_slices_on_a_track_never_partly_overlap(runs: dict[str, FinishedRun]) -> None:
    slices = complete_slices(chrome_trace_of_runs([runs["threads"], runs["asyncio"], runs["cancelled"]]))
    assert len(slices) > 100
    assert all(isinstance(event["ts"], int) and isinstance(event["dur"], int) for event in slices)
    assert all(event["dur"] >= 0 for event in slices)
    assert partial_overlaps(slices) == []


def requests_with_children(slices: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each request slice with the slices that follow it in the file (what happened inside it)."""
    current: tuple[dict[str, Any], list[dict[str, Any]]] | None = None
    for event in slices:
        if event["cat"] == "request":
            if current is not None:
                yield current
            current = (event, [])
        elif current is not None:
            current[1].append(event)
    if current is not None:
        yield current


def test_a_retried_request_shows_each_failed_try_and_back_off_then_its_final_try(
    runs: dict[str, FinishedRun],
) -> None:
    for run in (runs["threads"], runs["asyncio"]):
        spans = {span.pokemon: span for span in run.model.spans}
        retried = 0
        for request, children in requests_with_children(complete_slices(chrome_trace_of_runs([run]))):
            span = spans[request["name"]]
            expected = []
            for number, failed in enumerate(span.failed_tries, start=1):
                expected += [f"Try {number} failed: {failed.reason}", "Back-off"]
            names = [child["name"] for child in children]
            assert names[: len(expected)] == expected
            assert all(child["cat"] == "phase" for child in children[len(expected) :])
            for child in children:
                assert request["ts"] <= child["ts"] and child["ts"] + child["dur"] <= request["ts"] + request["dur"]
            if span.failed_tries and Phase.CONNECTED in span.t:
                retried += 1
                back_off, first_phase = children[len(expected) - 1], children[len(expected)]
                assert first_phase["name"] == "Initial connection"
                assert first_phase["ts"] == back_off["ts"] + back_off["dur"], "the final try starts as the wait ends"
        assert retried > 0


def test_each_run_of_a_comparison_is_its_own_process_named_after_it(runs: dict[str, FinishedRun]) -> None:
    chosen = [runs["threads"], runs["asyncio"]]
    events = chrome_trace_of_runs(chosen)["traceEvents"]
    names = {e["pid"]: e["args"]["name"] for e in events if e["name"] == "process_name"}
    assert names == {1: "1. Threads: 17 requests, 4 at once", 2: "2. Asyncio: 17 requests, 4 at once"}
    for pid, run in enumerate(chosen, start=1):
        lanes = [e["args"]["name"] for e in events if e["name"] == "thread_name" and e["pid"] == pid]
        assert lanes == run.model.lanes
        requests = [e for e in events if e.get("cat") == "request" and e["pid"] == pid]
        assert sorted(e["name"] for e in requests) == sorted(s.pokemon for s in run.model.spans)


# --- JSON report --------------------------------------------------------------------------------


def test_json_report_keeps_its_keys(runs: dict[str, FinishedRun]) -> None:
    run = runs["threads"]
    report = json_report(run.settings, run.summary, run.model, {"conditions": run.conditions})
    assert list(report) == ["settings", "summary", "lanes", "spans", "worker_startup"]
    assert report["worker_startup"] == [], "a threads run starts no interpreter"
    assert report["settings"]["mode"] == "threads" and report["settings"]["conditions"]["error_rate"] == 0.5
    record = span_record(next(s for s in run.model.spans if s.failed_tries))
    keys = ["id", "pokemon", "lane", "status", "http_status", "error", "bytes", "retries", "t", "failed_tries", "card"]
    assert list(record) == keys
    assert len(record["failed_tries"][0]) == 4 and list(record["t"])[0] == "queued"
    json.dumps(report)  # plain JSON all the way down


def test_a_json_file_holds_one_report_or_a_comparisons_reports_in_order(
    runs: dict[str, FinishedRun], tmp_path: Path
) -> None:
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    write_json_report(one, [runs["threads"]])
    write_json_report(two, [runs["threads"], runs["asyncio"]])
    written = json.loads(one.read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(reports_json([runs["threads"]])))
    assert written["settings"]["mode"] == "threads"
    compared = json.loads(two.read_text(encoding="utf-8"))
    assert [report["settings"]["mode"] for report in compared["runs"]] == ["threads", "asyncio"]
    assert [len(report["spans"]) for report in compared["runs"]] == [17, 17]


# --- writing files ------------------------------------------------------------------------------


def test_a_missing_folder_raises_export_error_naming_the_path_and_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "nope" / "runs.csv"
    with pytest.raises(ExportError) as caught:
        write_atomically(path, "run,mode\n")
    assert str(caught.value) == f"cannot write {path}: No such file or directory"
    assert isinstance(caught.value, ValueError)
    assert not path.parent.exists()


def test_a_failed_replace_removes_its_temporary_file(tmp_path: Path) -> None:
    taken = tmp_path / "runs.har"
    taken.mkdir()  # a folder where the file should go: the final rename fails
    with pytest.raises(ExportError, match=f"cannot write {taken}: "):
        write_atomically(taken, b"{}")
    assert [p.name for p in tmp_path.iterdir()] == ["runs.har"] and taken.is_dir()


def test_an_existing_file_is_replaced_whole(runs: dict[str, FinishedRun], tmp_path: Path) -> None:
    path = tmp_path / "runs.csv"
    path.write_text("old line that is longer than anything\n" * 10_000, encoding="utf-8")
    write_csv(path, [runs["asyncio"]])
    assert path.read_bytes() == spans_csv([runs["asyncio"]]).encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["runs.csv"]


def test_the_trace_written_piece_by_piece_is_the_document_as_one_text(
    runs: dict[str, FinishedRun], tmp_path: Path
) -> None:
    """Streamed to the file event by event (never one string in memory), byte for byte the same."""
    chosen = [runs["threads"], runs["asyncio"], runs["cancelled"]]
    path = tmp_path / "trace.json"
    write_chrome_trace(path, chosen)
    assert path.read_text(encoding="utf-8") == json.dumps(chrome_trace_of_runs(chosen))
    write_chrome_trace(path, [])
    assert json.loads(path.read_text(encoding="utf-8")) == {"traceEvents": [], "displayTimeUnit": "ms"}


def test_pieces_that_fail_half_way_leave_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    path = tmp_path / "trace.json"
    path.write_text("the old trace", encoding="utf-8")

    def pieces() -> Iterator[str]:
        yield '{"traceEvents": ['
        raise RuntimeError("a bug while making the events")

    with pytest.raises(RuntimeError, match="a bug"):
        write_atomically(path, pieces())
    assert [p.name for p in tmp_path.iterdir()] == ["trace.json"]
    assert path.read_text(encoding="utf-8") == "the old trace"


def test_the_exports_load_no_qt() -> None:
    code = "import sys, gui.core.exports; print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'gui.qt'))))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_ascii_lanes_show_a_process_and_task_lane_name_whole() -> None:
    model = RunModel(Job(i, f"p{i}", "") for i in range(2))
    lanes = ["pid 10053 · task 12", "pid 10056 · task 3"]
    model.apply(
        [
            *(PhaseEvent(i, Phase.STARTED, 0.1 * i, lanes[i]) for i in range(2)),
            *(EndEvent(i, 0.5, Outcome(Status.OK, 200)) for i in range(2)),
        ]
    )
    lines = ascii_timeline(model, 0.5).splitlines()
    assert [line[:20].strip() for line in lines[:2]] == lanes  # right-aligned in the widest name
