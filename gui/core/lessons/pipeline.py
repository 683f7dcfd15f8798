"""Lesson: Liskov's promise pipelines. Each chain goes on by itself instead of stage by stage."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gui.core.lessons.claims import Check
from gui.core.lessons.lesson import LessonFigures, LessonSpec, Variant, network

if TYPE_CHECKING:  # for types only
    from gui.core.results.finished_run import FinishedRun

AT_ONCE = 50
RATIO_NEEDED = 0.85

VARIANTS = (
    Variant("staged", "chains-staged", caption="every Pokémon, barrier, every species, barrier, every chain"),
    Variant("pipelined", "chains", caption="each chain goes on as soon as its previous answer is in"),
)


def figures(runs: Sequence[FinishedRun]) -> LessonFigures:
    staged, pipelined = runs
    per_variant = [
        {
            "wall_s": round(run.wall_s, 3),
            "requests": sum(s.is_request for s in run.model.spans),
            "barriers_s": [round(b.t, 3) for b in run.model.barriers],
        }
        for run in runs
    ]
    ratio = pipelined.wall_s / staged.wall_s if staged.wall_s > 0 else 0.0
    played = staged.conditions or {}
    lesson = {
        "pipelined_over_staged": round(ratio, 3),
        "needed_at_most": RATIO_NEEDED,
        "long_tail": played.get("jitter") == "long-tail" and float(played.get("jitter_ms", 0)) > 0,
    }
    return LessonFigures(lesson, per_variant)


def checks(figures: LessonFigures) -> list[Check]:
    staged, pipelined = figures.variants
    ratio = figures.lesson["pipelined_over_staged"]
    if not figures.lesson["long_tail"]:
        why = " This network has no long tail: with no stragglers, a barrier costs little."
    else:
        why = " Something else took the time: a busy machine, or (in the window) drawing every row."
    return [
        Check(
            "requests pipelined, less requests stage by stage",
            pipelined["requests"] - staged["requests"],
            "==",
            0,
            f"Both sent the same {staged['requests']} requests under the same limit.",
            f"Pipelined sent {pipelined['requests']} requests and stage by stage {staged['requests']}: "
            "not the same work.",
        ),
        Check(
            "pipelined wall time over stage by stage's",
            ratio,
            "<=",
            figures.lesson["needed_at_most"],
            f"Stage by stage took {staged['wall_s']:.2f} s, each barrier waiting for its stage's slowest answer; "
            f"pipelined took {pipelined['wall_s']:.2f} s, {ratio:.2f} of the time: a slow answer held up only "
            "its own chain.",
            f"Pipelined took {pipelined['wall_s']:.2f} s against {staged['wall_s']:.2f} s stage by stage, "
            f"{ratio:.2f} of the time: not the clear win (at most {figures.lesson['needed_at_most']:g}) this "
            f"lesson is about.{why}",
            load_sensitive=True,
        ),
    ]


LESSON = LessonSpec(
    id="pipeline",
    title="Pipelines: a chain goes on by itself",
    narrative=(
        "Each Pokémon leads to its species, and the species to its evolution chain: three requests in a row for "
        "each Pokémon."
        "\n\n"
        "A barrier is a point where a program waits until every piece of work started before it has finished. "
        "Stage by stage, the program gathers every Pokémon, then every species, then every chain, with a barrier "
        'after each stage (the dashed lines marked "barrier"): the next stage starts only when the slowest '
        "answer of this one is in. The network here has a long tail, as real ones do: most answers are quick and "
        "a few are very slow, so every stage waits for its slowest answer."
        "\n\n"
        "A pipeline is a way of working in which each item goes on to its next step as soon as its own previous "
        "step is done, without waiting for the other items. Pipelined, each Pokémon's chain of requests goes on "
        "by itself as soon as its previous answer is in, under the same limit of "
        f"{AT_ONCE} requests at once, so a slow answer holds up only its own chain. The links show which answer "
        "each request came from."
        "\n\n"
        "Barbara Liskov is an American computer scientist, a professor at MIT, who won the 2008 Turing Award, "
        "computing's best-known prize. In 1988 she and Liuba Shrira described promises and promise pipelines for "
        "programs that call other computers over a network, so that a program could send a call that needs an "
        "earlier call's answer without first waiting for that answer to come back. This lesson keeps a simpler "
        "part of that idea: each chain still waits for its own answers, but never for the other chains."
    ),
    preset={"count": 151, "concurrency": AT_ONCE},
    conditions=network(30, 20, "long-tail", seed=7),
    variants=VARIANTS,
    figures=figures,
    plot_key="wall_s",
    plot_label="wall time, in seconds",
    plot_unit=" s",
    checks=checks,
    rows="requests",
)
