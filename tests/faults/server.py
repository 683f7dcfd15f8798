"""A misbehaving PokéAPI: every fault a server (or the network) can throw at a client, one per name.

``GET /api/v2/pokemon/{fault}/`` answers with that fault, so a run that asks for the Pokémon
named after the faults meets every one of them. It speaks raw bytes over asyncio streams, not
aiohttp, because most faults are things a well-behaved HTTP server refuses to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import zlib
from collections.abc import Awaitable, Callable, Iterator
from typing import NamedTuple

from gui.core.trace.events import Status

Writer = asyncio.StreamWriter
Handler = Callable[["FaultServer", Writer], Awaitable[bool]]  # True: the connection may serve another request
BOMB_MB = 64  # decoded size of the gzip bomb (about 64 KB on the wire)
ENDLESS_LIMIT_MB = 256  # an "endless" body stops here, so a client without a cap cannot hang the test
BIG_POKEMON_KB = 200  # a valid answer, well under the default cap and over a small one
TRICKLE_S = 0.1  # the pause between the trickled bytes

POKEMON = {
    "id": 1,
    "name": "bulbasaur",
    "height": 7,
    "weight": 69,
    "types": [{"slot": 1, "type": {"name": "grass"}}, {"slot": 2, "type": {"name": "poison"}}],
    "stats": [{"stat": {"name": "hp"}, "base_stat": 45}, {"stat": {"name": "attack"}, "base_stat": 49}],
}


class Fault(NamedTuple):
    handler: Handler
    expected: Status  # how every mode must end a request that meets it
    error_has: str = ""  # a word the request's error text must contain


def head(status: str, *headers: str) -> bytes:
    return ("\r\n".join([f"HTTP/1.1 {status}", *headers]) + "\r\n\r\n").encode()


def answer(status: str, body: bytes, *headers: str) -> bytes:
    return head(status, "Content-Type: application/json", f"Content-Length: {len(body)}", *headers) + body


def pokemon(**changes: object) -> bytes:
    return json.dumps({**POKEMON, **changes}).encode()


def sends(data: bytes, keep_alive: bool = True) -> Handler:
    async def handler(server: FaultServer, writer: Writer) -> bool:
        writer.write(data)
        await writer.drain()
        return keep_alive

    return handler


async def hang(server: FaultServer, writer: Writer) -> bool:
    await server.stopping.wait()  # never answers; the client gives up long before
    return False


async def reset(server: FaultServer, writer: Writer) -> bool:
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # close = RST
    writer.transport.abort()
    return False


async def reset_mid_body(server: FaultServer, writer: Writer) -> bool:
    body = pokemon()
    writer.write(answer("200 OK", body)[: -len(body) // 2])
    await writer.drain()
    return await reset(server, writer)


async def trickle(data: bytes, writer: Writer) -> None:
    for i in range(len(data)):
        writer.write(data[i : i + 1])
        await writer.drain()
        await asyncio.sleep(TRICKLE_S)


async def trickle_headers(server: FaultServer, writer: Writer) -> bool:
    await trickle(head("200 OK", *(f"X-Slow-{i}: {'x' * 40}" for i in range(1000))), writer)
    return False


async def trickle_body(server: FaultServer, writer: Writer) -> bool:
    body = pokemon(padding="x" * 100_000)
    writer.write(answer("200 OK", body)[: -len(body)])
    await trickle(body, writer)
    return False


async def endless_chunked(server: FaultServer, writer: Writer) -> bool:
    writer.write(head("200 OK", "Content-Type: application/json", "Transfer-Encoding: chunked"))
    chunk = b"%x\r\n%s\r\n" % (65536, b" " * 65536)
    for _ in range(ENDLESS_LIMIT_MB * 16):
        writer.write(chunk)
        await writer.drain()
    return False


async def endless_until_close(server: FaultServer, writer: Writer) -> bool:
    writer.write(head("200 OK", "Content-Type: application/json", "Connection: close"))  # no length: until EOF
    for _ in range(ENDLESS_LIMIT_MB * 16):
        writer.write(b"[" * 65536)
        await writer.drain()
    return False


async def gzip_bomb(server: FaultServer, writer: Writer) -> bool:
    writer.write(answer("200 OK", server.bomb, "Content-Encoding: gzip"))
    await writer.drain()
    return True


def redirect(location: Callable[[FaultServer], str]) -> Handler:
    async def handler(server: FaultServer, writer: Writer) -> bool:
        writer.write(answer("302 Found", b"", f"Location: {location(server)}"))
        await writer.drain()
        return True

    return handler


FAULTS: dict[str, Fault] = {
    "ok": Fault(sends(answer("200 OK", pokemon())), Status.OK),
    "big-pokemon": Fault(sends(answer("200 OK", pokemon(padding="x" * BIG_POKEMON_KB * 1024))), Status.OK),
    "http-500": Fault(sends(answer("500 Internal Server Error", b'{"detail": "boom"}')), Status.HTTP_ERROR, "500"),
    "http-503": Fault(sends(answer("503 Service Unavailable", b"{}")), Status.HTTP_ERROR, "503"),
    "http-429": Fault(sends(answer("429 Too Many Requests", b"{}", "Retry-After: 1")), Status.HTTP_ERROR, "429"),
    "http-404": Fault(sends(answer("404 Not Found", b'{"detail": "Not found."}')), Status.HTTP_ERROR, "404"),
    "reset": Fault(reset, Status.CONNECTION_ERROR),
    "empty-reply": Fault(sends(b"", keep_alive=False), Status.CONNECTION_ERROR),
    "reset-mid-body": Fault(reset_mid_body, Status.CONNECTION_ERROR),
    "short-body": Fault(sends(answer("200 OK", pokemon())[:-20], keep_alive=False), Status.CONNECTION_ERROR),
    "garbage-status": Fault(sends(b"HELLO THERE\r\n\r\n", keep_alive=False), Status.CONNECTION_ERROR),
    "huge-header": Fault(sends(head("200 OK", f"X-Huge: {'x' * 200_000}"), keep_alive=False), Status.CONNECTION_ERROR),
    "hang": Fault(hang, Status.TIMEOUT),
    "trickle-headers": Fault(trickle_headers, Status.TIMEOUT),
    "trickle-body": Fault(trickle_body, Status.TIMEOUT),
    "malformed-json": Fault(sends(answer("200 OK", b'{"id": 1, "name": ')), Status.INVALID_RESPONSE),
    "not-a-pokemon": Fault(sends(answer("200 OK", b'["a", "list"]')), Status.INVALID_RESPONSE),
    "html": Fault(sends(answer("200 OK", b"<html>maintenance</html>", "X-Kind: html")), Status.INVALID_RESPONSE),
    "id-1e999": Fault(sends(answer("200 OK", pokemon().replace(b'"id": 1', b'"id": 1e999'))), Status.INVALID_RESPONSE),
    "id-5000-digits": Fault(
        sends(answer("200 OK", pokemon().replace(b'"id": 1', b'"id": ' + b"9" * 5000))), Status.INVALID_RESPONSE
    ),
    "nested-100000": Fault(sends(answer("200 OK", b"[" * 100_000 + b"]" * 100_000)), Status.INVALID_RESPONSE),
    "announced-10gb": Fault(
        sends(head("200 OK", f"Content-Length: {10 * 1024**3}") + b"{", keep_alive=False),
        Status.INVALID_RESPONSE,
        "too large",
    ),
    "endless-chunked": Fault(endless_chunked, Status.INVALID_RESPONSE, "too large"),
    "endless-until-close": Fault(endless_until_close, Status.INVALID_RESPONSE, "too large"),
    "gzip-bomb": Fault(gzip_bomb, Status.INVALID_RESPONSE, "too large"),
    "bad-gzip": Fault(sends(answer("200 OK", b"not gzip at all", "Content-Encoding: gzip")), Status.INVALID_RESPONSE),
    "unasked-brotli": Fault(sends(answer("200 OK", b"\x1b\x00", "Content-Encoding: br")), Status.INVALID_RESPONSE),
    "redirect": Fault(redirect(lambda s: "/api/v2/pokemon/ok/"), Status.OK),
    "redirect-loop": Fault(redirect(lambda s: "/api/v2/pokemon/redirect-loop/"), Status.INVALID_RESPONSE, "redirect"),
    "redirect-to-closed-port": Fault(
        redirect(lambda s: f"http://127.0.0.1:{s.closed_port}/api/v2/pokemon/ok/"), Status.CONNECTION_ERROR
    ),
    "redirect-to-unknown-host": Fault(
        redirect(lambda s: "http://unknown-host.invalid/api/v2/pokemon/ok/"), Status.CONNECTION_ERROR
    ),
}


class FaultServer:
    """The server on 127.0.0.1 in a thread of its own, for as long as the ``running()`` block lasts."""

    def __init__(self) -> None:
        self.port = 0
        self.closed_port: int = _closed_port()  # a port where nothing listens: "the server is down"
        squeeze = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        zeros = bytes(1024 * 1024)
        self.bomb = b"".join(squeeze.compress(zeros) for _ in range(BOMB_MB)) + squeeze.flush()
        self._loop = asyncio.new_event_loop()
        self._connections: dict[asyncio.Task[None], Writer] = {}
        self.stopping = asyncio.Event()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v2"

    @contextlib.contextmanager
    def running(self) -> Iterator[FaultServer]:
        listening = threading.Event()
        thread = threading.Thread(target=self._serve, args=(listening,), name="fault-server", daemon=True)
        thread.start()
        listening.wait()
        try:
            yield self
        finally:
            self._loop.call_soon_threadsafe(self.stopping.set)
            thread.join()
            self._loop.close()

    def _serve(self, listening: threading.Event) -> None:
        async def main() -> None:
            server = await asyncio.start_server(self._connection, "127.0.0.1", 0, limit=1 << 20)
            self.port = server.sockets[0].getsockname()[1]
            listening.set()
            await self.stopping.wait()
            server.close()
            for writer in self._connections.values():
                writer.transport.abort()  # every handler's next write or read fails: it ends on its own
            await asyncio.gather(*self._connections, return_exceptions=True)
            await server.wait_closed()

        self._loop.run_until_complete(main())

    async def _connection(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                name = request.split(b" ", 2)[1].decode().rstrip("/").rsplit("/", 1)[-1]
                fault = FAULTS.get(name)
                handler = fault.handler if fault else sends(answer("404 Not Found", b"{}"))
                if not await handler(self, writer):
                    break
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the client went away (or gave up on us): that is its right
        finally:
            self._connections.pop(task, None)
            writer.transport.abort()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
