"""What bounds the server's resources: idle and half-sent connections time out, the cache has a size.

These start the real application in this test's event loop, with limits short enough to watch
(the defaults are 30 s and 64 MB), and talk to it over loopback with raw sockets.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web

from gui.server.app import create_app
from gui.server.body_cache import BodyCache

SHORT_S = 0.5


@pytest.fixture
async def address() -> AsyncIterator[tuple[str, int]]:
    runner = web.AppRunner(
        create_app(idle_timeout_s=SHORT_S, body_timeout_s=SHORT_S, cache_max_bytes=1_000_000), access_log=None
    )
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    yield host, port
    await runner.cleanup()


async def closed_by_server_s(host: str, port: int, send: bytes) -> float:
    """Seconds until the server closes a connection that sent ``send`` and then nothing."""
    reader, writer = await asyncio.open_connection(host, port)
    started = time.perf_counter()
    writer.write(send)
    try:
        assert await asyncio.wait_for(reader.read(), timeout=10) == b""  # EOF, no answer at all
        return time.perf_counter() - started
    finally:
        writer.close()
        await writer.wait_closed()


@pytest.mark.parametrize(
    "send", [b"", b"GET /api/v2/pokemon/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"GET /api/v2/pok"], ids=str
)
async def test_an_idle_or_half_sent_connection_is_closed(address: tuple[str, int], send: bytes) -> None:
    waited_s = await closed_by_server_s(*address, send)
    assert SHORT_S * 0.8 <= waited_s < SHORT_S + 5


async def test_a_half_sent_admin_body_gets_a_408(address: tuple[str, int]) -> None:
    reader, writer = await asyncio.open_connection(*address)
    writer.write(b'PUT /admin/conditions HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"latency')
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
        assert head.startswith(b"HTTP/1.1 408")
    finally:
        writer.close()
        await writer.wait_closed()


async def test_the_response_cache_stays_within_its_byte_budget(address: tuple[str, int]) -> None:
    base = f"http://{address[0]}:{address[1]}"
    async with aiohttp.ClientSession() as session:
        async with session.put(f"{base}/admin/conditions", json={"padding_kb": 300}) as answer:
            assert answer.status == 200
        for pokemon_id in range(1, 11):  # 10 bodies of ~300 KB: 3 MB, three times the budget
            async with session.get(f"{base}/api/v2/pokemon/{pokemon_id}/") as answer:
                assert answer.status == 200 and len(await answer.read()) > 300_000
        async with session.get(f"{base}/admin/stats") as answer:
            stats = json.loads(await answer.read())
    assert 600_000 < stats["cache_bytes"] <= 1_000_000


def test_the_cache_evicts_the_least_recently_used_body_first() -> None:
    cache = BodyCache(max_bytes=10)
    cache.put("a", b"aaaa")
    cache.put("b", b"bbbb")
    assert cache.get("a") == b"aaaa"  # "a" is now the most recent
    cache.put("c", b"cccc")
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (b"aaaa", None, b"cccc")
    cache.put("huge", b"x" * 11)
    assert cache.get("huge") is None and cache.size_bytes == 8
