"""Several runs one after another: the one driver the window, the command line and the lessons share.

Runs of a comparison or a lesson never overlap: two at once would steal each other's cores and the
server's queue, and neither would measure what it claims. Before each run the caller may reset
what the runs share (the local server's seeded dice), so that each one meets the same network;
a run that was stopped stops the series there, since the rest would answer a question nobody asked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

Plan = TypeVar("Plan")  # what one run is made from: settings, or settings with a label
Ran = TypeVar("Ran")  # what one run leaves: a finished run, a live one, a measured one


async def one_after_another(
    plans: Sequence[Plan],
    run_one: Callable[[Plan], Awaitable[Ran]],
    *,
    before_each: Callable[[], Awaitable[None]] | None = None,
    goes_on: Callable[[Ran], bool] | None = None,
) -> list[Ran]:
    """``run_one(plan)`` for each plan in turn, each awaited to its end before the next starts.

    ``before_each()`` is awaited before every run; once ``goes_on(ran)`` is false (the run was
    stopped), no further run starts. Cancelling the task cancels the run under way, which ends as
    any stopped run does, and the cancellation goes on to the caller.
    """
    done: list[Ran] = []
    for plan in plans:
        if before_each is not None:
            await before_each()
        done.append(await run_one(plan))
        if goes_on is not None and not goes_on(done[-1]):
            break
    return done
