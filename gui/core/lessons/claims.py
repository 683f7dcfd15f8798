"""A lesson's claim as checks on its run's numbers, and the verdict composed from them.

A teaching tool must never say what its run did not show. So a lesson does not write its verdict
to its point: it declares the checks that make the point (what is measured, how it compares, the
mark), each with a sentence for when it held and one for when it did not, both written from the
measured numbers. After a run the checks are evaluated, and the verdict is those sentences in
order, so a check that did not hold is said plainly, with the likeliest reason the data gives
(the machine was busy, too few requests, the server's limit) and what to try.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gui.core.watches.machine_load import MachineLoad

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "==": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
}


@dataclass(frozen=True)
class Check:
    """One measured comparison a lesson's point rests on: ``measured op mark``."""

    what: str  # what is measured, in a learner's words: "threads' speed-up over one after another"
    measured: float
    op: str  # one of ">=", "<=", "==", ">", "<"
    mark: float
    held_text: str  # the sentence when it held, with this run's numbers
    missed_text: str  # the sentence when it did not: what the run showed instead, and why (if known)
    # True: a busy machine can change this check's result, so a miss on a busy machine says so.
    load_sensitive: bool = field(default=False, kw_only=True)

    def __post_init__(self) -> None:
        if self.op not in _OPERATORS:
            raise ValueError(f"a check compares with one of {', '.join(_OPERATORS)}, not {self.op!r}")

    @property
    def held(self) -> bool:
        """``measured op mark``: a measurement that is not a number never holds."""
        if math.isnan(self.measured):
            return False
        return _OPERATORS[self.op](self.measured, self.mark)

    @property
    def sentence(self) -> str:
        return self.held_text if self.held else self.missed_text

    def as_json(self) -> dict[str, Any]:
        return {"what": self.what, "measured": self.measured, "op": self.op, "mark": self.mark, "held": self.held}


@dataclass(frozen=True)
class Claim:
    """Every check of one lesson run; it held exactly when every check held."""

    checks: tuple[Check, ...]

    @property
    def held(self) -> bool:
        return all(check.held for check in self.checks)

    @property
    def missed(self) -> tuple[Check, ...]:
        return tuple(check for check in self.checks if not check.held)

    def as_json(self) -> dict[str, Any]:
        return {"held": self.held, "checks": [check.as_json() for check in self.checks]}


def compose_verdict(claim: Claim, machine: MachineLoad | None, *, extra: Sequence[str] = ()) -> str:
    """The checks' sentences in order, then (when a check missed) a last word on why.

    ``extra`` are sentences that state measured facts outside the claim (a cost, a figure worth
    reading), written by the lesson with the sign and order the numbers have.
    """
    sentences = [check.sentence for check in claim.checks] + list(extra)
    busy = machine is not None and machine.busy
    if claim.held:
        if busy and any(check.load_sensitive for check in claim.checks):
            assert machine is not None
            sentences.append(
                f"The machine was busy (other programs took {machine.others_cpu_share:.0%} of its cores' time): "
                "the figures would be clearer on a quiet machine."
            )
        return " ".join(sentences)
    missed = claim.missed
    if busy and machine is not None and any(check.load_sensitive for check in missed):
        sentences.append(
            f"The machine was busy: other programs took {machine.others_cpu_share:.0%} of its "
            f"{machine.cores} cores' time during the runs, which is enough to change this result. Close them "
            "and run the lesson again."
        )
    lead = (
        "This run did not show all of the lesson's point"
        if len(missed) < len(claim.checks)
        else ("This run did not show the lesson's point")
    )
    return f"{lead} ({len(missed)} of {len(claim.checks)} checks missed). " + " ".join(sentences)


def ratio_text(value: float) -> str:
    """ "2.3×" for a measured ratio."""
    return f"{value:.1f}×" if value < 10 else f"{value:.0f}×"


def sooner_or_later(seconds: float) -> str:
    """ "0.53 s sooner", "0.10 s later", "in the same time": a difference in words with its sign."""
    if abs(seconds) < 0.005:
        return "in the same time"
    return f"{abs(seconds):.2f} s {'sooner' if seconds > 0 else 'later'}"


def more_or_fewer(before: float, after: float, noun: str, digits: int = 0) -> str:
    """ "rose from 5,578 to 5,674 context switches" / "fell from …" / "stayed at …": the word follows
    the numbers as written, so a difference too small to show is "stayed"."""
    was, now = f"{before:,.{digits}f}", f"{after:,.{digits}f}"
    if was == now:
        return f"stayed at {now} {noun}"
    return f"{'rose' if after > before else 'fell'} from {was} to {now} {noun}"


def longer_or_shorter(this: float, that: float) -> str:
    """ "longer than" / "shorter than" / "as long as": how one duration compares with another."""
    return "longer than" if this > that else "shorter than" if this < that else "as long as"
