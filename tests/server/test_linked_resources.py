"""Every url the server emits ends in PokéAPI's numeric id, and every one of them answers."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from gui.server import LocalServer
from tests.server.json_http import call

CSV_DIR = Path(__file__).resolve().parents[3] / "shared" / "pokeapi-csv"
needs_csv = pytest.mark.skipif(not (CSV_DIR / "pokemon.csv").exists(), reason="PokéAPI's CSV tables are absent")


def urls_in(body: Any) -> list[str]:
    """Every ``url`` value anywhere in a JSON body."""
    if isinstance(body, dict):
        return [v for k, v in body.items() if k == "url" and isinstance(v, str)] + [
            url for v in body.values() for url in urls_in(v)
        ]
    if isinstance(body, list):
        return [url for item in body for url in urls_in(item)]
    return []


def csv_ids(table: str) -> dict[str, int]:
    with open(CSV_DIR / table, newline="", encoding="utf-8") as handle:
        return {row["identifier"]: int(row["id"]) for row in csv.DictReader(handle)}


@pytest.mark.parametrize("path", ["pokemon/pikachu", "pokemon/10001", "pokemon-species/25", "evolution-chain/10"])
def test_every_url_ends_in_a_numeric_id_and_answers_json(server: LocalServer, path: str) -> None:
    _, _, body = call(f"{server.base_url}/{path}/")
    urls = urls_in(body)
    assert urls
    for url in urls:
        assert url.startswith(server.base_url) and url.endswith("/") and url.rstrip("/").rsplit("/", 1)[1].isdigit()
        status, content_type, _ = call(url)
        assert (status, content_type) == (200, "application/json"), url


@needs_csv
def test_linked_ids_are_the_ones_in_pokeapis_tables(server: LocalServer) -> None:
    _, _, pikachu = call(f"{server.base_url}/pokemon/pikachu/")
    abilities = {a["ability"]["name"]: int(a["ability"]["url"].split("/")[-2]) for a in pikachu["abilities"]}
    assert abilities == {name: csv_ids("abilities.csv")[name] for name in abilities}
    assert abilities == {"static": 9, "lightning-rod": 31}
    stats = {s["stat"]["name"]: int(s["stat"]["url"].split("/")[-2]) for s in pikachu["stats"]}
    assert stats == {name: csv_ids("stats.csv")[name] for name in stats}
    assert pikachu["types"][0]["type"]["url"] == f"{server.base_url}/type/{csv_ids('types.csv')['electric']}/"
    _, _, species = call(f"{server.base_url}/pokemon-species/pikachu/")
    assert species["color"]["url"] == f"{server.base_url}/pokemon-color/{csv_ids('pokemon_colors.csv')['yellow']}/"
    assert species["generation"]["url"] == f"{server.base_url}/generation/1/"


def test_species_fill_the_fields_that_were_null(server: LocalServer) -> None:
    _, _, pikachu = call(f"{server.base_url}/pokemon-species/25/")
    assert (pikachu["has_gender_differences"], pikachu["forms_switchable"]) == (True, False)
    assert [pikachu[key]["name"] for key in ("growth_rate", "shape", "habitat")] == ["medium", "quadruped", "forest"]
    _, _, koraidon = call(f"{server.base_url}/pokemon-species/koraidon/")
    assert koraidon["habitat"] is None  # PokéAPI has habitats only up to generation 3


@pytest.mark.parametrize(
    ("resource", "count"), [("pokemon-species", 1025), ("evolution-chain", 541), ("type", 21), ("ability", 373)]
)
def test_list_routes_page_through_every_resource(server: LocalServer, resource: str, count: int) -> None:
    status, _, page = call(f"{server.base_url}/{resource}/?limit=5&offset=5")
    assert status == 200 and page["count"] == count and len(page["results"]) == 5
    assert page["previous"] == f"{server.base_url}/{resource}/?offset=0&limit=5"
    status, _, first = call(page["results"][0]["url"])
    assert status == 200


def test_a_type_lists_its_pokemon_and_a_colour_its_species(server: LocalServer) -> None:
    _, _, electric = call(f"{server.base_url}/type/electric/")
    assert electric["id"] == 13 and electric["generation"]["name"] == "generation-i"
    assert {"slot": 1, "pokemon": {"name": "pikachu", "url": f"{server.base_url}/pokemon/25/"}} in electric["pokemon"]
    _, _, yellow = call(f"{server.base_url}/pokemon-color/10/")
    assert {"name": "pikachu", "url": f"{server.base_url}/pokemon-species/25/"} in yellow["pokemon_species"]


def test_encounters_of_a_pokemon_are_an_empty_list_offline(server: LocalServer) -> None:
    _, _, pikachu = call(f"{server.base_url}/pokemon/25/")
    assert call(pikachu["location_area_encounters"]) == (200, "application/json", [])
    assert call(f"{server.base_url}/pokemon/missingno/encounters").status == 404


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/berry/1/",
        "/api/v2/type/999/",
        "/api/v2/pokemon/25/moves/",
        "/api/v2/a/b/c/d/",
        "/nothing-here",
        "/api/v2/evolution-chain/99999/",
    ],
)
def test_anything_missing_is_a_json_404_never_plain_text(server: LocalServer, path: str) -> None:
    status, content_type, body = call(server.url + path)
    assert (status, content_type) == (404, "application/json")
    assert body["detail"].startswith("Not found")


@pytest.mark.parametrize("key", ["9" * 5000, "%C2%B2", "%D9%A3", "-1", "1.5", "0x19", "%20", "pikachu%00", "x" * 3000])
@pytest.mark.parametrize("resource", ["pokemon", "pokemon-species", "evolution-chain", "type"])
def test_odd_ids_are_a_json_404_not_a_500(server: LocalServer, resource: str, key: str) -> None:
    status, content_type, _ = call(f"{server.base_url}/{resource}/{key}/")
    assert (status, content_type) == (404, "application/json")


def test_a_wrong_method_is_a_json_405(server: LocalServer) -> None:
    status, content_type, body = call(f"{server.base_url}/pokemon/25/", method="DELETE")
    assert (status, content_type) == (405, "application/json") and body["detail"]
