"""A synchronous PokéAPI client (httpx) for worker threads and processes, with phase tracing."""

from __future__ import annotations

import functools
import ssl
import threading
from typing import Any

import certifi
import httpx

from gui.core.clients.outcomes import Answer, describe, end_or_retry, judge_answer
from gui.core.jobs import Job
from gui.core.recorder import CancelToken, Recorder
from gui.core.retry import RetryPolicy
from gui.core.trace import Outcome, Phase, PokemonCard, Status

_PHASE_OF_EVENT: dict[str, Phase] = {
    "connection.connect_tcp.complete": Phase.CONNECTED,
    "http11.send_request_body.complete": Phase.SENT,
    "http11.receive_response_headers.complete": Phase.FIRST_BYTE,
    "http11.receive_response_body.complete": Phase.RECEIVED,
}
_REUSED_CONNECTION = "http11.send_request_headers.started"  # no connect_tcp before it: a kept-alive one


class _PhaseTracer:
    """httpcore's ``trace`` extension callback, mapped onto our phase names for one attempt.

    It is called ~14 times per request from every worker thread, so it does one dict lookup.
    """

    __slots__ = ("recorder", "request_id", "connected")

    def __init__(self, recorder: Recorder, request_id: int) -> None:
        self.recorder = recorder
        self.request_id = request_id
        self.connected = False

    def __call__(self, event_name: str, info: dict[str, Any]) -> None:
        phase = _PHASE_OF_EVENT.get(event_name)
        if phase is None:
            if event_name != _REUSED_CONNECTION or self.connected:
                return
            phase = Phase.CONNECTED
        if phase is Phase.CONNECTED:
            self.connected = True
        self.recorder.phase(self.request_id, phase)


@functools.cache
def shared_tls_context() -> ssl.SSLContext:
    """Loading CA certificates costs ~20 ms; do it once per process, not once per worker thread."""
    return ssl.create_default_context(cafile=certifi.where())


class SyncPokemonClient:
    """One worker's client: one kept-alive connection, a timeout, retries that honour Retry-After."""

    def __init__(
        self, recorder: Recorder, timeout_s: float, policy: RetryPolicy, cancel: CancelToken, lane: str | None = None
    ) -> None:
        self.recorder = recorder
        self.lane = lane  # None: the name of the thread that calls fetch()
        self.policy = policy
        self.cancel = cancel
        self.http = httpx.Client(timeout=timeout_s, limits=httpx.Limits(max_connections=1), verify=shared_tls_context())

    def close(self) -> None:
        self.http.close()

    def fetch(self, job: Job) -> Answer:
        """Fetch one Pokémon (or resource), retrying as the policy allows, and record how it ended.

        Returns the last try's answer: its outcome and what came out of it (a card, a resource).
        """
        self.recorder.phase(job.request_id, Phase.STARTED, self.lane or threading.current_thread().name)
        attempt = 0
        while True:
            answer = self._attempt(job)
            if job.then is not None and isinstance(answer[1], PokemonCard):  # fetched a Pokémon: now its step
                job.then.run(self.recorder, job.request_id, answer[1])
            delay = end_or_retry(self.recorder, self.policy, job.request_id, attempt, answer)
            if delay is None:
                return answer
            if self.cancel.wait(delay):
                cancelled = Outcome(Status.CANCELLED, retries=attempt)
                self.recorder.end(job.request_id, cancelled)
                return cancelled, None, None
            attempt += 1

    def _attempt(self, job: Job) -> Answer:
        try:
            response = self.http.get(job.url, extensions={"trace": _PhaseTracer(self.recorder, job.request_id)})
        except httpx.TimeoutException as error:
            return Outcome(Status.TIMEOUT, error=f"timed out: {describe(error)}"), None, None
        except (httpx.HTTPError, httpx.InvalidURL) as error:  # refused, reset, cut mid-body, unsendable
            return Outcome(Status.CONNECTION_ERROR, error=describe(error)), None, None
        outcome, card = judge_answer(
            self.recorder, job.request_id, response.status_code, response.reason_phrase, response.content, job.kind
        )
        return outcome, card, response.headers.get("Retry-After")
