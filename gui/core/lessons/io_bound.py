"""Lesson: threads and coroutines win on I/O waits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gui.core.lessons.claims import Check
from gui.core.lessons.lesson import Figure, LessonFigures, LessonSpec, Variant, network
from gui.core.lessons.measures import by_name, speedup

if TYPE_CHECKING:  # for types only
    from gui.core.results.finished_run import FinishedRun

VARIANTS = (
    Variant("sequential", "sequential", caption="one request after another"),
    Variant("threads", "threads", caption="10 worker threads"),
    Variant("asyncio", "asyncio", caption="10 coroutines on one thread"),
)


def figures(runs: Sequence[FinishedRun]) -> LessonFigures:
    named = by_name([v.name for v in VARIANTS], runs)
    base = named["sequential"]
    at_once = min(base.settings.count, runs[-1].settings.concurrency)
    per_variant = [{"speedup": round(speedup(base, run), 3), "wall_s": round(run.wall_s, 4)} for run in runs]
    lesson = {
        "at_once": at_once,
        "speedup_needed": round(0.8 * at_once, 2),
        "requests": base.settings.count,
        "server_limit": int((base.conditions or {}).get("max_concurrent", 0)),  # 0: none
    }
    return LessonFigures(lesson, per_variant)


def checks(figures: LessonFigures) -> list[Check]:
    lesson = figures.lesson
    at_once, needed = lesson["at_once"], lesson["speedup_needed"]
    why = _why_not(lesson)
    made = []
    for variant, noun in ((figures.variants[1], "Threads"), (figures.variants[2], "Coroutines")):
        x = variant["speedup"]
        made.append(
            Check(
                f"{noun.lower()}' speed-up over one after another",
                x,
                ">=",
                needed,
                f"{noun} finished {x:.1f}× faster than one after another.",
                f"{noun} finished only {x:.1f}× faster than one after another, short of the {needed:g}× that "
                f"{at_once} overlapping waits should give.{why}",
                load_sensitive=True,
            )
        )
    return made


def _why_not(lesson: Figure) -> str:
    """The likeliest reason the waits did not overlap, from what the run was given."""
    limit, at_once = lesson["server_limit"], lesson["at_once"]
    if limit and limit < at_once:
        return f" The server served only {limit} at a time, so no more than {limit} waits could overlap."
    if lesson["requests"] < 2 * at_once:
        return f" With {lesson['requests']} requests there are too few waves to overlap; fetch more."
    return ""


def facts(figures: LessonFigures) -> list[str]:
    at_once = figures.lesson["at_once"]
    return [
        f"With {at_once} at once, {at_once}× is the most that overlapping the waits can give: the network itself "
        "is no faster."
    ]


LESSON = LessonSpec(
    id="io-bound",
    title="I/O waits: threads and coroutines overlap them",
    narrative=(
        "Fetching a Pokémon is mostly waiting. A request is one message asking a server for something, here one "
        "Pokémon's data, and a server is the program that answers: this one runs on this computer and waits on "
        "purpose before each answer, as a far-away one would. Made one after another, 40 requests mean 40 waits "
        "in a row."
        "\n\n"
        "A thread is one line of work inside a program, doing one thing after another; a program can run several "
        "threads side by side. A pool of 10 threads sends the next request while the others are still waiting "
        "for their answers, so their waits overlap."
        "\n\n"
        "A coroutine is a function that can pause in the middle and let others run until its answer is in. To "
        "await is to make that pause, and an event loop is what runs the coroutines on one thread, one at a time: "
        "when one awaits, the loop runs another. asyncio is the part of Python that provides coroutines and their "
        "event loop."
        "\n\n"
        "With 10 at once, the 40 waits below overlap in about 4 waves instead of 40. Neither threads nor "
        "coroutines make the network faster: they stop the program from standing still while it waits."
    ),
    preset={"count": 40, "concurrency": 10},
    conditions=network(100),
    variants=VARIANTS,
    figures=figures,
    plot_key="speedup",
    plot_label="times faster than one after another",
    checks=checks,
    facts=facts,
)
