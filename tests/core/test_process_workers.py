"""Worker processes never outlive the app, even when it dies without cleaning up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from gui.server import LocalServer
from tests.processes import wait_for_exit

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import asyncio, os, sys
from gui.core.run.engine import Run
from gui.core.workload.settings import make_settings
from gui.core.trace.events import BatchSink, PhaseEvent, Phase

class Announce(BatchSink):
    def __init__(self):
        super().__init__()
        self.pids = set()
    def emit(self, event):
        super().emit(event)
        if isinstance(event, PhaseEvent) and event.phase is Phase.STARTED:
            self.pids.add(int(event.lane.split()[1]))
            if len(self.pids) == 2:
                print(*self.pids, flush=True)

if __name__ == "__main__":
    run = Run(make_settings(mode="processes", count=20, concurrency=2), sys.argv[1], Announce())
    asyncio.run(run.execute())
"""


@pytest.mark.skipif(not hasattr(os, "pidfd_open"), reason="needs pidfd_open (Linux 5.3+)")
def test_pool_workers_exit_when_the_app_is_killed(server: LocalServer, tmp_path: Path) -> None:
    server.set_conditions(latency_ms=2000)
    script = tmp_path / "crash.py"
    script.write_text(SCRIPT)
    app = subprocess.Popen([sys.executable, str(script), server.base_url], cwd=ROOT, stdout=subprocess.PIPE,
                           text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert app.stdout is not None
    workers = [int(pid) for pid in app.stdout.readline().split()]
    assert len(workers) == 2
    app.send_signal(signal.SIGKILL)
    app.wait(10)
    app.stdout.close()
    for pid in workers:
        assert wait_for_exit(pid, 10), f"worker {pid} outlived its killed parent"
