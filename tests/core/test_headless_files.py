"""``--headless`` writes its files whole or not at all, and keeps every run in the history."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.core.test_exports import complete_slices, har_validator, partial_overlaps
from tests.core.test_headless_cli import ROOT, main_py
from tests.processes import wait_for_exit


def test_a_comparison_writes_csv_har_and_trace_for_every_run(tmp_path: Path) -> None:
    files = {name: tmp_path / name for name in ("spans.csv", "runs.har", "trace.json")}
    done = main_py(
        "--headless", "--compare", "threads,asyncio", "-n", "15", "-c", "5", "--latency-ms", "30",
        "--error-rate", "0.3", "--retries", "2", "--seed", "5",
        "--csv", str(files["spans.csv"]), "--har", str(files["runs.har"]), "--trace", str(files["trace.json"]),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(files["spans.csv"].read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 30 and [r["mode"] for r in rows].count("asyncio") == 15
    har = json.loads(files["runs.har"].read_text(encoding="utf-8"))
    har_validator().validate(har)
    assert len(har["log"]["pages"]) == 2
    slices = complete_slices(json.loads(files["trace.json"].read_text(encoding="utf-8")))
    assert partial_overlaps(slices) == []
    assert any(s["name"] == "Back-off" for s in slices), "30 % errors with retries left no back-off slice"


def test_an_unwritable_path_gets_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "spans.csv"
    done = main_py("--headless", "-n", "3", "--latency-ms", "5", "--csv", str(target))
    assert done.returncode == 2
    assert "does not exist" in done.stderr and str(target) in done.stderr and "Traceback" not in done.stderr
    assert "fetching" not in done.stderr, "the run started although its file could never be written"
    assert not target.parent.exists()


def history_json(env: dict[str, str]) -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "main.py", "--history", "--json"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    runs: list[dict[str, object]] = json.loads(done.stdout)["runs"]
    return runs


def test_history_lists_two_runs_and_a_kill_during_a_third_leaves_them_intact(tmp_path: Path) -> None:
    env = {**os.environ, "POKE_LAB_HISTORY": str(tmp_path / "history.sqlite3")}
    for mode in ("threads", "asyncio"):
        done = subprocess.run(
            [sys.executable, "main.py", "--headless", "--mode", mode, "-n", "6", "--latency-ms", "5"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert [r["mode"] for r in history_json(env)] == ["asyncio", "threads"]
    third = subprocess.Popen(
        [sys.executable, "main.py", "--headless", "--mode", "sequential", "-n", "50", "--latency-ms", "200"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert third.stderr is not None
    assert "sequential: fetching" in third.stderr.readline()  # the run is under way
    third.send_signal(signal.SIGKILL)
    assert wait_for_exit(third.pid, 10)
    third.wait()
    third.stdout.close() if third.stdout else None
    third.stderr.close()
    kept = history_json(env)
    assert [r["mode"] for r in kept] == ["asyncio", "threads"]
    assert all(r["count"] == 6 for r in kept)
