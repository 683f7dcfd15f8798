"""The bundled Pokémon dataset, derived from PokéAPI's CSV tables.

Loading is one ``json.loads`` of a ~0.7 MB file (a few milliseconds), after which every
lookup is a dict access. Both the local server and the window use it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

RESOURCES_DIR = Path(__file__).resolve().parents[2] / "resources"
DATASET_PATH = RESOURCES_DIR / "data" / "pokemon.json"


@dataclass(frozen=True)
class Pokedex:
    """All Pokémon (default ones, ids 1-1025, and extra forms, ids 10001+) and their species."""

    pokemon: tuple[dict[str, Any], ...]
    species: tuple[dict[str, Any], ...]
    _pokemon_by_id: dict[int, dict[str, Any]]
    _pokemon_by_name: dict[str, dict[str, Any]]
    _species_by_id: dict[int, dict[str, Any]]
    _species_by_name: dict[str, dict[str, Any]]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Pokedex:
        pokemon = tuple(data["pokemon"])
        species = tuple(data["species"])
        return cls(
            pokemon=pokemon,
            species=species,
            _pokemon_by_id={p["id"]: p for p in pokemon},
            _pokemon_by_name={p["name"]: p for p in pokemon},
            _species_by_id={s["id"]: s for s in species},
            _species_by_name={s["name"]: s for s in species},
        )

    def find_pokemon(self, key: int | str) -> dict[str, Any] | None:
        """Look a Pokémon up by id (``25``, ``"25"``) or by name (any case)."""
        return _find(key, self._pokemon_by_id, self._pokemon_by_name)

    def find_species(self, key: int | str) -> dict[str, Any] | None:
        return _find(key, self._species_by_id, self._species_by_name)

    def chain_members(self, chain_id: int) -> list[dict[str, Any]]:
        """Species of one evolution chain, in species order."""
        return [s for s in self.species if s["evolution_chain"] == chain_id]

    def genus_of(self, pokemon: dict[str, Any]) -> str:
        species = self._species_by_id.get(pokemon["species"])
        return species["genus"] if species else ""

    @property
    def default_pokemon(self) -> list[dict[str, Any]]:
        return [p for p in self.pokemon if p["is_default"]]


def _find(
    key: int | str, by_id: dict[int, dict[str, Any]], by_name: dict[str, dict[str, Any]]
) -> dict[str, Any] | None:
    if isinstance(key, int):
        return by_id.get(key)
    text = key.strip().lower()
    if text.isdigit():
        return by_id.get(int(text))
    return by_name.get(text)


def load_pokedex(path: Path = DATASET_PATH) -> Pokedex:
    """Read the dataset file (uncached: tests and tools that want a fresh copy)."""
    return Pokedex.from_dict(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def pokedex() -> Pokedex:
    """The process-wide dataset, loaded once on first use."""
    return load_pokedex()
