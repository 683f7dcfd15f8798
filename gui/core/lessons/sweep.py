"""Lesson: do not overuse threads. Past what the server serves at once, more workers only cost.

The same 512 Pokémon are fetched again and again while the number of workers doubles, against a
server that serves 32 requests at a time. Each run is measured with what the whole process spent
on it (:class:`gui.core.lessons.lesson.ProcessUsage`): wall time falls until the server's limit and
then goes flat, while every extra thread still costs context switches and CPU time.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence

from gui.core.lessons.claims import Check, more_or_fewer
from gui.core.lessons.lesson import Figure, LessonFigures, LessonSpec, MeasuredRun, Variant, network
from gui.core.modes.catalogue import at_once
from gui.core.trace.events import Phase
from gui.core.workload.setting_table import MAX_CONCURRENCY

COUNT = 512
SERVER_LIMIT = 32  # requests the local server serves at once; the rest wait in its line
# 512 / 32 = 16 rounds of 50 ms: 0.8 s at best. The whole sweep (two variants, W = 1 dominating
# with 512 waits one after another) takes about two minutes on a 2-core machine.
LATENCY_MS = 50
THREADS_UP_TO = 512
COROUTINES_UP_TO = 1024
# A connection this slow to open was not taken at first (the server's queue of new connections was
# full) and asked for again: Linux resends a connection request after 1 s.
SLOW_CONNECT_S = 0.5


def doublings(up_to: int) -> tuple[int, ...]:
    """1, 2, 4 … the last power of two not above ``up_to``."""
    return tuple(2**k for k in range(up_to.bit_length()))


def slow_connects(measured: MeasuredRun) -> int:
    """Requests whose connection took ``SLOW_CONNECT_S`` or more to open."""
    count = 0
    for span in measured.run.model.spans:
        started, connected = span.t.get(Phase.STARTED), span.t.get(Phase.CONNECTED)
        if started is not None and connected is not None and connected - started >= SLOW_CONNECT_S:
            count += 1
    return count


def point(measured: MeasuredRun) -> Figure:
    """One run of the sweep as the figure keeps it (the window also plots these as they arrive)."""
    usage = measured.usage
    return {
        "workers": at_once(measured.run.settings),
        "wall_s": round(measured.run.wall_s, 4),
        "cpu_s": round(usage.cpu_s, 4),
        "ctx_switches": usage.ctx_switches,
        "voluntary_switches": usage.voluntary_switches,
        "involuntary_switches": usage.involuntary_switches,
        "slow_connects": slow_connects(measured),
    }


def variant_figure(points: Sequence[Figure], server_limit: int) -> Figure:
    """The points, and the numbers that say how the curve bent at the server's limit."""
    at_limit = max((p for p in points if p["workers"] <= server_limit), key=lambda p: p["workers"])
    past = [p for p in points if p["workers"] > server_limit]
    # The check: wall time at 4x the limit against at the limit (at least 0.9: flat).
    beyond = next((p for p in past if p["workers"] == 4 * server_limit), past[-1] if past else None)
    first, last = points[0]["ctx_switches"], points[-1]["ctx_switches"]
    best_past = min(past, key=lambda p: p["wall_s"]) if past else None
    return {
        "points": list(points),
        "wall_one_s": points[0]["wall_s"],
        "wall_at_limit_s": at_limit["wall_s"],
        "gain_to_limit": _ratio(points[0]["wall_s"], at_limit["wall_s"]),  # what doubling up to the limit bought
        "workers_past_limit": beyond["workers"] if beyond else None,
        "wall_past_limit_s": beyond["wall_s"] if beyond else None,
        "flattening": _ratio(beyond["wall_s"], at_limit["wall_s"]) if beyond else None,
        # how much faster than at the limit the best run with more workers was
        "gain_past_limit": _ratio(at_limit["wall_s"], best_past["wall_s"]) if best_past else None,
        "best_past_limit_workers": best_past["workers"] if best_past else None,
        "best_wall_s": min(p["wall_s"] for p in points),
        # context switches at the most workers against one worker, and against as many as the limit
        "switches_growth": _ratio(last, first) if first and last is not None else None,
        "switches_past_limit": _ratio(last, at_limit["ctx_switches"]) if at_limit["ctx_switches"] else None,
    }


