"""The three detail shapes the app relies on validate against PokéAPI's own ``openapi.yml``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gui.server import LocalServer
from tests.server.json_http import call

jsonschema = pytest.importorskip("jsonschema")
yaml = pytest.importorskip("yaml")

OPENAPI = Path(__file__).resolve().parents[3] / "shared" / "pokeapi-csv" / "openapi.yml"

# Links the spec types as always present but PokéAPI itself sends as null (bulbasaur evolves from
# nothing, gen 4+ species have no habitat, most chains no baby trigger item): null is allowed there.
NULLABLE_LINKS = {
    "PokemonSpeciesDetail": ("evolves_from_species", "habitat", "shape"),
    "EvolutionChainDetail": ("baby_trigger_item",),
}


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    if not OPENAPI.exists():
        pytest.skip("PokéAPI's openapi.yml is not beside the checkout")
    spec = yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))
    components: dict[str, Any] = honour_nullable(spec["components"])
    for name, fields in NULLABLE_LINKS.items():
        properties = components["schemas"][name]["properties"]
        for field in fields:
            properties[field] = {"anyOf": [properties[field], {"type": "null"}]}
    return components


def honour_nullable(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true``, which the spec still uses on a few fields, as JSON Schema's null."""
    if isinstance(node, list):
        return [honour_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    plain = {key: honour_nullable(value) for key, value in node.items() if key != "nullable"}
    return {"anyOf": [plain, {"type": "null"}]} if node.get("nullable") is True else plain


def validator(components: dict[str, Any], name: str) -> Any:
    schema = {"$ref": f"#/components/schemas/{name}", "components": components}
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize(
    ("shape", "paths"),
    [
        ("PokemonDetail", ["pokemon/1", "pokemon/25", "pokemon/493", "pokemon/1025", "pokemon/10001"]),
        ("PokemonSpeciesDetail", ["pokemon-species/1", "pokemon-species/25", "pokemon-species/1008"]),
        ("EvolutionChainDetail", ["evolution-chain/1", "evolution-chain/10", "evolution-chain/67"]),
        ("PaginatedPokemonSummaryList", ["pokemon/?limit=3"]),
        ("PaginatedPokemonSpeciesSummaryList", ["pokemon-species/?limit=3&offset=3"]),
        ("PaginatedEvolutionChainSummaryList", ["evolution-chain/?limit=3"]),
    ],
)
def test_answers_validate_against_pokeapis_openapi(
    server: LocalServer, schemas: dict[str, Any], shape: str, paths: list[str]
) -> None:
    check = validator(schemas, shape)
    for path in paths:
        status, _, body = call(f"{server.base_url}/{path}" + ("/" if "?" not in path else ""))
        assert status == 200
        problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in check.iter_errors(body)]
        assert problems == [], path


def test_the_contract_catches_a_missing_field(server: LocalServer, schemas: dict[str, Any]) -> None:
    _, _, body = call(f"{server.base_url}/pokemon-species/25/")
    del body["growth_rate"]
    assert not validator(schemas, "PokemonSpeciesDetail").is_valid(body)
