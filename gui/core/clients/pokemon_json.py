"""Read the fields the card needs out of a PokéAPI ``PokemonDetail`` body."""

from __future__ import annotations

import json
from typing import Any

from gui.core.trace.events import PokemonCard


class InvalidPokemon(ValueError):
    """The body is not JSON, or not shaped like a PokémonDetail."""


def parse_card(body: bytes) -> PokemonCard:
    try:
        return card_of(json.loads(body))
    except (ValueError, KeyError, TypeError) as problem:
        raise InvalidPokemon(f"not a Pokémon: {problem}") from None


def card_of(data: Any) -> PokemonCard:
    return PokemonCard(
        id=int(data["id"]),
        name=str(data["name"]),
        types=tuple(t["type"]["name"] for t in sorted(data["types"], key=lambda t: t["slot"])),
        stats=tuple((s["stat"]["name"], int(s["base_stat"])) for s in data["stats"]),
        height=data.get("height"),
        weight=data.get("weight"),
    )


class Link(dict[str, Any]):
    """A link in an answer (PokéAPI's ``{"name", "url"}``), which remembers the request it came in.

    Following it makes a new request whose initiator is that one, as a browser's waterfall links
    an image to the page that named it.
    """

    found_in: int


class Resource(dict[str, Any]):
    """A whole answer as JSON, its links marked with the request it came in; ``card`` for a Pokémon."""

    request_id: int
    card: PokemonCard | None = None


def parse_resource(body: bytes, request_id: int) -> Resource:
    """Any PokéAPI answer, for programs that follow its links (species, evolution chains)."""

    def mark(values: dict[str, Any]) -> dict[str, Any]:
        if isinstance(values.get("url"), str) and set(values) <= {"name", "url"}:
            link = Link(values)
            link.found_in = request_id
            return link
        return values

    try:
        data: Any = json.loads(body, object_hook=mark)
    except ValueError as problem:
        raise InvalidPokemon(f"not JSON: {problem}") from None
    if not isinstance(data, dict):
        raise InvalidPokemon(f"not a resource: a JSON {type(data).__name__}")
    resource = Resource(data)
    resource.request_id = request_id
    if "types" in data and "stats" in data:
        try:
            resource.card = card_of(data)
        except (ValueError, KeyError, TypeError) as problem:
            raise InvalidPokemon(f"not a Pokémon: {problem}") from None
    return resource
