"""Lesson: two locks taken in opposite orders deadlock; one global order cannot."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gui.core.lessons.claims import Check
from gui.core.lessons.lesson import LessonFigures, LessonSpec, Variant, network
from gui.core.trace.events import Status
from gui.core.workload.after_fetch import AfterFetch
from gui.core.workload.programs.table import SWITCH_INTERVAL_S

if TYPE_CHECKING:  # for types only
    from gui.core.results.finished_run import FinishedRun

HOLD_MS = 3  # the work done holding the first lock

VARIANTS = (
    Variant(
        "opposite",
        "threads",
        {"after_fetch": AfterFetch.LOCKS_OPPOSITE.value},
        "even workers: Pokédex, then PC box; odd workers: the other way round",
    ),
    Variant(
        "ordered",
        "threads",
        {"after_fetch": AfterFetch.LOCKS_ORDERED.value},
        "every worker: Pokédex, then PC box",
    ),
)


def figure_of(run: FinishedRun) -> dict[str, Any]:
    model = run.model
    found = model.deadlocks[0] if model.deadlocks else None
    lanes = [model.spans[r].lane for r in found.requests] if found else []
    return {
        "deadlock_detected": found is not None,
        "detected_after_s": round(found.t - found.formed_t, 4) if found else None,
        "cycle": lanes,
        "cycle_locks": list(found.locks) if found else [],
        "finished": sum(span.status is Status.OK for span in model.spans),
        "stuck": sum(span.deadlocked for span in model.spans),
        "wall_s": round(run.wall_s, 3),
    }


def figures(runs: Sequence[FinishedRun]) -> LessonFigures:
    lesson = {
        "switch_interval_ms": SWITCH_INTERVAL_S * 1000,
        "workers": runs[0].settings.concurrency,
        "pokemon": runs[0].settings.count,
    }
    return LessonFigures(lesson, [figure_of(run) for run in runs])


def checks(figures: LessonFigures) -> list[Check]:
    opposite, ordered = figures.variants
    workers, pokemon = figures.lesson["workers"], figures.lesson["pokemon"]
    if opposite["deadlock_detected"]:
        cycle = " → ".join(opposite["cycle"] + opposite["cycle"][:1])
        found = (
            f"Opposite orders deadlocked: {cycle} each waited for a lock the next one held. The watch found the "
            f"cycle {opposite['detected_after_s'] * 1000:.0f} ms after it closed and stopped the run."
        )
    else:
        found = ""
    why = "one worker cannot wait for another" if workers < 2 else "the hazard was there, the timing missed it"
    return [
        Check(
            "deadlocks found with opposite orders",
            int(opposite["deadlock_detected"]),
            "==",
            1,
            found,
            f"Opposite orders did not deadlock this time: {why}.",
        ),
        Check(
            "deadlocks found with one global order",
            int(ordered["deadlock_detected"]),
            "==",
            0,
            "One global order: no deadlock.",
            "One global order deadlocked, which cannot happen: the lesson is wrong.",
        ),
        Check(
            "Pokémon filed with one global order",
            ordered["finished"],
            "==",
            pokemon,
            f"All {pokemon} Pokémon were filed.",
            f"Only {ordered['finished']} of {pokemon} Pokémon were filed with one global order.",
        ),
    ]


LESSON = LessonSpec(
    id="deadlock",
    title="Deadlock: two locks, opposite orders",
    narrative=(
        "Each thread files its Pokémon in two shared records, the Pokédex and the PC box, each guarded by a lock "
        "of its own. The even-numbered threads take the Pokédex's lock and then the PC box's; the odd ones take "
        "the PC box's and then the Pokédex's."
        "\n\n"
        "A deadlock is two or more threads each waiting for a lock another of them holds, so that none of them "
        "can ever go on. It happens here when an even thread holds the Pokédex and waits for the PC box while an "
        "odd one holds the PC box and waits for the Pokédex: each waits for the other, forever."
        "\n\n"
        "A wait-for graph is a drawing with an arrow from each waiting thread to the thread that holds the lock "
        "it wants; a deadlock is a loop of such arrows. The app records every lock wait and hold, draws who waits "
        "for whom, and when it finds such a loop it stops the run, and the stuck threads give up (they wait in "
        "short slices, so they can)."
        "\n\n"
        "Taking the locks in one global order, the Pokédex always first, makes such a loop impossible. As in the "
        f"race lesson, the switch interval is {SWITCH_INTERVAL_S * 1000:g} ms, so the bad timing comes early."
    ),
    preset={"count": 151, "concurrency": 10, "step_ms": HOLD_MS},
    conditions=network(30, 10),
    variants=VARIANTS,
    figures=figures,
    plot_key="finished",
    plot_label="Pokémon filed before the run ended",
    plot_unit="",
    checks=checks,
)
