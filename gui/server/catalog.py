"""The PokéAPI resources a Pokémon links to (type, ability, stat, colour, ...), numbered as PokéAPI does.

Clients read a linked resource's id out of its URL (``.../ability/9/``) and then follow it, so every
resource the server names must be listed, answer by id or name, and carry PokéAPI's numbering. The
numbering comes from the CSV tables bundled in the dataset; a detail holds what the bundle knows
(which Pokémon or species belong to it) and PokéAPI's empty value for the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from gui.core.workload.dataset import Pokedex

# The one language the bundle has text in (the genus); PokéAPI numbers English 9.
ENGLISH = (9, "en")

# Species fields that name a resource of the catalog: species key -> resource.
SPECIES_LINKS = {
    "color": "pokemon-color",
    "generation": "generation",
    "growth_rate": "growth-rate",
    "shape": "pokemon-shape",
    "habitat": "pokemon-habitat",
}


class Table:
    """One resource's rows, ``(id, name)`` in id order, found by either."""

    def __init__(self, rows: tuple[tuple[int, str], ...]) -> None:
        self.rows = rows
        self._by_id = {id_: (id_, name) for id_, name in rows}
        self._by_name = {name: (id_, name) for id_, name in rows}

    def find(self, key: str) -> tuple[int, str] | None:
        """By id (``"9"``) or name (any case), as PokéAPI answers both."""
        text = key.strip().lower()
        if text.isdecimal() and text.isascii() and len(text) <= 9:
            return self._by_id.get(int(text))
        return self._by_name.get(text)

    def id_of(self, name: str) -> int:
        """The id PokéAPI gives ``name``; a name missing from the table is a bug in the dataset."""
        return self._by_name[name][0]


class Catalog:
    """Every linked resource's table, plus who belongs to each entry (for the detail answers)."""

    def __init__(self, dex: Pokedex) -> None:
        self.dex = dex
        self.tables: dict[str, Table] = {name: Table(rows) for name, rows in dex.tables.items()}
        self.tables["language"] = Table((ENGLISH,))
        # No form table is bundled: each Pokémon's default form is listed under the Pokémon's id.
        self.tables["pokemon-form"] = Table(tuple((p["id"], p["name"]) for p in dex.pokemon))
        self._members = _members(dex)

    def generation(self, api: str, resource: str, id_: int) -> dict[str, str] | None:
        """The generation that introduced a type or an ability, as a link."""
        generation_id = self.dex.introduced_in.get(resource, {}).get(id_)
        row = self.tables["generation"].find(str(generation_id)) if generation_id is not None else None
        return self.named(api, "generation", row[1]) if row is not None else None

    def url(self, api: str, resource: str, name: str) -> str:
        return f"{api}/{resource}/{self.tables[resource].id_of(name)}/"

    def named(self, api: str, resource: str, name: str) -> dict[str, str]:
        """A ``NamedAPIResource`` whose url ends in PokéAPI's id for ``name``."""
        return {"name": name, "url": self.url(api, resource, name)}

    def detail(self, api: str, resource: str, row: tuple[int, str]) -> dict[str, Any]:
        """The detail answer for one row: PokéAPI's required fields, filled where the bundle knows."""
        id_, name = row
        members = self._members.get((resource, name), [])
        body: dict[str, Any] = {"id": id_, "name": name}
        if resource != "growth-rate":  # the one linked resource PokéAPI gives no translated names
            body["names"] = []
        extra = _EXTRA_FIELDS.get(resource)
        if extra is not None:
            body.update(extra(self, api, row, members))
        return body


def _members(dex: Pokedex) -> dict[tuple[str, str], list[tuple[str, Any]]]:
    """(resource, name) -> the Pokémon or species that link to it, each as (kind, details)."""
    members: dict[tuple[str, str], list[tuple[str, Any]]] = defaultdict(list)
    for p in dex.pokemon:
        for slot, type_name in p["types"]:
            members[("type", type_name)].append(("pokemon", {"slot": slot, "pokemon": p}))
        for ability, hidden, slot in p["abilities"]:
            members[("ability", ability)].append(("pokemon", {"is_hidden": hidden, "slot": slot, "pokemon": p}))
    for s in dex.species:
        for key, resource in SPECIES_LINKS.items():
            if s.get(key):
                members[(resource, s[key])].append(("species", s))
    return members


