"""Network conditions the local server plays, and the seeded dice that decide each request.

Every condition's range is the settings table's (``gui.core.workload.setting_table``): the admin
endpoint, the command line and the window's panel refuse the same values.
"""

from __future__ import annotations

import math
import random
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

from gui.core.workload.setting_table import MAX_LATENCY_MS, NETWORK_SETTINGS

JitterKind = Literal["none", "uniform", "long-tail"]
JITTER_KINDS: tuple[str, ...] = ("none", "uniform", "long-tail")
ERROR_CODES: tuple[int, ...] = (500, 503, 429)
MAX_DELAY_S = MAX_LATENCY_MS / 1000  # latency and jitter together wait no longer than the longest latency


@dataclass(frozen=True)
class NetworkConditions:
    """What the server does to every ``/api/v2`` request. Zero means "off" everywhere."""

    latency_ms: float = 0.0  # fixed delay before the response headers
    jitter_ms: float = 0.0  # spread around latency_ms (uniform: +/-; long-tail: mean extra)
    jitter: JitterKind = "none"
    bandwidth_kbps: float = 0.0  # kilobytes per second per response; 0 = unlimited
    error_rate: float = 0.0  # fraction answered 500, 503 or 429 (with Retry-After)
    drop_rate: float = 0.0  # fraction whose connection is cut halfway through the body
    max_concurrent: int = 0  # requests served at once; the rest wait in line; 0 = unlimited
    padding_kb: float = 0.0  # filler added to each JSON body, to weigh like real PokéAPI
    retry_after_s: int = 1  # the Retry-After header sent with a 429
    seed: int = 0  # same seed and same requests -> same latencies, errors and drops

    def __post_init__(self) -> None:
        problems = _problems(self)
        if problems:
            raise ValueError("; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def updated(self, changes: dict[str, Any]) -> NetworkConditions:
        """A copy with ``changes`` applied; unknown names or bad values raise ValueError."""
        known = {f.name: f.type for f in fields(self)}
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise ValueError(f"unknown condition(s): {', '.join(unknown)}")
        coerced = {name: _coerce(name, value, getattr(self, name)) for name, value in changes.items()}
        return replace(self, **coerced)

    def dice(self, path: str, nth: int) -> RequestDice:
        """The random choices for the ``nth`` request of ``path``.

        Seeding from (seed, path, nth) rather than one shared generator keeps the outcome of each
        request independent of the order in which concurrent requests happen to arrive.
        """
        rng = random.Random(f"{self.seed}:{path}:{nth}")
        roll_error, roll_drop, roll_code = rng.random(), rng.random(), rng.random()
        error = None
        if roll_error < self.error_rate:
            error = ERROR_CODES[int(roll_code * len(ERROR_CODES))]
        return RequestDice(
            delay_s=self._delay_s(rng),
            error_status=error,
            drop=error is None and roll_drop < self.drop_rate,
        )

    def _delay_s(self, rng: random.Random) -> float:
        delay_ms = self.latency_ms
        if self.jitter == "uniform":
            delay_ms += rng.uniform(-self.jitter_ms, self.jitter_ms)
        elif self.jitter == "long-tail":
            # Pareto(2.5) - 1 has mean 2/3; scaled so the mean extra delay is jitter_ms.
            delay_ms += self.jitter_ms * 1.5 * (rng.paretovariate(2.5) - 1.0)
        return min(max(delay_ms, 0.0) / 1000.0, MAX_DELAY_S)


@dataclass(frozen=True)
class RequestDice:
    """What happens to one request."""

    delay_s: float
    error_status: int | None
    drop: bool


_RANGED = tuple(s for s in NETWORK_SETTINGS if s.kind in (int, float))  # each checked against its row
_SEED_BOUNDS = (-(2**63), 2**63 - 1)  # not a range but a sanity bound: a 5,000-digit seed is refused


def _problems(c: NetworkConditions) -> list[str]:
    """One readable sentence per bad value (NaN and infinities fail every range check)."""
    problems = []
    for row in _RANGED:
        value = getattr(c, row.field)
        if not row.within(value):
            what = "a whole number" if row.whole else "a number"
            problems.append(f"{row.field} must be {what} from {row.low:.15g} to {row.high:.15g}, got {_shown(value)}")
    low, high = _SEED_BOUNDS
    if isinstance(c.seed, bool) or not isinstance(c.seed, int) or not low <= c.seed <= high:
        problems.append(f"seed must be a whole number, got {_shown(c.seed)}")
    if c.jitter not in JITTER_KINDS:
        problems.append(f"jitter must be one of {', '.join(JITTER_KINDS)}, got {_shown(c.jitter)}")
    return problems


def _shown(value: Any) -> str:
    """A value as the user sent it, cut short: a 5,000-digit number is not repeated back whole."""
    if isinstance(value, int) and abs(value) >= 10**40:
        return "a number of more than 40 digits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _coerce(name: str, value: Any, current: Any) -> Any:
    """Accept JSON/CLI-ish values ("150", 150, 150.0) for numeric fields.

    Anything that is not cleanly a number of the field's kind is passed through unchanged, so
    that :func:`_problems` names it (2.5 for a count, Infinity, "abc").
    """
    if isinstance(current, bool) or isinstance(value, bool) or not isinstance(current, (int, float)):
        return value
    if isinstance(value, str):
        value = _number(value)
    if isinstance(current, int) and isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(current, float) and isinstance(value, int) and abs(value) < 10**300:
        return float(value)
    return value


def _number(text: str) -> Any:
    """``text`` as an int or a float, or ``text`` itself when it is neither (or absurdly long)."""
    if len(text) > 100:
        return text
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text
