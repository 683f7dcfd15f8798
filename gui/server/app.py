"""The aiohttp.web application: PokéAPI routes, network conditions, and an admin endpoint.

Every ``/api/v2`` request goes through :func:`_network` which plays the conditions in the order a
real, busy API would: wait in the server's queue, think (latency), maybe fail, then send the body
at the configured bandwidth (maybe cutting the connection halfway).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from gui.core.dataset import Pokedex, pokedex
from gui.server import payloads
from gui.server.conditions import NetworkConditions, RequestDice
from gui.server.serving_queue import ServingQueue

API_PREFIX = "/api/v2"
CHUNK_BYTES = 4096
DEFAULT_PAGE_LIMIT = 20
MAX_PAGE_LIMIT = 100_000

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ServerState:
    """The mutable part of a running server: its conditions, its queue, its counters."""

    def __init__(self, conditions: NetworkConditions, dex: Pokedex) -> None:
        self.conditions = conditions
        self.dex = dex
        self.queue = ServingQueue(conditions.max_concurrent)
        self.seen: Counter[str] = Counter()  # how many times each path was asked for (for the dice)
        self.served = 0
        self.errors_injected = 0
        self.dropped = 0
        self.body_cache: dict[tuple[Any, ...], bytes] = {}

    def set_conditions(self, conditions: NetworkConditions) -> None:
        self.conditions = conditions
        self.queue.set_limit(conditions.max_concurrent)

    def reset_dice(self) -> None:
        """Start the seeded dice over: the next run meets the same delays and errors as the first.

        A comparison calls this between its runs, so every mode faces the same network.
        """
        self.seen.clear()

    def stats(self) -> dict[str, Any]:
        return {
            "served": self.served,
            "in_flight": self.queue.active,
            "waiting": self.queue.waiting,
            "peak_in_flight": self.queue.peak_active,
            "errors_injected": self.errors_injected,
            "dropped": self.dropped,
        }


STATE_KEY = web.AppKey("state", ServerState)


def create_app(conditions: NetworkConditions | None = None, dex: Pokedex | None = None) -> web.Application:
    app = web.Application(middlewares=[_network])
    app[STATE_KEY] = ServerState(conditions or NetworkConditions(), dex or pokedex())
    app.router.add_get("/", _index)
    app.router.add_get(API_PREFIX, _index)
    for resource, handler in (
        ("pokemon", _pokemon),
        ("pokemon-species", _species),
        ("evolution-chain", _evolution_chain),
    ):
        app.router.add_get(f"{API_PREFIX}/{resource}", _pokemon_list if resource == "pokemon" else _not_listed)
        app.router.add_get(f"{API_PREFIX}/{resource}/", _pokemon_list if resource == "pokemon" else _not_listed)
        app.router.add_get(f"{API_PREFIX}/{resource}/{{key}}", handler)
        app.router.add_get(f"{API_PREFIX}/{resource}/{{key}}/", handler)
    app.router.add_get("/admin/conditions", _get_conditions)
    app.router.add_put("/admin/conditions", _put_conditions)
    app.router.add_get("/admin/stats", _get_stats)
    app.router.add_post("/admin/reset", _reset)
    return app


def api_root(request: web.Request) -> str:
    """This server's API base URL as the client reached it, for the ``url`` fields."""
    return f"{request.scheme}://{request.host}{API_PREFIX}"


# --- network conditions ---------------------------------------------------------------------


