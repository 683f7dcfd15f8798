"""Fetchers for programs that follow links: each answer's links become new requests, traced.

A program (``gui.core.modes.evolutions``) calls ``fetch(job)`` for a request made before the run
and ``fetch(link)`` for a link found in an answer: the link remembers the request it came in, so
the new request's bar appears at once, linked to that one. ``fetch.wait(future, link)`` awaits a
future another request resolves, as a bar of its own (it sends nothing), ending as the future did.
A failed request raises :class:`RequestFailed` with its error, so a program handles failures as
exceptions, and a future resolved with one fails every reader with that same error.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable
from typing import Any

from gui.core.clients.aio_client import AsyncPokemonClient
from gui.core.clients.pokemon_json import Link, Resource
from gui.core.clients.sync_client import SyncPokemonClient
from gui.core.trace.events import Outcome, Phase, Status
from gui.core.trace.recorder import CancelToken, Recorder
from gui.core.workload.jobs import Job

WAIT_SLICE_S = 0.05  # a thread waiting on a future checks this often whether the run is stopping


class RequestFailed(Exception):
    """A request ended without an answer; ``outcome`` says how (every reader of its future sees it)."""

    def __init__(self, request_id: int, outcome: Outcome) -> None:
        super().__init__(outcome.error or outcome.status.value)
        self.request_id = request_id
        self.outcome = outcome


def label_of(link: Link) -> str:
    """ "species bulbasaur", "chain 1": what the bar of a followed link says."""
    parts = link["url"].rstrip("/").split("/")
    kind = parts[-2] if len(parts) > 1 else ""
    kind = {"pokemon-species": "species", "evolution-chain": "chain"}.get(kind, kind)
    return f"{kind} {link.get('name') or parts[-1]}".strip()


class _Links:
    """What both fetchers share: the request a link makes, and the request that resolves a future."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self._resolver: dict[int, int] = {}  # id(future) -> the request whose answer resolves it
        self._guard = threading.Lock()

    def job_for(self, what: Job | Link, resolves: object | None) -> Job:
        if isinstance(what, Job):
            job = what._replace(kind="resource")
        else:
            label = label_of(what)
            job = Job(self.recorder.new_request(label, what["url"], what.found_in), label, what["url"], kind="resource")
        if resolves is not None:
            with self._guard:
                self._resolver[id(resolves)] = job.request_id
        return job

    def start_wait(self, future: object, link: Link, lane: str | None) -> int:
        with self._guard:
            resolver = self._resolver.get(id(future))
        label = f"awaits {label_of(link)}"
        request_id = self.recorder.new_request(label, link["url"], link.found_in, awaits=resolver)
        self.recorder.phase(request_id, Phase.STARTED, lane)
        return request_id

    def end_wait(self, request_id: int, error: BaseException | None) -> None:
        if error is None:
            self.recorder.end(request_id, Outcome(Status.OK))
        elif isinstance(error, RequestFailed):
            self.recorder.end(request_id, error.outcome._replace(bytes=0, retries=0))
        else:
            self.recorder.end(request_id, Outcome(Status.INVALID_RESPONSE, error=str(error) or type(error).__name__))


def _answer(job: Job, outcome: Outcome, parsed: Any) -> Resource:
    if outcome.status is not Status.OK or not isinstance(parsed, Resource):
        raise RequestFailed(job.request_id, outcome)
    return parsed


def _seen(future: asyncio.Future[Resource]) -> None:
    if not future.cancelled():
        future.exception()


class AsyncFetcher:
    """For coroutines: at most ``limit`` requests in flight, each on a free slot (its lane)."""

    def __init__(self, client: AsyncPokemonClient, recorder: Recorder, limit: int) -> None:
        self.client = client
        self.links = _Links(recorder)
        self._slots: asyncio.Queue[str] = asyncio.Queue()
        for number in range(limit):
            self._slots.put_nowait(f"slot {number}")

    async def __call__(self, what: Job | Link, resolves: asyncio.Future[Resource] | None = None) -> Resource:
        job = self.links.job_for(what, resolves)
        if resolves is not None:  # its readers see its error; with none, asyncio must not warn it went unseen
            resolves.add_done_callback(_seen)
        lane = await self._slots.get()  # queued until one of the limit's slots is free
        try:
            outcome, parsed, _ = await self.client.fetch(job, lane)
        finally:
            self._slots.put_nowait(lane)
        return _answer(job, outcome, parsed)

    async def wait(self, future: asyncio.Future[Resource], link: Link) -> Resource:
        """Await a future another coroutine resolves; shielded, so cancelling this reader leaves it
        (and every other reader) alone."""
        request_id = self.links.start_wait(future, link, None)
        try:
            result = await asyncio.shield(future)
        except asyncio.CancelledError:
            self.links.recorder.end(request_id, Outcome(Status.CANCELLED))
            raise
        except Exception as error:
            self.links.end_wait(request_id, error)
            raise
        self.links.end_wait(request_id, None)
        return result

    def barrier(self, label: str) -> None:
        self.links.recorder.barrier(label)


class SyncFetcher:
    """For worker threads: each thread its own client (one kept-alive connection), its name the lane."""

    def __init__(self, make_client: Callable[[], SyncPokemonClient], recorder: Recorder, cancel: CancelToken) -> None:
        self.make_client = make_client
        self.links = _Links(recorder)
        self.cancel = cancel
        self._local = threading.local()
        self.clients: list[SyncPokemonClient] = []

    def __call__(self, what: Job | Link, resolves: concurrent.futures.Future[Resource] | None = None) -> Resource:
        job = self.links.job_for(what, resolves)
        if self.cancel.cancelled:
            raise RequestFailed(job.request_id, Outcome(Status.CANCELLED))  # the engine ends it as cancelled
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self.make_client()
            self.clients.append(client)
        outcome, parsed, _ = client.fetch(job)
        return _answer(job, outcome, parsed)

    def wait(self, future: concurrent.futures.Future[Resource], link: Link) -> Resource:
        """Block this thread on a future another thread resolves, giving up if the run stops."""
        request_id = self.links.start_wait(future, link, threading.current_thread().name)
        while True:
            try:
                result = future.result(timeout=WAIT_SLICE_S)
                break
            except concurrent.futures.TimeoutError:
                if self.cancel.cancelled:
                    self.links.recorder.end(request_id, Outcome(Status.CANCELLED))
                    raise RequestFailed(request_id, Outcome(Status.CANCELLED)) from None
            except Exception as error:
                self.links.end_wait(request_id, error)
                raise
        self.links.end_wait(request_id, None)
        return result

    def close(self) -> None:
        for client in self.clients:
            client.close()