def _species_list(api: str, members: Iterable[tuple[str, Any]]) -> list[dict[str, str]]:
    return [_link(api, "pokemon-species", s) for kind, s in members if kind == "species"]


def _link(api: str, resource: str, record: dict[str, Any]) -> dict[str, str]:
    return {"name": record["name"], "url": f"{api}/{resource}/{record['id']}/"}


def _pokemon_of(api: str, members: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [{**info, "pokemon": _link(api, "pokemon", info["pokemon"])} for _, info in members]


Extra = Callable[[Catalog, str, tuple[int, str], list[tuple[str, Any]]], dict[str, Any]]

_EMPTY_RELATIONS: dict[str, list[Any]] = {
    key: []
    for key in (
        "double_damage_from",
        "double_damage_to",
        "half_damage_from",
        "half_damage_to",
        "no_damage_from",
        "no_damage_to",
    )
}

_EXTRA_FIELDS: dict[str, Extra] = {
    "type": lambda c, api, row, m: {
        "damage_relations": _EMPTY_RELATIONS,
        "past_damage_relations": [],
        "game_indices": [],
        "generation": c.generation(api, "type", row[0]),
        "move_damage_class": None,
        "moves": [],
        "sprites": {},
        "pokemon": _pokemon_of(api, m),
    },
    "ability": lambda c, api, row, m: {
        "is_main_series": True,
        "generation": c.generation(api, "ability", row[0]),
        "effect_changes": [],
        "effect_entries": [],
        "flavor_text_entries": [],
        "pokemon": _pokemon_of(api, m),
    },
    "stat": lambda c, api, row, m: {
        "game_index": row[0],
        "is_battle_only": row[1] in ("accuracy", "evasion"),
        "affecting_items": [],
        "affecting_moves": {"increase": [], "decrease": []},
        "affecting_natures": {"increase": [], "decrease": []},
        "characteristics": [],
        "move_damage_class": None,
    },
    "pokemon-color": lambda c, api, row, m: {"pokemon_species": _species_list(api, m)},
    "pokemon-habitat": lambda c, api, row, m: {"pokemon_species": _species_list(api, m)},
    "pokemon-shape": lambda c, api, row, m: {"awesome_names": [], "pokemon_species": _species_list(api, m)},
    "growth-rate": lambda c, api, row, m: {
        "formula": "",
        "descriptions": [],
        "levels": [],
        "pokemon_species": _species_list(api, m),
    },
    "generation": lambda c, api, row, m: {
        "abilities": [],
        "main_region": None,
        "moves": [],
        "types": [],
        "version_groups": [],
        "pokemon_species": _species_list(api, m),
    },
    "language": lambda c, api, row, m: {"official": True, "iso639": "en", "iso3166": "us"},
    "pokemon-form": lambda c, api, row, m: _form(c, api, row),
}


def _form(catalog: Catalog, api: str, row: tuple[int, str]) -> dict[str, Any]:
    """A Pokémon's default form, from the Pokémon itself (the bundle has no form table)."""
    p = catalog.dex.find_pokemon(row[0])
    assert p is not None  # the form table is built from the Pokémon
    return {
        "form_name": "",
        "form_names": [],
        "form_order": 1,
        "order": p["order"],
        "is_default": True,
        "is_battle_only": False,
        "is_mega": False,
        "pokemon": _link(api, "pokemon", p),
        "sprites": {"back_default": None, "back_shiny": None, "front_default": None, "front_shiny": None},
        "trigger_conditions": [],
        "types": [{"slot": slot, "type": catalog.named(api, "type", name)} for slot, name in p["types"]],
        "version_group": None,
    }