@web.middleware
async def _network(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    state = request.app[STATE_KEY]
    conditions = state.conditions  # one snapshot per request, even if changed meanwhile
    path = request.path.rstrip("/").lower()
    state.seen[path] += 1
    dice = conditions.dice(path, state.seen[path])
    async with state.queue.slot():
        started = time.perf_counter()
        if dice.delay_s:
            await asyncio.sleep(dice.delay_s)
        state.served += 1
        if dice.error_status is not None:
            state.errors_injected += 1
            return _injected_error(dice.error_status, conditions)
        response = await handler(request)
        if isinstance(response, web.Response) and response.body is not None:
            return await _deliver(request, response, conditions, dice, started)
        return response


def _injected_error(status: int, conditions: NetworkConditions) -> web.Response:
    reasons = {500: "Internal Server Error", 503: "Service Unavailable", 429: "Too Many Requests"}
    headers = {"Retry-After": str(conditions.retry_after_s)} if status == 429 else None
    body = {"detail": f"{reasons[status]} (injected by the local server's error rate)"}
    return web.json_response(body, status=status, headers=headers)


async def _deliver(
    request: web.Request,
    response: web.Response,
    conditions: NetworkConditions,
    dice: RequestDice,
    started: float,
) -> web.StreamResponse:
    """Send the body in chunks, paced to the bandwidth; cut it halfway if the dice say drop."""
    body = response.body
    assert isinstance(body, bytes)
    if not conditions.bandwidth_kbps and not dice.drop:
        return response
    stream = web.StreamResponse(status=response.status, headers=response.headers)
    stream.content_length = len(body)
    await stream.prepare(request)
    bytes_per_s = conditions.bandwidth_kbps * 1024
    cut_at = len(body) // 2 if dice.drop else len(body)
    body_started = time.perf_counter()
    for offset in range(0, cut_at, CHUNK_BYTES):
        chunk = body[offset : min(offset + CHUNK_BYTES, cut_at)]
        if bytes_per_s:  # a chunk leaves once the link would have carried its last byte
            due = body_started + (offset + len(chunk)) / bytes_per_s
            await asyncio.sleep(max(due - time.perf_counter(), 0.0))
        await stream.write(chunk)
    if dice.drop:
        request.app[STATE_KEY].dropped += 1
        if request.transport is not None:
            request.transport.abort()  # the client sees a connection reset mid-body
        return stream
    await stream.write_eof()
    return stream


# --- PokéAPI routes -------------------------------------------------------------------------


def _json(request: web.Request, payload: dict[str, Any], status: int = 200) -> web.Response:
    padding_kb = request.app[STATE_KEY].conditions.padding_kb
    if padding_kb and status == 200:
        payload = {**payload, "x_padding": "." * int(padding_kb * 1024)}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return web.Response(body=body, status=status, content_type="application/json")


def _cached_json(request: web.Request, key: tuple[str, int], build: Callable[[], dict[str, Any]]) -> web.Response:
    """A 200 answer for a resource, serialised once per (base URL, resource, padding).

    The data never changes while the server runs; caching keeps the server's own CPU time out of
    the timings when thousands of requests arrive at once.
    """
    state = request.app[STATE_KEY]
    cache_key = (api_root(request), *key, state.conditions.padding_kb)
    body = state.body_cache.get(cache_key)
    if body is None:
        fresh = _json(request, build()).body
        assert isinstance(fresh, bytes)
        body = state.body_cache[cache_key] = fresh
    return web.Response(body=body, content_type="application/json")


def _not_found(request: web.Request, what: str) -> web.Response:
    return _json(request, {"detail": f"Not found: {what}"}, status=404)


async def _index(request: web.Request) -> web.Response:
    api = api_root(request)
    return _json(request, {name: f"{api}/{name}/" for name in ("pokemon", "pokemon-species", "evolution-chain")})


async def _pokemon(request: web.Request) -> web.Response:
    dex = request.app[STATE_KEY].dex
    found = dex.find_pokemon(request.match_info["key"])
    if found is None:
        return _not_found(request, f"pokemon {request.match_info['key']!r}")
    return _cached_json(
        request, ("pokemon", found["id"]), lambda: payloads.pokemon_detail(api_root(request), dex, found)
    )


async def _species(request: web.Request) -> web.Response:
    dex = request.app[STATE_KEY].dex
    found = dex.find_species(request.match_info["key"])
    if found is None:
        return _not_found(request, f"pokemon-species {request.match_info['key']!r}")
    return _cached_json(
        request, ("species", found["id"]), lambda: payloads.species_detail(api_root(request), dex, found)
    )


async def _evolution_chain(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    chain = (
        payloads.evolution_chain_detail(api_root(request), request.app[STATE_KEY].dex, int(key))
        if key.isdigit()
        else None
    )
    if chain is None:
        return _not_found(request, f"evolution-chain {key!r}")
    return _json(request, chain)


async def _pokemon_list(request: web.Request) -> web.Response:
    try:
        limit = _query_int(request, "limit", DEFAULT_PAGE_LIMIT, low=1, high=MAX_PAGE_LIMIT)
        offset = _query_int(request, "offset", 0, low=0, high=10**9)
    except ValueError as problem:
        return _json(request, {"detail": str(problem)}, status=400)
    items = list(request.app[STATE_KEY].dex.pokemon)
    return _json(request, payloads.paginated(api_root(request), "pokemon", items, limit, offset))


async def _not_listed(request: web.Request) -> web.Response:
    return _json(request, {"detail": "This local server lists only /pokemon/; ask for one resource by id."}, status=404)


def _query_int(request: web.Request, name: str, default: int, *, low: int, high: int) -> int:
    text = request.query.get(name)
    if text is None or text == "":
        return default
    if not text.lstrip("-").isdigit() or not low <= int(text) <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {text!r}")
    return int(text)


# --- admin ----------------------------------------------------------------------------------


async def _get_conditions(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE_KEY].conditions.to_dict())


async def _put_conditions(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        changes = await request.json()
        if not isinstance(changes, dict):
            raise ValueError("send a JSON object of condition names and values")
        state.set_conditions(state.conditions.updated(changes))
    except (ValueError, TypeError) as problem:
        return web.json_response({"detail": str(problem)}, status=400)
    return web.json_response(state.conditions.to_dict())


async def _get_stats(request: web.Request) -> web.Response:
    return web.json_response(request.app[STATE_KEY].stats())


async def _reset(request: web.Request) -> web.Response:
    request.app[STATE_KEY].reset_dice()
    return web.json_response({"reset": True})
