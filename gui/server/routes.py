"""PokéAPI v2's routes: every resource a served URL links to answers, by id or name, and as a list.

Pokémon, species and evolution chains come from the dataset; the resources they link to (type,
ability, stat, colour, ...) from the catalog. Anything else is PokéAPI's JSON 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aiohttp import web

from gui.core.workload.dataset import MAX_ID_DIGITS
from gui.server import payloads
from gui.server.state import API_PREFIX, STATE_KEY, api_root

DEFAULT_PAGE_LIMIT = 20
MAX_PAGE_LIMIT = 100_000
MAX_OFFSET = 1_000_000_000
# Resources the dataset holds itself; the catalog's (type, ability, ...) are added to these.
DATASET_RESOURCES = ("pokemon", "pokemon-species", "evolution-chain")


def add_routes(app: web.Application) -> None:
    """With and without the trailing slash, as PokéAPI answers both."""
    for suffix in ("", "/"):
        app.router.add_get(API_PREFIX + suffix, _index)
        app.router.add_get(f"{API_PREFIX}/{{resource}}{suffix}", _list)
        app.router.add_get(f"{API_PREFIX}/{{resource}}/{{key}}{suffix}", _detail)
        app.router.add_get(f"{API_PREFIX}/pokemon/{{key}}/encounters{suffix}", _encounters)


def as_id(text: str) -> int | None:
    """``text`` as a PokéAPI id, or None: only ASCII digits, and no more than an id can have."""
    return int(text) if text.isascii() and text.isdecimal() and len(text) <= MAX_ID_DIGITS else None


def json_response(request: web.Request, payload: Any, status: int = 200) -> web.Response:
    """A JSON answer; a 200 carries the padding the conditions ask for."""
    padding_kb = request.app[STATE_KEY].conditions.padding_kb
    if padding_kb and status == 200 and isinstance(payload, dict):
        payload = {**payload, "x_padding": "." * int(padding_kb * 1024)}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return web.Response(body=body, status=status, content_type="application/json")


def not_found(request: web.Request, what: str) -> web.Response:
    return json_response(request, {"detail": f"Not found: {what}"}, status=404)


def _resources(request: web.Request) -> list[str]:
    return [*DATASET_RESOURCES, *request.app[STATE_KEY].catalog.tables]


async def _index(request: web.Request) -> web.Response:
    api = api_root(request)
    return json_response(request, {name: f"{api}/{name}/" for name in _resources(request)})


async def _list(request: web.Request) -> web.Response:
    resource = request.match_info["resource"]
    rows = _rows(request, resource)
    if rows is None:
        return not_found(request, f"no resource {resource!r}")
    try:
        limit = _query_int(request, "limit", DEFAULT_PAGE_LIMIT, low=1, high=MAX_PAGE_LIMIT)
        offset = _query_int(request, "offset", 0, low=0, high=MAX_OFFSET)
    except ValueError as problem:
        return json_response(request, {"detail": str(problem)}, status=400)
    return json_response(request, payloads.paginated(api_root(request), resource, rows, limit, offset))


def _rows(request: web.Request, resource: str) -> list[tuple[int, str | None]] | None:
    """Every (id, name) of a resource in id order; chains have no name. None: no such resource."""
    state = request.app[STATE_KEY]
    if resource == "pokemon":
        return [(p["id"], p["name"]) for p in state.dex.pokemon]
    if resource == "pokemon-species":
        return [(s["id"], s["name"]) for s in state.dex.species]
    if resource == "evolution-chain":
        return [(chain_id, None) for chain_id in sorted({s["evolution_chain"] for s in state.dex.species})]
    table = state.catalog.tables.get(resource)
    return list(table.rows) if table is not None else None


async def _detail(request: web.Request) -> web.Response:
    resource, key = request.match_info["resource"], request.match_info["key"]
    found = _find(request, resource, key)
    if found is None:
        return not_found(request, f"{resource} {key[:100]!r}")
    id_, build = found
    return _cached(request, (resource, id_), build)


def _find(request: web.Request, resource: str, key: str) -> tuple[int, Callable[[], Any]] | None:
    """The id asked for and how to build its answer, or None when there is no such thing."""
    state, api = request.app[STATE_KEY], api_root(request)
    catalog = state.catalog
    if resource == "pokemon" and (p := state.dex.find_pokemon(key)) is not None:
        return p["id"], lambda: payloads.pokemon_detail(api, catalog, p)
    if resource == "pokemon-species" and (s := state.dex.find_species(key)) is not None:
        return s["id"], lambda: payloads.species_detail(api, catalog, s)
    if resource == "evolution-chain" and (chain_id := as_id(key)) is not None:
        chain = payloads.evolution_chain_detail(api, state.dex, chain_id)
        return (chain_id, lambda: chain) if chain is not None else None
    table = catalog.tables.get(resource)
    row = table.find(key) if table is not None else None
    return (row[0], lambda: catalog.detail(api, resource, row)) if row is not None else None


async def _encounters(request: web.Request) -> web.Response:
    """Where a Pokémon can be met: offline there is nowhere, and ``[]`` is PokéAPI's answer for that."""
    key = request.match_info["key"]
    if request.app[STATE_KEY].dex.find_pokemon(key) is None:
        return not_found(request, f"pokemon {key[:100]!r}")
    return json_response(request, [])


def _cached(request: web.Request, key: tuple[str, int], build: Callable[[], Any]) -> web.Response:
    """A 200 answer for a resource, serialised once per (base URL, resource, padding).

    The data never changes while the server runs; caching keeps the server's own CPU time out of
    the timings when thousands of requests arrive at once.
    """
    state = request.app[STATE_KEY]
    cache_key = (api_root(request), *key, state.conditions.padding_kb)
    body = state.body_cache.get(cache_key)
    if body is None:
        fresh = json_response(request, build()).body
        assert isinstance(fresh, bytes)
        body = fresh
        state.body_cache.put(cache_key, body)
    return web.Response(body=body, content_type="application/json")


def _query_int(request: web.Request, name: str, default: int, *, low: int, high: int) -> int:
    text = request.query.get(name)
    if text is None or text == "":
        return default
    number = as_id(text.removeprefix("-"))
    value = None if number is None else (-number if text.startswith("-") else number)
    if value is None or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {text[:40]!r}")
    return value
