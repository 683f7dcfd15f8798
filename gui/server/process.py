"""Run the local server in a child process, and the handle the app keeps on it.

A separate process keeps the server off the window's event loop and out of its GIL: when a lesson
blocks the GUI's loop or burns CPU in threads, the "network" on the other side stays honest.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import multiprocessing.connection
import signal
import socket
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from enum import Enum
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from aiohttp import web

from gui.plain_thread import run_blocking
from gui.server.app import API_PREFIX, create_app
from gui.server.conditions import NetworkConditions

LOOPBACK = "127.0.0.1"
LISTEN_BACKLOG = 2048  # capped by the kernel's net.core.somaxconn


class ServerStatus(Enum):
    NEW = "new"  # not started yet
    STARTING = "starting"  # child spawned, waiting for its "ready"
    RUNNING = "running"  # answering on base_url
    STOPPED = "stopped"  # stopped (or failed to start); a handle is not restarted


class ServerError(RuntimeError):
    """The local server could not start, or refused a change."""


@dataclass(frozen=True)
class _Ready:
    port: int


@dataclass(frozen=True)
class _Failed:
    message: str


class LocalServer:
    """A PokéAPI-compatible server in a child process bound to 127.0.0.1.

    ``start()`` returns once the child says it is listening (it reports through a pipe, so there is
    no polling). The child also watches that pipe: when this process goes away, for any reason,
    the pipe closes and the child stops itself, so no server outlives the app.
    """

    def __init__(self, conditions: NetworkConditions | None = None, port: int = 0) -> None:
        self.conditions = conditions or NetworkConditions()
        self.requested_port = port
        self.port: int | None = None
        self.state = ServerStatus.NEW
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        # start() and stop() may run at once on two threads (quitting while the server starts): the
        # lock keeps state, child and pipe consistent; the wake-up socket ends start()'s wait early.
        self._lock = threading.Lock()
        self._wake: socket.socket | None = None
        self._start_over = threading.Event()

    @property
    def url(self) -> str:
        if self.port is None:
            raise ServerError("the local server is not running")
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def base_url(self) -> str:
        """The PokéAPI base URL, e.g. ``http://127.0.0.1:43125/api/v2``."""
        return self.url + API_PREFIX

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process else None

    def start(self, timeout_s: float = 30.0) -> str:
        """Spawn the child and wait until it listens; returns ``base_url``.

        A ``stop()`` from another thread meanwhile ends the wait at once: start() then raises.
        """
        try:
            return self._start(timeout_s)
        finally:
            self._start_over.set()

    def _start(self, timeout_s: float) -> str:
        with self._lock:
            if self.state is not ServerStatus.NEW:
                raise ServerError(f"this server handle is {self.state.value}; make a new one")
            context = multiprocessing.get_context("spawn")  # fork is unsafe once Qt has threads
            parent_conn, child_conn = context.Pipe()
            self._conn = parent_conn
            self._process = process = context.Process(
                target=serve_in_child,
                args=(child_conn, self.conditions.to_dict(), self.requested_port),
                name="poke-lab-server",
                daemon=True,
            )
            self._wake, wake_reader = socket.socketpair()
            self.state = ServerStatus.STARTING
            try:
                process.start()
            except OSError as error:  # no process to wait for: undo, and say why
                self._conn, self._process, self.state = None, None, ServerStatus.STOPPED
                for end in (parent_conn, child_conn, self._wake, wake_reader):
                    end.close()
                self._wake = None
                raise ServerError(f"the local server did not start: {error}") from error
        child_conn.close()
        try:
            message = _first_word(parent_conn, process, wake_reader, timeout_s)
        finally:
            with self._lock:
                wake_reader.close()
                if self._wake is not None:
                    self._wake.close()
                    self._wake = None
        with self._lock:
            if self.state is not ServerStatus.STARTING:
                message = _Failed("it was stopped while starting")
            elif isinstance(message, _Ready):
                self.port = message.port
                self.state = ServerStatus.RUNNING
                return self.base_url
        self._release(polite=False, timeout_s=1.0)
        raise ServerError(f"the local server did not start: {message.message}")

    async def start_async(self, timeout_s: float = 30.0) -> str:
        """``start()`` without blocking the calling event loop (the window keeps painting)."""
        return await run_blocking("server-start", lambda: self.start(timeout_s))

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the child: ask politely through the pipe, then terminate if it lingers.

        Safe from any thread, at any moment, any number of times: while it starts, the start is
        abandoned and the half-started child terminated.
        """
        with self._lock:
            starting = self.state is ServerStatus.STARTING
            polite = self.state is ServerStatus.RUNNING
            self.state = ServerStatus.STOPPED
            if self._wake is not None:
                try:
                    self._wake.send(b"!")
                except OSError:
                    pass
        if starting:
            self._start_over.wait(timeout_s)  # start() itself ends the child it was waiting for
        self._release(polite, timeout_s)

    async def stop_async(self, timeout_s: float = 5.0) -> None:
        await run_blocking("server-stop", lambda: self.stop(timeout_s))

    def _release(self, polite: bool, timeout_s: float) -> None:
        """Take the child and its pipe (only one caller gets them) and end the child."""
        with self._lock:
            conn, self._conn = self._conn, None
            process, self._process = self._process, None
            self.state = ServerStatus.STOPPED
            self.port = None
        if conn is not None:
            if polite:
                try:
                    conn.send("stop")
                except (OSError, ValueError):
                    polite = False
            conn.close()
        if process is not None:
            _end_process(process, timeout_s if polite else 0.0)

    async def set_conditions_async(self, **changes: Any) -> NetworkConditions:
        return await run_blocking("server-admin", lambda: self.set_conditions(**changes))

    def set_conditions(self, **changes: Any) -> NetworkConditions:
        """Change the running server's conditions (through its admin endpoint)."""
        self.conditions.updated(changes)  # raise ValueError here, before any I/O, on a bad value
        answer = self._admin("PUT", "/admin/conditions", changes)
        self.conditions = NetworkConditions(**answer)
        return self.conditions

    def played_conditions(self) -> NetworkConditions:
        """The conditions the running server reports it plays now (asked, not remembered)."""
        return NetworkConditions(**self._admin("GET", "/admin/conditions"))

    def reset_dice(self) -> None:
        """Make the server's seeded dice start over (same seed, same requests: same delays and errors)."""
        self._admin("POST", "/admin/reset", {})

    async def reset_dice_async(self) -> None:
        await run_blocking("server-admin", self.reset_dice)

    def stats(self) -> dict[str, Any]:
        """Counters kept by the server: served, in flight, waiting, peak in flight, errors, drops."""
        return self._admin("GET", "/admin/stats")

    def _admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())  # type: ignore[no-any-return]
        except urllib.error.HTTPError as error:
            raise ServerError(json.loads(error.read()).get("detail", str(error))) from error

    def __enter__(self) -> LocalServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _first_word(conn: Connection, process: BaseProcess, wake: socket.socket, timeout_s: float) -> _Ready | _Failed:
    """Wait for the child's "ready", its death, a stop() (through ``wake``) or the timeout."""
    ready = multiprocessing.connection.wait([conn, process.sentinel, wake], timeout_s)
    if wake in ready:
        return _Failed("it was stopped while starting")
    if conn not in ready:
        return _Failed("it exited before listening" if ready else "no answer in time")
    try:
        message = conn.recv()
    except (EOFError, OSError):
        return _Failed("it exited before listening")
    return message if isinstance(message, (_Ready, _Failed)) else _Failed(f"it said {message!r}")


