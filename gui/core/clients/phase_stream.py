"""Phases of a blocking request read off its socket: an httpcore network backend that stamps them.

httpcore's ``trace`` extension reports every stage of a request (about 14 callbacks, each with a
name built by an f-string and a dict of arguments), and under 100 worker threads that all answer
in the same instant, every microsecond a request spends holding the GIL is paid a hundred times
per wave. The socket itself says what the timeline needs, more cheaply: a new connection is
made (``connect_tcp``), the request is written (``write``), the answer's first bytes arrive (the
first ``read`` after the write). The client stamps the body's end itself.

One backend serves one client, and one client one worker at a time (one kept-alive connection),
so the request being made is simply ``Attempt.current``: no lookup per event.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from typing import Any

import httpcore

from gui.core.trace.events import Phase
from gui.core.trace.recorder import Recorder

SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]


class Attempt:
    """The request a client is making now: its id, and which of its phases were stamped."""

    __slots__ = ("recorder", "request_id", "connected", "answered", "on_socket")

    def __init__(self, recorder: Recorder, on_socket: Callable[[socket.socket | None], None]) -> None:
        self.recorder = recorder
        self.on_socket = on_socket  # told each new socket, so a deadline or a cancel can shut it down
        self.request_id = -1  # -1: no request is being made (a pool's housekeeping)
        self.connected = False
        self.answered = True  # True until a request is written: a read before that is no answer

    def begin(self, request_id: int) -> None:
        self.request_id = request_id
        self.connected = False
        self.answered = True

    def stamp(self, phase: Phase) -> None:
        if self.request_id >= 0:
            self.recorder.phase(self.request_id, phase)


class PhaseStream(httpcore.NetworkStream):
    """A socket stream that stamps "connected", "sent" and "first byte" for the attempt it serves."""

    def __init__(self, inner: httpcore.NetworkStream, attempt: Attempt) -> None:
        self.inner = inner
        self.attempt = attempt

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = self.inner.read(max_bytes, timeout)
        attempt = self.attempt
        if not attempt.answered and data:
            attempt.answered = True
            attempt.stamp(Phase.FIRST_BYTE)  # the server's latency ends here; its headers parse at once
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return  # h11's end of a body-less request: nothing goes out
        attempt = self.attempt
        if not attempt.connected:  # a kept-alive connection: ready the moment the request is written
            attempt.connected = True
            attempt.stamp(Phase.CONNECTED)
        self.inner.write(buffer, timeout)
        attempt.answered = False
        attempt.stamp(Phase.SENT)

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        tls = self.inner.start_tls(ssl_context, server_hostname, timeout)
        self.attempt.on_socket(tls.get_extra_info("socket"))  # the TLS socket is the one to shut now
        self.inner = tls
        return self

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class PhaseBackend(httpcore.SyncBackend):
    """Connects as httpcore's own backend does, and wraps each new stream in a ``PhaseStream``."""

    def __init__(self, attempt: Attempt) -> None:
        self.attempt = attempt

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        stream = super().connect_tcp(host, port, timeout, local_address, socket_options)
        attempt = self.attempt
        attempt.on_socket(stream.get_extra_info("socket"))
        if not attempt.connected:  # a redirect's new connection: the request was connected already
            attempt.connected = True
            attempt.stamp(Phase.CONNECTED)
        return PhaseStream(stream, attempt)
