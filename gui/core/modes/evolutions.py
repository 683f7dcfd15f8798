"""Programs that follow links: each Pokémon's species, then its evolution chain.

The futures and pipeline lessons run these. ``fetch(job)`` fetches a Pokémon queued at the start;
``fetch(link)`` follows a link found in an answer (a new request, its bar linked to the request
that found it). Many Pokémon share one chain (bulbasaur, ivysaur and venusaur: chain 1), which is
what a shared future saves; each chain is three requests in a row, which is what a pipeline overlaps.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from gui.core.clients.aio_client import AsyncPokemonClient
from gui.core.clients.follow import AsyncFetcher, SyncFetcher
from gui.core.clients.pokemon_json import Resource
from gui.core.modes.coroutines import traced_session
from gui.core.modes.mode_context import ModeContext
from gui.core.workload.jobs import Job

# --- the textbook: coroutines -----------------------------------------------------------------


async def each_chain_by_itself(jobs: list[Job], fetch: AsyncFetcher) -> list[Any]:
    """Every Pokémon's chain, each followed by its own coroutine as soon as the answer before is in."""

    async def chain_of(job: Job) -> Resource:
        pokemon = await fetch(job)
        species = await fetch(pokemon["species"])  # a link in the Pokémon's answer
        return await fetch(species["evolution_chain"])  # shared chains: fetched again and again

    return await asyncio.gather(*(chain_of(job) for job in jobs), return_exceptions=True)


async def chains_through_shared_futures(jobs: list[Job], fetch: AsyncFetcher) -> list[Any]:
    """The same, but the first coroutine that needs chain k makes its future and alone resolves it."""
    loop = asyncio.get_running_loop()
    chains: dict[str, asyncio.Future[Resource]] = {}  # chain url -> the one future of that chain

    async def chain_of(job: Job) -> Resource:
        pokemon = await fetch(job)
        species = await fetch(pokemon["species"])
        link = species["evolution_chain"]
        if link["url"] in chains:  # another coroutine is fetching it: read its future
            return await fetch.wait(chains[link["url"]], link)  # shielded: cancelling me cancels no one else
        future: asyncio.Future[Resource] = loop.create_future()  # the promise: only this coroutine writes it
        chains[link["url"]] = future
        try:
            future.set_result(await fetch(link, resolves=future))
        except Exception as error:
            future.set_exception(error)  # every reader fails with this one error
            del chains[link["url"]]  # a later Pokémon may try again
            raise
        return future.result()

    return await asyncio.gather(*(chain_of(job) for job in jobs), return_exceptions=True)


async def stage_by_stage(jobs: list[Job], fetch: AsyncFetcher) -> list[Any]:
    """Every Pokémon, then every species, then every chain: each stage waits for its slowest request."""
    pokemon = answers(await asyncio.gather(*(fetch(job) for job in jobs), return_exceptions=True))
    fetch.barrier("all Pokémon in")
    species = answers(await asyncio.gather(*(fetch(p["species"]) for p in pokemon), return_exceptions=True))
    fetch.barrier("all species in")
    return await asyncio.gather(*(fetch(s["evolution_chain"]) for s in species), return_exceptions=True)


def answers(results: list[Any]) -> list[Resource]:
    """The answers of a stage, without its failures (a failed Pokémon has no species to follow)."""
    return [result for result in results if isinstance(result, Resource)]


# --- the textbook: threads ---------------------------------------------------------------------


def each_chain_in_threads(jobs: list[Job], fetch: SyncFetcher, workers: int) -> list[Any]:
    """Every Pokémon's chain in a pool of threads, each thread following one chain at a time."""

    def chain_of(job: Job) -> Resource:
        pokemon = fetch(job)
        species = fetch(pokemon["species"])
        return fetch(species["evolution_chain"])

    return _in_pool(chain_of, jobs, workers)


def chains_shared_in_threads(jobs: list[Job], fetch: SyncFetcher, workers: int) -> list[Any]:
    """The same with shared futures: ``concurrent.futures.Future``, made under a lock."""
    chains: dict[str, Future[Resource]] = {}
    chains_lock = threading.Lock()

    def chain_of(job: Job) -> Resource:
        pokemon = fetch(job)
        species = fetch(pokemon["species"])
        link = species["evolution_chain"]
        with chains_lock:  # one thread makes each chain's future
            future = chains.get(link["url"])
            mine = future is None
            if future is None:
                # Set by hand, as executors do (its docs say set_result is for them and for tests).
                future = chains[link["url"]] = Future()
        if not mine:
            return fetch.wait(future, link)  # the future side: this thread blocks on result()
        try:
            future.set_result(fetch(link, resolves=future))  # the promise side
        except Exception as error:
            future.set_exception(error)
            with chains_lock:
                del chains[link["url"]]
            raise
        return future.result()

    return _in_pool(chain_of, jobs, workers)


def _in_pool(chain_of: Any, jobs: list[Job], workers: int) -> list[Any]:
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="worker") as pool:
        futures = [pool.submit(chain_of, job) for job in jobs]
        return [future.exception() or future.result() for future in futures]


# --- runners: the engine's way in ----------------------------------------------------------------


async def _run_coroutines(ctx: ModeContext, program: Any) -> None:
    s = ctx.settings
    async with traced_session(s.concurrency, s.timeout_s, ctx.recorder) as session:
        client = AsyncPokemonClient(session, ctx.recorder, ctx.policy, s.max_body_kb)
        fetch = AsyncFetcher(client, ctx.recorder, s.concurrency)
        await program(ctx.jobs, fetch)


async def run_each_chain(ctx: ModeContext) -> None:
    await _run_coroutines(ctx, each_chain_by_itself)


async def run_shared_futures(ctx: ModeContext) -> None:
    await _run_coroutines(ctx, chains_through_shared_futures)


async def run_stage_by_stage(ctx: ModeContext) -> None:
    await _run_coroutines(ctx, stage_by_stage)


async def _run_threads(ctx: ModeContext, program: Any) -> None:
    from gui.plain_thread import run_blocking

    fetch = SyncFetcher(ctx.sync_client, ctx.recorder, ctx.cancel)
    try:
        await run_blocking("chains-run", lambda: program(ctx.jobs, fetch, ctx.settings.concurrency))
    finally:
        fetch.close()


async def run_each_chain_in_threads(ctx: ModeContext) -> None:
    await _run_threads(ctx, each_chain_in_threads)


async def run_shared_in_threads(ctx: ModeContext) -> None:
    await _run_threads(ctx, chains_shared_in_threads)
