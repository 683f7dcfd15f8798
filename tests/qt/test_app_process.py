"""The app as a process: SIGTERM (or Ctrl+C) mid-run closes it politely, fast, and leaves nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


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
    assert time.monotonic() - started < 2.0
    assert app.returncode == 0
    assert f"{mode} run ended" in stdout and "cancelled" in stdout
    for warning in ("Task was destroyed", "Unclosed", "Traceback", "Warning", "Error"):
        assert warning not in stderr, stderr
    assert processes_with_token(token) == []
    assert list(tmp_path.rglob("*.ini")), "the session's settings were saved on close"
