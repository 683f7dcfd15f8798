"""Turn settings into the list of requests a run makes."""

from __future__ import annotations

import random
from typing import NamedTuple

from gui.core.dataset import Pokedex, pokedex
from gui.core.settings import RunSettings, Selection


class Job(NamedTuple):
    """One request: which Pokémon and where to ask for it."""

    request_id: int
    pokemon: str  # the label shown on the bar before the answer arrives
    url: str


def make_jobs(settings: RunSettings, base_url: str, dex: Pokedex | None = None) -> list[Job]:
    names = choose_pokemon(settings, dex or pokedex())
    root = base_url.rstrip("/")
    return [Job(i, name, f"{root}/pokemon/{name}/") for i, name in enumerate(names)]


def choose_pokemon(settings: RunSettings, dex: Pokedex) -> list[str]:
    """The names to fetch. "first" wraps around after the last default Pokémon, so 10,000 works."""
    if settings.selection is Selection.NAMES:
        return list(settings.names)
    everyone = [p["name"] for p in dex.default_pokemon]
    if settings.selection is Selection.RANDOM:
        rng = random.Random(settings.seed)
        return [rng.choice(everyone) for _ in range(settings.count)]
    return [everyone[i % len(everyone)] for i in range(settings.count)]
