"""Lesson: CPU work and the GIL. Threads take turns on one core; processes use them all."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gui.core.lessons.claims import Check, longer_or_shorter
from gui.core.lessons.lesson import Figure, LessonFigures, LessonSpec, Variant, network
from gui.core.lessons.measures import by_name, compute_span_s, compute_waits, startup_s, step_totals

if TYPE_CHECKING:  # for types only
    from gui.core.results.finished_run import FinishedRun

WORKERS = 2  # as many as this machine's cores: more would only queue for them
STEP = {"after_fetch": "compute", "step_ms": 20}

VARIANTS = (
    Variant("sequential", "sequential", STEP, "one after another"),
    Variant("threads", "threads", STEP, f"{WORKERS} worker threads, one GIL"),
    Variant("processes", "processes", STEP, f"{WORKERS} worker processes, a GIL each"),
)


def gil_enabled() -> bool:
    """False only on a free-threaded build running without its GIL (Python 3.13+)."""
    check = getattr(sys, "_is_gil_enabled", None)
    return bool(check()) if check is not None else True


def figures(runs: Sequence[FinishedRun]) -> LessonFigures:
    named = by_name([v.name for v in VARIANTS], runs)
    base = compute_span_s(named["sequential"])
    per_variant = []
    for run in runs:
        span = compute_span_s(run)
        wall, cpu = step_totals(run)
        waits = compute_waits(run)
        per_variant.append(
            {
                "cpu_speedup": round(base / span, 3) if span > 0 else 0.0,
                "compute_span_s": round(span, 4),
                "cpu_s": round(cpu, 4),
                # Ready to run, but another thread of its process held the GIL; where a busy core cannot
                # be told from the GIL (core_wait_s null), all the time it was ready and not running.
                "gil_wait_s": round(waits.gil_wait_s if waits.gil_wait_s is not None else max(wall - cpu, 0.0), 4),
                "core_wait_s": None if waits.core_wait_s is None else round(waits.core_wait_s, 4),
            }
        )
    lesson = {
        "gil_enabled": gil_enabled(),
        "cores": os.cpu_count() or 1,
        "workers": named["threads"].settings.concurrency,
        "step_ms": STEP["step_ms"],
        # the processes' interpreters starting, before any of them could compute (the figure leaves it out)
        "processes_startup_s": startup_s(named["processes"]),
        "processes_wall_s": round(named["processes"].wall_s, 3),
        "sequential_wall_s": round(named["sequential"].wall_s, 3),
    }
    return LessonFigures(lesson, per_variant)


# How many cores' worth of computing went on while some computing did (CPU seconds of the steps
# over the computing stretch): one GIL keeps threads at one core's worth, whatever the machine's load;
# two processes on two free cores come near 2, and a busy core takes that away.
THREADS_CORES_AT_MOST = 1.15
PROCESSES_CORES_AT_LEAST = 1.4
GIL_SHARE_AT_LEAST = 0.2  # threads taking turns: each waits for the GIL a good share of its running time


def cores_busy(figure: Figure) -> float:
    """CPU seconds of the computing steps per second of the computing stretch."""
    span = figure["compute_span_s"]
    return round(figure["cpu_s"] / span, 3) if span > 0 else 0.0


def checks(figures: LessonFigures) -> list[Check]:
    lesson = figures.lesson
    threads, processes = figures.variants[1], figures.variants[2]
    workers, cores = lesson["workers"], lesson["cores"]
    t, p = cores_busy(threads), cores_busy(processes)
    made: list[Check] = []
    if lesson["gil_enabled"]:
        made.append(
            Check(
                "threads: cores' worth of computing while they computed",
                t,
                "<=",
                THREADS_CORES_AT_MOST,
                f"{workers} threads kept {t:.2f} of a core busy while they computed: the GIL lets one thread run "
                "Python at a time.",
                f"{workers} threads kept {t:.2f} cores busy while they computed, more than one GIL allows: the "
                "work was not pure Python.",
            )
        )
        share = threads["gil_wait_s"] / max(threads["cpu_s"], 1e-9)
        alone = " one thread alone never waits for it." if workers < 2 else ""
        made.append(
            Check(
                "threads' time waiting for the GIL, as a share of their running time",
                round(share, 3),
                ">=",
                GIL_SHARE_AT_LEAST,
                f"They took turns: {threads['gil_wait_s']:.2f} s waiting for the GIL beside "
                f"{threads['cpu_s']:.2f} s of running.",
                f"The threads waited only {threads['gil_wait_s']:.2f} s for the GIL beside {threads['cpu_s']:.2f} s "
                f"of running:{alone or ' they did not take turns.'}",
            )
        )
    else:
        made.append(
            Check(
                "threads: cores' worth of computing while they computed",
                t,
                ">",
                THREADS_CORES_AT_MOST,
                f"This Python runs without a GIL (a free-threaded build): {workers} threads kept {t:.2f} cores busy.",
                f"This Python runs without a GIL, yet {workers} threads kept only {t:.2f} of a core busy.",
                load_sensitive=True,
            )
        )
    if cores < 2:
        return made  # one core: processes cannot compute at the same time here, and nothing says they did
    core_wait = processes.get("core_wait_s")
    if workers < 2:
        why = " One worker process computes alone."
    elif core_wait:
        why = f" They spent {core_wait:.2f} s ready to run but waiting for a core that something else was using."
    else:
        why = ""
    made.append(
        Check(
            "processes: cores' worth of computing while they computed",
            p,
            ">=",
            PROCESSES_CORES_AT_LEAST,
            f"{workers} processes kept {p:.2f} cores busy: each has its own interpreter and its own GIL, so they "
            "computed at the same time on different cores.",
            f"{workers} processes kept only {p:.2f} cores busy while they computed.{why}",
            load_sensitive=True,
        )
    )
    return made


def facts(figures: LessonFigures) -> list[str]:
    sequential, threads, processes = figures.variants
    said = [
        f"The computing took {sequential['compute_span_s']:.2f} s one after another, {threads['compute_span_s']:.2f} s "
        f"in threads ({threads['cpu_speedup']:.2f}×) and {processes['compute_span_s']:.2f} s in processes "
        f"({processes['cpu_speedup']:.2f}×)."
    ]
    lesson = figures.lesson
    startup = lesson.get("processes_startup_s")
    if startup:
        whole, alone = lesson["processes_wall_s"], lesson["sequential_wall_s"]
        than = longer_or_shorter(whole, alone)
        said.append(
            f"Before computing, the processes spent {startup:.2f} s starting their interpreters (olive), so their "
            f"whole run took {whole:.2f} s, {than} the {alone:.2f} s one after another."
        )
    core_wait = processes.get("core_wait_s")
    if core_wait is not None:
        said.append(
            f"The processes' pale time was {core_wait:.2f} s waiting for a core and {processes['gil_wait_s']:.2f} s "
            "waiting for a GIL."
        )
    return said


LESSON = LessonSpec(
    id="gil",
    title="CPU work and the GIL: threads take turns, processes run together",
    narrative=(
        "This time each Pokémon also costs about 20 ms of computing after it arrives: a pure-Python simulation of "
        "its type matchups, run on its base stats. A core is one of the computer's processors: it runs one thread "
        "at a time, so a machine with two cores can really compute two things at once."
        "\n\n"
        "Waiting for the network lets other threads run, but computing in Python does not. The GIL (global "
        "interpreter lock) is a rule inside the usual Python, CPython: only the thread that holds it may run "
        "Python code, so two threads of one program take turns to compute, even on two cores."
        "\n\n"
        'So each computing bar of the threads splits into the parts the legend names: "computing" (its thread '
        'really ran), "waiting for the GIL" and "waiting for a core" (another program had the core). Where '
        'this computer cannot tell those two waits apart, one part, "ready, not running", holds both.'
        "\n\n"
        "A process is a running program with memory of its own, and the interpreter is the program inside it that "
        "runs Python code. Two processes each have an interpreter and a GIL of their own, so on two free cores "
        "they really compute at the same time, once each has started its interpreter (the part marked "
        '"starting the interpreter").'
        "\n\n"
        "The figure compares only the computing stretch of each run. In this window, drawing the bars takes a "
        "share of a core as well, so the processes may score a little lower here than when the lesson runs "
        "without a window."
    ),
    preset={"count": 100, "concurrency": WORKERS},
    conditions=network(0),
    variants=VARIANTS,
    figures=figures,
    plot_key="cpu_speedup",
    plot_label="times faster at computing than one after another",
    checks=checks,
    facts=facts,
    rank_by=compute_span_s,
    rank_name="computing",
)
