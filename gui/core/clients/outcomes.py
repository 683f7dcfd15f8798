"""The steps both clients share: judging an answer, and deciding to end a request or retry it."""

from __future__ import annotations

from typing import Any, TypeAlias

from gui.core.clients.body_cap import MAX_REDIRECTS, BodyTooLarge
from gui.core.clients.pokemon_json import InvalidPokemon, Resource, parse_card, parse_resource
from gui.core.clients.retry import RetryPolicy
from gui.core.trace.events import Outcome, Phase, PokemonCard, Status
from gui.core.trace.recorder import Recorder

Parsed: TypeAlias = PokemonCard | Resource | None  # a job's card, or a linked resource (Job.kind "resource")
Answer: TypeAlias = tuple[Outcome, Any, str | None]  # how an attempt ended, what came out of it (Parsed), Retry-After


def outcome_of_answer(
    http_status: int, reason: str, body: bytes, kind: str = "pokemon", request_id: int = -1
) -> tuple[Outcome, Any]:
    """Judge a complete HTTP answer: an HTTP error, a card (or a resource), or a body that is not one."""
    if http_status >= 400:
        return Outcome(Status.HTTP_ERROR, http_status, f"HTTP {http_status} {reason}".strip(), len(body)), None
    try:
        card: Parsed = parse_card(body) if kind == "pokemon" else parse_resource(body, request_id)
    except InvalidPokemon as problem:
        return Outcome(Status.INVALID_RESPONSE, http_status, str(problem), len(body)), None
    except (RecursionError, OverflowError, MemoryError) as problem:  # nested 100,000 deep; "id": 1e999
        return Outcome(Status.INVALID_RESPONSE, http_status, f"not a Pokémon: {describe(problem)}", len(body)), None
    return Outcome(Status.OK, http_status, None, len(body)), card


def judge_answer(
    recorder: Recorder, request_id: int, http_status: int, reason: str, body: bytes, kind: str = "pokemon"
) -> tuple[Outcome, Any]:
    """``outcome_of_answer``, stamping "parsed" once a card (or resource) came out of the body."""
    outcome, card = outcome_of_answer(http_status, reason, body, kind, request_id)
    if card is not None:
        recorder.phase(request_id, Phase.PARSED)
        if isinstance(card, PokemonCard):
            card = shared_card(card)
    return outcome, card


_CARDS: dict[PokemonCard, PokemonCard] = {}
MAX_SHARED_CARDS = 4096  # more than every Pokémon and form there is


def shared_card(card: PokemonCard) -> PokemonCard:
    """One object for equal cards: 100,000 requests of 1,351 Pokémon keep 1,351 cards, not 100,000
    (each ~1 KB of fresh strings and tuples from its JSON), in the events and the spans alike."""
    kept = _CARDS.get(card)
    if kept is not None:
        return kept
    if len(_CARDS) < MAX_SHARED_CARDS:
        _CARDS[card] = card
    return card


def too_large(problem: BodyTooLarge, http_status: int) -> Outcome:
    """An answer cut off at the cap: an invalid response that says why (an HTTP error stays one)."""
    if http_status >= 400:
        return Outcome(Status.HTTP_ERROR, http_status, f"HTTP {http_status}; {problem}", problem.seen_bytes)
    return Outcome(Status.INVALID_RESPONSE, http_status, str(problem), problem.seen_bytes)


def redirect_loop() -> Outcome:
    return Outcome(Status.INVALID_RESPONSE, error=f"redirect loop: more than {MAX_REDIRECTS} redirects")


def end_or_retry(
    recorder: Recorder,
    policy: RetryPolicy,
    request_id: int,
    attempt: int,
    answer: Answer,
) -> float | None:
    """After attempt number ``attempt``: end the request (None) or record a retry (its delay in s)."""
    outcome, parsed, retry_after = answer
    delay = policy.delay_s(attempt, outcome.status, outcome.http_status, retry_after)
    if delay is None:
        card = parsed.card if isinstance(parsed, Resource) else parsed
        recorder.end(request_id, outcome._replace(retries=attempt), card)
    else:
        recorder.retry(request_id, outcome.error or outcome.status, delay)
    return delay


def describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) < 160 else text[:157] + "..."
