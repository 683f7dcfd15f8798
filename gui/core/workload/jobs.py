"""Turn settings into the list of requests a run makes."""

from __future__ import annotations

import random
from typing import NamedTuple

from gui.core.workload.after_fetch import AfterFetch, rounds_for_ms
from gui.core.workload.after_fetch_step import AfterFetchStep
from gui.core.workload.dataset import Pokedex, pokedex
from gui.core.workload.programs.program import LessonProgram
from gui.core.workload.programs.table import lesson_program
from gui.core.workload.settings import RunSettings, Selection


class Job(NamedTuple):
    """One request, and what to do with its answer: which Pokémon, where to ask, and the step after."""

    request_id: int
    pokemon: str  # the label shown on the bar before the answer arrives
    url: str
    step: AfterFetchStep | LessonProgram | None = None  # the step after a successful fetch (the clients run it)
    kind: str = "pokemon"  # "pokemon": its answer is a card; "resource": any answer, its links followed


def make_jobs(settings: RunSettings, base_url: str, dex: Pokedex | None = None) -> list[Job]:
    names = choose_pokemon(settings, dex or pokedex())
    root = base_url.rstrip("/")
    step = step_for(settings)
    return [Job(i, name, f"{root}/pokemon/{name}/", step) for i, name in enumerate(names)]


def step_for(settings: RunSettings) -> AfterFetchStep | LessonProgram | None:
    """The settings' step, its amount of work fixed here, once, so every mode and worker does the same.

    A lesson's program gets a new step per run: it holds the memory that run's workers share.
    """
    kind = AfterFetch(settings.after_fetch)
    if kind is AfterFetch.NOTHING:
        return None
    if kind.is_program:
        return lesson_program(settings)
    ms = settings.step_ms
    return AfterFetchStep(kind, rounds_for_ms(ms) if kind is AfterFetch.COMPUTE else 0, ms / 1000)


def choose_pokemon(settings: RunSettings, dex: Pokedex) -> list[str]:
    """The names to fetch. "first" wraps around after the last default Pokémon, so 10,000 works."""
    if settings.selection is Selection.NAMES:
        return list(settings.names)
    everyone = [p["name"] for p in dex.default_pokemon]
    if settings.selection is Selection.RANDOM:
        rng = random.Random(settings.seed)
        return [rng.choice(everyone) for _ in range(settings.count)]
    return [everyone[i % len(everyone)] for i in range(settings.count)]
