"""Real third-party PokéAPI clients fetch a Pokémon, its species' genus and its evolution chain.

They read ids out of urls, follow links and list whole resources, so they catch what a schema
cannot. Each is optional (the ``clients`` extra) and its test skips when it is not installed.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from gui.server import LocalServer


def test_pokebase_follows_every_link_of_pikachu(server: LocalServer, tmp_path: Path, monkeypatch: Any) -> None:
    pytest.importorskip("pokebase")
    import pokebase.cache
    import pokebase.common

    monkeypatch.setattr(pokebase.common, "BASE_URL", server.base_url)  # the library's only setting for it
    user_cache = pokebase.cache.CACHE_DIR
    pokebase.cache.set_cache(str(tmp_path))  # its on-disk cache is keyed by path alone, not by host
    try:
        pikachu = pokebase.pokemon("pikachu")
        assert (pikachu.id, pikachu.types[0].type.name) == (25, "electric")
        assert {a.ability.name for a in pikachu.abilities} == {"static", "lightning-rod"}
        species = pokebase.pokemon_species(pikachu.species.id_)
        assert species.genera[0].genus == "Mouse Pokémon"
        assert species.growth_rate.name == "medium"
        chain = pokebase.evolution_chain(10)
        assert chain.chain.species.name == "pichu"
        assert chain.chain.evolves_to[0].evolves_to[0].species.name == "raichu"
    finally:
        pokebase.cache.set_cache(user_cache)


def test_aiopokeapi_fetches_and_follows_links(server: LocalServer) -> None:
    aiopoke = pytest.importorskip("aiopoke")

    async def fetch() -> tuple[Any, Any, Any, list[Any]]:
        async with aiopoke.AiopokeClient(base_url=server.base_url) as client:
            pokemon = await client.get_pokemon("pikachu")
            species = await pokemon.species.fetch()
            chain = await species.evolution_chain.fetch()
            linked = [await r.fetch() for r in (pokemon.types[0].type, pokemon.abilities[0].ability, species.color)]
            return pokemon, species, chain, linked

    pokemon, species, chain, linked = asyncio.run(fetch())
    assert (pokemon.id, pokemon.name, pokemon.weight) == (25, "pikachu", 60)
    assert species.genera[0].genus == "Mouse Pokémon" and species.habitat.name == "forest"
    assert chain.chain.species.name == "pichu" and chain.chain.evolves_to[0].species.name == "pikachu"
    assert [r.name for r in linked] == ["electric", "static", "yellow"]