def _ratio(a: float, b: float) -> float:
    return round(a / b, 3) if b > 0 else 0.0


def figures_of(series: Sequence[Sequence[MeasuredRun]], latency_ms: float, server_limit: int) -> LessonFigures:
    """From every run of both variants. ``server_limit`` is the lesson's; what the server really
    played (``server_limit_played``, 0 for none) decides the floor no run can beat."""
    played = series[0][0].run.conditions
    played_limit = server_limit
    if played is not None:
        latency_ms, played_limit = played["latency_ms"], int(played["max_concurrent"])
    count = series[0][0].run.settings.count
    rounds = math.ceil(count / played_limit) if played_limit else 1
    lesson = {
        "requests": count,
        "server_limit": server_limit,
        "server_limit_played": played_limit,
        "latency_ms": latency_ms,
        "floor_s": round(rounds * latency_ms / 1000, 3),  # no run can beat this
        "cores": os.cpu_count() or 1,
        "usage_from": "getrusage(RUSAGE_SELF): this process, every thread, from a run's start to its end",
        "sweep_s": round(sum(m.run.wall_s for runs in series for m in runs), 1),
    }
    per_variant = [variant_figure([point(m) for m in runs], server_limit) for runs in series]
    return LessonFigures(lesson, per_variant)


GAIN_TO_LIMIT_AT_LEAST = 0.25  # of the limit: 32 workers at least 8× faster than one
GAIN_PAST_LIMIT_AT_MOST = 1.6  # past the limit, the best of many more workers: less than this over the limit's


def checks(figures: LessonFigures) -> list[Check]:
    lesson = figures.lesson
    limit, played, floor = lesson["server_limit"], lesson["server_limit_played"], lesson["floor_s"]
    no_limit = " The server had no limit of its own this time, so more workers kept overlapping." if not played else ""
    made = []
    for figure, noun in zip(figures.variants, ("threads", "coroutines"), strict=True):
        gain = figure["gain_to_limit"]
        made.append(
            Check(
                f"{noun}: speed-up from 1 worker to {limit}",
                gain,
                ">=",
                round(GAIN_TO_LIMIT_AT_LEAST * limit, 2),
                f"Up to the server's {limit} at a time, more {noun} paid: 1 took {figure['wall_one_s']:.2f} s, "
                f"{limit} took {figure['wall_at_limit_s']:.2f} s ({gain:.1f}× faster).",
                f"From 1 to {limit} {noun}, the time went only from {figure['wall_one_s']:.2f} s to "
                f"{figure['wall_at_limit_s']:.2f} s ({gain:.1f}×).",
                load_sensitive=True,
            )
        )
        past = figure["gain_past_limit"]
        if past is None:
            continue
        best = figure["best_past_limit_workers"]
        made.append(
            Check(
                f"{noun}: speed-up of the best run past {limit} over {limit}",
                past,
                "<=",
                GAIN_PAST_LIMIT_AT_MOST,
                f"Past {limit}, more {noun} bought much less: the best, {best}, was {past:.2f}× as fast as {limit}, "
                f"for {best // limit}× the {noun}.",
                f"Past {limit}, more {noun} still paid: {best} were {past:.2f}× as fast as {limit}.{no_limit}",
            )
        )
    made.append(
        Check(
            "the quickest run of all, in seconds, against the server's floor",
            min(f["best_wall_s"] for f in figures.variants),
            ">=",
            floor,
            f"No run beat the server's floor of {floor:.2f} s ({lesson['requests']} requests, {played} at a time, "
            f"{lesson['latency_ms']:g} ms each).",
            f"A run took less than {floor:.2f} s, the floor a limit of {limit} would set.{no_limit}",
        )
    )
    return made


