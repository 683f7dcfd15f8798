"""What the engine does for speed keeps its behaviour: the heap it freezes during a run (and what
the run makes, every 50 ms) is given back to the collector, and the sync client still stamps every
phase, in order, once per try."""

from __future__ import annotations

import gc

import pytest

from gui.core.run.frozen_heap import REFREEZE_S
from gui.core.trace.events import PHASE_ORDER, Phase, PhaseEvent, Status
from gui.server import LocalServer
from tests.core.helpers import WatchingSink, run_mode

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("mode", ["asyncio", "threads"])
async def test_a_run_freezes_the_old_heap_only_while_it_runs(server: LocalServer, mode: str) -> None:
    frozen_during: list[int] = []
    sink = WatchingSink(on_end=lambda ends: frozen_during.append(gc.get_freeze_count()) if ends == 1 else None)
    await run_mode(server.base_url, sink, mode=mode, count=4, concurrency=2)
    assert frozen_during and frozen_during[0] > 0
    assert gc.get_freeze_count() == 0


def tracked(thing: object) -> bool:
    """Whether the collector would walk ``thing`` (``gc.get_objects`` leaves out the frozen)."""
    return any(o is thing for o in gc.get_objects())


@pytest.mark.parametrize("mode", ["asyncio", "threads"])
async def test_what_a_run_makes_joins_the_frozen_heap_while_it_runs(server: LocalServer, mode: str) -> None:
    """Refrozen every REFREEZE_S: something made as the first answer ends is frozen by the time the
    last one ends (three waves later), so no collection mid-run walks it; it is thawed at the end."""
    server.set_conditions(latency_ms=int(REFREEZE_S * 1000 * 3))
    made_mid_run: list[object] = []
    seen: dict[int, bool] = {}

    def on_end(ends: int) -> None:
        if ends == 1:
            made_mid_run.append(["made as the first request ended"])
            seen[1] = tracked(made_mid_run[0])
        elif ends == 6:
            seen[6] = tracked(made_mid_run[0])

    await run_mode(server.base_url, WatchingSink(on_end=on_end), mode=mode, count=6, concurrency=2)
    assert seen == {1: True, 6: False}  # three waves, 150 ms apart: refrozen in between
    assert tracked(made_mid_run[0]) and gc.get_freeze_count() == 0


@pytest.mark.parametrize("mode", ["sequential", "threads"])
async def test_the_sync_client_stamps_each_phase_once_in_order_on_new_and_kept_alive_connections(
    server: LocalServer, mode: str
) -> None:
    sink = WatchingSink()
    _, model = await run_mode(server.base_url, sink, mode=mode, count=6, concurrency=2)
    assert all(s.status is Status.OK for s in model.spans)
    for span in model.spans:
        stamped = [e.phase for e in sink.history if isinstance(e, PhaseEvent) and e.request_id == span.request_id]
        assert stamped == [p for p in PHASE_ORDER if p is not Phase.ENDED], stamped
        times = [span.t[p] for p in PHASE_ORDER]
        assert times == sorted(times)


async def test_a_retried_request_stamps_its_phases_again_for_each_try(server: LocalServer) -> None:
    server.set_conditions(error_rate=1.0, seed=3)
    sink = WatchingSink()
    _, model = await run_mode(server.base_url, sink, mode="sequential", count=1, retries=1, backoff_s=0.01)
    assert model.spans[0].retries == 1
    sent = [e for e in sink.history if isinstance(e, PhaseEvent) and e.phase is Phase.SENT]
    first_bytes = [e for e in sink.history if isinstance(e, PhaseEvent) and e.phase is Phase.FIRST_BYTE]
    assert len(sent) == 2 and len(first_bytes) == 2
