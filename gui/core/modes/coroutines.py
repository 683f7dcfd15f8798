"""Asyncio: one thread, one event loop, up to C requests in flight as coroutines.

``await`` hands the loop to another coroutine while this one waits on the network; a semaphore
keeps at most C of them past the door at once.
"""

from __future__ import annotations

import asyncio

import aiohttp

from gui.core.clients.aio_client import AsyncPokemonClient, phase_trace_config
from gui.core.jobs import Job
from gui.core.recorder import Recorder
from gui.core.retry import RetryPolicy


async def fetch_with_coroutines(
    jobs: list[Job], limit: int, timeout_s: float, policy: RetryPolicy, recorder: Recorder
) -> None:
    semaphore = asyncio.Semaphore(limit)
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=limit),
        timeout=aiohttp.ClientTimeout(total=timeout_s),
        trace_configs=[phase_trace_config(recorder)],
    ) as session:
        client = AsyncPokemonClient(session, recorder, policy)

        async def fetch(job: Job) -> None:
            async with semaphore:  # wait here until fewer than C are in flight
                await client.fetch(job)

        await asyncio.gather(*(fetch(job) for job in jobs))
