"""The bundled dataset holds every Pokémon and finds them by id or name."""

from gui.core.workload.dataset import load_pokedex


def test_the_dataset_has_all_1025_default_pokemon_and_the_extra_forms() -> None:
    dex = load_pokedex()
    assert [p["id"] for p in dex.default_pokemon] == list(range(1, 1026))
    forms = [p for p in dex.pokemon if p["id"] >= 10001]
    assert forms and all(not p["is_default"] for p in forms)
    assert len(dex.species) == 1025


def test_lookup_by_id_name_or_any_case_finds_the_same_pokemon() -> None:
    dex = load_pokedex()
    assert dex.find_pokemon(25) is dex.find_pokemon("25") is dex.find_pokemon(" Pikachu ")
    assert dex.find_pokemon("missingno") is None


def test_a_pokemon_carries_genus_colour_generation_and_its_evolution_links() -> None:
    dex = load_pokedex()
    charizard = dex.find_pokemon("charizard")
    assert charizard is not None
    assert dex.genus_of(charizard) == "Flame Pokémon"
    species = dex.find_species(charizard["species"])
    assert species is not None
    assert (species["color"], species["generation"], species["evolves_from"]) == ("red", "generation-i", 5)
    assert [s["name"] for s in dex.chain_members(species["evolution_chain"])] == [
        "charmander",
        "charmeleon",
        "charizard",
    ]
    assert [t for _, t in charizard["types"]] == ["fire", "flying"]
