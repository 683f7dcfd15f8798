"""Every mode is declared here, once: its name, title, key, what it teaches, its code, how it runs.

The window's buttons, the command line's choices, the "press 1-5" hint, the engine's dispatch, the
explain panel and the benchmarks all read this table, so adding a mode is one entry here and one
module beside this one. Settings name a mode by a string and ask nothing of this table; what depends
on the mode (how many run at once, advice) is asked here, by the layers above.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from gui.core.model.segments import Segment
from gui.core.modes import coroutines, evolutions, loops_in_processes, processes, sequential, threads
from gui.core.modes.mode_context import ModeContext
from gui.core.workload.settings import RunSettings


@dataclass(frozen=True)
class ModeSpec:
    name: str  # the id in settings, on the command line and in reports
    title: str  # what a button says
    key: str  # its keyboard shortcut in the window
    summary: str  # one line: what the technique does
    why: str  # what a learner should notice in its timeline (the explain panel's second half)
    textbook: tuple[Callable[..., Any], ...]  # the functions a learner reads, shown in the code panel
    waits_at: str | tuple[str, ...]  # text of the line(s) where a worker waits, marked in the code panel
    run: Callable[[ModeContext], Awaitable[None]]  # how the engine runs it
    worker: tuple[str, str] = ("worker", "workers")  # what one unit of its concurrency is called
    one_at_a_time: bool = False  # ignores the concurrency setting
    on_callers_loop: bool = False  # runs on the caller's event loop: stopped by cancelling its task
    slow_to_start: bool = False  # each worker is a new interpreter: a start-up the ideal does not count
    hidden: bool = False  # a lesson's own program: no button, not in --mode or Compare
    draws: tuple[Segment, ...] = ()  # colours only this mode's bars have (the legend shows them with it)


MODES: dict[str, ModeSpec] = {
    spec.name: spec
    for spec in (
        ModeSpec(
            name="sequential",
            title="Sequential",
            key="1",
            summary="One request after another, on one thread",
            why="Each request waits for the one before it, so every wait on the network adds up.",
            textbook=(sequential.fetch_one_after_another,),
            waits_at="client.fetch(job)",
            run=sequential.run,
            one_at_a_time=True,
        ),
        ModeSpec(
            name="threads",
            title="Threads",
            key="2",
            summary="A pool of worker threads, each blocking on its own request",
            why="A thread waiting on the network releases the GIL, so the other threads send theirs meanwhile.",
            textbook=(threads.fetch_with_thread_pool,),
            waits_at="local.client.fetch(job)",
            run=threads.run,
            worker=("worker thread", "worker threads"),
        ),
        ModeSpec(
            name="asyncio",
            title="Asyncio",
            key="3",
            summary="Coroutines on one event loop, up to the limit in flight",
            why="A coroutine that awaits its answer hands the loop to the others, so one thread keeps many "
            "requests in flight.",
            textbook=(coroutines.fetch_with_coroutines,),
            waits_at="await client.fetch(job",
            run=coroutines.run,
            worker=("coroutine", "coroutines"),
            on_callers_loop=True,
        ),
        ModeSpec(
            name="processes",
            title="Processes",
            key="4",
            summary="A pool of worker processes, each its own interpreter",
            why="Each worker process waits on its own request; starting whole interpreters is the price, "
            "paid before the first request leaves.",
            textbook=(processes.fetch_with_process_pool, processes.fetch_in_worker),
            waits_at="_client.fetch(job)",
            run=processes.run,
            worker=("worker process", "worker processes"),
            slow_to_start=True,
        ),
        ModeSpec(
            name="asyncio-processes",
            title="Asyncio × processes",
            key="5",
            summary="One event loop per core, each running its share of the coroutines",
            why="Each process's event loop runs its share of the coroutines, so the CPU every answer costs (HTTP "
            "and JSON parsing, bookkeeping) is spread over the cores instead of queuing on one loop. That pays "
            "when per-request CPU dominates; when the network's latency dominates, one loop already keeps "
            "every request in flight and the extra processes add little. The processes are a warm pool: the "
            "first run starts them, later runs reuse them, and the ideal bound does not count their start.",
            textbook=(loops_in_processes.fetch_with_loops_in_processes, loops_in_processes.loop_in_process),
            waits_at=("future.result()", "asyncio.run("),
            run=loops_in_processes.run,
            worker=("coroutine", "coroutines"),
        ),
        # --- the futures and pipeline lessons' programs: they follow links to species and chains ---
        ModeSpec(
            name="chains",
            title="Each chain by itself",
            key="",
            summary="Coroutines follow each Pokémon to its species and its evolution chain",
            why="Each chain's requests come one after another, but the chains overlap under the limit.",
            textbook=(evolutions.each_chain_by_itself,),
            waits_at="await fetch(",
            run=evolutions.run_each_chain,
            worker=("slot", "slots"),
            on_callers_loop=True,
            hidden=True,
        ),
        ModeSpec(
            name="chains-shared",
            title="Shared futures",
            key="",
            summary="The first coroutine that needs a chain fetches it; the others await its future",
            why="A chain many Pokémon share is fetched once; every other reader awaits the same future.",
            textbook=(evolutions.chains_through_shared_futures,),
            waits_at=("fetch.wait(", "set_result(", "set_exception("),
            run=evolutions.run_shared_futures,
            worker=("slot", "slots"),
            draws=(Segment.AWAITING,),
            on_callers_loop=True,
            hidden=True,
        ),
        ModeSpec(
            name="chains-staged",
            title="Stage by stage",
            key="",
            summary="Every Pokémon, then every species, then every chain, with a barrier between",
            why="Each stage waits for its slowest request before the next stage can start.",
            textbook=(evolutions.stage_by_stage,),
            waits_at=("await asyncio.gather(", "fetch.barrier("),
            run=evolutions.run_stage_by_stage,
            worker=("slot", "slots"),
            on_callers_loop=True,
            hidden=True,
        ),
        ModeSpec(
            name="chains-threads",
            title="Each chain in a thread",
            key="",
            summary="Worker threads follow each Pokémon to its species and its evolution chain",
            why="Each thread follows one chain at a time; shared chains are fetched again and again.",
            textbook=(evolutions.each_chain_in_threads,),
            waits_at="fetch(",
            run=evolutions.run_each_chain_in_threads,
            worker=("worker thread", "worker threads"),
            hidden=True,
        ),
        ModeSpec(
            name="chains-shared-threads",
            title="Shared futures in threads",
            key="",
            summary="The first thread that needs a chain fetches it; the others block on its future",
            why="A chain many Pokémon share is fetched once; the other threads block on its future.",
            textbook=(evolutions.chains_shared_in_threads,),
            waits_at=("fetch.wait(", "set_result(", "set_exception("),
            run=evolutions.run_shared_in_threads,
            draws=(Segment.AWAITING,),
            worker=("worker thread", "worker threads"),
            hidden=True,
        ),
    )
}

MODE_NAMES: tuple[str, ...] = tuple(name for name, spec in MODES.items() if not spec.hidden)  # buttons, --mode


def mode_spec(name: str) -> ModeSpec:
    """The spec of mode ``name``; a KeyError names the modes there are."""
    try:
        return MODES[name]
    except KeyError:
        raise KeyError(f"no mode {name!r}; the modes are {', '.join(MODE_NAMES)}") from None


def at_once(settings: RunSettings) -> int:
    """How many requests can run at once in the settings' mode (one, for a mode that ignores the limit)."""
    return 1 if mode_spec(settings.mode).one_at_a_time else settings.concurrency


def advice(settings: RunSettings, cpu_count: int | None = None) -> list[str]:
    """Friendly warnings about settings that work but will surprise a learner."""
    cores = cpu_count or os.cpu_count() or 1
    notes = []
    if mode_spec(settings.mode).slow_to_start and settings.concurrency > 2 * cores:
        notes.append(
            f"{settings.concurrency} worker processes on {cores} CPU cores: each is a whole Python interpreter, "
            "so starting them takes a while (that cost is part of the lesson)"
        )
    if at_once(settings) == 1 and settings.count > 500:
        notes.append(f"{settings.count:,} requests one after another will take a while: Stop (Esc) ends it")
    return notes


def keys_hint() -> str:
    """ "1-5" for the status bar and the empty timeline."""
    keys = [MODES[name].key for name in MODE_NAMES]
    return f"{keys[0]}-{keys[-1]}" if len(keys) > 1 else keys[0]
