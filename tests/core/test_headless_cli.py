"""``main.py --headless``: readable text, a JSON report and a Chrome trace that hold every request."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gui.core.modes.catalogue import advice
from gui.core.workload.settings import make_settings

ROOT = Path(__file__).resolve().parents[2]


def main_py(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_json_report_and_chrome_trace_hold_every_request(tmp_path: Path) -> None:
    trace_file = tmp_path / "trace.json"
    done = main_py(
        "--headless",
        "--mode",
        "threads",
        "-n",
        "20",
        "--concurrency",
        "5",
        "--latency-ms",
        "50",
        "--seed",
        "3",
        "--json",
        "--trace",
        str(trace_file),
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["settings"]["mode"] == "threads" and report["settings"]["concurrency"] == 5
    summary = report["summary"]
    assert summary["ok"] == 20 and summary["failed"] == 0 and summary["cancelled"] == 0
    assert summary["ideal_s"] == pytest.approx(0.2) and 0 < summary["efficiency"] <= 1
    assert 1 <= summary["peak_in_flight"] <= 5
    spans = report["spans"]
    assert [s["pokemon"] for s in spans][:2] == ["bulbasaur", "ivysaur"] and len(spans) == 20
    for span in spans:
        assert list(span["t"])[0] == "queued" and list(span["t"])[-1] == "ended"
        assert span["status"] == "ok" and span["lane"].startswith("worker_")
    trace = json.loads(trace_file.read_text())
    requests = [e for e in trace["traceEvents"] if e.get("cat") == "request"]
    assert sorted(e["name"] for e in requests) == sorted(s["pokemon"] for s in spans)
    lanes = [e["args"]["name"] for e in trace["traceEvents"] if e["name"] == "thread_name"]
    assert sorted(lanes) == sorted({s["lane"] for s in spans})
    phases = [e for e in trace["traceEvents"] if e.get("cat") == "phase"]
    assert {e["name"] for e in phases} >= {"Waiting (TTFB)", "Content download"}


def test_text_report_shows_lanes_and_the_summary() -> None:
    done = main_py("--headless", "--mode", "asyncio", "-n", "8", "-c", "4", "--latency-ms", "40")
    assert done.returncode == 0, done.stderr
    lanes = [line.split(" ", 2)[:2] for line in done.stdout.splitlines() if line.startswith("task ")]
    assert [" ".join(lane) for lane in lanes] == ["task 0", "task 1", "task 2", "task 3"]
    assert "wall time" in done.stdout and "ok 8, failed 0, cancelled 0" in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-n", "0"], "number of requests must be a whole number from 1 to 100,000"),
        (["--concurrency", "5000"], "workers / concurrency must be a whole number from 1 to 1,024"),
        (["--base-url", "ftp://example"], "the data source must be an http:// or https:// URL"),
        (["--error-rate", "-1"], "error_rate must be a number from 0 to 1"),
        (["--timeout-s", "0"], "timeout must be a number from 0.1 to 600 seconds"),
    ],
)
def test_a_bad_argument_gets_a_clear_message_and_a_nonzero_exit(args: list[str], message: str) -> None:
    done = main_py("--headless", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_settings_that_will_surprise_get_a_note_not_a_refusal() -> None:
    many = make_settings(mode="processes", count=10, concurrency=64)
    assert "64 worker processes on 2 CPU cores" in advice(many, cpu_count=2)[0]
    assert advice(make_settings(mode="processes", count=10, concurrency=4), cpu_count=2) == []
    capped = make_settings(mode="asyncio", count=10, concurrency=50, base_url="https://pokeapi.co/api/v2")
    assert capped.concurrency == 10 and "polite" in capped.notes[0]
