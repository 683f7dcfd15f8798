"""Colours that cannot be confused: every pair of timeline colours that can be on one screen together.

Distances are CIEDE2000 (ΔE00) in CIELAB, in normal vision and under complete protanopia,
deuteranopia and tritanopia simulated with Machado et al. (2009) at severity 1.0 (see
tests/colour_vision.py). They are checked in the normal palette on the light and the dark theme (the
queue is translucent: it is composited on each theme's base first) and in presenter mode's
high-contrast palette on white and on black.

Thresholds, and why:
- Normal vision, 15. ΔE00 1 is about a just-noticeable difference between two large patches side by
  side; a legend swatch of 22x12 px and a bar a few pixels high need several times that to be named
  at a glance. The pairs a learner mixed up measured 9.6 ("waiting (TTFB)" green against the teal of
  "read → write") and 11.9 ("parsing" against "waiting for the GIL"); the closest pair inside Paul
  Tol's muted palette, designed to be told apart, is 15.0.
- Each simulated deficiency, 6. Complete dichromacy leaves two dimensions of colour: 16 colours on
  one screen cannot stay 15 apart there (Okabe-Ito's own 8 come down to 10.9-12.2), so this asks for
  a difference still obvious side by side, six just-noticeable differences. Every pair it rejected
  in the old palette (down to 0.9: "now" against "waiting for a core") was a real confusion.
- A hazard (deadlocked, update lost, failed) against a network phase, 20 and 8: a learner must never
  read a failure or a lost write as an ordinary phase. Hazards are hatched as well.
- Any two segments at all, 10 in normal vision: runs picked from the history can share one axis, so
  no two meanings may share a colour even when no lesson shows them together.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from gui.core.model.segments import SEGMENTS_OF_STEP, STEP_SEGMENTS, Segment
from gui.core.modes.catalogue import MODES
from gui.core.workload.after_fetch import AfterFetch
from gui.qt import theme
from gui.qt.bar_layer import HATCHED
from tests.colour_vision import RGB, VISIONS, Lab, chroma, ciede2000, distance, hex_rgb, hue_deg, over

NORMAL_MIN = 15.0
DEFICIENT_MIN = 6.0
HAZARD_NORMAL_MIN = 20.0
HAZARD_DEFICIENT_MIN = 8.0
ANY_PAIR_MIN = 10.0
LOST_HUE_DEG = (15.0, 45.0)  # CIELAB h_ab of reds (#ff0000 is 40); vermillion is 56, orange 78, magenta 6
LOST_CHROMA_MIN = 40.0

NOW = "now"  # the legend's "now" line, drawn over every bar
Key = Segment | str

HAZARDS = (Segment.DEADLOCKED, Segment.LOST_UPDATE, Segment.FAILED)
NETWORK = tuple(segment for segment in Segment if segment not in STEP_SEGMENTS and segment is not Segment.STARTING)
# What every run can draw, whatever runs after its fetch: the network phases, worker start-ups and
# the futures modes' awaits (generously: with any step), and the "now" line.
EVERYWHERE: tuple[Key, ...] = (
    *(segment for segment in Segment if segment not in STEP_SEGMENTS),
    *{segment for spec in MODES.values() for segment in spec.draws},
    NOW,
)
# What the steps after a fetch add, in the families a lesson or a comparison shows side by side
# (the race shows its unsafe and locked programs together, the deadlock its two lock orders...).
PROGRAMS = tuple(step for step in AfterFetch if step.is_program)
SCREENS: dict[str, tuple[Segment, ...]] = {
    "computing": SEGMENTS_OF_STEP[AfterFetch.COMPUTE],
    "timed calls": (*SEGMENTS_OF_STEP[AfterFetch.BLOCK], *SEGMENTS_OF_STEP[AfterFetch.AWAIT_IN_THREAD]),
    "shared memory": tuple(dict.fromkeys(s for step in PROGRAMS for s in SEGMENTS_OF_STEP.get(step, ()))),
}
# (name, high contrast, dark theme, the base a translucent colour is composited on)
PALETTES = (
    ("light", False, False, "#ffffff"),
    ("dark", False, True, "#16181b"),
    ("presenter on white", True, False, "#ffffff"),
    ("presenter on black", True, True, "#000000"),
)


def name(key: Key) -> str:
    return key.name if isinstance(key, Segment) else key


def together() -> list[tuple[Key, Key]]:
    pairs: dict[frozenset[Key], tuple[Key, Key]] = {}
    for screen in SCREENS.values():
        for first, second in itertools.combinations(dict.fromkeys((*EVERYWHERE, *screen)), 2):
            pairs.setdefault(frozenset((first, second)), (first, second))
    return list(pairs.values())


def colours(high_contrast: bool, dark: bool, base_hex: str) -> dict[Key, RGB]:
    """Every segment's colour as the painter fills it, composited on ``base_hex`` if translucent."""
    was = theme.high_contrast()
    theme.set_high_contrast(high_contrast)
    try:
        out: dict[Key, RGB] = {}
        for segment in Segment:
            qcolor = theme.segment_color(segment, dark)
            rgb = hex_rgb(qcolor.name())
            out[segment] = rgb if qcolor.alpha() == 255 else over(hex_rgb(base_hex), rgb, qcolor.alpha() / 255)
        out[NOW] = hex_rgb(theme.NOW_LINE_HEX)
        return out
    finally:
        theme.set_high_contrast(was)


