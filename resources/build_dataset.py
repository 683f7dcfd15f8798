"""Regenerate ``resources/data/pokemon.json`` from PokéAPI's CSV tables.

The app ships the generated file so users never need the CSVs; this script is
kept so anyone can rebuild it (for example after a PokéAPI data update)::

    python resources/build_dataset.py [path/to/pokeapi-csv]

By default it reads ``../shared/pokeapi-csv`` next to the checkout. Tables that folder lacks
(growth rates, shapes, habitats) are read from ``resources/pokeapi-csv/``, copied from the same
PokéAPI source.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections import defaultdict
from pathlib import Path

ENGLISH = 9
HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parent.parent / "shared" / "pokeapi-csv"
OUTPUT = HERE / "data" / "pokemon.json"
EXTRA_TABLES = HERE / "pokeapi-csv"

# PokéAPI resources that a served URL links to, with the CSV table that numbers them. The server
# answers /api/v2/<resource>/ from these, and every url it emits ends in the numeric id.
NAMED_TABLES = {
    "type": "types.csv",
    "ability": "abilities.csv",
    "stat": "stats.csv",
    "pokemon-color": "pokemon_colors.csv",
    "generation": "generations.csv",
    "growth-rate": "growth_rates.csv",
    "pokemon-shape": "pokemon_shapes.csv",
    "pokemon-habitat": "pokemon_habitats.csv",
}


def _rows(source: Path, name: str) -> list[dict[str, str]]:
    path = source / name if (source / name).exists() else EXTRA_TABLES / name
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _int_or_none(text: str) -> int | None:
    return int(text) if text else None


def _names(source: Path, table: str) -> dict[int, str]:
    return {int(r["id"]): r["identifier"] for r in _rows(source, table)}


def build(source: Path) -> dict[str, object]:
    """Return the dataset as one JSON-ready dict: pokemon, species, and name tables."""
    type_names = _names(source, "types.csv")
    stat_names = _names(source, "stats.csv")
    ability_names = _names(source, "abilities.csv")
    colors = _names(source, "pokemon_colors.csv")
    generations = _names(source, "generations.csv")
    growth_rates = _names(source, "growth_rates.csv")
    shapes = _names(source, "pokemon_shapes.csv")
    habitats = _names(source, "pokemon_habitats.csv")

    types: dict[int, list[list[object]]] = defaultdict(list)
    for r in _rows(source, "pokemon_types.csv"):
        types[int(r["pokemon_id"])].append([int(r["slot"]), type_names[int(r["type_id"])]])
    stats: dict[int, list[list[object]]] = defaultdict(list)
    for r in _rows(source, "pokemon_stats.csv"):
        name = stat_names[int(r["stat_id"])]
        stats[int(r["pokemon_id"])].append([name, int(r["base_stat"]), int(r["effort"])])
    abilities: dict[int, list[list[object]]] = defaultdict(list)
    for r in _rows(source, "pokemon_abilities.csv"):
        abilities[int(r["pokemon_id"])].append(
            [ability_names[int(r["ability_id"])], r["is_hidden"] == "1", int(r["slot"])]
        )
    genus = {
        int(r["pokemon_species_id"]): r["genus"]
        for r in _rows(source, "pokemon_species_names.csv")
        if int(r["local_language_id"]) == ENGLISH
    }

    species = []
    for r in _rows(source, "pokemon_species.csv"):
        sid = int(r["id"])
        species.append(
            {
                "id": sid,
                "name": r["identifier"],
                "order": _int_or_none(r["order"]),
                "genus": genus.get(sid, ""),
                "color": colors[int(r["color_id"])],
                "generation": generations[int(r["generation_id"])],
                "evolves_from": _int_or_none(r["evolves_from_species_id"]),
                "evolution_chain": _int_or_none(r["evolution_chain_id"]),
                "is_baby": r["is_baby"] == "1",
                "is_legendary": r["is_legendary"] == "1",
                "is_mythical": r["is_mythical"] == "1",
                "capture_rate": _int_or_none(r["capture_rate"]),
                "base_happiness": _int_or_none(r["base_happiness"]),
                "gender_rate": _int_or_none(r["gender_rate"]),
                "hatch_counter": _int_or_none(r["hatch_counter"]),
                "has_gender_differences": r["has_gender_differences"] == "1",
                "forms_switchable": r["forms_switchable"] == "1",
                "growth_rate": growth_rates[int(r["growth_rate_id"])],
                "shape": shapes[int(r["shape_id"])] if r["shape_id"] else None,
                "habitat": habitats[int(r["habitat_id"])] if r["habitat_id"] else None,
            }
        )

    pokemon = []
    for r in _rows(source, "pokemon.csv"):
        pid = int(r["id"])
        pokemon.append(
            {
                "id": pid,
                "name": r["identifier"],
                "species": int(r["species_id"]),
                "height": _int_or_none(r["height"]),
                "weight": _int_or_none(r["weight"]),
                "base_experience": _int_or_none(r["base_experience"]),
                "order": _int_or_none(r["order"]),
                "is_default": r["is_default"] == "1",
                "types": sorted(types[pid]),
                "stats": stats[pid],
                "abilities": sorted(abilities[pid], key=lambda a: a[2]),
            }
        )
    return {
        "source": "PokéAPI CSV tables (BSD-3-Clause), see LICENSE-pokeapi.md",
        "pokemon": pokemon,
        "species": species,
        "tables": {resource: sorted(_names(source, table).items()) for resource, table in NAMED_TABLES.items()},
        "introduced_in": {  # the generation that brought each type and ability
            resource: sorted((int(r["id"]), int(r["generation_id"])) for r in _rows(source, table))
            for resource, table in (("type", "types.csv"), ("ability", "abilities.csv"))
        },
    }


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    if not (source / "pokemon.csv").exists():
        print(f"error: no pokemon.csv in {source}", file=sys.stderr)
        return 2
    data = build(source)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    shutil.copyfile(source / "LICENSE.md", OUTPUT.parent / "LICENSE-pokeapi.md")
    print(f"wrote {len(data['pokemon'])} pokemon, {len(data['species'])} species to {OUTPUT}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
