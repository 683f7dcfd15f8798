"""Asyncio: one thread, one event loop, C coroutines fetching at the same time.

Each of the C worker coroutines takes the next Pokémon from a shared queue and ``await``s its
answer; while it waits, the loop runs the others. Only C tasks ever exist, however many
requests there are, so 10,000 requests cost no more scheduling than 10.
"""

from __future__ import annotations

import asyncio

import aiohttp

from gui.core.clients.aio_client import AsyncPokemonClient, phase_trace_config
from gui.core.clients.retry import RetryPolicy
from gui.core.modes.mode_context import ModeContext
from gui.core.trace.recorder import Recorder
from gui.core.workload.jobs import Job


async def fetch_with_coroutines(
    jobs: list[Job], limit: int, timeout_s: float, policy: RetryPolicy, recorder: Recorder, max_body_kb: int
) -> None:
    todo: asyncio.Queue[Job] = asyncio.Queue()
    for job in jobs:
        todo.put_nowait(job)
    async with traced_session(limit, timeout_s, recorder) as session:
        client = AsyncPokemonClient(session, recorder, policy, max_body_kb)

        async def worker(name: str) -> None:
            while not todo.empty():
                job = todo.get_nowait()
                await client.fetch(job, lane=name)  # the loop runs other workers meanwhile

        await asyncio.gather(*(worker(f"task {i}") for i in range(min(limit, len(jobs)))))


def traced_session(limit: int, timeout_s: float, recorder: Recorder) -> aiohttp.ClientSession:
    """One run's session: at most ``limit`` connections, a timeout per request, phases traced."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit),
        timeout=aiohttp.ClientTimeout(total=timeout_s),
        trace_configs=[phase_trace_config(recorder)],
    )


async def run(ctx: ModeContext) -> None:
    """The engine's way in: on the caller's own event loop (the window's, under qasync)."""
    s = ctx.settings
    await fetch_with_coroutines(ctx.jobs, s.concurrency, s.timeout_s, ctx.policy, ctx.recorder, s.max_body_kb)
