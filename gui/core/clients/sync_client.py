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

import certifi
import httpcore
import httpx

from gui.core.clients.body_cap import (
    ACCEPT_ENCODING,
    MAX_REDIRECTS,
    BadEncoding,
    BodyTooLarge,
    CappedBody,
)
from gui.core.clients.deadlines import deadline_watch
from gui.core.clients.outcomes import Answer, describe, end_or_retry, judge_answer, redirect_loop, too_large
from gui.core.clients.phase_stream import Attempt, PhaseBackend
from gui.core.clients.retry import RetryPolicy
from gui.core.trace.events import Outcome, Phase, PokemonCard, Status
from gui.core.trace.recorder import CancelToken, Recorder
from gui.core.workload.jobs import Job
from gui.core.workload.setting_table import DEFAULT_MAX_BODY_KB


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


class _NoCookies(httpx.Cookies):
    """A jar that keeps nothing: PokéAPI needs no cookies, and httpx's jar builds urllib shims for
    every response (~15 µs each, GIL held), which a hundred threads answering at once pay in turn."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


def _answer_headers(raw: list[tuple[bytes, bytes]]) -> tuple[str | None, str | None, str | None]:
    """Content-Encoding, Content-Length and Retry-After in one pass (httpx scans all headers per get)."""
    found: dict[bytes, str] = {}
    for name, value in raw:
        key = name.lower()
        if key in _ANSWER_HEADERS:
            found[key] = value.decode("latin-1")
    return found.get(b"content-encoding"), found.get(b"content-length"), found.get(b"retry-after")


_ANSWER_HEADERS = frozenset((b"content-encoding", b"content-length", b"retry-after"))


def _phase_transport(attempt: Attempt) -> httpx.HTTPTransport:
    """httpx's own transport, its pool on a backend that stamps phases (one connection: one worker)."""
    transport = httpx.HTTPTransport(verify=shared_tls_context())
    # httpx has no public way to hand its pool a network backend; the pool is made as httpx makes it.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=shared_tls_context(),
        max_connections=1,
        keepalive_expiry=httpx.Limits().keepalive_expiry,  # httpx's default, as its own pool would have
        network_backend=PhaseBackend(attempt),
    )
    return transport


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
        self._sockets = _Sockets()
        self._attempt_now = Attempt(recorder, self._sockets.connected)
        self.http = httpx.Client(
            transport=_phase_transport(self._attempt_now),
            timeout=timeout_s,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"Accept-Encoding": ACCEPT_ENCODING},
        )
        self.http._cookies = _NoCookies()  # the public setter would copy it into a plain jar
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
            if job.step is not None and isinstance(answer[1], PokemonCard):  # fetched a Pokémon: now its step
                job.step.run(self.recorder, job.request_id, answer[1])
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
        self._attempt_now.begin(job.request_id)
        read = 0
        try:
            with self.http.stream("GET", job.url) as response:
                encoding, length, retry_after = _answer_headers(response.headers.raw)
                body = CappedBody(self.max_body_bytes, encoding, length)
                for chunk in response.iter_raw():
                    body.feed(chunk)
                    read = body.raw_bytes
                self.recorder.phase(job.request_id, Phase.RECEIVED)  # the whole body is in
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
        return outcome, card, retry_after

    def _failure(self, error: Exception) -> Outcome:
        """What a transport error means: our own cancel, our deadline, a timeout, or the connection."""
        if self._sockets.aborted:
            return Outcome(Status.CANCELLED)
        if self._sockets.expired or isinstance(error, httpx.TimeoutException):
            return Outcome(Status.TIMEOUT, error=f"timed out: no complete answer within {self.timeout_s:g} s")
        return Outcome(Status.CONNECTION_ERROR, error=describe(error))
