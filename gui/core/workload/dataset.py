"""The bundled Pokémon dataset, derived from PokéAPI's CSV tables.

Loading is one ``json.loads`` of a ~0.7 MB file (a few milliseconds), after which every
lookup is a dict access. Both the local server and the window use it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import gui


def data_folder() -> Traversable:
    """The bundled data: package data ``gui.resources`` once installed, ``resources/`` in a checkout.

    pyproject maps the repository's top-level ``resources/`` into the package as ``gui.resources``
    (wheels and editable installs); a checkout that was never installed has only the folder itself.
    """
    try:
        return resources.files("gui.resources") / "data"
    except ModuleNotFoundError:
        return Path(gui.__file__).resolve().parent.parent / "resources" / "data"


DATASET_PATH = data_folder() / "pokemon.json"
MAX_ID_DIGITS = 9  # every id PokéAPI uses fits; a longer "number" is simply not found


@dataclass(frozen=True)
class Pokedex:
    """All Pokémon (default ones, ids 1-1025, and extra forms, ids 10001+) and their species."""

    pokemon: tuple[dict[str, Any], ...]
    species: tuple[dict[str, Any], ...]
    _pokemon_by_id: dict[int, dict[str, Any]]
    _pokemon_by_name: dict[str, dict[str, Any]]
    _species_by_id: dict[int, dict[str, Any]]
    _species_by_name: dict[str, dict[str, Any]]
    # PokéAPI's numbering of the resources a Pokémon links to: resource -> ((id, name), ...)
    tables: Mapping[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    # resource -> id -> the id of the generation that introduced it (types and abilities)
    introduced_in: Mapping[str, Mapping[int, int]] = field(default_factory=dict)

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
            tables={name: tuple((int(i), str(n)) for i, n in rows) for name, rows in data.get("tables", {}).items()},
            introduced_in={name: dict(rows) for name, rows in data.get("introduced_in", {}).items()},
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
    if text.isdecimal():  # "²" and "٣" are digits too, and int() of 5,000 digits raises
        return by_id.get(int(text)) if text.isascii() and len(text) <= MAX_ID_DIGITS else None
    return by_name.get(text)


def load_pokedex(path: Path | Traversable = DATASET_PATH) -> Pokedex:
    """Read the dataset file (uncached: tests and tools that want a fresh copy)."""
    return Pokedex.from_dict(json.loads(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def pokedex() -> Pokedex:
    """The process-wide dataset, loaded once on first use."""
    return load_pokedex()
