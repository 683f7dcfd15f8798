"""Read the fields the card needs out of a PokéAPI ``PokemonDetail`` body."""

from __future__ import annotations

import json
from typing import Any

from gui.core.trace import PokemonCard


class InvalidPokemon(ValueError):
    """The body is not JSON, or not shaped like a PokémonDetail."""


def parse_card(body: bytes) -> PokemonCard:
    try:
        data: Any = json.loads(body)
        return PokemonCard(
            id=int(data["id"]),
            name=str(data["name"]),
            types=tuple(t["type"]["name"] for t in sorted(data["types"], key=lambda t: t["slot"])),
            stats=tuple((s["stat"]["name"], int(s["base_stat"])) for s in data["stats"]),
            height=data.get("height"),
            weight=data.get("weight"),
        )
    except (ValueError, KeyError, TypeError) as problem:
        raise InvalidPokemon(f"not a Pokémon: {problem}") from None
