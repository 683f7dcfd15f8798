"""A synchronous PokéAPI client (httpx) for worker threads and processes, with phase tracing.

A blocked read cannot be interrupted from another thread, but its socket can be shut down under
it: that is how a request here meets its deadline (``deadlines``) and how Stop or quitting
aborts requests in flight instead of waiting them out.
"""

from __future__ import annotations

import functools
import socket
import ssl
import threading
from typing import Any

import certifi
import httpx

from gui.core.clients.body_cap import (
    ACCEPT_ENCODING,
    DEFAULT_MAX_BODY_KB,
    MAX_REDIRECTS,
    BadEncoding,
    BodyTooLarge,
    CappedBody,
)
from gui.core.clients.deadlines import deadline_watch
from gui.core.clients.outcomes import Answer, describe, end_or_retry, judge_answer, redirect_loop, too_large
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
_NEW_STREAM = ("connection.connect_tcp.complete", "connection.start_tls.complete")  # their socket is the one to shut
_REUSED_CONNECTION = "http11.send_request_headers.started"  # no connect_tcp before it: a kept-alive one


class _Sockets:
    """The socket under a client's one connection, and the right to shut it down.

    Shutting a socket down (not closing it) wakes a read blocked on it in another thread. The
    lock makes sure a late deadline never shuts down the connection the *next* attempt uses.
    """

    def __init__(self) -> None:
        self.current: socket.socket | None = None
        self.attempt = 0  # which attempt may be shut down; 0: none is running
        self.expired = False  # the running attempt passed its deadline
        self.aborted = False  # the run was cancelled: every attempt, now and later
        self._lock = threading.Lock()

    def begin(self, attempt: int) -> None:
        with self._lock:
            self.attempt, self.expired = attempt, False

    def end(self) -> None:
        with self._lock:
            self.attempt = 0

    def connected(self, sock: socket.socket | None) -> None:
        with self._lock:
            self.current = sock
            if self.attempt and (self.expired or self.aborted):
                _shut(sock)  # the deadline or the cancel came while it was connecting

    def expire(self, attempt: int) -> None:
        with self._lock:
            if self.attempt == attempt:
                self.expired = True
                _shut(self.current)

    def abort(self) -> None:
        with self._lock:
            self.aborted = True
            _shut(self.current)

    def drop(self) -> None:
        """After a protocol error or a bad body: the pool must not hand this connection out again."""
        with self._lock:
            _shut(self.current)  # a shut-down idle connection reads as closed: httpcore discards it


def _shut(sock: socket.socket | None) -> None:
    if sock is None:
        return
    try:  # the plain socket's method, also for a TLS socket (whose own would drop its TLS state under a reader)
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass  # already closed, or never connected


class _PhaseTracer:
    """httpcore's ``trace`` extension callback, mapped onto our phase names for one attempt.

    It is called ~14 times per request from every worker thread, so it does one dict lookup.
    """

    __slots__ = ("recorder", "request_id", "sockets", "connected")

    def __init__(self, recorder: Recorder, request_id: int, sockets: _Sockets) -> None:
        self.recorder = recorder
        self.request_id = request_id
        self.sockets = sockets
        self.connected = False

    def __call__(self, event_name: str, info: dict[str, Any]) -> None:
        if event_name in _NEW_STREAM:
            self.sockets.connected(info["return_value"].get_extra_info("socket"))
        phase = _PHASE_OF_EVENT.get(event_name)
        if phase is None:
            if event_name != _REUSED_CONNECTION or self.connected:
                return
            phase = Phase.CONNECTED
        if phase is Phase.CONNECTED:
            if self.connected:
                return  # a redirect's new connection: the request was connected already
            self.connected = True
        self.recorder.phase(self.request_id, phase)


@functools.cache
def shared_tls_context() -> ssl.SSLContext:
    """Loading CA certificates costs ~20 ms; do it once per process, not once per worker thread."""
    return ssl.create_default_context(cafile=certifi.where())


class SyncPokemonClient:
    """One worker's client: one kept-alive connection, a deadline, retries that honour Retry-After."""

    def __init__(
        self,
        recorder: Recorder,
        timeout_s: float,
        policy: RetryPolicy,
        cancel: CancelToken,
        lane: str | None = None,
        max_body_kb: int = DEFAULT_MAX_BODY_KB,
    ) -> None:
        self.recorder = recorder
        self.lane = lane  # None: the name of the thread that calls fetch()
        self.policy = policy
        self.cancel = cancel
        self.timeout_s = timeout_s
        self.max_body_bytes = max_body_kb * 1024
        self.http = httpx.Client(
            timeout=timeout_s,
            limits=httpx.Limits(max_connections=1),
            verify=shared_tls_context(),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"Accept-Encoding": ACCEPT_ENCODING},
        )
        self._sockets = _Sockets()
        self._attempts = 0
        cancel.on_cancel(self._sockets.abort)  # Stop or quit: reads in flight end now, not at their timeout

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
        self._attempts += 1
        number = self._attempts
        self._sockets.begin(number)
        deadline = deadline_watch.after(self.timeout_s, lambda: self._sockets.expire(number))
        try:
            answer = self._get(job)
        finally:
            deadline.cancel()
            self._sockets.end()
        if answer[0].status not in (Status.OK, Status.HTTP_ERROR):
            self._sockets.drop()
        return answer

    def _get(self, job: Job) -> Answer:
        """One GET, its body read under the cap; every way it can fail becomes an outcome."""
        tracer = _PhaseTracer(self.recorder, job.request_id, self._sockets)
        read = 0
        try:
            with self.http.stream("GET", job.url, extensions={"trace": tracer}) as response:
                body = CappedBody(
                    self.max_body_bytes,
                    response.headers.get("Content-Encoding"),
                    response.headers.get("Content-Length"),
                )
                for chunk in response.iter_raw():
                    body.feed(chunk)
                    read = body.raw_bytes
                content = body.finish()
        except BodyTooLarge as problem:
            return too_large(problem, response.status_code), None, None
        except BadEncoding as problem:
            return Outcome(Status.INVALID_RESPONSE, response.status_code, str(problem), read), None, None
        except httpx.TooManyRedirects:
            return redirect_loop(), None, None
        except (httpx.HTTPError, httpx.InvalidURL) as error:  # refused, reset, cut, timed out, unsendable
            return self._failure(error), None, None
        outcome, card = judge_answer(
            self.recorder, job.request_id, response.status_code, response.reason_phrase, content, job.kind
        )
        return outcome, card, response.headers.get("Retry-After")

    def _failure(self, error: Exception) -> Outcome:
        """What a transport error means: our own cancel, our deadline, a timeout, or the connection."""
        if self._sockets.aborted:
            return Outcome(Status.CANCELLED)
        if self._sockets.expired or isinstance(error, httpx.TimeoutException):
            return Outcome(Status.TIMEOUT, error=f"timed out: no complete answer within {self.timeout_s:g} s")
        return Outcome(Status.CONNECTION_ERROR, error=describe(error))
