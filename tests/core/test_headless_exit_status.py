"""Command-line conventions: exit statuses a script can trust, and one line for every bad value."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest

from gui.exit_status import ExitStatus
from gui.server import LocalServer
from tests.core.test_headless_cli import ROOT, main_py


def a_closed_port() -> int:
    """A loopback port where nothing listens (bound once to find it, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def assert_one_line_error(done: subprocess.CompletedProcess[str], status: int, words: str) -> None:
    assert done.returncode == status, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "error" in lines[0] and words in lines[0], done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_run_where_nothing_was_listening_exits_with_requests_failed() -> None:
    base_url = f"http://127.0.0.1:{a_closed_port()}/api/v2"
    done = main_py("--headless", "--no-history", "-n", "4", "--base-url", base_url, "--timeout-s", "2")
    assert done.returncode == ExitStatus.REQUESTS_FAILED.value == 3
    assert "error: 4 of 4 requests failed (connection_error)" in done.stderr
    assert "ok 0, failed 4" in done.stdout  # the report is still printed, so the failures can be read


def test_a_run_with_some_failed_requests_exits_with_requests_failed_in_json_mode_too() -> None:
    done = main_py("--headless", "--no-history", "-n", "6", "--error-rate", "1", "--json", "--latency-ms", "0")
    assert done.returncode == ExitStatus.REQUESTS_FAILED
    assert json.loads(done.stdout)["summary"]["failed"] == 6  # stdout stays the report alone
    assert "error: 6 of 6 requests failed (http " in done.stderr


def test_a_run_whose_requests_all_succeeded_exits_zero() -> None:
    done = main_py("--headless", "--no-history", "-n", "3", "--latency-ms", "0")
    assert done.returncode == ExitStatus.OK, done.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--serve", "--port", "99999"], "argument --port: must be a whole number from 0 to 65535, got 99999"),
        (["--serve", "--port", "http"], "argument --port: must be a whole number from 0 to 65535, got 'http'"),
        (["--screenshot", "x.svg"], "--screenshot x.svg: only PNG is supported"),
        (["--screenshot", "no/such/folder/x.png"], "the folder no/such/folder does not exist"),
        (["--headless", "--trace", "no/such/folder/t.json"], "the folder no/such/folder does not exist"),
        (["--headless", "--latency-ms", "inf"], "latency_ms must be a number from 0 to 60000, got inf"),
        (["--headless", "--latency-ms", "nan"], "latency_ms must be a number from 0 to 60000, got nan"),
        (["--headless", "--seed", "1e999"], "argument --seed: invalid int value: '1e999'"),
        (["--headless", "-c", "many"], "argument --concurrency/-c: invalid int value: 'many'"),
        (["--headless", "--mode", "fibers"], "argument --mode: invalid choice: 'fibers'"),
    ],
)
def test_a_bad_value_is_one_line_and_status_2_never_a_traceback(args: list[str], words: str) -> None:
    assert_one_line_error(main_py(*args), ExitStatus.USAGE, words)


def test_the_server_command_refuses_a_bad_port_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gui.server", "--port", "99999"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert_one_line_error(done, ExitStatus.USAGE, "--port: must be a whole number from 0 to 65535")


def test_a_port_in_use_is_one_line_and_status_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = main_py("--serve", "--port", str(taken.getsockname()[1]))
    assert_one_line_error(done, ExitStatus.COULD_NOT_RUN, "cannot serve on port")


def test_version_is_the_installed_distributions(tmp_path: Path) -> None:
    done = main_py("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"poke-lab {metadata.version('poke-concurrency-lab')}"


def ignore_sigint() -> None:
    """In the child before it starts: as a shell without job control starts a background command."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("sigint", ["listened to", "ignored"])
def test_sigterm_stops_a_headless_run_like_ctrl_c_and_the_report_is_still_printed(
    server: LocalServer, sigint: str
) -> None:
    server.set_conditions(latency_ms=3000)
    command = [
        sys.executable,
        "main.py",
        "--headless",
        "--no-history",
        "-n",
        "4",
        "-c",
        "2",
        "--base-url",
        server.base_url,
    ]
    started_as = ignore_sigint if sigint == "ignored" else None  # `nohup main.py --headless &`, a CI script
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=started_as
    ) as child:
        assert child.stderr is not None
        assert "fetching" in child.stderr.readline()
        wait_until_the_server_serves(server)  # the run is under way: its requests wait on the server
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=30)
    assert child.returncode == ExitStatus.INTERRUPTED.value, err
    assert "interrupted" in out and "cancelled" in out, out
    assert "Traceback" not in err


def wait_until_the_server_serves(server: LocalServer, within_s: float = 20.0) -> None:
    """Ask the server (each question a real round trip) until a request is in flight there."""
    deadline = time.monotonic() + within_s
    while server.stats()["in_flight"] < 1:
        assert time.monotonic() < deadline, "no request reached the server"
