"""Lesson: a race condition loses updates; a lock saves them, at a cost in waiting."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gui.core.lessons.claims import Check
from gui.core.lessons.lesson import LessonFigures, LessonSpec, Variant, network
from gui.core.workload.after_fetch import AfterFetch
from gui.core.workload.programs.table import SWITCH_INTERVAL_S

if TYPE_CHECKING:  # for types only
    from gui.core.results.finished_run import FinishedRun

WORK_MS = 2  # the work between the read and the write

VARIANTS = (
    Variant("unsafe", "threads", {"after_fetch": AfterFetch.TALLY.value}, "read, work, write: no lock"),
    Variant(
        "locked",
        "threads",
        {"after_fetch": AfterFetch.TALLY_LOCKED.value},
        "the same, holding a lock from the read to the write (threading.Lock)",
    ),
)


def lost_updates(run: FinishedRun) -> int:
    """Updates made minus what the Pokédex holds at the end, over every type."""
    made = Counter(u.key for span in run.model.spans for u in span.updates)
    return sum(n - run.model.observed.get(f"dex:{key}", 0) for key, n in made.items())


def lock_wait_s(run: FinishedRun) -> float:
    """Every worker's time waiting for a lock, added up."""
    total = 0.0
    for span in run.model.spans:
        began = None
        for event in span.locks:
            if event.action == "wait":
                began = event.t
            elif began is not None:
                total += event.t - began
                began = None
    return total


def figure_of(run: FinishedRun) -> dict[str, Any]:
    spans = run.model.spans
    return {
        "lost_updates": lost_updates(run),
        "lost_updates_seen": sum(len(span.lost) for span in spans),  # overwritten writes found on the bars
        "updates": sum(len(span.updates) for span in spans),
        "lock_wait_s": round(lock_wait_s(run), 4),
        "wall_s": round(run.wall_s, 3),
    }


def figures(runs: Sequence[FinishedRun]) -> LessonFigures:
    lesson = {"switch_interval_ms": SWITCH_INTERVAL_S * 1000, "workers": runs[0].settings.concurrency}
    return LessonFigures(lesson, [figure_of(run) for run in runs])


def checks(figures: LessonFigures) -> list[Check]:
    unsafe, locked = figures.variants
    lost, made, workers = unsafe["lost_updates"], unsafe["updates"], figures.lesson["workers"]
    why = "one worker thread has nobody to race with" if workers < 2 else "no switch fell between a read and its write"
    return [
        Check(
            "updates lost without a lock",
            lost,
            ">",
            0,
            f"Without a lock, {lost} of {made} updates were lost: another thread wrote between a read and its write.",
            f"Without a lock, none of {made} updates was lost this time: the race is in the code, but {why}.",
        ),
        Check(
            "updates lost with the lock",
            locked["lost_updates"],
            "==",
            0,
            "With the lock, none was lost.",
            f"With the lock, {locked['lost_updates']} were lost, which a lock must prevent: the lesson is wrong.",
        ),
    ]


def facts(figures: LessonFigures) -> list[str]:
    unsafe, locked = figures.variants
    waited = locked["lock_wait_s"]
    return [
        f"What the lock cost: the threads waited {waited:.2f} s in all for it, and the run took "
        f"{locked['wall_s']:.2f} s against {unsafe['wall_s']:.2f} s without it."
    ]


LESSON = LessonSpec(
    id="race",
    title="A race condition, and the lock that ends it",
    narrative=(
        "Ten threads fetch the first 151 Pokémon and count them per type in one shared Pokédex. Each count is a "
        "read, some real work (the Pokémon's matchups, about two milliseconds of Python), and a write of the value "
        "read plus one."
        "\n\n"
        "A race (a race condition) is a bug whose result depends on which thread happens to run when. Here a "
        "thread can be paused between its read and its write; if another thread updates the same type meanwhile, "
        'the first one\'s write puts back an old number and that update is lost: the parts marked "update lost" '
        "in the legend."
        "\n\n"
        "To make this happen often enough to see in every run, this lesson sets the switch interval to "
        f"{SWITCH_INTERVAL_S * 1000:g} ms instead of 5 ms, as a busy machine would make it feel; at 5 ms the same "
        "race is there, only rarer."
        "\n\n"
        "The locked variant holds a lock from the read to the write, so nothing can be lost, and each bar shows "
        "what that costs: its waits for the lock and its time holding it. Hover over a wait to see who held the "
        "lock."
    ),
    preset={"count": 151, "concurrency": 10, "step_ms": WORK_MS},
    conditions=network(30, 10),
    variants=VARIANTS,
    figures=figures,
    plot_key="lost_updates",
    plot_label="updates lost",
    plot_unit="",
    checks=checks,
    facts=facts,
)
