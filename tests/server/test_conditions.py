"""Network conditions are really played over loopback: latency, jitter, bandwidth, errors, queue."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from gui.server import LocalServer, NetworkConditions
from gui.server.process import ServerError

LOADED_MACHINE_SLACK_S = 1.0  # what a machine busy with other programs may add to an answer, at worst


async def fetch_status(session: aiohttp.ClientSession, url: str) -> tuple[int, float, dict[str, str]]:
    started = time.perf_counter()
    async with session.get(url) as response:
        await response.read()
        return response.status, time.perf_counter() - started, dict(response.headers)


async def fetch_all(urls: list[str]) -> list[tuple[int, float, dict[str, str]]]:
    async with aiohttp.ClientSession() as session:
        return await asyncio.gather(*(fetch_status(session, url) for url in urls))


def statuses(base_url: str, count: int) -> list[int]:
    results = asyncio.run(fetch_all([f"{base_url}/pokemon/{i}/" for i in range(1, count + 1)]))
    return [status for status, _, _ in results]


def test_latency_delays_each_answer_by_about_the_set_time(server: LocalServer) -> None:
    server.set_conditions(latency_ms=200)
    ((status, elapsed, _),) = asyncio.run(fetch_all([f"{server.base_url}/pokemon/pikachu/"]))
    assert status == 200
    assert elapsed >= 0.195  # never sooner (a loaded machine may only add to it)
    assert elapsed < 0.2 + LOADED_MACHINE_SLACK_S


def test_uniform_jitter_spreads_latency_within_its_range(server: LocalServer) -> None:
    server.set_conditions(latency_ms=150, jitter_ms=100, jitter="uniform", seed=3)
    server.reset_dice()  # each path's first request: the dice below are the ones the server rolls
    results = asyncio.run(fetch_all([f"{server.base_url}/pokemon/{i}/" for i in range(1, 41)]))
    elapsed = [e for _, e, _ in results]
    delays = [server.conditions.dice(f"/api/v2/pokemon/{i}", 1).delay_s for i in range(1, 41)]
    assert all(0.05 <= d <= 0.25 for d in delays) and max(delays) - min(delays) > 0.1  # within 150 +/- 100 ms
    assert all(e >= d - 0.005 for e, d in zip(elapsed, delays, strict=True))  # each answer waited its own delay
    assert max(elapsed) < 0.25 + LOADED_MACHINE_SLACK_S


def test_long_tail_jitter_has_a_few_slow_outliers(server: LocalServer) -> None:
    server.set_conditions(latency_ms=20, jitter_ms=30, jitter="long-tail", seed=5)
    dice = [server.conditions.dice(f"/api/v2/pokemon/{i}", 1).delay_s for i in range(2000)]
    dice.sort()
    median, p99 = dice[1000], dice[1980]
    assert median >= 0.02
    assert p99 > 3 * median  # the tail is long


def test_a_bandwidth_limit_really_slows_a_large_body(server: LocalServer) -> None:
    url = f"{server.base_url}/pokemon/1/"
    server.set_conditions(padding_kb=100)
    ((_, fast, _),) = asyncio.run(fetch_all([url]))
    server.set_conditions(bandwidth_kbps=200)
    ((status, slow, headers),) = asyncio.run(fetch_all([url]))
    assert status == 200
    assert int(headers["Content-Length"]) > 100 * 1024
    assert slow >= 0.5  # > 100 KB at 200 KB/s
    assert slow > 5 * fast


def test_the_same_seed_gives_the_same_errors_and_another_seed_others() -> None:
    def run(seed: int) -> list[int]:
        with LocalServer(NetworkConditions(error_rate=0.4, seed=seed)) as fresh:
            return statuses(fresh.base_url, 40)

    first, again, other = run(11), run(11), run(12)
    assert first == again
    assert first != other
    assert {500, 503, 429} <= set(first) | set(other)
    assert 5 <= sum(s != 200 for s in first) <= 30


def test_a_429_says_when_to_retry(server: LocalServer) -> None:
    server.set_conditions(error_rate=1.0, seed=1)
    results = asyncio.run(fetch_all([f"{server.base_url}/pokemon/{i}/" for i in range(1, 30)]))
    too_many = [headers for status, _, headers in results if status == 429]
    assert too_many, "expected at least one 429 among 29 failing requests"
    assert all(h["Retry-After"] == "1" for h in too_many)


def test_a_dropped_connection_cuts_the_body_halfway(server: LocalServer) -> None:
    server.set_conditions(drop_rate=1.0, padding_kb=50)

    async def read_body() -> None:
        async with aiohttp.ClientSession() as session, session.get(f"{server.base_url}/pokemon/4/") as response:
            await response.read()

    with pytest.raises(aiohttp.ClientPayloadError):
        asyncio.run(read_body())
    assert server.stats()["dropped"] >= 1


def test_the_server_queue_serves_at_most_max_concurrent_at_once(server: LocalServer) -> None:
    server.set_conditions(latency_ms=200, max_concurrent=2)
    before = time.perf_counter()
    results = asyncio.run(fetch_all([f"{server.base_url}/pokemon/{i}/" for i in range(1, 7)]))
    wall = time.perf_counter() - before
    assert all(status == 200 for status, _, _ in results)
    assert wall >= 0.6  # three waves of two
    assert sorted(round(e / 0.2) for _, e, _ in results) == [1, 1, 2, 2, 3, 3]
    assert server.stats()["peak_in_flight"] == 2


def test_changing_conditions_checks_values_before_sending(server: LocalServer) -> None:
    with pytest.raises(ValueError, match="error_rate"):
        server.set_conditions(error_rate=2)
    with pytest.raises(ValueError, match="unknown"):
        server.set_conditions(latency=5)
    assert server.set_conditions(latency_ms="120").latency_ms == 120


def test_the_admin_endpoint_answers_400_with_a_reason(server: LocalServer) -> None:
    with pytest.raises(ServerError, match="jitter must be one of"):
        server._admin("PUT", "/admin/conditions", {"jitter": "sometimes"})
