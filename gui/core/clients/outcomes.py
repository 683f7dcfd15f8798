"""The shared last step of both clients: an answer's status and body become an Outcome."""

from __future__ import annotations

from gui.core.pokemon_json import InvalidPokemon, parse_card
from gui.core.trace import Outcome, PokemonCard, Status


def outcome_of_answer(http_status: int, reason: str, body: bytes) -> tuple[Outcome, PokemonCard | None]:
    """Judge a complete HTTP answer: an HTTP error, a card, or a body that is not a Pokémon."""
    if http_status >= 400:
        return Outcome(Status.HTTP_ERROR, http_status, f"HTTP {http_status} {reason}".strip(), len(body)), None
    try:
        card = parse_card(body)
    except InvalidPokemon as problem:
        return Outcome(Status.INVALID_RESPONSE, http_status, str(problem), len(body)), None
    return Outcome(Status.OK, http_status, None, len(body)), card


def describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) < 160 else text[:157] + "..."
