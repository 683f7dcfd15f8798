"""PokéAPI v2 response shapes (``PokemonDetail``, ``PokemonSpeciesDetail``, ...) from the dataset.

Fields we have no data for are present with PokéAPI's empty value (``[]`` or ``null``) so that
clients written for the real API parse our answers unchanged. Sprites are always null: the app
bundles no artwork.
"""

from __future__ import annotations

from typing import Any

from gui.core.workload.dataset import Pokedex
from gui.server.catalog import SPECIES_LINKS, Catalog

_SPRITE_KEYS = (
    "back_default",
    "back_female",
    "back_shiny",
    "back_shiny_female",
    "front_default",
    "front_female",
    "front_shiny",
    "front_shiny_female",
)


def named(api: str, resource: str, name: str, id_: int) -> dict[str, str]:
    """A ``NamedAPIResource``: ``{"name": ..., "url": ...}`` pointing at this server."""
    return {"name": name, "url": f"{api}/{resource}/{id_}/"}


def unnamed(api: str, resource: str, id_: int) -> dict[str, str]:
    """An ``APIResource`` (a list entry of a resource that has no name, like an evolution chain)."""
    return {"url": f"{api}/{resource}/{id_}/"}


def pokemon_detail(api: str, catalog: Catalog, p: dict[str, Any]) -> dict[str, Any]:
    """A ``PokemonDetail``; every linked resource's url ends in PokéAPI's id for it."""
    species = catalog.dex.find_species(p["species"])
    species_name = species["name"] if species else p["name"]
    return {
        "id": p["id"],
        "name": p["name"],
        "base_experience": p["base_experience"],
        "height": p["height"],
        "is_default": p["is_default"],
        "order": p["order"],
        "weight": p["weight"],
        "abilities": [
            {"ability": catalog.named(api, "ability", name), "is_hidden": hidden, "slot": slot}
            for name, hidden, slot in p["abilities"]
        ],
        "past_abilities": [],
        "forms": [named(api, "pokemon-form", p["name"], p["id"])],
        "game_indices": [],
        "held_items": [],
        "location_area_encounters": f"{api}/pokemon/{p['id']}/encounters",
        "moves": [],
        "species": named(api, "pokemon-species", species_name, p["species"]),
        "sprites": {key: None for key in _SPRITE_KEYS},
        "cries": {"latest": None, "legacy": None},
        "stats": [
            {"base_stat": base, "effort": effort, "stat": catalog.named(api, "stat", name)}
            for name, base, effort in p["stats"]
        ],
        "past_stats": [],
        "types": [{"slot": slot, "type": catalog.named(api, "type", name)} for slot, name in p["types"]],
        "past_types": [],
    }


def species_detail(api: str, catalog: Catalog, s: dict[str, Any]) -> dict[str, Any]:
    """A ``PokemonSpeciesDetail``; habitat is null where PokéAPI has none (every species after gen 3)."""
    dex = catalog.dex
    parent = dex.find_species(s["evolves_from"]) if s["evolves_from"] else None
    english = catalog.named(api, "language", "en")
    varieties = [p for p in dex.pokemon if p["species"] == s["id"]]

    def link(key: str) -> dict[str, str] | None:
        name = s.get(key)
        return catalog.named(api, SPECIES_LINKS[key], name) if name else None

    return {
        "id": s["id"],
        "name": s["name"],
        "order": s["order"],
        "gender_rate": s["gender_rate"],
        "capture_rate": s["capture_rate"],
        "base_happiness": s["base_happiness"],
        "is_baby": s["is_baby"],
        "is_legendary": s["is_legendary"],
        "is_mythical": s["is_mythical"],
        "hatch_counter": s["hatch_counter"],
        "has_gender_differences": s["has_gender_differences"],
        "forms_switchable": s["forms_switchable"],
        "color": link("color"),
        "generation": link("generation"),
        "evolves_from_species": named(api, "pokemon-species", parent["name"], parent["id"]) if parent else None,
        "evolution_chain": {"url": f"{api}/evolution-chain/{s['evolution_chain']}/"},
        "genera": [{"genus": s["genus"], "language": english}] if s["genus"] else [],
        "names": [],
        "egg_groups": [],
        "flavor_text_entries": [],
        "form_descriptions": [],
        "pal_park_encounters": [],
        "pokedex_numbers": [],
        "growth_rate": link("growth_rate"),
        "habitat": link("habitat"),
        "shape": link("shape"),
        "varieties": [
            {"is_default": p["is_default"], "pokemon": named(api, "pokemon", p["name"], p["id"])} for p in varieties
        ],
    }


def evolution_chain_detail(api: str, dex: Pokedex, chain_id: int) -> dict[str, Any] | None:
    members = dex.chain_members(chain_id)
    if not members:
        return None
    ids = {s["id"] for s in members}
    roots = [s for s in members if s["evolves_from"] not in ids]

    def link(s: dict[str, Any]) -> dict[str, Any]:
        return {
            "is_baby": s["is_baby"],
            "species": named(api, "pokemon-species", s["name"], s["id"]),
            "evolution_details": [],
            "evolves_to": [link(child) for child in members if child["evolves_from"] == s["id"]],
        }

    return {"id": chain_id, "baby_trigger_item": None, "chain": link(roots[0])}


def paginated(api: str, resource: str, items: list[tuple[int, str | None]], limit: int, offset: int) -> dict[str, Any]:
    """A ``PaginatedList``: count, next, previous and this page's results (``{"url"}`` alone when unnamed)."""
    count = len(items)
    base = f"{api}/{resource}/"
    next_url = f"{base}?offset={offset + limit}&limit={limit}" if offset + limit < count else None
    previous_url = f"{base}?offset={max(offset - limit, 0)}&limit={limit}" if offset > 0 else None
    return {
        "count": count,
        "next": next_url,
        "previous": previous_url,
        "results": [
            named(api, resource, name, id_) if name is not None else unnamed(api, resource, id_)
            for id_, name in items[offset : offset + limit]
        ],
    }
