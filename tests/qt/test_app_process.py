"""The app as a process: SIGTERM (or Ctrl+C) mid-run closes it politely, fast, and leaves nothing."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.processes import wait_for_exit

ROOT = Path(__file__).resolve().parents[2]
QUIT_WITHIN_S = 5.0  # half of what a blocked read still had to wait (10 s): quitting never waits for one


def processes_with_token(token: str) -> list[int]:
    """Processes whose environment carries ``token``: the app and everything it started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if token.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("mode", ["processes", "threads", "asyncio"])
def test_sigterm_mid_run_closes_within_two_seconds_and_leaves_nothing(mode: str, tmp_path: Path) -> None:
    token = f"POKE_LAB_TEST_{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONWARNINGS": "default",
        token: "1",
        "XDG_CONFIG_HOME": str(tmp_path),
    }  # saved settings go here, not into the user's own
    app = subprocess.Popen(
        [sys.executable, "main.py", "--start", "--mode", mode, "-n", "400", "-c", "2", "--latency-ms", "300"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert app.stdout is not None
    assert app.stdout.readline().startswith(f"{mode} run started: 400 Pokémon, 2 at once")
    started = time.monotonic()
    app.send_signal(signal.SIGTERM)
    stdout, stderr = app.communicate(timeout=20)
    assert time.monotonic() - started < QUIT_WITHIN_S  # the run had a minute to go: it was stopped, not awaited
    assert app.returncode == 0
    assert f"{mode} run ended" in stdout and "cancelled" in stdout
    for warning in ("Task was destroyed", "Unclosed", "Traceback", "Warning", "Error"):
        assert warning not in stderr, stderr
    assert processes_with_token(token) == []
    assert list(tmp_path.rglob("*.ini")), "the session's settings were saved on close"


QUIT_SIGNALS = (signal.SIGTERM, signal.SIGINT)  # the terminal's ways: their handler calls window.close(),
# as Ctrl+Q and the close button do (tests/qt/test_main_window.py closes a window mid-run in-process)
SERVER_START_S = 0.5  # after the server's process appears it takes about this long to listen: the racy stretch


def launch(mode: str, token: str, home: Path) -> subprocess.Popen[str]:
    """The real app, straight into a run whose requests each block 10 s in the server, timeout 40 s."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONWARNINGS": "default", token: "1",
           "XDG_CONFIG_HOME": str(home)}  # fmt: skip
    command = [sys.executable, "main.py", "--start", "--mode", mode, "-n", "40", "-c", "2",
               "--latency-ms", "10000", "--timeout-s", "40"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def quit_and_check(app: subprocess.Popen[str], how: signal.Signals, token: str) -> str:
    """Send ``how``; the app must be gone within 2 s, leaving a clean stderr and no process behind."""
    started = time.monotonic()
    app.send_signal(how)
    stdout, stderr = app.communicate(timeout=20)
    took = time.monotonic() - started
    assert took < QUIT_WITHIN_S, f"{how.name} took {took:.2f} s to quit"  # the blocked reads were not awaited
    assert app.returncode in (0, 128 + how), (app.returncode, stderr)  # 128+n: before the window existed
    for warning in ("Task was destroyed", "Unclosed", "Traceback", "Warning", "Error", "leaked"):
        assert warning not in stderr, stderr
    for pid in processes_with_token(token):  # children leave as their parent did: give them a moment
        assert wait_for_exit(pid, 2.0), f"process {pid} outlived the app"
    return stdout


@pytest.mark.timeout(90)
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("mode", ["sequential", "threads", "asyncio", "processes"])
def test_quitting_at_a_random_moment_exits_within_two_seconds(mode: str, tmp_path: Path) -> None:
    rng = random.Random(f"quit-{mode}")  # random moments, the same on every run of the suite
    token = f"POKE_LAB_TEST_{uuid.uuid4().hex}"
    # while the local server starts: its process exists, it may or may not listen yet
    app = launch(mode, token, tmp_path)
    while not [pid for pid in processes_with_token(token) if pid != app.pid]:
        with pytest.raises(subprocess.TimeoutExpired):
            app.wait(timeout=0.01)  # the app must not leave on its own meanwhile
    with pytest.raises(subprocess.TimeoutExpired):
        app.wait(timeout=rng.uniform(0.0, SERVER_START_S))  # the moment to quit
    quit_and_check(app, rng.choice(QUIT_SIGNALS), token)
    # mid-run: every worker blocked on a read that would last 10 s more, with 40 s of timeout left
    app = launch(mode, token, tmp_path)
    assert app.stdout is not None
    assert app.stdout.readline().startswith(f"{mode} run started")
    with pytest.raises(subprocess.TimeoutExpired):
        app.wait(timeout=rng.uniform(0.0, 1.0))
    assert "cancelled" in quit_and_check(app, rng.choice(QUIT_SIGNALS), token)
