"""Every fault in every mode: the real command line (``--headless``) against the misbehaving server.

One run per mode asks for one Pokémon per fault, so each mode meets all of them in one process,
and the process's own peak memory (from ``wait4``) says whether a body was ever held whole.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from gui.core.trace.events import Status
from gui.exit_status import ExitStatus
from tests.faults.server import FAULTS, FaultServer
from tests.processes import wait_for_exit

ROOT = Path(__file__).resolve().parents[2]
MODES = ("sequential", "threads", "asyncio", "processes")
TIMEOUT_S = 1.5
DEADLINE_SLACK_S = 1.0  # a timed-out request ends this close to its deadline, on a busy machine too
MAX_RSS_MB = 400  # a client that held one capped-off answer whole would pass 1 GB
RUN_BUDGET_S = 60.0  # each run takes a few seconds; one that hangs is killed and fails, not waited for


class Finished(NamedTuple):
    returncode: int
    report: dict[str, Any]
    stderr: str
    peak_rss_mb: float
    csv_rows: int


@pytest.fixture(scope="module")
def fault_server() -> Iterator[FaultServer]:
    with FaultServer().running() as server:
        yield server


@pytest.fixture(scope="module")
def finished(fault_server: FaultServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Finished]:
    """All four modes at once (they meet the same server), each in a process of its own."""
    folder = tmp_path_factory.mktemp("faults")
    started = {mode: _launch(mode, fault_server.base_url, folder) for mode in MODES}
    return {mode: _finish(pid, folder / mode) for mode, pid in started.items()}


def _launch(mode: str, base_url: str, folder: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "main.py", "--headless", "--json", "--no-history", "--mode", mode,
               "--base-url", base_url, "--pokemon", ",".join(FAULTS), "-c", "4", "--timeout-s", str(TIMEOUT_S),
               "--csv", str(folder / f"{mode}.csv")]  # fmt: skip
    with open(folder / f"{mode}.out", "w") as out, open(folder / f"{mode}.err", "w") as err:
        return subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)


def _finish(process: subprocess.Popen[bytes], stem: Path) -> Finished:
    if not wait_for_exit(process.pid, RUN_BUDGET_S):
        process.kill()
    _, status, usage = os.wait4(process.pid, 0)  # not Popen.wait: wait4 also says the child's peak memory
    process.returncode = os.waitstatus_to_exitcode(status)
    stdout = stem.with_suffix(".out").read_text()
    csv_path = stem.with_suffix(".csv")
    rows = len(list(csv.reader(csv_path.read_text().splitlines()))) - 1 if csv_path.exists() else -1
    report = json.loads(stdout) if stdout.strip() else {}
    return Finished(process.returncode, report, stem.with_suffix(".err").read_text(),
                    usage.ru_maxrss / 1024, rows)  # fmt: skip


@pytest.mark.timeout(120)
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="wait4's peak memory is Linux's")
@pytest.mark.parametrize("mode", MODES)
def test_every_fault_ends_each_request_once_as_expected_and_the_run_goes_on(
    mode: str, finished: dict[str, Finished]
) -> None:
    run = finished[mode]
    assert run.returncode == ExitStatus.REQUESTS_FAILED, run.stderr  # the run went to its end, faults and all
    spans = {span["pokemon"]: span for span in run.report["spans"]}
    assert sorted(spans) == sorted(FAULTS) and len(run.report["spans"]) == len(FAULTS)
    wrong = {
        name: (span["status"], span["error"])
        for name, span in spans.items()
        if span["status"] != FAULTS[name].expected.value or FAULTS[name].error_has not in (span["error"] or "")
    }
    assert wrong == {}
    for span in spans.values():  # exactly one end each, and nothing left running
        assert Status(span["status"]).is_final and "ended" in span["t"]
    summary = run.report["summary"]
    assert summary["ok"] + summary["failed"] == len(FAULTS) and summary["cancelled"] == 0


@pytest.mark.timeout(120)
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="wait4's peak memory is Linux's")
@pytest.mark.parametrize("mode", MODES)
def test_every_fault_leaves_a_report_a_clean_stderr_and_bounded_memory(
    mode: str, finished: dict[str, Finished]
) -> None:
    run = finished[mode]
    assert run.csv_rows == len(FAULTS)
    failed = sum(fault.expected is not Status.OK for fault in FAULTS.values())
    said = (f"{mode}: fetching {len(FAULTS)} Pokémon", f"error: {failed} of {len(FAULTS)} requests failed (")
    assert [line for line in run.stderr.splitlines() if not line.startswith(said)] == []
    assert run.peak_rss_mb < MAX_RSS_MB


@pytest.mark.timeout(120)
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="wait4's peak memory is Linux's")
@pytest.mark.parametrize("mode", MODES)
def test_the_timeout_is_a_deadline_for_hung_and_trickled_answers(mode: str, finished: dict[str, Finished]) -> None:
    for span in finished[mode].report["spans"]:
        if span["status"] == Status.TIMEOUT.value:
            took = span["t"]["ended"] - span["t"]["started"]
            assert TIMEOUT_S - 0.05 <= took <= TIMEOUT_S + DEADLINE_SLACK_S, (span["pokemon"], took)