def _end_process(process: BaseProcess, grace_s: float) -> None:
    """Wait ``grace_s`` for the child to leave, then terminate it, then kill it; never leave it running."""
    process.join(grace_s)
    if process.exitcode is None:
        process.terminate()
        process.join(1.0)
    if process.exitcode is None:
        process.kill()
        process.join()
    process.close()


def serve_in_child(conn: Connection, conditions: dict[str, Any], port: int) -> None:
    """Entry point of the server process: serve until the parent says stop or goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the terminal reaches us too: the app stops us
    try:
        asyncio.run(_serve_until_parent_stops(conn, NetworkConditions(**conditions), port))
    except Exception as error:  # report any start-up failure instead of dying silently
        try:
            conn.send(_Failed(f"{type(error).__name__}: {error}"))
        except OSError:
            pass


async def _serve_until_parent_stops(conn: Connection, conditions: NetworkConditions, port: int) -> None:
    stop = asyncio.Event()
    runner, bound_port = await start_site(conditions, LOOPBACK, port)
    loop = asyncio.get_running_loop()

    def watch_parent() -> None:
        try:
            conn.recv()  # "stop", or EOFError when the parent is gone
        except (EOFError, OSError):
            pass
        loop.call_soon_threadsafe(stop.set)

    try:
        conn.send(_Ready(bound_port))  # fails if the parent gave up meanwhile: the runner is cleaned up all the same
        threading.Thread(target=watch_parent, name="parent-watch", daemon=True).start()
        await stop.wait()
    finally:
        await runner.cleanup()


async def start_site(conditions: NetworkConditions, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Start the app on ``host:port`` (0 = a free port the OS picks); return the runner and port."""
    runner = web.AppRunner(create_app(conditions), access_log=None, handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    # aiohttp's default backlog (128) drops some of 512+ simultaneous connects, which then wait out
    # the kernel's 1 s SYN retry: the sweep lesson's 1024 coroutines would measure that, not concurrency.
    site = web.TCPSite(runner, host, port, backlog=LISTEN_BACKLOG)
    await site.start()
    server = site._server  # aiohttp exposes no public accessor for the bound socket
    assert server is not None and server.sockets  # type: ignore[attr-defined]
    return runner, server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]


async def serve_forever(conditions: NetworkConditions, port: int, announce: bool = True) -> None:
    """Run in the foreground (the ``--serve`` command); Ctrl+C stops it."""
    runner, bound_port = await start_site(conditions, LOOPBACK, port)
    if announce:
        print(f"Local PokéAPI serving at http://{LOOPBACK}:{bound_port}{API_PREFIX}/  (Ctrl+C stops)", flush=True)
        print(f"  try: curl http://{LOOPBACK}:{bound_port}{API_PREFIX}/pokemon/pikachu/", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


__all__ = ["LocalServer", "ServerError", "ServerStatus", "serve_forever"]
