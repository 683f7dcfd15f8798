"""The server process binds loopback only, starts without polling, and never outlives its parent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from gui.server import LocalServer
from gui.server.process import ServerStatus
from tests.processes import wait_for_exit

ROOT = Path(__file__).resolve().parents[2]


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a LISTEN socket on ``port``, read from the kernel's table (Linux)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:
                found.add(address)
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/net/tcp")
def test_the_server_listens_on_127_0_0_1_only(server: LocalServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.port is not None
    assert listening_addresses(server.port) == {"0100007F"}  # 127.0.0.1, little-endian hex


def test_start_and_stop_leave_no_process_and_no_listener() -> None:
    handle = LocalServer()
    handle.start()
    pid, port = handle.pid, handle.port
    assert handle.state is ServerStatus.RUNNING and pid is not None and port is not None
    with urllib.request.urlopen(f"{handle.base_url}/pokemon/1/") as response:
        assert response.status == 200
    handle.stop()
    assert state_of(handle) is ServerStatus.STOPPED
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert not listening_addresses(port)


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs pidfd_open (Linux 5.3+)")
def test_the_server_stops_by_itself_when_its_parent_is_killed() -> None:
    script = (
        "from gui.server import LocalServer\n"
        "if __name__ == '__main__':\n"
        "    s = LocalServer(); s.start(); print(s.pid, flush=True); input()\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    assert wait_for_exit(child_pid, 10), "server process outlived its killed parent"
    if parent.stdin:
        parent.stdin.close()
    parent.stdout.close()


def in_the_foreground() -> None:
    """In the child before it starts: Ctrl+C reaches it, as in a terminal, even when the tests
    themselves were started in the background (which starts every child with SIGINT ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_python_m_gui_server_runs_in_the_foreground_and_ctrl_c_stops_it() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "gui.server", "--port", "0", "--latency-ms", "50"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=in_the_foreground,
    )
    assert process.stdout is not None
    banner = process.stdout.readline()
    base_url = banner.split(" at ")[1].split()[0]
    with urllib.request.urlopen(f"{base_url}pokemon/pikachu/") as response:
        assert json.loads(response.read())["id"] == 25
    process.send_signal(signal.SIGINT)
    rest = process.stdout.read()
    assert process.wait(10) == 0
    assert "stopped" in rest and "Traceback" not in rest
    process.stdout.close()


def test_main_py_serve_rejects_a_bad_value_with_one_clear_line() -> None:
    done = subprocess.run(
        [sys.executable, "main.py", "--serve", "--error-rate", "3"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "error: error_rate must be a number from 0 to 1, got 3.0"


def state_of(handle: LocalServer) -> ServerStatus:
    """Read afresh: after ``assert handle.state is RUNNING`` mypy would take the state as fixed."""
    return handle.state
