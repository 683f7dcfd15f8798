"""An aiohttp PokéAPI client for coroutines, with phases from aiohttp's ``TraceConfig`` signals."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import aiohttp

from gui.core.clients.outcomes import Answer, describe, end_or_retry, judge_answer
from gui.core.jobs import Job
from gui.core.recorder import Recorder
from gui.core.retry import RetryPolicy
from gui.core.trace import Outcome, Phase, PokemonCard, Status


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
    """Wraps one run's ``ClientSession``: timeout per request, retries that honour Retry-After."""

    def __init__(self, session: aiohttp.ClientSession, recorder: Recorder, policy: RetryPolicy) -> None:
        self.session = session
        self.recorder = recorder
        self.policy = policy

    async def fetch(self, job: Job, lane: str | None) -> Answer:
        """Fetch one Pokémon (or resource) on ``lane`` (the coroutine doing it), retrying as the
        policy allows; returns the last try's answer, with what came out of it."""
        self.recorder.phase(job.request_id, Phase.STARTED, lane)
        attempt = 0
        try:
            while True:
                answer = await self._attempt(job)
                if job.then is not None and isinstance(answer[1], PokemonCard):  # fetched a Pokémon: now its step
                    await job.then.run_async(self.recorder, job.request_id, answer[1])
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
            async with self.session.get(job.url, trace_request_ctx=job.request_id) as response:
                body = await response.read()
                self.recorder.phase(job.request_id, Phase.RECEIVED)
                outcome, card = judge_answer(
                    self.recorder, job.request_id, response.status, response.reason or "", body, job.kind
                )
                return outcome, card, response.headers.get("Retry-After")
        except TimeoutError as error:  # aiohttp's timeouts subclass the built-in since 3.10
            return Outcome(Status.TIMEOUT, error=f"timed out: {describe(error)}"), None, None
        except aiohttp.ClientError as error:
            return Outcome(Status.CONNECTION_ERROR, error=describe(error)), None, None
