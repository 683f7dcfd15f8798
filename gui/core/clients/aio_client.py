"""An aiohttp PokéAPI client for coroutines, with phases from aiohttp's ``TraceConfig`` signals."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import aiohttp

from gui.core.clients.body_cap import (
    ACCEPT_ENCODING,
    MAX_REDIRECTS,
    BadEncoding,
    BodyTooLarge,
    CappedBody,
)
from gui.core.clients.outcomes import Answer, describe, end_or_retry, judge_answer, redirect_loop, too_large
from gui.core.clients.retry import RetryPolicy
from gui.core.trace.events import Outcome, Phase, PokemonCard, Status
from gui.core.trace.recorder import Recorder
from gui.core.workload.jobs import Job
from gui.core.workload.setting_table import DEFAULT_MAX_BODY_KB

_HEADERS = {"Accept-Encoding": ACCEPT_ENCODING}  # what CappedBody decodes; aiohttp's own decoder is off


def phase_trace_config(recorder: Recorder) -> aiohttp.TraceConfig:
    """Signals -> phases. ``trace_request_ctx`` carries the request id of each ``session.get``."""
    config = aiohttp.TraceConfig()

    def on(phase: Phase, only_once: bool = False) -> Any:
        async def handler(session: aiohttp.ClientSession, ctx: SimpleNamespace, params: Any) -> None:
            if only_once:
                if getattr(ctx, "connected", False):
                    return
                ctx.connected = True
            recorder.phase(ctx.trace_request_ctx, phase)

        return handler

    config.on_connection_create_end.append(on(Phase.CONNECTED, only_once=True))
    config.on_connection_reuseconn.append(on(Phase.CONNECTED, only_once=True))
    config.on_request_headers_sent.append(on(Phase.SENT))
    config.on_request_end.append(on(Phase.FIRST_BYTE))  # fires once headers are parsed, before the body
    return config


class AsyncPokemonClient:
    """Wraps one run's ``ClientSession``: timeout per request, retries that honour Retry-After, and
    a cap on each body (counted after decoding, which is why aiohttp's own decoding is off)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        recorder: Recorder,
        policy: RetryPolicy,
        max_body_kb: int = DEFAULT_MAX_BODY_KB,
    ) -> None:
        self.session = session
        self.recorder = recorder
        self.policy = policy
        self.max_body_bytes = max_body_kb * 1024

    async def fetch(self, job: Job, lane: str | None) -> Answer:
        """Fetch one Pokémon (or resource) on ``lane`` (the coroutine doing it), retrying as the
        policy allows; returns the last try's answer, with what came out of it."""
        self.recorder.phase(job.request_id, Phase.STARTED, lane)
        attempt = 0
        try:
            while True:
                answer = await self._attempt(job)
                if job.step is not None and isinstance(answer[1], PokemonCard):  # fetched a Pokémon: now its step
                    await job.step.run_async(self.recorder, job.request_id, answer[1])
                delay = end_or_retry(self.recorder, self.policy, job.request_id, attempt, answer)
                if delay is None:
                    return answer
                await asyncio.sleep(delay)
                attempt += 1
        except asyncio.CancelledError:
            self.recorder.end(job.request_id, Outcome(Status.CANCELLED, retries=attempt))
            raise

    async def _attempt(self, job: Job) -> Answer:
        try:
            async with self.session.get(
                job.url,
                trace_request_ctx=job.request_id,
                headers=_HEADERS,
                auto_decompress=False,
                max_redirects=MAX_REDIRECTS,
            ) as response:
                answer = await self._read(job, response)
                if answer[0].status not in (Status.OK, Status.HTTP_ERROR):
                    response.close()  # a bad answer's connection is not handed to the next request
                return answer
        except TimeoutError as error:  # aiohttp's timeouts subclass the built-in since 3.10
            return Outcome(Status.TIMEOUT, error=f"timed out: {describe(error)}"), None, None
        except aiohttp.TooManyRedirects:
            return redirect_loop(), None, None
        except aiohttp.ClientError as error:
            return Outcome(Status.CONNECTION_ERROR, error=describe(error)), None, None

    async def _read(self, job: Job, response: aiohttp.ClientResponse) -> Answer:
        """The body under the cap, then the verdict on it."""
        status = response.status
        body: CappedBody | None = None
        try:
            body = CappedBody(
                self.max_body_bytes, response.headers.get("Content-Encoding"), response.headers.get("Content-Length")
            )
            async for chunk in response.content.iter_any():
                body.feed(chunk)
            content = body.finish()
        except BodyTooLarge as problem:
            return too_large(problem, status), None, None
        except BadEncoding as problem:
            return Outcome(Status.INVALID_RESPONSE, status, str(problem), body.raw_bytes if body else 0), None, None
        self.recorder.phase(job.request_id, Phase.RECEIVED)
        outcome, card = judge_answer(self.recorder, job.request_id, status, response.reason or "", content, job.kind)
        return outcome, card, response.headers.get("Retry-After")