def facts(figures: LessonFigures) -> list[str]:
    """What the extra threads cost, said with the sign the numbers have: it is not part of the claim,
    because on this machine the process's context switches and CPU time do not grow reliably."""
    limit = figures.lesson["server_limit"]
    threads, coroutines = figures.variants
    low = max((p for p in threads["points"] if p["workers"] <= limit), key=lambda p: p["workers"])
    high = threads["points"][-1]
    said = []
    if high["workers"] > low["workers"]:
        cpu = more_or_fewer(low["cpu_s"], high["cpu_s"], "s of CPU", digits=2)
        if high["ctx_switches"] is not None and low["ctx_switches"] is not None:
            switches = more_or_fewer(low["ctx_switches"], high["ctx_switches"], "context switches")
            most = max(p["ctx_switches"] for p in coroutines["points"])
            said.append(
                f"From {low['workers']} threads to {high['workers']}, the process's count {switches} and its time "
                f"{cpu}; coroutines, taking turns on one thread, never needed more than {most:,}."
            )
        else:
            said.append(f"From {low['workers']} threads to {high['workers']}, the process's time {cpu}.")
    for name, figure in (("threads", threads), ("coroutines", coroutines)):
        slow = [p for p in figure["points"] if p["slow_connects"]]
        if slow:
            worst = max(slow, key=lambda p: p["slow_connects"])
            said.append(
                f"With {worst['workers']} {name}, {worst['slow_connects']} connections waited a second or more just "
                "to be accepted: the server could not take so many new connections at once."
            )
    return said


def make_lesson(
    count: int = COUNT,
    server_limit: int = SERVER_LIMIT,
    latency_ms: float = LATENCY_MS,
    threads_up_to: int = THREADS_UP_TO,
    coroutines_up_to: int = COROUTINES_UP_TO,
) -> LessonSpec:
    """The lesson; smaller values make a quick sweep (a test's), the defaults the real one."""
    # Settings allow at most MAX_CONCURRENCY workers: the coroutines stop at the last doubling below it.
    threads, coroutines = doublings(threads_up_to), doublings(min(coroutines_up_to, MAX_CONCURRENCY))
    rounds = math.ceil(count / server_limit)
    return LessonSpec(
        id="sweep",
        title="Do not overuse threads: past the server's limit, more workers only cost",
        narrative=(
            f"The server here answers at most {server_limit} requests at a time; the others wait in its line. A "
            f"worker is whatever does a run's fetching, here a thread or a coroutine, and we fetch the same {count} "
            f"Pokémon again and again, doubling the workers each time: 1, 2, 4 … up to {threads[-1]} threads, and "
            f"up to {coroutines[-1]} coroutines."
            "\n\n"
            f"Up to {server_limit} workers, more workers mean more waits overlapping, so the time falls. Past "
            f"{server_limit} the curve goes flat: the extra workers only join the server's line, and no run can "
            f"beat {rounds} rounds of {latency_ms:g} ms."
            "\n\n"
            "Extra threads are not free, though. The operating system is the program that shares the computer's "
            "cores among all the threads that want to run; a context switch is it taking one thread off a core "
            "and putting another on, and every extra thread is one more to put to sleep, wake up and switch to. "
            "CPU time is the time a program really spent running on a core: past the limit, the process's "
            "context switches and CPU time can grow while nothing gets faster. Coroutines take turns inside one "
            "thread, so the operating system hardly notices them."
            "\n\n"
            "Find the real limit before adding workers: more is not faster, and context switches cost."
        ),
        preset={"count": count},
        conditions=network(latency_ms, max_concurrent=server_limit),
        variants=(
            Variant(
                "threads",
                "threads",
                caption=f"a pool of W worker threads, W = 1, 2, 4 … {threads[-1]}",
                series=tuple({"concurrency": w} for w in threads),
            ),
            Variant(
                "asyncio",
                "asyncio",
                caption=f"W coroutines on one thread, W = 1, 2, 4 … {coroutines[-1]}",
                series=tuple({"concurrency": w} for w in coroutines),
            ),
        ),
        series_figures=lambda series: figures_of(series, latency_ms, server_limit),
        plot_key="gain_past_limit",
        plot_label=f"times faster with more than {server_limit} workers than with {server_limit} (at best)",
        checks=checks,
        facts=facts,
    )


LESSON = make_lesson()
