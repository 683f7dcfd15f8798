"""The steps both clients share: judging an answer, and deciding to end a request or retry it."""

from __future__ import annotations

from typing import TypeAlias

from gui.core.clients.body_cap import MAX_REDIRECTS, BodyTooLarge
from gui.core.pokemon_json import InvalidPokemon, parse_card
from gui.core.recorder import Recorder
from gui.core.retry import RetryPolicy
from gui.core.trace import Outcome, Phase, PokemonCard, Status

Answer: TypeAlias = tuple[Outcome, PokemonCard | None, str | None]  # how an attempt ended, its card, Retry-After


def outcome_of_answer(http_status: int, reason: str, body: bytes) -> tuple[Outcome, PokemonCard | None]:
    """Judge a complete HTTP answer: an HTTP error, a card, or a body that is not a Pokémon."""
    if http_status >= 400:
        return Outcome(Status.HTTP_ERROR, http_status, f"HTTP {http_status} {reason}".strip(), len(body)), None
    try:
        card = parse_card(body)
    except InvalidPokemon as problem:
        return Outcome(Status.INVALID_RESPONSE, http_status, str(problem), len(body)), None
    except (RecursionError, OverflowError, MemoryError) as problem:  # nested 100,000 deep; "id": 1e999
        return Outcome(Status.INVALID_RESPONSE, http_status, f"not a Pokémon: {describe(problem)}", len(body)), None
    return Outcome(Status.OK, http_status, None, len(body)), card


def judge_answer(
    recorder: Recorder, request_id: int, http_status: int, reason: str, body: bytes
) -> tuple[Outcome, PokemonCard | None]:
    """``outcome_of_answer``, stamping "parsed" once a card came out of the body."""
    outcome, card = outcome_of_answer(http_status, reason, body)
    if card is not None:
        recorder.phase(request_id, Phase.PARSED)
    return outcome, card


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
    outcome, card, retry_after = answer
    delay = policy.delay_s(attempt, outcome.status, outcome.http_status, retry_after)
    if delay is None:
        recorder.end(request_id, outcome._replace(retries=attempt), card)
    else:
        recorder.retry(request_id, outcome.error or outcome.status, delay)
    return delay


def describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) < 160 else text[:157] + "..."
