"""The in-flight steps are kept between calls as a run's changes grow: the same steps as sorting
everything each time, whether the new changes come in time order or out of it."""

from __future__ import annotations

import random

import pytest

from gui.core.results.stats import level_steps


def sorted_from_scratch(changes: list[tuple[float, int]]) -> list[tuple[float, int]]:
    level, steps = 0, []
    for t, delta in sorted(changes):
        level += delta
        steps.append((t, level))
    return steps


@pytest.mark.parametrize("seed", range(20))
def test_steps_of_a_growing_list_equal_steps_sorted_from_scratch(seed: int) -> None:
    rng = random.Random(seed)
    changes: list[tuple[float, int]] = []
    for frame in range(40):
        for _ in range(rng.randint(0, 15)):  # mostly in order, some from a moment ago, ties included
            changes.append((round(frame * 0.1 + rng.uniform(-0.15, 0.1), 2), rng.choice((1, -1))))
        assert level_steps(changes) == sorted_from_scratch(changes)


def test_a_new_list_with_the_same_contents_starts_over_and_ends_sort_before_starts_on_ties() -> None:
    first = [(1.0, 1), (2.0, -1)]
    assert level_steps(first) == [(1.0, 1), (2.0, 0)]
    second = [(2.0, 1), (2.0, -1), (1.0, 1)]
    assert level_steps(second) == [(1.0, 1), (2.0, 0), (2.0, 1)]
