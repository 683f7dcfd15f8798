"""The local server answers like PokéAPI v2, with data that matches the CSV tables."""

from __future__ import annotations

import csv
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from gui.server import LocalServer

CSV_DIR = Path(__file__).resolve().parents[3] / "shared" / "pokeapi-csv"


def get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_pikachu_by_name_is_number_25_electric_and_weighs_60(server: LocalServer) -> None:
    status, body = get(f"{server.base_url}/pokemon/pikachu/")
    assert status == 200
    assert body["id"] == 25
    assert [t["type"]["name"] for t in body["types"]] == ["electric"]
    assert body["weight"] == 60 and body["height"] == 4
    assert body["species"] == {"name": "pikachu", "url": f"{server.base_url}/pokemon-species/25/"}
    assert {s["stat"]["name"]: s["base_stat"] for s in body["stats"]}["speed"] == 90
    assert {a["ability"]["name"] for a in body["abilities"]} == {"static", "lightning-rod"}


@pytest.mark.parametrize("path", ["pokemon/25", "pokemon/25/", "pokemon/PikaChu", "pokemon/pikachu"])
def test_a_pokemon_is_found_by_id_or_any_case_name_with_or_without_slash(server: LocalServer, path: str) -> None:
    status, body = get(f"{server.base_url}/{path}")
    assert (status, body["name"]) == (200, "pikachu")


def test_the_detail_has_every_field_pokeapi_requires(server: LocalServer) -> None:
    required = {
        "abilities",
        "cries",
        "forms",
        "game_indices",
        "held_items",
        "id",
        "location_area_encounters",
        "moves",
        "name",
        "past_abilities",
        "past_stats",
        "past_types",
        "species",
        "sprites",
        "stats",
        "types",
    }
    _, body = get(f"{server.base_url}/pokemon/1/")
    assert required <= set(body)
    assert all(value is None for value in body["sprites"].values())  # no artwork is bundled


@pytest.mark.skipif(not (CSV_DIR / "pokemon.csv").exists(), reason="PokéAPI's CSV tables are not beside the checkout")
def test_every_row_of_pokemon_csv_is_served_with_its_weight(server: LocalServer) -> None:
    with open(CSV_DIR / "pokemon.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    status, page = get(f"{server.base_url}/pokemon/?limit=2000")
    assert status == 200 and page["count"] == len(rows) == 1351
    assert [r["name"] for r in page["results"]] == [row["identifier"] for row in rows]
    for row in rows[::97]:
        _, body = get(f"{server.base_url}/pokemon/{row['id']}/")
        assert (body["name"], body["weight"]) == (row["identifier"], int(row["weight"]))


def test_the_list_pages_with_next_and_previous_links_to_this_server(server: LocalServer) -> None:
    status, page = get(f"{server.base_url}/pokemon/?limit=3&offset=3")
    assert status == 200
    assert [r["name"] for r in page["results"]] == ["charmander", "charmeleon", "charizard"]
    assert page["results"][0]["url"] == f"{server.base_url}/pokemon/4/"
    assert page["next"] == f"{server.base_url}/pokemon/?offset=6&limit=3"
    assert page["previous"] == f"{server.base_url}/pokemon/?offset=0&limit=3"
    _, first = get(f"{server.base_url}/pokemon")
    assert len(first["results"]) == 20 and first["previous"] is None


@pytest.mark.parametrize("query", ["limit=abc", "limit=0", "offset=-1", "limit=-5", "offset=x"])
def test_a_bad_limit_or_offset_is_a_json_400(server: LocalServer, query: str) -> None:
    status, body = get(f"{server.base_url}/pokemon/?{query}")
    assert status == 400
    assert "must be a whole number" in body["detail"]


@pytest.mark.parametrize("path", ["pokemon/missingno", "pokemon/99999", "pokemon-species/0", "evolution-chain/abc"])
def test_an_unknown_resource_is_a_json_404(server: LocalServer, path: str) -> None:
    status, body = get(f"{server.base_url}/{path}/")
    assert status == 404
    assert body["detail"].startswith("Not found")


def test_species_gives_genus_colour_generation_and_the_chain_link(server: LocalServer) -> None:
    status, body = get(f"{server.base_url}/pokemon-species/pikachu/")
    assert status == 200
    assert body["genera"][0]["genus"] == "Mouse Pokémon"
    assert body["color"]["name"] == "yellow"
    assert body["generation"]["name"] == "generation-i"
    assert body["evolves_from_species"]["name"] == "pichu"
    assert body["evolution_chain"]["url"] == f"{server.base_url}/evolution-chain/10/"


def test_the_evolution_chain_nests_pichu_pikachu_raichu(server: LocalServer) -> None:
    status, body = get(f"{server.base_url}/evolution-chain/10/")
    assert status == 200
    root = body["chain"]
    assert root["species"]["name"] == "pichu" and root["is_baby"] is True
    assert root["evolves_to"][0]["species"]["name"] == "pikachu"
    assert root["evolves_to"][0]["evolves_to"][0]["species"]["name"] == "raichu"


def test_a_form_has_its_own_id_and_points_at_its_species(server: LocalServer) -> None:
    status, body = get(f"{server.base_url}/pokemon/10001/")
    assert status == 200
    assert (body["name"], body["is_default"], body["species"]["name"]) == ("deoxys-attack", False, "deoxys")
