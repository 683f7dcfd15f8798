"""Lesson: one promise, many futures. A chain many Pokémon share is fetched once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gui.core.lessons.claims import Check, sooner_or_later
from gui.core.lessons.lesson import LessonFigures, LessonSpec, Variant, network
from gui.core.trace.events import Status

if TYPE_CHECKING:  # for types only
    from gui.core.results.finished_run import FinishedRun

VARIANTS = (
    Variant("naive", "chains", caption="coroutines: each fetches its own Pokémon's species and chain"),
    Variant(
        "shared", "chains-shared", caption="coroutines: the first to need a chain sets its future; the others await it"
    ),
    Variant("naive-threads", "chains-threads", caption="threads: each fetches its own Pokémon's chain"),
    Variant(
        "shared-threads",
        "chains-shared-threads",
        caption="threads: the same, one future per chain (concurrent.futures.Future)",
    ),
)


def figure_of(run: FinishedRun) -> dict[str, Any]:
    spans = run.model.spans
    sent = [s for s in spans if s.is_request]
    awaits = [s for s in spans if not s.is_request]
    return {
        "requests_sent": len(sent),
        "distinct_resources": len({s.url for s in sent}),
        "future_readers": len(awaits),  # awaits of a future another request resolved
        "readers_failed": sum(s.status.is_failure for s in awaits),
        "failed": sum(s.status.is_failure for s in sent),
        "ok": sum(s.status is Status.OK for s in sent),
        "wall_s": round(run.wall_s, 3),
    }


def figures(runs: Sequence[FinishedRun]) -> LessonFigures:
    per_variant = [figure_of(run) for run in runs]
    naive, shared, naive_threads, shared_threads = per_variant
    lesson = {
        "requests_saved": naive["requests_sent"] - shared["requests_sent"],
        "time_saved_s": round(naive["wall_s"] - shared["wall_s"], 3),
        "time_saved_threads_s": round(naive_threads["wall_s"] - shared_threads["wall_s"], 3),
    }
    return LessonFigures(lesson, per_variant)


def checks(figures: LessonFigures) -> list[Check]:
    naive, shared, naive_threads, shared_threads = figures.variants
    made = []
    for alone, together, noun in ((naive, shared, "coroutine"), (naive_threads, shared_threads, "thread")):
        sent, before = together["requests_sent"], alone["requests_sent"]
        made.append(
            Check(
                f"requests sent with shared futures ({noun}s), against each chain by itself",
                sent,
                "<",
                before,
                f"With {noun}s, each chain by itself sent {before} requests for {alone['distinct_resources']} "
                f"resources; with one future per chain, {sent} for {together['distinct_resources']}: "
                f"{together['future_readers']} readers awaited a chain another {noun} was fetching.",
                f"With {noun}s, sharing futures sent {sent} requests, no fewer than the {before} of each chain by "
                "itself: these Pokémon share no chain (fetch more of them, or the first 151).",
            )
        )
    return made


def facts(figures: LessonFigures) -> list[str]:
    saved = figures.lesson
    return [
        f"Sharing finished {sooner_or_later(saved['time_saved_s'])} with coroutines and "
        f"{sooner_or_later(saved['time_saved_threads_s'])} with threads: fewer requests need not mean less time "
        "when the saved ones would have overlapped with others anyway."
    ]


LESSON = LessonSpec(
    id="futures",
    title="Futures: one promise, many readers",
    narrative=(
        "Each Pokémon links to its species, and the species to its evolution chain, the family it evolves from "
        "and into: bulbasaur, ivysaur and venusaur all link to chain 1. Followed naively, each Pokémon fetches "
        "its own copy of its chain, so a shared chain is fetched again and again."
        "\n\n"
        "A future is a placeholder for a result that is not known yet: whoever needs the result waits on it, and "
        "all of them get the result once it is set. A promise is the writing side of a future, the one place "
        "that sets it, once, with the result or with an error."
        "\n\n"
        "The first coroutine that needs a chain makes its future, fetches the chain and sets the future's result "
        "(or its error, which every reader then sees). The others await that same future instead of fetching: "
        'the bars marked "awaiting a shared future" in the legend, each linked to the request that resolves it.'
        "\n\n"
        "So each chain is fetched once. Threads do the same with the future Python offers them "
        "(concurrent.futures.Future)."
    ),
    preset={"count": 151, "concurrency": 10},
    conditions=network(30, 10),
    variants=VARIANTS,
    figures=figures,
    plot_key="requests_sent",
    plot_label="requests sent for the same chains",
    plot_unit="",
    checks=checks,
    facts=facts,
    rows="requests",
)
