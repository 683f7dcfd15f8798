"""The clients against the misbehaving server, in-process: Stop cuts blocked reads, the body cap is a setting."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import aiohttp
import pytest

from gui.core.clients.aio_client import AsyncPokemonClient
from gui.core.clients.body_cap import BodyTooLarge, CappedBody
from gui.core.clients.retry import RetryPolicy
from gui.core.clients.sync_client import SyncPokemonClient
from gui.core.modes.catalogue import at_once
from gui.core.trace.events import BatchSink, EndEvent, Phase, PhaseEvent, Status, TraceEvent
from gui.core.trace.recorder import CancelToken, Recorder
from gui.core.workload.jobs import Job
from gui.core.workload.settings import SettingsError, make_settings
from tests.core.helpers import collect, make_run
from tests.faults.server import BIG_POKEMON_KB, FaultServer

ALL_MODES = ["sequential", "threads", "asyncio", "processes"]


@pytest.fixture(scope="module")
def fault_server() -> Iterator[FaultServer]:
    with FaultServer().running() as server:
        yield server


class CancelWhenAllSent(BatchSink):
    """Cancels the run once ``count`` requests have sent theirs: every worker then sits in a read."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count
        self.sent: set[int] = set()
        self.cancel_at: float | None = None
        self.run_cancel: Callable[[], None] = lambda: None

    def emit(self, event: TraceEvent) -> None:
        super().emit(event)
        if isinstance(event, PhaseEvent) and event.phase is Phase.SENT:
            self.sent.add(event.request_id)
            if len(self.sent) == self.count and self.cancel_at is None:
                self.cancel_at = time.perf_counter()
                self.run_cancel()


@pytest.mark.timeout(30)
@pytest.mark.parametrize("mode", ALL_MODES)
async def test_stop_ends_reads_blocked_on_a_silent_server_at_once(fault_server: FaultServer, mode: str) -> None:
    sink = CancelWhenAllSent(count=2)
    run = make_run(fault_server.base_url, sink, mode=mode, names=["hang", "trickle-body"], concurrency=2, timeout_s=40)
    sink.run_cancel = run.cancel
    sink.count = at_once(run.settings)  # sequential: the first request is in its read, the second queued
    await run.execute()
    assert sink.cancel_at is not None
    assert time.perf_counter() - sink.cancel_at < 1.0  # not the 40 s of the timeout
    assert [span.status for span in collect(run).spans] == [Status.CANCELLED, Status.CANCELLED]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("mode", ["processes"])  # the mode that hands the setting to its workers itself
async def test_the_body_cap_is_a_setting(fault_server: FaultServer, mode: str) -> None:
    names = ["big-pokemon", "ok"]
    roomy = make_run(fault_server.base_url, mode=mode, names=names, concurrency=2)
    tight = make_run(fault_server.base_url, mode=mode, names=names, concurrency=2, max_body_kb=BIG_POKEMON_KB // 2)
    await roomy.execute()
    await tight.execute()
    assert [s.status for s in collect(roomy).spans] == [Status.OK, Status.OK]
    big, small = collect(tight).spans
    assert (big.status, small.status) == (Status.INVALID_RESPONSE, Status.OK)
    assert big.error is not None and "too large" in big.error and "100 KB" in big.error


def test_a_cap_must_be_a_whole_number_of_kb_in_range() -> None:
    for bad in (0, -1, 2.5, 10**9, True):
        with pytest.raises(SettingsError, match="largest answer"):
            make_settings(max_body_kb=bad)


def ended(sink: BatchSink) -> EndEvent:
    return next(event for event in sink.drain() if isinstance(event, EndEvent))


@pytest.mark.timeout(30)
def test_the_sync_client_takes_its_cap(fault_server: FaultServer) -> None:
    sink = BatchSink()
    client = SyncPokemonClient(Recorder(sink, time.perf_counter()), 5.0, RetryPolicy(), CancelToken(), "lane", 100)
    try:
        client.fetch(Job(0, "big-pokemon", f"{fault_server.base_url}/pokemon/big-pokemon/"))
    finally:
        client.close()
    assert ended(sink).outcome.status is Status.INVALID_RESPONSE


@pytest.mark.timeout(30)
async def test_the_asyncio_client_takes_its_cap(fault_server: FaultServer) -> None:
    sink = BatchSink()
    async with aiohttp.ClientSession() as session:
        client = AsyncPokemonClient(session, Recorder(sink, time.perf_counter()), RetryPolicy(), max_body_kb=100)
        await client.fetch(Job(0, "big-pokemon", f"{fault_server.base_url}/pokemon/big-pokemon/"), "lane")
    assert ended(sink).outcome.status is Status.INVALID_RESPONSE


def test_a_gzip_bomb_is_refused_without_ever_inflating_past_the_cap(fault_server: FaultServer) -> None:
    body = CappedBody(1024 * 1024, "gzip", None)
    with pytest.raises(BodyTooLarge):
        for start in range(0, len(fault_server.bomb), 65536):  # the bomb: 64 MB in about 64 KB
            body.feed(fault_server.bomb[start : start + 65536])
            assert sum(len(chunk) for chunk in body._chunks) <= body.max_bytes
