"""A run whose set-up fails before its mode begins still ends: every request once, the run finished,
and the window's end-of-run handling (a finished run made of it) still works."""

from __future__ import annotations

import pytest

from gui.core.results.finished_run import FinishedRun
from gui.core.run.engine import RunState
from gui.core.run.run_watches import RunWatches
from gui.core.trace.events import Status
from gui.server import LocalServer
from tests.core.helpers import make_run


async def test_a_run_whose_watches_cannot_start_ends_every_request_and_finishes(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def cannot_start(self: RunWatches) -> None:
        raise RuntimeError("the loop's heartbeat could not start")

    monkeypatch.setattr(RunWatches, "start", cannot_start)  # the fault: a watch that fails to start
    run = make_run(server.base_url, mode="asyncio", count=5, watch_loop=True)
    with pytest.raises(RuntimeError, match="heartbeat could not start"):
        await run.execute()
    assert run.state is RunState.FINISHED  # not left "running" forever (the window would wait on it)
    finished = FinishedRun.of(run, None, error="RuntimeError: the loop's heartbeat could not start")
    assert [span.status for span in finished.model.spans] == [Status.CANCELLED] * 5
    assert finished.summary.cancelled == 5 and finished.error is not None
