"""Overlap arithmetic the lessons' figures rest on, on intervals small enough to check by hand."""

from __future__ import annotations

import pytest

from gui.core.trace.events import SliverEvent
from gui.core.trace.overlap import most_at_once, pairwise_overlap_s, sampled_overlap_s, union_s


def test_lanes_taking_turns_do_not_overlap_even_when_they_touch() -> None:
    assert pairwise_overlap_s({"a": [(0, 1), (2, 3)], "b": [(1, 2), (3, 4)]}) == 0


def test_pairwise_overlap_counts_every_pair_of_lanes_running_together() -> None:
    assert pairwise_overlap_s({"a": [(0, 2)], "b": [(1, 3)]}) == pytest.approx(1)
    assert pairwise_overlap_s({"a": [(0, 1)], "b": [(0, 1)], "c": [(0, 1)]}) == pytest.approx(3)


def test_a_lanes_own_nested_intervals_do_not_count_as_overlap() -> None:
    assert pairwise_overlap_s({"a": [(0, 3), (1, 2)], "b": [(5, 6)]}) == 0


def test_union_and_most_at_once() -> None:
    assert union_s([(0, 1), (0.5, 2), (3, 4)]) == pytest.approx(3)
    assert most_at_once([(0, 1), (1, 2)]) == 1
    assert most_at_once([(0, 2), (1, 3), (1.5, 1.6)]) == 3


def test_samples_bound_the_overlap_from_below_and_above() -> None:
    samples = [
        SliverEvent("a", 0.0, 1.0, 0.75),  # together 1.25 s of running in 1 s: at least 0.25 s at once
        SliverEvent("b", 0.0, 1.0, 0.5),
        SliverEvent("a", 1.0, 2.0, 0.5),  # 0.75 s in 1 s: maybe never at once, at most 0.25 s
        SliverEvent("b", 1.0, 2.0, 0.25),
    ]
    bounds = sampled_overlap_s(samples)
    assert bounds.at_least_s == pytest.approx(0.25)
    assert bounds.at_most_s == pytest.approx(0.5 + 0.25)
