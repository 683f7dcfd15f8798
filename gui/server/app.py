"""The aiohttp.web application: PokéAPI routes, network conditions, and an admin endpoint.

Every ``/api/v2`` request goes through the network middleware (``network.py``); the PokéAPI routes
are in ``routes.py``. Every error this server gives, even for a path it has never heard of, is a
JSON body as PokéAPI's are, never aiohttp's ``text/plain`` page.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from gui.core.workload.dataset import Pokedex, pokedex
from gui.server.body_cache import DEFAULT_MAX_BYTES
from gui.server.conditions import NetworkConditions
from gui.server.network import Handler, network
from gui.server.routes import add_routes
from gui.server.state import API_PREFIX, STATE_KEY, ServerState, api_root

# A connection that sends no complete request for this long is closed: idle keep-alive ones, and
# half-sent ones that would otherwise hold a file descriptor each until the server runs out. Longer
# than the clients' own idle expiry (httpx 5 s, aiohttp 15 s), so they close first, never mid-reuse.
IDLE_TIMEOUT_S = 30.0
BODY_TIMEOUT_S = 10.0  # an admin request's body must arrive within this

__all__ = ["API_PREFIX", "IDLE_TIMEOUT_S", "STATE_KEY", "ServerState", "api_root", "create_app"]


BODY_TIMEOUT_KEY = web.AppKey("body_timeout_s", float)


def create_app(
    conditions: NetworkConditions | None = None,
    dex: Pokedex | None = None,
    *,
    idle_timeout_s: float = IDLE_TIMEOUT_S,
    body_timeout_s: float = BODY_TIMEOUT_S,
    cache_max_bytes: int = DEFAULT_MAX_BYTES,
) -> web.Application:
    """The server's application; the limits are parameters so that tests need not wait 30 s."""
    # handler_args reach each connection's handler, whoever makes the runner (process.py, tests).
    app = web.Application(middlewares=[_json_errors, network], handler_args={"keepalive_timeout": idle_timeout_s})
    app[STATE_KEY] = ServerState(conditions or NetworkConditions(), dex or pokedex(), cache_max_bytes)
    app[BODY_TIMEOUT_KEY] = body_timeout_s
    app.router.add_get("/", _root)
    add_routes(app)
    app.router.add_get("/admin/conditions", _get_conditions)
    app.router.add_put("/admin/conditions", _put_conditions)
    app.router.add_get("/admin/stats", _get_stats)
    app.router.add_post("/admin/reset", _reset)
    return app


@web.middleware
async def _json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """aiohttp's own errors (no such route, wrong method) as JSON, the shape PokéAPI answers with."""
    try:
        return await handler(request)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        detail = "Not found." if error.status == 404 else error.reason
        headers = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else None
        return web.json_response({"detail": detail}, status=error.status, headers=headers)


async def _root(request: web.Request) -> web.Response:
    return web.json_response({"api": f"{api_root(request)}/"})


# --- admin ----------------------------------------------------------------------------------


async def _get_conditions(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE_KEY].conditions.to_dict())


async def _put_conditions(request: web.Request) -> web.Response:
    state, timeout_s = request.app[STATE_KEY], request.app[BODY_TIMEOUT_KEY]
    try:
        async with asyncio.timeout(timeout_s):
            text = await request.text()
    except TimeoutError:
        return web.json_response({"detail": f"the request body did not arrive within {timeout_s:g} s"}, status=408)
    try:
        changes = _json_object(text)
        state.set_conditions(state.conditions.updated(changes))
    except (ValueError, TypeError) as problem:
        return web.json_response({"detail": str(problem)}, status=400)
    return web.json_response(state.conditions.to_dict())


def _json_object(text: str) -> dict[str, Any]:
    """The body as a JSON object; NaN and Infinity, which Python's json accepts, are refused by name."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not a value a condition can take")

    def whole(digits: str) -> int:
        if len(digits) > 100:
            raise ValueError(f"a number of {len(digits):,} digits is not a value a condition can take")
        return int(digits)

    try:
        changes = json.loads(text, parse_constant=refuse, parse_int=whole)
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None
    except json.JSONDecodeError as problem:
        raise ValueError(f"send a JSON object of condition names and values ({problem.msg})") from None
    if not isinstance(changes, dict):
        raise ValueError("send a JSON object of condition names and values")
    return changes


async def _get_stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE_KEY].stats())


async def _reset(request: web.Request) -> web.Response:
    request.app[STATE_KEY].reset_dice()
    return web.json_response({"reset": True})