def too_close(pairs: list[tuple[Key, Key]], normal_min: float, deficient_min: float) -> Iterator[str]:
    for label, high_contrast, dark, base in PALETTES:
        palette = colours(high_contrast, dark, base)
        for vision in VISIONS:
            least = normal_min if vision == "normal" else deficient_min
            for first, second in pairs:
                gap = distance(palette[first], palette[second], vision)
                if gap < least:
                    yield f"{label}, {vision}: {name(first)} / {name(second)} ΔE00 {gap:.1f} < {least:g}"


def test_the_colour_difference_formula_matches_sharma_s_published_pairs() -> None:
    published = [  # Sharma, Wu and Dalal (2005), table 1: pairs 1, 7, 17, 25
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ]
    for first, second, expected in published:
        assert ciede2000(Lab(*first), Lab(*second)) == pytest.approx(expected, abs=1e-4)


def test_every_step_segment_belongs_to_a_screen_the_pairs_cover() -> None:
    covered = {*EVERYWHERE, *(segment for screen in SCREENS.values() for segment in screen)}
    assert set(Segment) <= covered


def test_colours_that_can_be_on_one_screen_are_far_apart_in_every_vision_and_palette() -> None:
    close = list(too_close(together(), NORMAL_MIN, DEFICIENT_MIN))
    assert not close, "\n".join(close)


def test_a_hazard_never_looks_like_a_network_phase() -> None:
    pairs: list[tuple[Key, Key]] = [(h, n) for h in HAZARDS for n in NETWORK if h is not n]
    close = list(too_close(pairs, HAZARD_NORMAL_MIN, HAZARD_DEFICIENT_MIN))
    assert not close, "\n".join(close)
    assert set(HAZARDS) <= set(HATCHED), "a hazard is told by its texture as well as its colour"


def test_no_two_segments_share_a_colour_even_across_lessons() -> None:
    pairs: list[tuple[Key, Key]] = list(itertools.combinations([*Segment, NOW], 2))
    close = list(too_close(pairs, ANY_PAIR_MIN, 0.0))
    assert not close, "\n".join(close)


def test_a_lost_update_is_red_wherever_it_is_drawn() -> None:
    for _, high_contrast, dark, base in PALETTES:
        lost = colours(high_contrast, dark, base)[Segment.LOST_UPDATE]
        low, high = LOST_HUE_DEG
        assert low <= hue_deg(lost) <= high and chroma(lost) >= LOST_CHROMA_MIN
    assert theme.segment_color(Segment.LOST_UPDATE, False).name() == theme.LOST_HEX  # its markers
    assert theme.segment_color(Segment.DEADLOCKED, False).name() == theme.DEADLOCK_HEX  # its cycle's arrows
